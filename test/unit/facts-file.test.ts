// The facts file beside the index: the runs a reader rendered, by commit, for the next read of
// those commits at the same tip. Written for a real index file and read back, it gives each stored
// commit's line count and runs (ID, date, where their text is, whether it is plain), the text
// itself byte for byte, keeps what it held when commits are added, starts over past its size
// limit, and names its index: another tip, kind or index size is not read, nor a damaged file.
// Its header and table are read as latin1, so they are ASCII JSON: asciiJson must give printable
// ASCII that parses to the very value the JSON it was given parses to, whatever the strings hold.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import {
  asciiJson,
  factsPath,
  type NewCommit,
  readFacts,
  type StoredFacts,
  writeFacts,
} from '../../src/index/facts-file.js';
import { writeIndexFile } from '../../src/index/file.js';
import { emptyIndex, slimRecord } from '../../src/index/model.js';
import { makeRecord } from '../helpers/records.js';

const commit = (n: number) => `${n.toString(16).padStart(3, '0')}${'ab'.repeat(18)}cd`;
const TIP = 'f'.repeat(40);

/** A real index file of one record at tip TIP, in a new directory. */
function withIndex(body: (index: string) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'facts-file-'));
  try {
    const data = emptyIndex();
    data.tip = TIP;
    const r = makeRecord('run0000001', { ended_at: '2026-11-20T10:00:00Z' });
    data.entries.set(r.id, {
      id: r.id,
      date: r.ended_at!,
      commit: commit(1),
      blob: 'b'.repeat(40),
      commits: [commit(1)],
      json: JSON.stringify(slimRecord(r)),
    });
    data.byCommit = new Map([[commit(1), [r.id]]]);
    const index = join(dir, 'records.v1');
    expect(writeIndexFile(index, data)).toBe(true);
    body(index);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Each stored commit as [commit, lines, [[id, date, text, plain], …]], from what readFacts gave. */
function contents(facts: StoredFacts) {
  return [...facts.commits].map(([c, { lines, runs }]) => [
    c,
    lines,
    runs.map((r) => [r.id, r.date, facts.text.toString('utf8', r.start, r.start + r.length), r.plain]),
  ]);
}

const run = (id: string, text: string, plain = true) => ({ id, date: '2026-11-20T10:00:00Z', text, plain });

test('stored commits come back with their line counts and runs, the text byte for byte', () => {
  withIndex((index) => {
    expect(readFacts(index, TIP, 'k-1')).toBeNull(); // none yet
    const shared = run('run0000002', 'shared — on two commits\n  é ✓ 🎉');
    const added = new Map<string, NewCommit>([
      [commit(1), { lines: 2, runs: [run('run0000001', 'one\ttab\n  line\u2028two'), shared] }],
      [commit(2), { lines: 1, runs: [shared] }],
      [commit(3), { lines: 0, runs: [] }],
      [commit(4), { lines: 1, runs: [{ ...run('run0000004', 'bidi \u202e here', false), date: null }] }],
    ]);
    writeFacts(index, TIP, 'k-1', ['warning — é'], null, added, [...added.keys()]);
    const got = readFacts(index, TIP, 'k-1')!;
    expect(got.warnings).toEqual(['warning — é']);
    expect(contents(got)).toEqual(
      [...added].map(([c, { lines, runs }]) => [c, lines, runs.map((r) => [r.id, r.date, r.text, r.plain])]),
    );
    // A run on two commits is stored once.
    const [a, b] = [got.commits.get(commit(1))!.runs[1]!, got.commits.get(commit(2))!.runs[0]!];
    expect([a.start, a.length]).toEqual([b.start, b.length]);
    // Header and table are ASCII; the text is the runs' UTF-8.
    const bytes = readFileSync(factsPath(index));
    const tableEnd = bytes.indexOf(10, bytes.indexOf(10) + 1);
    expect(bytes.toString('latin1', 0, tableEnd)).toMatch(/^[\x20-\x7e]*\n[\x20-\x7e]*$/);
    expect(bytes.subarray(tableEnd + 1).toString('utf8')).toContain('shared — on two commits');
    // Not this tip, kind or index size: not read.
    expect(readFacts(index, 'e'.repeat(40), 'k-1')).toBeNull();
    expect(readFacts(index, TIP, 'k-2')).toBeNull();
    writeFileSync(index, '\n', { flag: 'a' });
    expect(readFacts(index, TIP, 'k-1')).toBeNull();
  });
});

test('commits added later join those kept; past the size limit the file starts over', () => {
  withIndex((index) => {
    const first = new Map<string, NewCommit>([
      [commit(1), { lines: 1, runs: [run('run0000001', 'first é')] }],
    ]);
    writeFacts(index, TIP, 'k-1', [], null, first, [...first.keys()]);
    const kept = readFacts(index, TIP, 'k-1')!;
    const second = new Map<string, NewCommit>([
      [commit(2), { lines: 1, runs: [run('run0000002', 'second ✓')] }],
    ]);
    writeFacts(index, TIP, 'k-1', [], kept, second, [...second.keys()]);
    expect(contents(readFacts(index, TIP, 'k-1')!)).toEqual([
      [commit(2), 1, [['run0000002', '2026-11-20T10:00:00Z', 'second ✓', true]]],
      [commit(1), 1, [['run0000001', '2026-11-20T10:00:00Z', 'first é', true]]],
    ]);
    // Written for another tip than the index's (it changed meanwhile): nothing is written.
    writeFacts(index, 'e'.repeat(40), 'k-1', [], null, first, [...first.keys()]);
    expect(contents(readFacts(index, TIP, 'k-1')!)).toHaveLength(2);
  });
});

test('a facts file that does not parse exactly as written is not read', () => {
  withIndex((index) => {
    const added = new Map<string, NewCommit>([[commit(1), { lines: 1, runs: [run('run0000001', 'text')] }]]);
    writeFacts(index, TIP, 'k-1', [], null, added, [...added.keys()]);
    const good = readFileSync(factsPath(index), 'latin1');
    expect(readFacts(index, TIP, 'k-1')).not.toBeNull();
    const [head, table] = good.split('\n') as [string, string];
    const meta = JSON.parse(head);
    const rest = good.slice(head.length + 1);
    const withHead = (changes: object) => `${JSON.stringify({ ...meta, ...changes })}\n${rest}`;
    const withTable = (t: string) => `${head}\n${t}${good.slice(head.length + 1 + table.length)}`;
    for (const damaged of [
      withHead({ version: 2 }),
      withHead({ text: meta.text + 1 }),
      withHead({ table: meta.table - 1 }),
      withTable(table.replace(',0,4,1]', ',-1,4,1]')), // a run before the text
      withTable(table.replace(',0,4,1]', ',0,4,2]')), // plain neither 0 nor 1
      withTable(table.replace(',0,4,1]', ',0,5,1]')), // past the end of the text
      withTable(table.replace('",1,[[', '",0,[[')), // fewer index lines than runs
      withTable(table.replace('[["', '[[1')), // not JSON
      good.slice(0, -1),
      `${good}x`,
      'not a facts file\n',
      '',
    ]) {
      expect(damaged).not.toBe(good);
      writeFileSync(factsPath(index), damaged, 'latin1');
      expect(readFacts(index, TIP, 'k-1'), damaged.slice(0, 300)).toBeNull();
    }
  });
});

test('ASCII JSON parses to the same value, on one line of printable ASCII', () => {
  const text = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc.constantFrom('ça — 🎉 日本語', '\ud800 lone \udfff', 'tab\tnew\nline\u2028\u2029', '\\"\\u00e9"'),
  );
  fc.assert(
    fc.property(fc.array(fc.oneof(text, fc.dictionary(text, text), fc.constant(null))), (value) => {
      const json = JSON.stringify(value);
      const ascii = asciiJson(json);
      expect(ascii).toMatch(/^[\x20-\x7e]*$/);
      expect(JSON.parse(ascii)).toStrictEqual(JSON.parse(json));
    }),
    { numRuns: 500, seed: 4 },
  );
});

test('ASCII JSON is the text it was given when that is ASCII already', () => {
  const json = JSON.stringify(['k7f3q9x2mz', '2026-11-20T10:42:00Z', 'line one\n  line two']);
  expect(asciiJson(json)).toBe(json);
});
