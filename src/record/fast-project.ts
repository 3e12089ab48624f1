// A note line validated and written out as JSON of a projection of it, in one generated pass: what
// JSON.stringify(project(parse(value))) gives, where parse is the plan's parser (fast-parse.ts) and
// project keeps some fields, replaces others with constants and reorders keys. A cold index build
// writes every record line of history this way (the index's slim record): without it, each line
// was copied once by the parser, once by the projection, and walked again by JSON.stringify.
//
// Same acceptance as the plan's parser: whatever it would not accept gives NOT_PARSED, and so does
// a line with a key the projection marks `absent` (the caller then goes the long way). Strings are
// written by JSON.stringify's own rules (a plain string is quoted as is, any other through
// JSON.stringify itself); nested values the projection keeps whole go through JSON.stringify.
import { defaultOf, emit, NOT_PARSED, type Plan, Program, unknownKeys, Unsupported } from './fast-parse.js';

/** What the projection writes for an object: its keys in output order. */
export interface ObjectProjection {
  type: 'object';
  fields: ProjectedField[];
}

/** An array of objects, each projected. */
export interface EachProjection {
  type: 'each';
  item: ObjectProjection;
}

export type ProjectedField =
  /** The parsed value of the key (left out when undefined). */
  | { key: string; from: 'value' }
  /** A constant in place of the parsed value (the key is still validated). */
  | { key: string; from: 'const'; value: unknown }
  /** The parsed value, projected. */
  | { key: string; from: 'project'; projection: ObjectProjection | EachProjection }
  /** An unknown key of a loose object, as it is (left out when undefined). */
  | { key: string; from: 'loose' }
  /** An unknown key of a loose object, kept only when it is a string. */
  | { key: string; from: 'loose-string' }
  /** An unknown key the projection does not handle: a line that has it gives NOT_PARSED. */
  | { key: string; from: 'absent' }
  /** An unknown key written by `write` from its value as it is (undefined: left out). */
  | { key: string; from: 'custom'; write: (value: unknown) => string | undefined };

/**
 * The JSON text of the projection of what the plan's parser gives for a value, or NOT_PARSED; null
 * when the plan or projection uses what this does not know, or code generation is disabled.
 */
export function compileProjection(
  plan: Plan,
  projection: ObjectProjection,
): ((value: unknown) => string | typeof NOT_PARSED) | null {
  try {
    const p = new Program();
    const root = p.fn((name) => {
      const out = p.variable();
      return `function ${name}(v) { let ${out}; ${projected(p, plan, projection, 'v', out, 'return NP;')} if (${out} === undefined) return NP; return ${out}; }`;
    });
    const params = ['NP', 'Q', 'J', 'QA', ...p.constants.map((_, i) => `k${i}`)];
    const source = `"use strict"; ${p.functions.join('\n')}\nreturn ${root};`;
    const make = new Function(...params, source) as (...args: unknown[]) => (value: unknown) => unknown;
    return make(NOT_PARSED, quote, json, quoteAll, ...p.constants) as (
      value: unknown,
    ) => string | typeof NOT_PARSED;
  } catch (e) {
    if (e instanceof Unsupported || e instanceof EvalError) return null;
    throw e;
  }
}

