// Sealing records into notes: one notes commit per seal, idempotent, replacing our own lines and
// keeping everyone else's.
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EngineName } from '../../src/git/engine.js';
import { openRepo, type Repo } from '../../src/git/repo.js';
import { recordLine, refLine } from '../../src/record/note-lines.js';
import { loadAllRecords, recordsOnCommit } from '../../src/store/read.js';
import { removeRecordLines, sealRecords } from '../../src/store/seal.js';
import { fastImportCommits, gitSync, REF } from '../helpers/notes-fixtures.js';
import { type TempRepo, tempRepo } from '../helpers/repo.js';
import { sampleRecord } from '../helpers/sample-record.js';

let repo: TempRepo;
let open: Repo;
let commits: string[]; // oldest first
let engineName: EngineName;

beforeEach(async () => {
  repo = await tempRepo();
  commits = fastImportCommits(repo, 60);
  open = await openRepo(repo.dir, { engine: engineName });
});
afterEach(async () => {
  await open.engine.close();
  repo.cleanup();
});

const show = (c: string) => gitSync(repo.dir, ['notes', '--ref=agent-log', 'show', c]);
const lines = (c: string) => show(c).split('\n').filter(Boolean);
const notesCommits = () => Number(gitSync(repo.dir, ['rev-list', '--count', REF]).trim());
const tip = () => gitSync(repo.dir, ['rev-parse', REF]).trim();

