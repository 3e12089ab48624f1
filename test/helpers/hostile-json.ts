// Hostile mutations of parsed JSON, for the property tests of the note-line parsers (fast-parse,
// slim-json): values an attacker or a broken writer would put anywhere, set, deleted or added at
// random paths, and own "__proto__" keys; the result goes through JSON text and back, as every note
// line is read.
import fc from 'fast-check';

/** Values an attacker or a broken writer would put anywhere. */
const HOSTILE: unknown[] = [
  null,
  '',
  'x',
  'agent-log/v1x',
  'agent-log/v١',
  'ABCD',
  'abc',
  'a'.repeat(33),
  'not a date',
  0,
  -1,
  1.5,
  2 ** 53,
  -(2 ** 53),
  2 ** 53 - 1,
  1e308,
  true,
  false,
  [],
  {},
  ['a'],
  [1],
  [null],
  { a: 1 },
  { name: 1 },
  [{}],
  'record',
  'ref',
  'event',
];

type Path = (string | number)[];

/** Every path to a value inside `v` (objects and arrays), the root included. */
function paths(v: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

type Mutation = { at: number; op: 'set' | 'delete' | 'add' | 'proto'; value: number; key: string };

export function mutate(base: unknown, mutations: Mutation[]): unknown {
  const v = structuredClone(base);
  for (const m of mutations) {
    const all = paths(v).filter((p) => p.length > 0);
    const path = all[m.at % Math.max(all.length, 1)];
    if (!path) continue;
    const parent = path
      .slice(0, -1)
      .reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], v) as Record<string | number, unknown>;
    const key = path.at(-1)!;
    const value = structuredClone(HOSTILE[m.value % HOSTILE.length]);
    if (m.op === 'set') parent[key] = value;
    else if (m.op === 'delete' && !Array.isArray(parent)) delete parent[key];
    else if (m.op === 'add' && !Array.isArray(parent)) parent[m.key] = value;
    else if (m.op === 'proto' && !Array.isArray(parent))
      Object.defineProperty(parent, '__proto__', {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  // Through JSON text and back, as every note line is read.
  const text = JSON.stringify(v);
  return text === undefined ? null : JSON.parse(text);
}

export const mutation = fc.record({
  at: fc.nat(),
  op: fc.constantFrom('set', 'set', 'set', 'delete', 'add', 'proto'),
  value: fc.nat(),
  key: fc.constantFrom('extra', 'kind', 'id', 'schema', 'status', 'by', 'path', 'zz'),
});

export function hasOwnProto(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(hasOwnProto);
  if (!v || typeof v !== 'object') return false;
  return Object.hasOwn(v, '__proto__') || Object.values(v).some(hasOwnProto);
}
