// The slim record's JSON written straight from a parsed note line (index/slim-json.ts) against the
// long way: zod's parse, foldEvents with no event lines, slimRecord, JSON.stringify. Over seeded
// records, the same records mutated at random paths with hostile values, and arbitrary JSON, it
// gives the same bytes whenever it gives anything, and gives something for every line zod accepts
// but those it leaves to the long way on purpose (an own "__proto__" key).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { slimRecord } from '../../src/index/model.js';
import { slimJsonOfLine } from '../../src/index/slim-json.js';
import { foldEvents } from '../../src/record/events.js';
import { canonicalJson } from '../../src/record/note-lines.js';
import { RunRecord } from '../../src/record/schema.js';
import { hasOwnProto, mutate, mutation } from '../helpers/hostile-json.js';
import { sampleRecords } from '../helpers/records.js';
import { sampleRecord } from '../helpers/sample-record.js';

const C1 = 'f3a9c1d27b4e8a90c1d2e3f4a5b6c7d8e9f0a1b2';
const C2 = '0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c';

const newer = {
  schema: 'agent-log/v2',
  kind: 'record',
  id: 'newer0001',
  future_field: { nested: [1, 'two', null] },
  task: { intent: 'port the parser', source: 'mcp', extra: true, attempt_of: 'k7f3q9x2mz' },
  repo: { adopted: [{ commit: C2 }], worktree: null },
  files: { changed: [{ path: '/Users/alice/src/app/a.ts', binary: true, old_path: 'b.ts' }] },
  commands: [{ command: 'cargo test', status: 'refused', reason: null, background: false }],
  checks: [{ name: 'cargo test', status: 'skipped', exit_code: null, command: 'cargo test --all' }],
  approvals: [{ by: 'Ann', scope: 'merge', recorded_by: { name: 'Bob' }, email: null, signed: 'ssh' }],
  outcome: { status: 'failed', reason: { why: 'tests' }, reverted: true },
  cost: { input_tokens: 12, usd: null, known: false, price_table: '2026-11' },
  gaps: [{ reason: 'sleep' }],
  notes: ['one'],
  events: [{ b: 1, a: 2 }],
};

/** Records as they sit in notes (canonical lines, parsed back), of several shapes. */
const baseRecords: unknown[] = [
  ...sampleRecords(),
  sampleRecord([C1, C2], { id: 'k7f3q9x2mz', events: 12, sealedAt: '2026-11-23T10:42:00Z' }),
  { schema: 'agent-log/v1', kind: 'record', id: 'min00001' },
  newer,
  { ...newer, id: 'newer0002', task: { attempt_of: 7 }, cost: null, outcome: { reason: 'x\u2028"\ud800' } },
  {
    ...newer,
    id: 'newer0003',
    limits: { given: { max_usd: 5 }, fired: [{ rule: 'budget', decision: 'deny', at: 'x', extra: 1 }] },
  },
  // the guard's evidence as a broken or hostile writer leaves it
  {
    ...newer,
    id: 'newer0004',
    limits: { given: null, fired: [null, 5, [], { rule: 7 }], overrides: {}, stopped: 0 },
  },
  { ...newer, id: 'newer0005', limits: [1] },
].map((r) => JSON.parse(canonicalJson(r)));

/** The long way: what the index held for a record line read alone before slim-json.ts. */
function longWay(v: unknown): string | null {
  const z = RunRecord.safeParse(v);
  return z.success ? JSON.stringify(slimRecord(foldEvents(z.data, []))) : null;
}

function agrees(v: unknown): void {
  const got = slimJsonOfLine(v);
  const want = longWay(v);
  if (got !== null) expect(got, JSON.stringify(v)).toBe(want);
  else if (!hasOwnProto(v)) expect(want, JSON.stringify(v)).toBeNull();
}

describe('the slim JSON of a record line is the long way’s, byte for byte', () => {
  test('on the seeded records, and none of them goes the long way', () => {
    for (const r of baseRecords) agrees(r);
    for (const r of baseRecords) expect(slimJsonOfLine(r)).not.toBeNull();
  });

  test('on records mutated at random paths with hostile values', () => {
    fc.assert(
      fc.property(
        fc.nat(baseRecords.length - 1),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (which, ms) => agrees(mutate(baseRecords[which], ms)),
      ),
      { numRuns: 3000, seed: 1212 },
    );
  });

  test('on arbitrary JSON carrying our schema and kind', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })),
        fc.constantFrom('abcd1234', 'k7f3q9x2mz', 'AB', ''),
        (rest, id) =>
          agrees(JSON.parse(JSON.stringify({ ...rest, schema: 'agent-log/v1', kind: 'record', id }))),
      ),
      { numRuns: 1500, seed: 1212 },
    );
  });
});
