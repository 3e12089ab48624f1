// A parser compiled from a zod schema's own definition, for the bulk read path (a cold index build
// reads every note line): zod's safeParse was about 600 ms of a 10k-record build, most of it in
// issue bookkeeping and per-node payload objects. The compiled parser gives the same value as
// safeParse's data (same keys in the same order, the same defaults) for input it accepts, and
// gives up (NOT_PARSED) on anything else: the caller then asks zod, which decides and words the
// error. It is derived from the schema at first use, so it cannot drift from it; a construct it
// does not know makes compileParser() return null and every line goes to zod.
//
// The parser is generated JavaScript (one function per object and array schema, leaf checks
// inline, named property loads), built with `new Function`: V8 then sees one call site per field,
// where closures over a generic step shared one megamorphic keyed load for every field of every
// object (about 3× slower). Where code generation from strings is disabled, it returns null too.
import type { z } from 'zod';

/** The fast parser did not accept the input: zod decides. */
export const NOT_PARSED: unique symbol = Symbol('not parsed');

/** A parser for `schema`, or null when the schema uses a construct this compiler does not know. */
export function compileParser<T extends z.ZodType>(
  schema: T,
): ((value: unknown) => z.infer<T> | typeof NOT_PARSED) | null {
  try {
    return generate(schema) as (value: unknown) => z.infer<T> | typeof NOT_PARSED;
  } catch (e) {
    if (e instanceof Unsupported || e instanceof EvalError) return null;
    throw e;
  }
}

class Unsupported extends Error {}

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

/**
 * The generated program: `constants` are handed to it by position (regexes, refine functions, the
 * default getters' owners, key sets), `functions` are its object and array parsers.
 */
