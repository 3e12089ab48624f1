// The parser compiled from the zod schemas (the cold index build's validation) against zod itself:
// over seeded records, mutated at random paths with hostile values, and over arbitrary JSON, it
// accepts exactly what zod accepts and gives zod's value, key for key and in zod's key order. The
// one input it leaves to zod on purpose is an own "__proto__" key.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { compileParser, interpretPlan, NOT_PARSED, planOf } from '../../src/record/fast-parse.js';
import { canonicalJson, parseNoteLine, recordLine } from '../../src/record/note-lines.js';
import { RefLine, RunEventLine, RunRecord } from '../../src/record/schema.js';
import { sampleRecords } from '../helpers/records.js';
import { sampleRecord } from '../helpers/sample-record.js';
import { hasOwnProto, mutate, mutation } from '../helpers/hostile-json.js';

const C1 = 'f3a9c1d27b4e8a90c1d2e3f4a5b6c7d8e9f0a1b2';
const C2 = '0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c';

/** Records as they sit in notes (canonical lines, parsed back), of several shapes. */
const baseRecords: unknown[] = [
  ...sampleRecords(),
  sampleRecord([C1, C2], { id: 'k7f3q9x2mz', events: 12, sealedAt: '2026-11-23T10:42:00Z' }),
  // minimal lines from an older or newer writer: defaults fill the rest
  { schema: 'agent-log/v1', kind: 'record', id: 'min00001' },
  {
    schema: 'agent-log/v2',
    kind: 'record',
    id: 'newer0001',
    future_field: { nested: [1, 'two', null] },
    task: { intent: 'port the parser', source: 'mcp', extra: true },
    repo: { adopted: [{ commit: C2 }], worktree: null },
    files: { changed: [{ path: '/Users/alice/src/app/a.ts', binary: true, old_path: 'b.ts' }] },
    commands: [{ command: 'cargo test', status: 'refused', reason: null, background: false }],
    checks: [{ name: 'cargo test', status: 'skipped', exit_code: null }],
    approvals: [{ by: 'Ann', scope: 'merge', recorded_by: { name: 'Bob' } }],
    cost: { input_tokens: 12, usd: null, known: false, price_table: '2026-11' },
    gaps: [{ reason: 'sleep' }],
    notes: ['one'],
    events: [{ b: 1, a: 2 }],
    limits: { given: { max_usd: 5 }, fired: [] },
  },
].map((r) => JSON.parse(canonicalJson(r)));

const baseEvents: unknown[] = [
  {
    schema: 'agent-log/v1',
    kind: 'event',
    id: 'k7f3q9x2mz',
    event: '01jdq8x7k2m3n4p5q6r7s8t9v0',
    type: 'approval',
    at: '2026-11-23T10:50:00Z',
    by: { name: 'Thomas', email: 'thomas@example.com' },
    scope: 'PR creation',
    decision: 'approved',
  },
  {
    schema: 'agent-log/v1',
    kind: 'event',
    id: 'k7f3q9x2mz',
    event: 'ev000001',
    type: 'note',
    at: '2026-11-23',
  },
];
const baseRefs: unknown[] = [{ schema: 'agent-log/v1', kind: 'ref', id: 'k7f3q9x2mz' }];

/** Keys in order, at every depth: toStrictEqual does not look at order. */
function keyOrder(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(keyOrder);
  if (v && typeof v === 'object') return Object.entries(v).map(([k, x]) => [k, keyOrder(x)]);
  return v;
}

function agrees(schema: typeof RunRecord | typeof RefLine | typeof RunEventLine, input: unknown): void {
  const fast = compileParser(schema as typeof RunRecord)!;
  const z = schema.safeParse(input);
  const got = fast(input);
  // The closures over the same plan (the first lines a reader parses) give the same answer.
  expect(interpretPlan(planOf(schema)!)(input)).toStrictEqual(got);
  if (got === NOT_PARSED) {
    if (!hasOwnProto(input)) expect(z.success, JSON.stringify(input)).toBe(false);
    return;
  }
  expect(z.success, JSON.stringify(input)).toBe(true);
  expect(got).toStrictEqual(z.data);
  expect(keyOrder(got)).toEqual(keyOrder(z.data));
}

describe('the compiled parser gives what zod gives', () => {
  test('every schema of a note line compiles (none falls back to zod wholesale)', () => {
    for (const s of [RunRecord, RefLine, RunEventLine])
      expect(compileParser(s as typeof RunRecord)).not.toBeNull();
  });

  test('on the unmutated records, events and pointer lines', () => {
    for (const r of baseRecords) agrees(RunRecord, r);
    for (const e of baseEvents) agrees(RunEventLine, e);
    for (const r of baseRefs) agrees(RefLine, r);
    // and they are accepted, not left to zod
    for (const r of baseRecords) expect(compileParser(RunRecord)!(r)).not.toBe(NOT_PARSED);
  });

  test('on records mutated at random paths with hostile values', () => {
    fc.assert(
      fc.property(
        fc.nat(baseRecords.length - 1),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (which, ms) => agrees(RunRecord, mutate(baseRecords[which], ms)),
      ),
      { numRuns: 3000 },
    );
  });

  test('on events and pointer lines mutated the same way', () => {
    fc.assert(
      fc.property(
        fc.nat(baseEvents.length - 1),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        (which, ms) => agrees(RunEventLine, mutate(baseEvents[which], ms)),
      ),
      { numRuns: 1500 },
    );
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 2 }), (ms) =>
        agrees(RefLine, mutate(baseRefs[0], ms)),
      ),
      { numRuns: 500 },
    );
  });

  test('on arbitrary JSON carrying our schema and kind', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })),
        fc.constantFrom('record', 'ref', 'event'),
        fc.constantFrom('abcd1234', 'k7f3q9x2mz', 'AB', ''),
        (rest, kind, id) => {
          const v = JSON.parse(JSON.stringify({ ...rest, schema: 'agent-log/v1', kind, id }));
          agrees(RunRecord, v);
          agrees(RefLine, v);
          agrees(RunEventLine, v);
        },
      ),
      { numRuns: 1500 },
    );
  });

  test('a line zod rejects reads as invalid with zod own message, and a "__proto__" key is zod’s to judge', () => {
    const bad = recordLine(baseRecords[0] as never).replace('"attempts":2', '"attempts":2.5');
    expect(parseNoteLine(bad)).toMatchObject({
      type: 'invalid',
      error: 'checks.0.attempts: Invalid input: expected int, received number',
    });
    const proto = '{"__proto__":{"polluted":1},"id":"abcd1234","kind":"record","schema":"agent-log/v1"}';
    const line = parseNoteLine(proto);
    expect(line.type).toBe('record');
    expect(line.type === 'record' && line.record).toStrictEqual(RunRecord.parse(JSON.parse(proto)));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
