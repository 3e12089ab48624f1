// A parser compiled from a zod schema's own definition, for the read paths (a cold index build reads
// every note line; `show` reads a few): zod's safeParse was about 600 ms of a 10k-record build, most
// of it in issue bookkeeping and per-node payload objects. The compiled parser gives the same value
// as safeParse's data (same keys in the same order, the same defaults) for input it accepts, and
// gives up (NOT_PARSED) on anything else: the caller then asks zod, which decides and words the error.
//
// It compiles in two steps: planOf() reads the schema's definition into a plan (plain data), and
// compilePlan() generates the parser from a plan. The plans of the note lines ship precomputed
// (line-plans.ts, checked against the schema by a test), so a reader builds no zod schema at all
// unless a line needs zod. A construct the planner does not know makes planOf() return null, and
// every line of that kind goes to zod.
//
// The parser is generated JavaScript (one function per object and array schema, leaf checks
// inline, named property loads), built with `new Function`: V8 then sees one call site per field,
// where closures over a generic step shared one megamorphic keyed load for every field of every
// object (about 3x slower). Where code generation from strings is disabled, it returns null too.
import type { z } from 'zod';
import { NAMED_CHECKS, type NamedCheck } from './text-checks.js';

/** The fast parser did not accept the input: zod decides. */
export const NOT_PARSED: unique symbol = Symbol('not parsed');

/** What a schema accepts, as plain data (JSON): enough to compile the parser from. */
export type Plan =
  | { type: 'string'; checks: StringCheck[] }
  | { type: 'number'; int: boolean }
  | { type: 'boolean' }
  | { type: 'unknown' }
  | { type: 'values'; values: string[] }
  | { type: 'nullable' | 'optional'; inner: Plan }
  | { type: 'default' | 'prefault'; value: unknown; inner: Plan }
  | { type: 'union'; options: Plan[] }
  | { type: 'array'; element: Plan }
  | { type: 'object'; keys: [string, Plan][]; keepUnknown: boolean };

type StringCheck = { pattern: string; flags: string } | { named: NamedCheck };

type Step = (value: unknown) => unknown;

/** A parser for `schema`, or null when the schema uses a construct this compiler does not know. */
export function compileParser<T extends z.ZodType>(
  schema: T,
): ((value: unknown) => z.infer<T> | typeof NOT_PARSED) | null {
  const plan = planOf(schema);
  return plan && compilePlan<z.infer<T>>(plan);
}

/** The plan of `schema`, or null when it uses a construct the compiler does not know. */
export function planOf(schema: z.ZodType): Plan | null {
  try {
    return plan(schema);
  } catch (e) {
    if (e instanceof Unsupported) return null;
    throw e;
  }
}

/** The parser of a plan (from planOf, or shipped in line-plans.ts); null where code generation is off. */
export function compilePlan<T>(p: Plan): ((value: unknown) => T | typeof NOT_PARSED) | null {
  try {
    return generate(p) as (value: unknown) => T | typeof NOT_PARSED;
  } catch (e) {
    if (e instanceof EvalError) return null;
    throw e;
  }
}

/**
 * The parser of a plan as closures over it: ready at once, where generating code costs about 10 ms
 * for the record plan; about 3x slower per line once warm. For a few lines (`show`, `log`).
 */
export function interpretPlan<T>(p: Plan): (value: unknown) => T | typeof NOT_PARSED {
  return closures(p) as (value: unknown) => T | typeof NOT_PARSED;
}

/** A construct the compiler does not know (planOf returns null; fast-project.ts gives up too). */
export class Unsupported extends Error {}

interface Def {
  type: string;
  checks?: { _zod: { def: CheckDef } }[];
  [key: string]: unknown;
}
interface CheckDef {
  check: string;
  format?: string;
  pattern?: RegExp;
  fn?: (v: unknown) => unknown;
  [key: string]: unknown;
}

const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;

