// After the notes ref moves, a read command updates the index by copying the lines the change left
// alone (index/splice.ts). Through the built CLI on real notes refs: after every kind of change (add,
// overwrite, remove, a run whose date moves it in the listing, a merge from another clone, an
// unreadable line, more notes at once than the splice takes) the index and its lookup file are byte
// for byte what a rebuild writes, and the runs listed are those plain git shows.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { canonicalJson, refLine } from '../../src/record/note-lines.js';
import { recordIdsInNotes } from '../helpers/notes-reader.js';
import { shopRecord } from '../helpers/records.js';
import { cli, gitEnv, tempRepo, type TempRepo } from '../helpers/repo.js';

let repo: TempRepo;
let other: string;
const commits: string[] = [];
const indexFile = () => join(repo.dir, '.git', 'agent-log', 'index', 'records.v1');
const lookupFile = () => `${indexFile()}.at`;
const notes = (...args: string[]) => repo.git('notes', '--ref=agent-log', ...args);
/** IDs of the real shape (10 lower-case base-36 characters), one per run. */
const id = (n: number) => `r${(0x5f3a9c1 + n * 7919).toString(36).padStart(9, '0')}`;

function recordLine(n: number, day: number, intent = `fix the checkout total, step ${n}`) {
  return canonicalJson(shopRecord(id(n), intent, day, { path: `src/pay${n % 3}.ts` }));
}

/**
 * Run a read command on the moved notes (the update), keep the index and lookup file it wrote,
 * then delete them and run it again (the rebuild): the same bytes and the same answer.
 */
async function expectUpdateEqualsRebuild(): Promise<string[]> {
  expect(existsSync(lookupFile())).toBe(true);
  const updated = await cli(repo, ['query', '--format', '%id']);
  const index = readFileSync(indexFile());
  const lookup = readFileSync(lookupFile());
  rmSync(indexFile());
  rmSync(lookupFile());
  const rebuilt = await cli(repo, ['query', '--format', '%id']);
  expect(readFileSync(indexFile()).equals(index)).toBe(true);
  expect(readFileSync(lookupFile()).equals(lookup)).toBe(true);
  // (Exit 1 when no run is listed.)
  expect([updated.code, updated.stdout, updated.stderr]).toEqual([
    rebuilt.code,
    rebuilt.stdout,
    rebuilt.stderr,
  ]);
  const listed = updated.stdout.trim().split('\n').filter(Boolean);
  expect([...listed].sort()).toEqual(recordIdsInNotes(repo.dir));
  return listed;
}

beforeAll(async () => {
  repo = await tempRepo({ files: { 'README.md': 'shop\n' } });
  for (let i = 0; i < 12; i++) {
    repo.write(`src/pay${i % 3}.ts`, `export const step = ${i};\n`);
    commits.push(await repo.commit(`checkout step ${i}`));
  }
  // Runs 0-7 on their own commits, days spread so that the listing interleaves them.
  for (let n = 0; n < 8; n++) await notes('add', '-m', recordLine(n, (n * 5) % 17), commits[n]!);
  await notes('append', '-m', refLine(id(2)), commits[8]!);
  expect((await cli(repo, ['query', '--format', '%id'])).code).toBe(0);
  other = `${repo.dir}-clone`;
});

afterAll(() => {
  repo?.cleanup();
  if (other) rmSync(other, { recursive: true, force: true });
});

test('a note added on a new commit', async () => {
  await notes('add', '-m', recordLine(8, 3), commits[9]!);
  expect(await expectUpdateEqualsRebuild()).toContain(id(8));
});

test('a note overwritten, and a second run appended to a note', async () => {
  await notes('add', '-f', '-m', recordLine(4, 4, 'fix the checkout total, rewritten'), commits[4]!);
  await notes('append', '-m', recordLine(9, 9), commits[4]!);
  expect(await expectUpdateEqualsRebuild()).toContain(id(9));
});

test('a run whose date changed moves in the newest-first listing', async () => {
  const before = await expectUpdateEqualsRebuild();
  // Run 0 (day 0, the oldest) is re-sealed with the newest date of all.
  await notes('add', '-f', '-m', recordLine(0, 18), commits[0]!);
  const after = await expectUpdateEqualsRebuild();
  expect(before.indexOf(id(0))).toBe(before.length - 1);
  expect(after[0]).toBe(id(0));
});

test('notes removed: a run, and the pointer line of another', async () => {
  await notes('remove', commits[5]!);
  await notes('remove', commits[8]!);
  const listed = await expectUpdateEqualsRebuild();
  expect(listed).not.toContain(id(5));
  expect(listed).toContain(id(2));
});

