import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { AmbiguousIdError, NotFoundError } from '../../src/errors.js';
import { parseIndex, serializeIndex } from '../../src/index/file.js';
import { entriesOnCommit, resolveIdPrefix } from '../../src/index/lookup.js';
import {
  applyNoteChanges,
  emptyIndex,
  INDEX_FORMAT_VERSION,
  type IndexData,
  type NoteChange,
} from '../../src/index/model.js';
import { matches } from '../../src/query/filters.js';
import { selectRecords } from '../../src/query/select.js';
import { canonicalJson, refLine } from '../../src/record/note-lines.js';
import { makeRecord, sampleRecords } from '../helpers/records.js';

// Notes as plain data: commit → note body. Blob oids are content hashes, as in git.
type Notes = Map<string, string>;
const oid = (body: string) => createHash('sha1').update(body).digest('hex');
const commit = (n: number) => n.toString(16).padStart(40, '0');
const store = new Map<string, string>();
const load = async (oids: readonly string[]) => new Map(oids.map((o) => [o, store.get(o)!] as const));

function changesBetween(a: Notes, b: Notes): NoteChange[] {
  const out: NoteChange[] = [];
  for (const c of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(c);
    const y = b.get(c);
    if (x === y) continue;
    for (const body of [x, y]) if (body !== undefined) store.set(oid(body), body);
    out.push({ commit: c, removed: x === undefined ? [] : [oid(x)], added: y === undefined ? [] : [oid(y)] });
  }
  return out;
}

async function build(notes: Notes): Promise<IndexData> {
  const data = emptyIndex();
  await applyNoteChanges(data, changesBetween(new Map(), notes), load);
  return data;
}

const body = (...lines: string[]) => `${lines.join('\n')}\n`;
const [alpha, bravo, charl, delta] = sampleRecords().map((r) => canonicalJson(r));

const base: Notes = new Map([
  [commit(1), body(refLine('alpha00001'))],
  [commit(2), body(alpha!)],
  [commit(3), body(bravo!, charl!)],
  [commit(4), body('a person wrote this with git notes append', refLine('bravo00002'))],
]);