function plan(schema: unknown): Plan {
  const def = defOf(schema);
  switch (def.type) {
    case 'string':
      return { type: 'string', checks: stringChecks(def) };
    case 'number':
      return { type: 'number', int: numberIsInt(def) };
    case 'boolean':
    case 'unknown':
      noChecks(def);
      return { type: def.type };
    case 'literal':
    case 'enum': {
      noChecks(def);
      const values =
        def.type === 'literal' ? (def.values as unknown[]) : Object.values(def.entries as object);
      if (!values.every((x) => typeof x === 'string')) throw new Unsupported();
      return { type: 'values', values: values as string[] };
    }
    case 'nullable':
    case 'optional':
      noChecks(def);
      return { type: def.type, inner: plan(def.innerType) };
    case 'default':
    case 'prefault':
      noChecks(def);
      // The value as plain data: the compiled step hands out a copy each time, as zod's getter does.
      return { type: def.type, value: plainValue(def.defaultValue), inner: plan(def.innerType) };
    case 'lazy':
      noChecks(def);
      return plan((def.getter as () => unknown)());
    case 'union':
      noChecks(def);
      return { type: 'union', options: (def.options as unknown[]).map(plan) };
    case 'array':
      noChecks(def);
      return { type: 'array', element: plan(def.element) };
    case 'object':
      noChecks(def);
      return objectPlan(def);
    default:
      throw new Unsupported();
  }
}

function objectPlan(def: Def): Plan {
  const shape = def.shape as Record<string, unknown>;
  // z.looseObject keeps unknown keys (catchall unknown), z.object drops them; nothing else here.
  let keepUnknown: boolean;
  if (def.catchall === undefined) keepUnknown = false;
  else if (defOf(def.catchall).type === 'unknown') keepUnknown = true;
  else throw new Unsupported();
  // A key Object.prototype also has would be read through the prototype of every input; zod reads
  // it the same way, but the generated "no unknown keys" count assumes a shape key is an own key.
  const keys = Object.keys(shape);
  if (keys.some((k) => k === '__proto__' || k in Object.prototype)) throw new Unsupported();
  return { type: 'object', keys: keys.map((k) => [k, plan(shape[k])]), keepUnknown };
}

/** A default that JSON carries unchanged (what a note line can hold), or Unsupported. */
function plainValue(value: unknown): unknown {
  if (value === undefined || JSON.stringify(value) === undefined) throw new Unsupported();
  if (JSON.stringify(JSON.parse(JSON.stringify(value))) !== JSON.stringify(value)) throw new Unsupported();
  return value;
}

function noChecks(def: Def): void {
  if (def.checks?.length) throw new Unsupported();
}

function stringChecks(def: Def): StringCheck[] {
  return (def.checks ?? []).map(({ _zod: { def: c } }) => {
    const extra = Object.keys(c).filter(
      (k) => !['check', 'format', 'pattern', 'fn', 'type', 'abort', 'error', 'params'].includes(k),
    );
    if (extra.length) throw new Unsupported();
    if (c.check === 'string_format' && c.format === 'regex' && c.pattern instanceof RegExp) {
      const re = c.pattern;
      if (re.global || re.sticky) throw new Unsupported();
      return { pattern: re.source, flags: re.flags };
    }
    if (c.check === 'custom' && typeof c.fn === 'function') {
      // A refinement compiles only when it is one of the named checks (text-checks.ts).
      const named = (Object.keys(NAMED_CHECKS) as NamedCheck[]).find((n) => NAMED_CHECKS[n] === c.fn);
      if (named) return { named };
    }
    throw new Unsupported();
  });
}

function numberIsInt(def: Def): boolean {
  const checks = def.checks ?? [];
  if (checks.length === 0) return false;
  if (checks.length === 1) {
    const c = checks[0]!._zod.def;
    if (c.check === 'number_format' && c.format === 'safeint') return true;
  }
  throw new Unsupported();
}

/** A default's value as zod's getter hands it out: a fresh shallow copy each time (util.shallowClone). */
export function defaultOf(value: unknown): () => unknown {
  if (Array.isArray(value)) return () => [...value];
  if (value !== null && typeof value === 'object') return () => ({ ...value });
  return () => value;
}

/**
 * The generated program (also used by fast-project.ts): `constants` are handed to it by position (regexes, named checks, default
 * value makers, key sets), `functions` are its object and array parsers.
 */
export class Program {
  constants: unknown[] = [];
  functions: string[] = [];
  private labels = 0;
  private vars = 0;

  constant(value: unknown): string {
    this.constants.push(value);
    return `k${this.constants.length - 1}`;
  }
  label(): string {
    return `L${this.labels++}`;
  }
  variable(): string {
    return `t${this.vars++}`;
  }
  /** Adds a function; returns its name. */
  fn(body: (name: string) => string): string {
    // The slot is taken first: the body adds the functions of nested schemas.
    const i = this.functions.push('') - 1;
    this.functions[i] = body(`f${i}`);
    return `f${i}`;
  }
}