class Program {
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

function generate(schema: unknown): (value: unknown) => unknown {
  const p = new Program();
  const root = p.fn((name) => {
    const out = p.variable();
    return `function ${name}(v) { let ${out}; ${emit(p, schema, 'v', out, 'return NP;')} return ${out}; }`;
  });
  const params = ['NP', ...p.constants.map((_, i) => `k${i}`)];
  const source = `"use strict"; ${p.functions.join('\n')}\nreturn ${root};`;
  const make = new Function(...params, source) as (...args: unknown[]) => (value: unknown) => unknown;
  return make(NOT_PARSED, ...p.constants);
}

/**
 * Statements that parse the value in variable `src` by `schema` into variable `dst` (declared by
 * the caller), or run `fail` (a `return` or `break`) when it does not accept it.
 */
function emit(p: Program, schema: unknown, src: string, dst: string, fail: string): string {
  const def = defOf(schema);
  switch (def.type) {
    case 'string': {
      const tests = stringChecks(def).map((c) =>
        c.kind === 'regex' ? `!${p.constant(c.re)}.test(${src})` : `${p.constant(c.fn)}(${src}) !== true`,
      );
      return `if (typeof ${src} !== "string"${tests.map((t) => ` || ${t}`).join('')}) ${fail} ${dst} = ${src};`;
    }
    case 'number': {
      const ok = numberIsInt(def) ? `Number.isSafeInteger(${src})` : `Number.isFinite(${src})`;
      return `if (typeof ${src} !== "number" || !${ok}) ${fail} ${dst} = ${src};`;
    }
    case 'boolean':
      noChecks(def);
      return `if (typeof ${src} !== "boolean") ${fail} ${dst} = ${src};`;
    case 'unknown':
      noChecks(def);
      return `${dst} = ${src};`;
    case 'literal':
    case 'enum': {
      noChecks(def);
      const values =
        def.type === 'literal' ? (def.values as unknown[]) : Object.values(def.entries as object);
      if (!values.every((x) => typeof x === 'string')) throw new Unsupported();
      if (values.length === 0) return fail;
      const test = values.map((x) => `${src} !== ${JSON.stringify(x)}`).join(' && ');
      return `if (${test}) ${fail} ${dst} = ${src};`;
    }
    case 'nullable': {
      noChecks(def);
      return `if (${src} === null) ${dst} = null; else { ${emit(p, def.innerType, src, dst, fail)} }`;
    }
    case 'optional': {
      noChecks(def);
      // As zod: an inner default or prefault still fills an absent value; otherwise it stays absent.
      if (optionalIn(def.innerType)) return emit(p, def.innerType, src, dst, fail);
      return `if (${src} === undefined) ${dst} = undefined; else { ${emit(p, def.innerType, src, dst, fail)} }`;
    }
    case 'default': {
      noChecks(def);
      // The getter hands out a fresh copy each time, as zod's own parse does.
      return `if (${src} === undefined) ${dst} = ${p.constant(def)}.defaultValue; else { ${emit(p, def.innerType, src, dst, fail)} }`;
    }
    case 'prefault': {
      noChecks(def);
      const t = p.variable();
      return `let ${t} = ${src} === undefined ? ${p.constant(def)}.defaultValue : ${src}; ${emit(p, def.innerType, t, dst, fail)}`;
    }
    case 'union': {
      noChecks(def);
      // The first option that accepts wins, as in zod.
      const done = p.label();
      const tries = (def.options as unknown[]).map((option) => {
        const next = p.label();
        return `${next}: { ${emit(p, option, src, dst, `break ${next};`)} break ${done}; }`;
      });
      return `${done}: { ${tries.join(' ')} ${fail} }`;
    }
    case 'array': {
      noChecks(def);
      const f = arrayFunction(p, def);
      return `${dst} = ${f}(${src}); if (${dst} === NP) ${fail}`;
    }
    case 'object': {
      noChecks(def);
      const f = objectFunction(p, def);
      return `${dst} = ${f}(${src}); if (${dst} === NP) ${fail}`;
    }
    default:
      throw new Unsupported();
  }
}

function arrayFunction(p: Program, def: Def): string {
  return p.fn((name) => {
    const x = p.variable();
    const y = p.variable();
    return `function ${name}(v) {
      if (!Array.isArray(v)) return NP;
      const n = v.length, out = new Array(n);
      for (let i = 0; i < n; i++) {
        const ${x} = v[i]; let ${y};
        ${emit(p, def.element, x, y, 'return NP;')}
        out[i] = ${y};
      }
      return out;
    }`;
  });
}

function compileObjectKeys(def: Def): { keys: string[]; keepUnknown: boolean } {
  const shape = def.shape as Record<string, unknown>;
  const keys = Object.keys(shape);
  // z.looseObject keeps unknown keys (catchall unknown), z.object drops them; nothing else here.
  let keepUnknown: boolean;
  if (def.catchall === undefined) keepUnknown = false;
  else if (defOf(def.catchall).type === 'unknown') keepUnknown = true;
  else throw new Unsupported();
  // A key Object.prototype also has would be read through the prototype of every input; zod reads
  // it the same way, but the "no unknown keys" count below assumes a shape key is an own key.
  if (keys.some((k) => k === '__proto__' || k in Object.prototype)) throw new Unsupported();
  return { keys, keepUnknown };
}

function objectFunction(p: Program, def: Def): string {
  const { keys, keepUnknown } = compileObjectKeys(def);
  const shape = def.shape as Record<string, unknown>;
  const known = p.constant(new Set(keys));
  return p.fn((name) => {
    const fields = keys.map((key) => {
      const prop = /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
      const raw = p.variable();
      const val = p.variable();
      return `const ${raw} = v${prop}; let ${val};
        ${emit(p, shape[key], raw, val, 'return NP;')}
        if (${raw} !== undefined) present++;
        if (${val} !== undefined) out${prop} = ${val};
        else if (${JSON.stringify(key)} in v) return NP;`;
    });
    // Unknown keys: only when the input has more keys than the shape keys it holds. zod drops an
    // unknown "__proto__" key; assigning one here would set a prototype, so that is zod's to do.
    return `function ${name}(v) {
      if (typeof v !== "object" || v === null || Array.isArray(v)) return NP;
      const out = {};
      let present = 0;
      ${fields.join('\n')}
      let all = 0;
      for (const key in v) all++;
      if (all !== present) {
        for (const key in v) {
          if (${known}.has(key)) continue;
          if (key === "__proto__") return NP;
          ${keepUnknown ? 'out[key] = v[key];' : ''}
        }
      }
      return out;
    }`;
  });
}

/** Whether zod runs this schema for an absent value inside .optional() (default and prefault do). */
function optionalIn(schema: unknown): boolean {
  const t = defOf(schema).type;
  return t === 'default' || t === 'prefault';
}

function noChecks(def: Def): void {
  if (def.checks?.length) throw new Unsupported();
}

type StringCheck = { kind: 'regex'; re: RegExp } | { kind: 'fn'; fn: (s: string) => unknown };

function stringChecks(def: Def): StringCheck[] {
  return (def.checks ?? []).map(({ _zod: { def: c } }): StringCheck => {
    const extra = Object.keys(c).filter(
      (k) => !['check', 'format', 'pattern', 'fn', 'type', 'abort', 'error', 'params'].includes(k),
    );
    if (extra.length) throw new Unsupported();
    if (c.check === 'string_format' && c.format === 'regex' && c.pattern instanceof RegExp) {
      if (c.pattern.global || c.pattern.sticky) throw new Unsupported();
      return { kind: 'regex', re: c.pattern };
    }
    if (c.check === 'custom' && typeof c.fn === 'function') return { kind: 'fn', fn: c.fn };
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
