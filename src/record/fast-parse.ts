// A parser compiled from a zod schema's own definition, for the bulk read path (a cold index build
// reads every note line): zod's safeParse was about 600 ms of a 10k-record build, most of it in
// issue bookkeeping and per-node payload objects. The compiled parser gives the same value as
// safeParse's data (same keys in the same order, the same defaults) for input it accepts, and
// gives up (NOT_PARSED) on anything else: the caller then asks zod, which decides and words the
// error. It is derived from the schema at start-up, so it cannot drift from it; a construct it
// does not know makes compile() return null and every line goes to zod.
import type { z } from 'zod';

/** The fast parser did not accept the input: zod decides. */
export const NOT_PARSED: unique symbol = Symbol('not parsed');

type Step = (value: unknown) => unknown;

/** A parser for `schema`, or null when the schema uses a construct this compiler does not know. */
export function compileParser<T extends z.ZodType>(
  schema: T,
): ((value: unknown) => z.infer<T> | typeof NOT_PARSED) | null {
  try {
    return compile(schema) as (value: unknown) => z.infer<T> | typeof NOT_PARSED;
  } catch (e) {
    if (e instanceof Unsupported) return null;
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

function compile(schema: unknown): Step {
  const def = defOf(schema);
  switch (def.type) {
    case 'string': {
      const checks = stringChecks(def);
      if (checks.length === 0) return (v) => (typeof v === 'string' ? v : NOT_PARSED);
      return (v) => {
        if (typeof v !== 'string') return NOT_PARSED;
        for (const ok of checks) if (!ok(v)) return NOT_PARSED;
        return v;
      };
    }
    case 'number': {
      const int = numberIsInt(def);
      return int
        ? (v) => (typeof v === 'number' && Number.isSafeInteger(v) ? v : NOT_PARSED)
        : (v) => (typeof v === 'number' && Number.isFinite(v) ? v : NOT_PARSED);
    }
    case 'boolean':
      noChecks(def);
      return (v) => (typeof v === 'boolean' ? v : NOT_PARSED);
    case 'unknown':
      noChecks(def);
      return (v) => v;
    case 'literal':
    case 'enum': {
      noChecks(def);
      const values =
        def.type === 'literal' ? (def.values as unknown[]) : Object.values(def.entries as object);
      if (!values.every((x) => typeof x === 'string')) throw new Unsupported();
      const set = new Set<unknown>(values);
      return (v) => (set.has(v) ? v : NOT_PARSED);
    }
    case 'nullable': {
      noChecks(def);
      const inner = compile(def.innerType);
      return (v) => (v === null ? null : inner(v));
    }
    case 'optional': {
      noChecks(def);
      const inner = compile(def.innerType);
      // As zod: an inner default or prefault still fills an absent value; otherwise it stays absent.
      if (optionalIn(def.innerType)) return inner;
      return (v) => (v === undefined ? undefined : inner(v));
    }
    case 'default': {
      noChecks(def);
      const inner = compile(def.innerType);
      // The getter hands out a fresh copy each time, as zod's own parse does.
      return (v) => (v === undefined ? def.defaultValue : inner(v));
    }
    case 'prefault': {
      noChecks(def);
      const inner = compile(def.innerType);
      return (v) => inner(v === undefined ? def.defaultValue : v);
    }
    case 'union': {
      noChecks(def);
      const options = (def.options as unknown[]).map(compile);
      return (v) => {
        for (const option of options) {
          const r = option(v);
          if (r !== NOT_PARSED) return r;
        }
        return NOT_PARSED;
      };
    }
    case 'array': {
      noChecks(def);
      const element = compile(def.element);
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
      noChecks(def);
      return compileObject(def);
    default:
      throw new Unsupported();
  }
}

function compileObject(def: Def): Step {
  const shape = def.shape as Record<string, unknown>;
  const keys = Object.keys(shape);
  const steps = keys.map((k) => compile(shape[k]));
  const known = new Set(keys);
  // z.looseObject keeps unknown keys (catchall unknown), z.object drops them; nothing else here.
  let keepUnknown: boolean;
  if (def.catchall === undefined) keepUnknown = false;
  else if (defOf(def.catchall).type === 'unknown') keepUnknown = true;
  else throw new Unsupported();
  if (known.has('__proto__')) throw new Unsupported();
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

/** Whether zod runs this schema for an absent value inside .optional() (default and prefault do). */
function optionalIn(schema: unknown): boolean {
  const t = defOf(schema).type;
  return t === 'default' || t === 'prefault';
}

function noChecks(def: Def): void {
  if (def.checks?.length) throw new Unsupported();
}

function stringChecks(def: Def): ((s: string) => boolean)[] {
  return (def.checks ?? []).map(({ _zod: { def: c } }) => {
    const extra = Object.keys(c).filter(
      (k) => !['check', 'format', 'pattern', 'fn', 'type', 'abort', 'error', 'params'].includes(k),
    );
    if (extra.length) throw new Unsupported();
    if (c.check === 'string_format' && c.format === 'regex' && c.pattern instanceof RegExp) {
      const re = c.pattern;
      if (re.global || re.sticky) throw new Unsupported();
      return (s: string) => re.test(s);
    }
    if (c.check === 'custom' && typeof c.fn === 'function') {
      const fn = c.fn;
      return (s: string) => fn(s) === true;
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