function generate(plan: Plan): (value: unknown) => unknown {
  const p = new Program();
  const root = p.fn((name) => {
    const out = p.variable();
    return `function ${name}(v) { let ${out}; ${emit(p, plan, 'v', out, 'return NP;')} return ${out}; }`;
  });
  const params = ['NP', ...p.constants.map((_, i) => `k${i}`)];
  const source = `"use strict"; ${p.functions.join('\n')}\nreturn ${root};`;
  const make = new Function(...params, source) as (...args: unknown[]) => (value: unknown) => unknown;
  return make(NOT_PARSED, ...p.constants);
}

/**
 * Statements that parse the value in variable `src` by `plan` into variable `dst` (declared by the
 * caller), or run `fail` (a `return` or `break`) when it does not accept it.
 */
export function emit(p: Program, plan: Plan, src: string, dst: string, fail: string): string {
  switch (plan.type) {
    case 'string': {
      const tests = plan.checks.map((c) =>
        'named' in c
          ? `${p.constant(NAMED_CHECKS[c.named])}(${src}) !== true`
          : `!${p.constant(new RegExp(c.pattern, c.flags))}.test(${src})`,
      );
      return `if (typeof ${src} !== "string"${tests.map((t) => ` || ${t}`).join('')}) ${fail} ${dst} = ${src};`;
    }
    case 'number': {
      const ok = plan.int ? `Number.isSafeInteger(${src})` : `Number.isFinite(${src})`;
      return `if (typeof ${src} !== "number" || !${ok}) ${fail} ${dst} = ${src};`;
    }
    case 'boolean':
      return `if (typeof ${src} !== "boolean") ${fail} ${dst} = ${src};`;
    case 'unknown':
      return `${dst} = ${src};`;
    case 'values': {
      if (plan.values.length === 0) return fail;
      const test = plan.values.map((x) => `${src} !== ${JSON.stringify(x)}`).join(' && ');
      return `if (${test}) ${fail} ${dst} = ${src};`;
    }
    case 'nullable':
      return `if (${src} === null) ${dst} = null; else { ${emit(p, plan.inner, src, dst, fail)} }`;
    case 'optional': {
      // As zod: an inner default or prefault still fills an absent value; otherwise it stays absent.
      const inner = plan.inner.type;
      if (inner === 'default' || inner === 'prefault') return emit(p, plan.inner, src, dst, fail);
      return `if (${src} === undefined) ${dst} = undefined; else { ${emit(p, plan.inner, src, dst, fail)} }`;
    }
    case 'default': {
      // A fresh copy each time, as zod's own parse hands out.
      const value = p.constant(defaultOf(plan.value));
      return `if (${src} === undefined) ${dst} = ${value}(); else { ${emit(p, plan.inner, src, dst, fail)} }`;
    }
    case 'prefault': {
      const t = p.variable();
      const value = p.constant(defaultOf(plan.value));
      return `let ${t} = ${src} === undefined ? ${value}() : ${src}; ${emit(p, plan.inner, t, dst, fail)}`;
    }
    case 'union': {
      // The first option that accepts wins, as in zod.
      const done = p.label();
      const tries = plan.options.map((option) => {
        const next = p.label();
        return `${next}: { ${emit(p, option, src, dst, `break ${next};`)} break ${done}; }`;
      });
      return `${done}: { ${tries.join(' ')} ${fail} }`;
    }
    case 'array': {
      const f = arrayFunction(p, plan.element);
      return `${dst} = ${f}(${src}); if (${dst} === NP) ${fail}`;
    }
    case 'object': {
      const f = objectFunction(p, plan.keys, plan.keepUnknown);
      return `${dst} = ${f}(${src}); if (${dst} === NP) ${fail}`;
    }
  }
}

function arrayFunction(p: Program, element: Plan): string {
  return p.fn((name) => {
    const x = p.variable();
    const y = p.variable();
    return `function ${name}(v) {
      if (!Array.isArray(v)) return NP;
      const n = v.length, out = new Array(n);
      for (let i = 0; i < n; i++) {
        const ${x} = v[i]; let ${y};
        ${emit(p, element, x, y, 'return NP;')}
        out[i] = ${y};
      }
      return out;
    }`;
  });
}