test('notes merged from a second clone, with an unreadable line among them', async () => {
  execFileSync('git', ['clone', '-q', repo.dir, other], { env: gitEnv() });
  const inOther = (...args: string[]) => execFileSync('git', args, { cwd: other, env: gitEnv() });
  inOther('fetch', '-q', 'origin', 'refs/notes/agent-log:refs/notes/agent-log');
  inOther('notes', '--ref=agent-log', 'add', '-m', recordLine(10, 7), commits[10]!);
  inOther(
    'notes',
    '--ref=agent-log',
    'append',
    '-m',
    recordLine(3, 12, 'fix the checkout total, from the clone'),
    commits[3]!,
  );
  inOther(
    'notes',
    '--ref=agent-log',
    'add',
    '-m',
    recordLine(12, 2).replace(id(12), 'Not-An-ID'),
    commits[11]!,
  );
  await notes('add', '-f', '-m', recordLine(11, 1), commits[7]!); // meanwhile, here
  await repo.git('fetch', '-q', other, 'refs/notes/agent-log:refs/notes/theirs');
  await notes('merge', '-s', 'cat_sort_uniq', 'refs/notes/theirs');
  const listed = await expectUpdateEqualsRebuild();
  expect(listed).toContain(id(10));
  expect(readFileSync(indexFile(), 'utf8')).toMatch(/\nw\t/);
});

test('without a lookup file that matches the index, the update reads the index whole', async () => {
  await notes('add', '-f', '-m', recordLine(13, 6), commits[2]!);
  rmSync(lookupFile());
  await cli(repo, ['query', '--format', '%id']);
  // A lookup file of the same tip and size whose offsets point at other lines.
  await notes('add', '-f', '-m', recordLine(14, 11), commits[2]!);
  const text = readFileSync(lookupFile(), 'latin1');
  const ids = [...text.matchAll(/^i\t(\w+)\t(\d+)$/gm)];
  let swapped = text;
  swapped = swapped.replace(`i\t${ids[0]![1]}\t${ids[0]![2]}\n`, `i\t${ids[0]![1]}\t${ids[1]![2]}\n`);
  swapped = swapped.replace(`i\t${ids[1]![1]}\t${ids[1]![2]}\n`, `i\t${ids[1]![1]}\t${ids[0]![2]}\n`);
  expect(swapped).not.toBe(text);
  writeFileSync(lookupFile(), swapped, 'latin1');
  expect(await expectUpdateEqualsRebuild()).toContain(id(14));
});

test("a copied line damaged in place is not skipped: the answer is still the notes' truth", async () => {
  await expectUpdateEqualsRebuild();
  // One byte of run 1's JSON becomes a tab: same size, so the lookup file still matches the index.
  const bytes = readFileSync(indexFile());
  const start = bytes.indexOf(`\nr\t${id(1)}\t`) + 1;
  const at = bytes.indexOf('"via":"edit"', start) + 7;
  expect(at).toBeGreaterThan(start);
  expect(at).toBeLessThan(bytes.indexOf(10, start));
  bytes[at] = 9;
  writeFileSync(indexFile(), bytes);
  await notes('append', '-m', recordLine(15, 14), commits[11]!);
  const found = await cli(repo, ['query', '--file', 'src/pay1.ts', '--format', '%id']);
  expect(found.stdout.split('\n')).toContain(id(1));
  await expectUpdateEqualsRebuild();
});

test('more than 1,000 notes changed at once (a first fetch of a team): the whole update, as a rebuild', async () => {
  // 1,100 commits with a run each, in one git fast-import stream: the commits, then one notes commit
  // on top of the current notes tip.
  const tip = (await repo.git('rev-parse', 'refs/notes/agent-log')).trim();
  const N = 1100;
  let stream = '';
  for (let i = 1; i <= N; i++)
    stream += `commit refs/heads/team\nmark :${i}\ncommitter Team <team@example.com> ${1_790_100_000 + i} +0000\ndata 10\nteam step\n\n`;
  stream += `commit refs/notes/agent-log\ncommitter Team <team@example.com> 1790200000 +0000\ndata 11\nteam notes\nfrom ${tip}\n`;
  for (let i = 1; i <= N; i++) {
    const line = recordLine(100 + i, i % 18);
    stream += `N inline :${i}\ndata ${Buffer.byteLength(line)}\n${line}\n`;
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: repo.dir, env: gitEnv(), input: `${stream}\n` });
  const listed = await expectUpdateEqualsRebuild();
  expect(listed).toContain(id(100 + N));
  expect(listed.length).toBeGreaterThan(N);
});

test('every note removed', async () => {
  // (One `git notes remove` of every annotated commit: the update sees the same trees as after one each.)
  await notes(
    'remove',
    ...(await notes('list'))
      .trim()
      .split('\n')
      .map((c) => c.split(' ')[1]!),
  );
  expect(await expectUpdateEqualsRebuild()).toEqual([]);
});