const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** JSON.stringify of a string: as is between quotes unless a character would be escaped. */
function quote(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/** JSON.stringify of an array of strings. */
function quoteAll(list: string[]): string {
  const n = list.length;
  if (n === 0) return '[]';
  let s = '[';
  for (let i = 0; i < n; i++) s += i === 0 ? quote(list[i]!) : `,${quote(list[i]!)}`;
  return `${s}]`;
}

/**
 * The expression that writes the parsed value `x` of a plan as JSON (never undefined there): the
 * plan says whether it is a string, a number, a list of strings… where it does not, JSON.stringify.
 */
function writer(plan: Plan, x: string): string {
  switch (plan.type) {
    case 'string':
    case 'values':
      return `Q(${x})`;
    case 'number':
      // Finite (checked): JSON.stringify writes it as String does.
      return `("" + ${x})`;
    case 'boolean':
      return `(${x} ? "true" : "false")`;
    case 'nullable':
      return `(${x} === null ? "null" : ${writer(plan.inner, x)})`;
    case 'optional':
      return writer(plan.inner, x);
    case 'default':
    case 'prefault':
      // The value is the inner plan's or (a copy of) the default: one writer when it fits both.
      return fits(plan.inner, plan.value) ? writer(plan.inner, x) : `J(${x})`;
    case 'array':
      return writesString(plan.element) ? `QA(${x})` : `J(${x})`;
    case 'union':
      return plan.options.every(writesString) ? `Q(${x})` : `J(${x})`;
    default:
      return `J(${x})`;
  }
}

function writesString(plan: Plan): boolean {
  return writer(plan, 'x') === 'Q(x)';
}

/** Whether writer(plan) writes `value` as JSON.stringify does. */
function fits(plan: Plan, value: unknown): boolean {
  const w = writer(plan, 'x');
  if (w === 'J(x)') return true;
  if (w === 'Q(x)') return typeof value === 'string';
  switch (plan.type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'nullable':
      return value === null || fits(plan.inner, value);
    case 'optional':
    case 'default':
    case 'prefault':
      return fits(plan.inner, value);
    case 'array':
      return Array.isArray(value) && value.every((e) => typeof e === 'string');
    default:
      return false;
  }
}

/** JSON.stringify of a parsed value (never undefined here). */
function json(x: unknown): string {
  return typeof x === 'string' ? quote(x) : JSON.stringify(x);
}

/**
 * Statements that parse `src` by `plan` and set `dst` to the JSON text of its projection (undefined
 * where the parsed value is undefined), or run `fail`.
 */
function projected(
  p: Program,
  plan: Plan,
  projection: ObjectProjection | EachProjection,
  src: string,
  dst: string,
  fail: string,
): string {
  switch (plan.type) {
    case 'default': {
      // The default's projection is its JSON only when it has nothing to project.
      const v = plan.value;
      if (!(v === null || (Array.isArray(v) && v.length === 0))) throw new Unsupported();
      return `if (${src} === undefined) ${dst} = ${JSON.stringify(JSON.stringify(v))}; else { ${projected(p, plan.inner, projection, src, dst, fail)} }`;
    }
    case 'prefault': {
      const t = p.variable();
      const value = p.constant(defaultOf(plan.value));
      return `let ${t} = ${src} === undefined ? ${value}() : ${src}; ${projected(p, plan.inner, projection, t, dst, fail)}`;
    }
    case 'nullable':
      return `if (${src} === null) ${dst} = "null"; else { ${projected(p, plan.inner, projection, src, dst, fail)} }`;
    case 'optional': {
      const inner = plan.inner.type;
      if (inner === 'default' || inner === 'prefault')
        return projected(p, plan.inner, projection, src, dst, fail);
      return `if (${src} === undefined) ${dst} = undefined; else { ${projected(p, plan.inner, projection, src, dst, fail)} }`;
    }
    case 'object': {
      if (projection.type !== 'object') throw new Unsupported();
      const f = objectFunction(p, plan, projection);
      return `${dst} = ${f}(${src}); if (${dst} === NP) ${fail}`;
    }
    case 'array': {
      if (projection.type !== 'each') throw new Unsupported();
      const f = eachFunction(p, plan.element, projection.item);
      return `${dst} = ${f}(${src}); if (${dst} === NP) ${fail}`;
    }
    default:
      throw new Unsupported();
  }
}

/** Whether the parsed value of a plan can be undefined (an absent key it does not fill in). */
function mayBeUndefined(plan: Plan): boolean {
  switch (plan.type) {
    case 'unknown':
      return true;
    case 'optional':
      return plan.inner.type !== 'default' && plan.inner.type !== 'prefault';
    case 'nullable':
      return mayBeUndefined(plan.inner);
    case 'union':
      return plan.options.some(mayBeUndefined);
    default:
      return false;
  }
}

function objectFunction(
  p: Program,
  plan: Extract<Plan, { type: 'object' }>,
  projection: ObjectProjection,
): string {
  const planned = new Map(plan.keys);
  const byKey = new Map(projection.fields.map((f) => [f.key, f]));
  for (const f of projection.fields) {
    const inPlan = planned.has(f.key);
    const loose =
      f.from === 'loose' || f.from === 'loose-string' || f.from === 'absent' || f.from === 'custom';
    // A loose key is one the schema does not name, on an object that keeps unknown keys.
    if (loose === inPlan || (loose && !plan.keepUnknown)) throw new Unsupported();
  }
  const known = p.constant(new Set(plan.keys.map(([k]) => k)));
  return p.fn((name) => {
    const vars = new Map<string, string>();
    const fields = plan.keys.map(([key, field]) => {
      const prop = propOf(key);
      const raw = p.variable();
      const val = p.variable();
      vars.set(key, val);
      const f = byKey.get(key);
      const parse =
        f?.from === 'project'
          ? projected(p, field, f.projection, raw, val, 'return NP;')
          : emit(p, field, raw, val, 'return NP;');
      return `const ${raw} = v${prop}; let ${val};
        ${parse}
        if (${raw} !== undefined) present++;
        if (${val} === undefined && ${JSON.stringify(key)} in v) return NP;`;
    });
    const parts: string[] = [];
    const checks: string[] = [];
    projection.fields.forEach((f, i) => {
      const head = JSON.stringify(`${i === 0 ? '{' : ','}${JSON.stringify(f.key)}:`);
      const val = vars.get(f.key);
      let part: string;
      let always = false;
      switch (f.from) {
        case 'value': {
          const plan = planned.get(f.key)!;
          always = !mayBeUndefined(plan);
          const w = writer(plan, val!);
          part = always ? `${head} + ${w}` : `(${val} === undefined ? "" : ${head} + ${w})`;
          break;
        }
        case 'const':
          always = true;
          part = JSON.stringify(`${JSON.parse(head)}${JSON.stringify(f.value)}`);
          break;
        case 'project':
          always = !mayBeUndefined(planned.get(f.key)!);
          part = always ? `${head} + ${val}` : `(${val} === undefined ? "" : ${head} + ${val})`;
          break;
        case 'loose': {
          const x = `v${propOf(f.key)}`;
          part = `(${x} === undefined ? "" : ${head} + J(${x}))`;
          break;
        }
        case 'loose-string': {
          const x = `v${propOf(f.key)}`;
          part = `(typeof ${x} === "string" ? ${head} + Q(${x}) : "")`;
          break;
        }
        case 'absent':
          checks.push(`if (v${propOf(f.key)} !== undefined) return NP;`);
          return;
        case 'custom': {
          const x = p.variable();
          checks.push(`const ${x} = ${p.constant(f.write)}(v${propOf(f.key)});`);
          part = `(${x} === undefined ? "" : ${head} + ${x})`;
          break;
        }
      }
      // The first key opens the object: it must always be there.
      if (parts.length === 0 && !always) throw new Unsupported();
      parts.push(part);
    });
    if (parts.length === 0) throw new Unsupported();
    // Unknown keys are not copied.
    return `function ${name}(v) {
      if (typeof v !== "object" || v === null || Array.isArray(v)) return NP;
      let present = 0;
      ${fields.join('\n')}
      ${unknownKeys(known, '')}
      ${checks.join('\n')}
      return ${parts.join(' + ')} + "}";
    }`;
  });
}

function eachFunction(p: Program, element: Plan, item: ObjectProjection): string {
  return p.fn((name) => {
    const x = p.variable();
    const y = p.variable();
    return `function ${name}(v) {
      if (!Array.isArray(v)) return NP;
      const n = v.length;
      if (n === 0) return "[]";
      let s = "[";
      for (let i = 0; i < n; i++) {
        const ${x} = v[i]; let ${y};
        ${projected(p, element, item, x, y, 'return NP;')}
        if (${y} === undefined) return NP;
        s += i === 0 ? ${y} : "," + ${y};
      }
      return s + "]";
    }`;
  });
}

function propOf(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}