function objectFunction(p: Program, entries: [string, Plan][], keepUnknown: boolean): string {
  const keys = entries.map(([key]) => key);
  const known = p.constant(new Set(keys));
  return p.fn((name) => {
    const fields = entries.map(([key, field]) => {
      const prop = /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
      const raw = p.variable();
      const val = p.variable();
      return `const ${raw} = v${prop}; let ${val};
        ${emit(p, field, raw, val, 'return NP;')}
        if (${raw} !== undefined) present++;
        if (${val} !== undefined) out${prop} = ${val};
        else if (${JSON.stringify(key)} in v) return NP;`;
    });
    return `function ${name}(v) {
      if (typeof v !== "object" || v === null || Array.isArray(v)) return NP;
      const out = {};
      let present = 0;
      ${fields.join('\n')}
      ${unknownKeys(known, keepUnknown ? 'out[key] = v[key];' : '')}
      return out;
    }`;
  });
}

/**
 * Generated code for the keys of object `v` outside the set constant `known`, after the fields
 * counted the known ones they found in `present`: looked at only when the input has more keys than
 * that. Each unknown key runs `onUnknown`; an own "__proto__" is zod's to judge (zod drops it, and
 * assigning one here would set a prototype), so it fails the compiled plan.
 */
export function unknownKeys(known: string, onUnknown: string): string {
  return `let all = 0;
      for (const key in v) all++;
      if (all !== present) {
        for (const key in v) {
          if (${known}.has(key)) continue;
          if (key === "__proto__") return NP;
          ${onUnknown}
        }
      }`;
}

function closures(p: Plan): Step {
  switch (p.type) {
    case 'string': {
      const checks = p.checks.map((c): ((s: string) => boolean) => {
        if ('named' in c) {
          const fn = NAMED_CHECKS[c.named];
          return (s) => fn(s) === true;
        }
        const re = new RegExp(c.pattern, c.flags);
        return (s) => re.test(s);
      });
      if (checks.length === 0) return (v) => (typeof v === 'string' ? v : NOT_PARSED);
      return (v) => {
        if (typeof v !== 'string') return NOT_PARSED;
        for (const ok of checks) if (!ok(v)) return NOT_PARSED;
        return v;
      };
    }
    case 'number':
      return p.int
        ? (v) => (typeof v === 'number' && Number.isSafeInteger(v) ? v : NOT_PARSED)
        : (v) => (typeof v === 'number' && Number.isFinite(v) ? v : NOT_PARSED);
    case 'boolean':
      return (v) => (typeof v === 'boolean' ? v : NOT_PARSED);
    case 'unknown':
      return (v) => v;
    case 'values': {
      const set = new Set<unknown>(p.values);
      return (v) => (set.has(v) ? v : NOT_PARSED);
    }
    case 'nullable': {
      const inner = closures(p.inner);
      return (v) => (v === null ? null : inner(v));
    }
    case 'optional': {
      const inner = closures(p.inner);
      // As zod: an inner default or prefault still fills an absent value; otherwise it stays absent.
      if (p.inner.type === 'default' || p.inner.type === 'prefault') return inner;
      return (v) => (v === undefined ? undefined : inner(v));
    }
    case 'default': {
      const inner = closures(p.inner);
      const value = defaultOf(p.value);
      return (v) => (v === undefined ? value() : inner(v));
    }
    case 'prefault': {
      const inner = closures(p.inner);
      const value = defaultOf(p.value);
      return (v) => inner(v === undefined ? value() : v);
    }
    case 'union': {
      const options = p.options.map(closures);
      return (v) => {
        for (const option of options) {
          const r = option(v);
          if (r !== NOT_PARSED) return r;
        }
        return NOT_PARSED;
      };
    }
    case 'array': {
      const element = closures(p.element);
      return (v) => {
        if (!Array.isArray(v)) return NOT_PARSED;
        const out = new Array(v.length);
        for (let i = 0; i < v.length; i++) {
          const r = element(v[i]);
          if (r === NOT_PARSED) return NOT_PARSED;
          out[i] = r;
        }
        return out;
      };
    }
    case 'object':
      return compileObject(p.keys, p.keepUnknown);
  }
}

function compileObject(entries: [string, Plan][], keepUnknown: boolean): Step {
  const keys = entries.map(([k]) => k);
  const steps = entries.map(([, p]) => closures(p));
  const known = new Set(keys);
  return (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return NOT_PARSED;
    const input = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const r = steps[i]!(input[key]);
      if (r === NOT_PARSED) return NOT_PARSED;
      if (r !== undefined) out[key] = r;
      else if (key in input) return NOT_PARSED; // an explicit undefined: not JSON, let zod judge
    }
    for (const key in input) {
      if (known.has(key)) continue;
      // zod drops a "__proto__" key; assigning one here would set a prototype. Leave it to zod.
      if (key === '__proto__') return NOT_PARSED;
      if (keepUnknown) out[key] = input[key];
    }
    return out;
  };
}
