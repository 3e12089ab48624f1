// `show ID|REV` and `blame` read a current index through its lookup file (records.v1.at) instead of
// the whole index. Through the built CLI: the answer is always the notes' truth, whether the lookup
// file is current, missing, stale, or wrong, and whether the notes changed behind the index's back.
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { canonicalJson, refLine } from '../../src/record/note-lines.js';
import { shopRecord } from '../helpers/records.js';
import { cli, tempRepo, type TempRepo } from '../helpers/repo.js';

let repo: TempRepo;
const commits: string[] = [];
const ids = ['kq3v9x0a1b', 'kq3v9x0a2c', 'kq3v9x0a3d', 'mz8p2w4e5f'];
const indexFile = () => join(repo.dir, '.git', 'agent-log', 'index', 'records.v1');
const lookupFile = () => `${indexFile()}.at`;
const notes = (...args: string[]) => repo.git('notes', '--ref=agent-log', ...args);

function recordLine(id: string, intent: string, day: number) {
  return canonicalJson(shopRecord(id, intent, day, { read: '/Users/alice/src/shop/pay.ts', started: false }));
}

/** The independent reader: the record lines plain git shows on a commit. */
async function gitRecords(commit: string): Promise<Record<string, unknown>[]> {
  let text: string;
  try {
    text = await notes('show', commit);
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((r) => r.kind === 'record');
}

/** Line → commit, from plain `git blame --porcelain`. */
async function gitBlame(file: string): Promise<string[]> {
  const out = await repo.git('blame', '--porcelain', 'HEAD', '--', file);
  const byLine: string[] = [];
  for (const l of out.split('\n')) {
    const m = /^([0-9a-f]{40}) \d+ (\d+)/.exec(l);
    if (m) byLine[Number(m[2]) - 1] = m[1]!;
  }
  return byLine;
}

beforeAll(async () => {
  repo = await tempRepo({ files: { 'README.md': 'shop\n' } });
  let body = '';
  for (let i = 0; i < 4; i++) {
    body += `line ${i + 1}\n`;
    repo.write('pay.ts', body);
    commits.push(await repo.commit(`step ${i + 1}`));
  }
  // Runs 0-2 on their own commits; run 3 has no line of its own commit's note but a pointer.
  for (let i = 0; i < 3; i++)
    await notes('add', '-m', recordLine(ids[i]!, `step ${i + 1} of the shop`, i), commits[i]!);
  await notes('add', '-m', refLine(ids[0]!), commits[3]!);
});

afterAll(() => repo.cleanup());

async function showJson(arg: string) {
  const r = await cli(repo, ['show', arg, '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

test('a current index gets a lookup file; show by ID and by revision answer from it as from a scan', async () => {
  expect((await cli(repo, ['log', '--format', '%id'])).code).toBe(0);
  expect(existsSync(lookupFile())).toBe(true);
  const viaLookup = [await showJson(ids[1]!), await showJson('HEAD~2'), await showJson(ids[0]!.slice(0, 9))];
  // The same commands with no lookup file (the first writes it anew from the index) print the same bytes.
  rmSync(lookupFile());
  const viaScan = [await showJson(ids[1]!), await showJson('HEAD~2'), await showJson(ids[0]!.slice(0, 9))];
  expect(viaScan).toEqual(viaLookup);
  // An ambiguous prefix is the same error either way.
  const ambiguous = await cli(repo, ['show', 'kq3v9x0a', '--json']);
  rmSync(indexFile()); // the rebuild writes both files
  await cli(repo, ['log']);
  expect(existsSync(lookupFile())).toBe(true);
  expect(await cli(repo, ['show', 'kq3v9x0a', '--json'])).toEqual(ambiguous);
  expect(ambiguous.code).toBe(2);
  expect(ambiguous.stderr).toContain('kq3v9x0a1b, kq3v9x0a2c, kq3v9x0a3d');
  // And what they print is the record git holds.
  expect(JSON.parse(viaLookup[0]!)).toMatchObject((await gitRecords(commits[1]!))[0]!);
  expect(JSON.parse(viaLookup[1]!)).toMatchObject((await gitRecords(commits[1]!))[0]!);
  expect(JSON.parse(viaLookup[2]!).id).toBe(ids[0]);
});

test('a note changed by plain git notes is seen at once, and the lookup file follows', async () => {
  await cli(repo, ['log']); // index and lookup file current
  const line = recordLine(ids[2]!, 'rewritten behind the index', 2);
  await notes('add', '-f', '-m', line, commits[2]!);
  const shown = JSON.parse(await showJson(ids[2]!));
  expect(shown.task.intent).toBe('rewritten behind the index');
  expect(shown).toMatchObject((await gitRecords(commits[2]!))[0]!);
  // now read through the rewritten lookup file
  expect(readFileSync(lookupFile(), 'utf8')).toContain(
    `"tip":"${(await repo.git('rev-parse', 'refs/notes/agent-log')).trim()}"`,
  );
  expect(JSON.parse(await showJson('HEAD~1')).task.intent).toBe('rewritten behind the index');
});

test('a stale or damaged lookup file is never trusted', async () => {
  await cli(repo, ['log']);
  const saved = `${lookupFile()}.saved`;
  copyFileSync(lookupFile(), saved);
  // A run added by plain git: index and lookup file are both behind.
  await notes('add', '-f', '-m', recordLine(ids[3]!, 'a fourth run', 3), commits[3]!);
  expect(JSON.parse(await showJson(ids[3]!)).task.intent).toBe('a fourth run');
  // The old lookup file put back beside the new index: it names another tip and size.
  copyFileSync(saved, lookupFile());
  expect(JSON.parse(await showJson(ids[3]!)).task.intent).toBe('a fourth run');
  expect(JSON.parse(await showJson(ids[1]!)).id).toBe(ids[1]);
  // A lookup file that names the index but points at the wrong lines: answers stay right.
  await cli(repo, ['log']);
  const text = readFileSync(lookupFile(), 'utf8');
  const lines = text.split('\n');
  const offsets = lines.filter((l) => l.startsWith('i\t')).map((l) => l.split('\t')[2]!);
  const rotated = lines.map((l) => {
    if (!l.startsWith('i\t')) return l;
    const f = l.split('\t');
    return `${f[0]}\t${f[1]}\t${offsets[(offsets.indexOf(f[2]!) + 1) % offsets.length]}`;
  });
  writeFileSync(lookupFile(), rotated.join('\n'));
  for (const [i, id] of ids.entries()) {
    const expected = (await gitRecords(commits[i]!)).find((r) => r.id === id)!;
    expect(JSON.parse(await showJson(id))).toMatchObject(expected);
  }
  rmSync(saved);
});

test('blame names the runs git notes hold on each line, before and after a note is removed', async () => {
  await cli(repo, ['log']);
  const expectRuns = async () => {
    const r = await cli(repo, ['blame', 'pay.ts', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { segments: { start: number; end: number; runs: string[] }[] };
    const blamed = await gitBlame('pay.ts');
    for (const [i, commit] of blamed.entries()) {
      const expected = new Set((await gitRecords(commit)).map((x) => x.id as string));
      // a pointer line names a run too
      const body = await notes('show', commit).catch(() => '');
      for (const l of body.split('\n'))
        if (l.startsWith('{') && JSON.parse(l).kind === 'ref') expected.add(JSON.parse(l).id);
      const seg = report.segments.find((s) => s.start <= i + 1 && i + 1 <= s.end)!;
      expect(new Set(seg.runs)).toEqual(expected);
    }
    return r.stdout;
  };
  const before = await expectRuns();
  rmSync(lookupFile());
  expect(await expectRuns()).toBe(before); // the full index gives the same report
  await notes('remove', commits[1]!);
  const after = await expectRuns();
  expect(after).not.toBe(before);
  expect(JSON.parse(after).segments[1].runs).toEqual([]);
});
