// The facts file beside the index: a caller's projection of each record, found by commit. Written
// from a real index file and read back, it gives each commit's records' projections (as the
// projection wrote them from the records), says when a record had none, and names its index:
// another tip, kind or index size is not read. It is read as latin1 by character offsets, so every
// line is ASCII JSON: asciiJson must give printable ASCII that parses to the very value the JSON it
// was given parses to, whatever the strings hold (lone surrogates, line separators included).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { asciiJson, type CommitFacts, factsPath, lookupCommitFacts } from '../../src/index/facts-file.js';
import { markFactsWanted, writeFactsFile, writeIndexFile } from '../../src/index/file.js';
import { emptyIndex, slimRecord } from '../../src/index/model.js';
import { makeRecord } from '../helpers/records.js';

const commit = (n: number) => `${n.toString(16).padStart(3, '0')}${'ab'.repeat(18)}cd`;

test('each commit gets the projections of its records, in ID order, and a record without one says so', () => {
  const dir = mkdtempSync(join(tmpdir(), 'facts-file-'));
  try {
    const data = emptyIndex();
    data.tip = 'f'.repeat(40);
    // 100 records on 100 commits (256 buckets), the last also on commit 0; a pointer-only ID on commit 1.
    for (let i = 0; i < 100; i++) {
      const r = makeRecord(`run${String(i).padStart(6, '0')}`, {
        task: { intent: `intent ${i} — é\t"quoted"`, source: 'prompt', follow_ups: [] },
        ended_at: `2026-11-${10 + (i % 20)}T10:00:00Z`,
      });
      const commits = i === 99 ? [commit(0), commit(99)] : [commit(i)];
      data.entries.set(r.id, {
        id: r.id,
        date: r.ended_at!,
        commit: commit(i),
        blob: 'b'.repeat(40),
        commits,
        json: JSON.stringify(slimRecord(r)),
      });
    }
    data.entries.set('ptr0000001', {
      id: 'ptr0000001',
      date: '',
      commit: null,
      blob: null,
      commits: [commit(1)],
      json: null,
    });
    data.warnings.set(commit(5), ['a line of commit 5 is not JSON']);
    data.byCommit = new Map();
    for (const e of data.entries.values())
      for (const c of e.commits) data.byCommit.set(c, [...(data.byCommit.get(c) ?? []), e.id].sort());
    const index = join(dir, 'records.v1');
    expect(writeIndexFile(index, data)).toBe(true);
    // The projection: [id, intent], none for run 7.
    const project = (json: string) => {
      const r = JSON.parse(json);
      return r.id === 'run000007' ? null : JSON.stringify([r.id, r.task.intent]);
    };
    const all = [...Array(100).keys()].map(commit);
    // First marked wanted (a trailer alone), then written.
    markFactsWanted(index, 'test-1');
    expect(lookupCommitFacts(index, data.tip, all, 'test-1')).toBe('wanted');
    expect(lookupCommitFacts(index, data.tip, all, 'test-2')).toBeNull();
    writeFactsFile(index, 'test-1', project);
    const others = [...all.filter((_, i) => i !== 7), 'e'.repeat(40)];
    const got = lookupCommitFacts(index, data.tip, others, 'test-1') as CommitFacts;
    expect(got.complete).toBe(true);
    expect(got.warnings).toEqual(['a line of commit 5 is not JSON']);
    expect(got.facts.get(commit(0))).toEqual([
      ['run000000', 'intent 0 — é\t"quoted"'],
      ['run000099', 'intent 99 — é\t"quoted"'],
    ]);
    expect(got.facts.get(commit(1))).toEqual([['run000001', 'intent 1 — é\t"quoted"']]);
    expect(got.runs.get(commit(1))).toBe(2); // the pointer-only ID counts, with no projection
    expect(got.runs.has('e'.repeat(40))).toBe(false);
    expect(got.facts.size).toBe(99);
    expect(
      (lookupCommitFacts(index, data.tip, [commit(6), commit(7)], 'test-1') as CommitFacts).complete,
    ).toBe(false);
    // Not this index's, or not this kind: not read.
    expect(lookupCommitFacts(index, 'e'.repeat(40), all, 'test-1')).toBeNull();
    expect(lookupCommitFacts(index, data.tip, all, 'test-2')).toBeNull();
    writeFileSync(index, '\n', { flag: 'a' });
    expect(lookupCommitFacts(index, data.tip, all, 'test-1')).toBeNull();
    rmSync(factsPath(index));
    expect(lookupCommitFacts(index, data.tip, all, 'test-1')).toBeNull();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