describe.each(['native', 'isomorphic'] as const)('sealRecords on the %s engine', (name) => {
  beforeAll(() => {
    engineName = name;
  });

  it('puts the full record on the newest commit and a pointer line on the others', async () => {
    expect(open.engine.name).toBe(name);
    const run = commits.slice(10, 13);
    const record = sampleRecord(run);
    const newestFirst = [...run].reverse();
    await sealRecords(open.engine, [{ record, commits: newestFirst }]);
    expect(lines(run[2]!)).toEqual([recordLine(record)]);
    expect(lines(run[1]!)).toEqual([refLine(record.id)]);
    expect(lines(run[0]!)).toEqual([refLine(record.id)]);
    const [stored] = (await loadAllRecords(open.engine)).records;
    expect(stored!.commit).toBe(run[2]);
    expect(stored!.commits.sort()).toEqual([...run].sort());
    expect((await recordsOnCommit(open.engine, run[0]!)).map((r) => r.record.id)).toEqual([record.id]);
  });

  it('is idempotent: sealing the same record again makes no second notes commit', async () => {
    const record = sampleRecord([commits[0]!]);
    const first = await sealRecords(open.engine, [{ record, commits: [commits[0]!] }]);
    expect(first.notesCommit).toBe(tip());
    const again = await sealRecords(open.engine, [
      { record: structuredClone(record), commits: [commits[0]!] },
    ]);
    expect(again.notesCommit).toBeNull();
    expect(tip()).toBe(first.notesCommit);
    expect(notesCommits()).toBe(1);
  });

  it('stays idempotent when a person appended a line after ours', async () => {
    const record = sampleRecord([commits[0]!]);
    await sealRecords(open.engine, [{ record, commits: [commits[0]!] }]);
    gitSync(repo.dir, ['notes', '--ref=agent-log', 'append', '-m', 'Reviewed-by: Ann', commits[0]!]);
    const before = tip();
    const again = await sealRecords(open.engine, [{ record, commits: [commits[0]!] }]);
    expect(again.notesCommit).toBeNull();
    expect(tip()).toBe(before);
  });

  it('stays idempotent after git cat_sort_uniq reordered the lines', async () => {
    const a = sampleRecord([commits[0]!], { id: 'zzzzzzzzz1' });
    await sealRecords(open.engine, [{ record: a, commits: [commits[0]!] }]);
    // another clone sealed a second run on the same commit; cat_sort_uniq sorts the lines
    const base = tip();
    const b = sampleRecord([commits[0]!], { id: 'aaaaaaaaa1' });
    await sealRecords(open.engine, [{ record: b, commits: [commits[0]!] }]);
    const theirs = tip();
    gitSync(repo.dir, ['update-ref', REF, base]);
    gitSync(repo.dir, ['notes', '--ref=agent-log', 'append', '-m', 'local remark', commits[0]!]);
    gitSync(repo.dir, ['update-ref', 'refs/notes/theirs', theirs]);
    gitSync(repo.dir, [
      'notes',
      '--ref=agent-log',
      'merge',
      '-q',
      '-s',
      'cat_sort_uniq',
      'refs/notes/theirs',
    ]);
    expect(lines(commits[0]!)).toEqual([...lines(commits[0]!)].sort());
    const merged = tip();
    const again = await sealRecords(open.engine, [
      { record: a, commits: [commits[0]!] },
      { record: b, commits: [commits[0]!] },
    ]);
    expect(again.notesCommit).toBeNull();
    expect(tip()).toBe(merged);
  });

  it('re-sealing a changed record replaces its line instead of adding one', async () => {
    const record = sampleRecord([commits[1]!]);
    await sealRecords(open.engine, [{ record, commits: [commits[1]!] }]);
    const changed = structuredClone(record);
    changed.approvals.push({
      by: 'Ann',
      scope: 'merge',
      decision: 'approved',
      at: record.sealed_at!,
      note: null,
    });
    changed.sealed_at = '2026-09-22T00:00:00.000Z';
    const r = await sealRecords(open.engine, [{ record: changed, commits: [commits[1]!] }]);
    expect(r.notesCommit).not.toBeNull();
    expect(lines(commits[1]!)).toEqual([recordLine(changed)]);
    const all = await loadAllRecords(open.engine);
    expect(all.records).toHaveLength(1);
    expect(all.records[0]!.record.approvals.at(-1)?.by).toBe('Ann');
  });

  it('moves the full line to the new newest commit when a run grows, leaving a pointer behind', async () => {
    const record = sampleRecord([commits[2]!]);
    await sealRecords(open.engine, [{ record, commits: [commits[2]!] }]);
    const grown = sampleRecord([commits[2]!, commits[3]!], {
      id: record.id,
      sealedAt: '2026-09-22T00:00:00.000Z',
    });
    await sealRecords(open.engine, [{ record: grown, commits: [commits[3]!, commits[2]!] }]);
    expect(lines(commits[3]!)).toEqual([recordLine(grown)]);
    expect(lines(commits[2]!)).toEqual([refLine(record.id)]);
  });

  it('keeps one line per run when several runs end on one commit', async () => {
    const c = commits[4]!;
    const runs = [sampleRecord([c]), sampleRecord([c]), sampleRecord([commits[3]!, c])];
    await sealRecords(open.engine, [{ record: runs[0]!, commits: [c] }]);
    await sealRecords(open.engine, [{ record: runs[1]!, commits: [c] }]);
    await sealRecords(open.engine, [{ record: runs[2]!, commits: [c, commits[3]!] }]);
    expect(lines(c).sort()).toEqual(runs.map(recordLine).sort());
    const onCommit = await recordsOnCommit(open.engine, c);
    expect(onCommit.map((r) => r.record.id).sort()).toEqual(runs.map((r) => r.id).sort());
  });

  it('keeps lines that are not ours, before and after re-sealing', async () => {
    const c = commits[5]!;
    gitSync(repo.dir, ['notes', '--ref=agent-log', 'add', '-m', 'Checked by hand: looks fine', c]);
    gitSync(repo.dir, ['notes', '--ref=agent-log', 'append', '-m', '{"json":"but not ours"}', c]);
    const record = sampleRecord([c]);
    await sealRecords(open.engine, [{ record, commits: [c] }]);
    expect(lines(c)).toEqual(['Checked by hand: looks fine', '{"json":"but not ours"}', recordLine(record)]);
    const changed = { ...record, sealed_at: '2026-09-23T00:00:00.000Z' };
    await sealRecords(open.engine, [{ record: changed, commits: [c] }]);
    expect(lines(c)).toEqual(['Checked by hand: looks fine', '{"json":"but not ours"}', recordLine(changed)]);
    const all = await loadAllRecords(open.engine);
    expect(all.warnings).toEqual([]);
    expect(all.records.map((r) => r.record.sealed_at)).toEqual(['2026-09-23T00:00:00.000Z']);
  });

  it('writes one notes commit per seal, however many commits and runs it covers', async () => {
    const big = commits.slice(0, 50);
    const items = [
      { record: sampleRecord(big.slice(0, 40)), commits: big.slice(0, 40).reverse() },
      { record: sampleRecord(big.slice(40)), commits: big.slice(40).reverse() },
    ];
    const r = await sealRecords(open.engine, items);
    expect(r.touched).toBe(50);
    expect(notesCommits()).toBe(1);
    const listed = gitSync(repo.dir, ['notes', '--ref=agent-log', 'list']).split('\n').filter(Boolean);
    expect(listed).toHaveLength(50);
    expect((await loadAllRecords(open.engine)).records).toHaveLength(2);
  });

  it('removeRecordLines drops only that record, leaving other runs and foreign lines', async () => {
    const c = commits[6]!;
    gitSync(repo.dir, ['notes', '--ref=agent-log', 'add', '-m', 'a person was here', c]);
    const gone = sampleRecord([commits[7]!, c]);
    const stays = sampleRecord([c]);
    await sealRecords(open.engine, [
      { record: gone, commits: [c, commits[7]!] },
      { record: stays, commits: [c] },
    ]);
    await removeRecordLines(open.engine, gone.id, [c, commits[7]!]);
    expect(lines(c)).toEqual(['a person was here', recordLine(stays)]);
    expect(gitSync(repo.dir, ['notes', '--ref=agent-log', 'list'])).not.toContain(commits[7]!);
  });

  it('seals concurrent callers one after the other by compare-and-swap, losing none', async () => {
    const engines = await Promise.all(
      Array.from({ length: 6 }, () => openRepo(repo.dir, { engine: engineName })),
    );
    const records = engines.map((_, i) => sampleRecord([commits[20 + i]!, commits[30]!]));
    await Promise.all(
      engines.map((e, i) =>
        sealRecords(e.engine, [{ record: records[i]!, commits: [commits[30]!, commits[20 + i]!] }]),
      ),
    );
    await Promise.all(engines.map((e) => e.engine.close()));
    expect(lines(commits[30]!).sort()).toEqual(records.map(recordLine).sort());
    expect(notesCommits()).toBe(6);
  });

  it('is not blocked forever by a ref lock a crashed process left behind', async () => {
    const record = sampleRecord([commits[8]!]);
    await sealRecords(open.engine, [{ record, commits: [commits[8]!] }]);
    const lock = join(repo.dir, '.git', `${REF}.lock`);
    writeFileSync(lock, `${tip()}\n`);
    const old = Date.now() / 1000 - 3600;
    utimesSync(lock, old, old);
    const next = sampleRecord([commits[9]!]);
    const r = await sealRecords(open.engine, [{ record: next, commits: [commits[9]!] }]);
    expect(r.notesCommit).toBe(tip());
    expect(lines(commits[9]!)).toEqual([recordLine(next)]);
  });
});