describe('the index model', () => {
  test('a cold build maps records to commits, pointer lines included', async () => {
    const data = await build(base);
    expect([...data.entries.keys()].sort()).toEqual(['alpha00001', 'bravo00002', 'charl00003']);
    const a = data.entries.get('alpha00001')!;
    expect(a.commit).toBe(commit(2));
    expect(a.commits).toEqual([commit(1), commit(2)]);
    expect(data.entries.get('bravo00002')!.commits).toEqual([commit(3), commit(4)]);
    expect(entriesOnCommit(data, commit(3)).map((e) => e.id)).toEqual(['bravo00002', 'charl00003']);
    expect(data.warnings.size).toBe(0);
  });

  test('the slim copy drops command output but keeps what filters need', async () => {
    const withTail = makeRecord('tail000001', {
      commands: [{ command: 'npm test', exit_code: 1, kind: 'test', output_tail: 'x'.repeat(500) }],
    });
    const data = await build(new Map([[commit(9), body(canonicalJson(withTail))]]));
    const json = data.entries.get('tail000001')!.json!;
    expect(json).not.toContain('xxxxx');
    expect(JSON.parse(json).commands[0].command).toBe('npm test');
  });

  const cases: [string, (n: Notes) => void][] = [
    ['a note added on a new commit', (n) => n.set(commit(5), body(delta!))],
    [
      'a note overwritten with a re-sealed record',
      (n) =>
        n.set(commit(2), body(canonicalJson({ ...JSON.parse(alpha!), sealed_at: '2026-11-25T00:00:00Z' }))),
    ],
    ['a note removed', (n) => n.delete(commit(3))],
    ['the full line removed, pointers left', (n) => n.delete(commit(2))],
    ['a pointer removed', (n) => n.delete(commit(4))],
    ['a record copied to a rebased commit', (n) => n.set(commit(7), n.get(commit(2))!)],
    [
      'a newer seal of a record merged in from another clone (cat_sort_uniq)',
      (n) => {
        const newer = canonicalJson({ ...JSON.parse(alpha!), sealed_at: '2026-11-24T00:00:00Z' });
        n.set(commit(2), body(...[alpha!, newer].sort()));
      },
    ],
    [
      'an unreadable record line',
      (n) => n.set(commit(6), body('{"schema":"agent-log/v1","kind":"record","id":"X"}')),
    ],
    ['several runs on one commit', (n) => n.set(commit(1), body(refLine('alpha00001'), delta!))],
  ];

  test.each(cases)('incremental update equals a cold rebuild: %s', async (_name, change) => {
    const before = new Map(base);
    const after = new Map(base);
    change(after);
    const inc = await build(before);
    await applyNoteChanges(inc, changesBetween(before, after), load);
    const cold = await build(after);
    expect(serializeIndex(inc)).toEqual(serializeIndex(cold));
  });

  test('a newer seal of the same record wins, whatever the order of lines', async () => {
    const newer = canonicalJson({
      ...JSON.parse(alpha!),
      sealed_at: '2026-11-24T00:00:00Z',
      notes: ['later'],
    });
    const data = await build(new Map([[commit(2), body(newer, alpha!)]]));
    expect(JSON.parse(data.entries.get('alpha00001')!.json!).notes).toEqual(['later']);
  });

  test('an unreadable record is skipped with a warning naming its commit', async () => {
    const data = await build(
      new Map([...base, [commit(6), body('{"schema":"agent-log/v1","kind":"record","id":"X"}')]]),
    );
    expect(data.entries.size).toBe(3);
    expect(data.warnings.get(commit(6))![0]).toContain(commit(6));
  });

  test('the file form round-trips, and damage reads as no index', async () => {
    const data = await build(base);
    data.tip = commit(99);
    const text = `${serializeIndex(data).join('\n')}\n`;
    const back = parseIndex(text)!;
    expect(serializeIndex(back)).toEqual(serializeIndex(data));
    expect(back.byCommit).toEqual(data.byCommit);
    expect(parseIndex(text.slice(0, text.length - 10))).toBeNull();
    expect(parseIndex(text.replace(`"version":${INDEX_FORMAT_VERSION}`, '"version":0'))).toBeNull();
    expect(parseIndex('garbage')).toBeNull();
    expect(parseIndex(text.replace('\nr\t', '\nr\tbroken\t'))).toBeNull();
  });

  test('ID prefixes resolve to one record or fail clearly', async () => {
    const data = await build(base);
    expect(resolveIdPrefix(data, 'alph').id).toBe('alpha00001');
    expect(resolveIdPrefix(data, 'BRAVO00002').id).toBe('bravo00002');
    expect(() => resolveIdPrefix(data, 'zzzz')).toThrow(NotFoundError);
    const two = await build(new Map([...base, [commit(8), body(canonicalJson(makeRecord('alpha99999')))]]));
    expect(() => resolveIdPrefix(two, 'alpha')).toThrow(AmbiguousIdError);
  });

  test('selection through the index equals filtering every record', async () => {
    const all = sampleRecords();
    const notes: Notes = new Map(all.map((r, i) => [commit(100 + i), body(canonicalJson(r))]));
    const data = await build(notes);
    for (const spec of [{ file: ['src/payments/**'] }, { status: ['completed'] }, { read: ['*.md'] }, {}]) {
      const expected = all
        .filter((r) => matches({ record: r, commit: '', commits: [] }, spec))
        .map((r) => r.id);
      expect(
        selectRecords(data, spec)
          .map((s) => s.record.id)
          .sort(),
      ).toEqual(expected.sort());
    }
    expect(selectRecords(data, {}, 2).map((s) => s.record.id)).toEqual(['charl00003', 'foxtr00006']);
  });
});
