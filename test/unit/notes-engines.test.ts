// The notes store on both engines, over notes trees real git made: flat, one level of fanout, two
// levels, mixed flat + fanout, and a line added by `git notes append`. After each of our seals, git
// still shows every earlier note intact, `git log --notes` works, and `git notes merge` accepts the tree.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { EngineName, GitEngine } from '../../src/git/engine.js';
import { createIsomorphicEngine } from '../../src/git/isomorphic/engine.js';
import { NativeEngine } from '../../src/git/native/engine.js';
import { locateWithFs, locateWithGit } from '../../src/git/repo.js';
import { RunRecord, SCHEMA } from '../../src/record/schema.js';
import { NOTES_REF, notesTree, readNotesTree } from '../../src/store/notes.js';
import { loadAllRecords, recordsOnCommit } from '../../src/store/read.js';
import { sealRecords } from '../../src/store/seal.js';
import { gitEnv, type TempRepo, tempRepo } from '../helpers/repo.js';

const run = promisify(execFile);

beforeAll(() => {
  Object.assign(process.env, { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' });
});

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await run('git', args, { cwd, env: gitEnv(), maxBuffer: 64 * 1024 * 1024 })).stdout;
}

async function openEngine(name: EngineName, dir: string): Promise<GitEngine> {
  const engine =
    name === 'native'
      ? new NativeEngine(locateWithGit(dir))
      : await createIsomorphicEngine(locateWithFs(dir));
  cleanups.push(() => engine.close());
  return engine;
}

/** `count` commits on main, each noted by git (fast-import decides the fanout, as git does). */
async function notedRepo(count: number): Promise<{ r: TempRepo; commits: string[] }> {
  const r = await tempRepo();
  cleanups.push(() => r.cleanup());
  let stream = '';
  for (let i = 1; i <= count; i++) {
    const msg = `c${i}`;
    stream += `commit refs/heads/main\nmark :${i}\ncommitter T <t@e> ${1_790_000_000 + i} +0000\n`;
    stream += `data ${msg.length}\n${msg}\nM 100644 inline f\ndata ${String(i).length}\n${i}\n`;
  }
  stream += `commit ${NOTES_REF}\ncommitter T <t@e> 1790100000 +0000\ndata 6\nnotes\n`;
  for (let i = 1; i <= count; i++) {
    const note = `{"kind":"x-git","n":${i}}\n`;
    stream += `N inline :${i}\ndata ${note.length}\n${note}`;
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: r.dir, env: gitEnv(), input: stream });
  const commits = (await git(r.dir, 'rev-list', '--reverse', 'main')).trim().split('\n');
  return { r, commits };
}

/** Rewrite the notes ref so its notes sit at `depth` levels of 2-hex directories (git plumbing). */
async function relayout(r: TempRepo, commits: string[], depthOf: (i: number) => number): Promise<void> {
  const blobs = new Map<string, string>();
  for (const line of (await git(r.dir, 'notes', '--ref=agent-log', 'list')).trim().split('\n')) {
    const [blob, target] = line.split(' ') as [string, string];
    blobs.set(target, blob);
  }
  type Dir = { files: Map<string, string>; dirs: Map<string, Dir> };
  const root: Dir = { files: new Map(), dirs: new Map() };
  commits.forEach((c, i) => {
    let dir = root;
    let rest = c;
    for (let d = 0; d < depthOf(i); d++) {
      const key = rest.slice(0, 2);
      if (!dir.dirs.has(key)) dir.dirs.set(key, { files: new Map(), dirs: new Map() });
      dir = dir.dirs.get(key)!;
      rest = rest.slice(2);
    }
    dir.files.set(rest, blobs.get(c)!);
  });
  const write = (dir: Dir): string => {
    const lines = [
      ...[...dir.files].map(([name, oid]) => `100644 blob ${oid}\t${name}`),
      ...[...dir.dirs].map(([name, sub]) => `040000 tree ${write(sub)}\t${name}`),
    ];
    return execFileSync('git', ['mktree'], { cwd: r.dir, env: gitEnv(), input: `${lines.join('\n')}\n` })
      .toString()
      .trim();
  };
  const tip = (await git(r.dir, 'rev-parse', NOTES_REF)).trim();
  const commit = execFileSync('git', ['commit-tree', write(root), '-p', tip, '-m', 'relayout'], {
    cwd: r.dir,
    env: gitEnv(),
  })
    .toString()
    .trim();
  await git(r.dir, 'update-ref', NOTES_REF, commit, tip);
}

function record(id: string) {
  return RunRecord.parse({ schema: SCHEMA, kind: 'record', id, outcome: { status: 'completed' } });
}

async function noteOf(r: TempRepo, commit: string): Promise<string> {
  return git(r.dir, 'notes', '--ref=agent-log', 'show', commit);
}

/** Seal two runs over already-noted and new commits; check git sees everything it saw before, plus ours. */
async function sealAndCheck(name: EngineName, r: TempRepo, commits: string[]) {
  const before = new Map<string, string>();
  for (const c of commits) before.set(c, await noteOf(r, c));
  const oldTip = (await git(r.dir, 'rev-parse', NOTES_REF)).trim();
  const engine = await openEngine(name, r.dir);
  const [a, b, c] = [commits[0]!, commits[Math.floor(commits.length / 2)]!, commits[commits.length - 1]!];
  await sealRecords(engine, [{ record: record('kaaaaaaaaa'), commits: [c, b] }]);
  await sealRecords(engine, [{ record: record('kbbbbbbbbb'), commits: [a] }]);

  for (const commit of commits) {
    const now = await noteOf(r, commit);
    const lines = (text: string) => text.split('\n').filter(Boolean);
    expect(lines(now).slice(0, lines(before.get(commit)!).length)).toEqual(lines(before.get(commit)!));
    const ours = now
      .split('\n')
      .filter((l) => l.includes('"agent-log/v1"'))
      .map((l) => JSON.parse(l));
    const expected =
      commit === c
        ? [['record', 'kaaaaaaaaa']]
        : commit === b
          ? [['ref', 'kaaaaaaaaa']]
          : commit === a
            ? [['record', 'kbbbbbbbbb']]
            : [];
    expect(ours.map((l) => [l.kind, l.id])).toEqual(expected);
  }
  // Every target sits at exactly one path: no flat duplicate beside a fanned-out copy.
  const tree = await notesTree(engine, await engine.readRef(NOTES_REF));
  const notes = await readNotesTree(engine, tree);
  expect(notes.size).toBe(commits.length);
  expect([...notes.values()].every((blobs) => blobs.length === 1)).toBe(true);
  expect((await recordsOnCommit(engine, b)).map((s) => s.record.id)).toEqual(['kaaaaaaaaa']);

  const log = await git(r.dir, 'log', '--notes=agent-log', '--format=%H%n%N', '-n', '3', 'main');
  expect(log).toContain('kaaaaaaaaa');
  // A divergent notes ref from the old tip merges cleanly into ours.
  await git(r.dir, 'update-ref', 'refs/notes/theirs', oldTip);
  await git(r.dir, 'notes', '--ref=theirs', 'append', '-m', '{"kind":"x-theirs"}', a);
  await git(r.dir, 'notes', '--ref=agent-log', 'merge', '-q', '-s', 'cat_sort_uniq', 'refs/notes/theirs');
  const merged = await noteOf(r, a);
  expect(merged).toContain('{"kind":"x-theirs"}');
  expect(merged).toContain('kbbbbbbbbb');
  await git(r.dir, 'fsck', '--strict');
}

describe.each(['native', 'isomorphic'] as const)('notes store on the %s engine', (name) => {
  test('a flat notes tree (fanout 0) keeps every note through our seals', async () => {
    const { r, commits } = await notedRepo(12);
    expect((await git(r.dir, 'ls-tree', NOTES_REF)).split('\n')[0]).toMatch(/blob/);
    await sealAndCheck(name, r, commits);
  });

  test('one level of fanout (fast-import past 256 notes)', async () => {
    const { r, commits } = await notedRepo(300);
    expect((await git(r.dir, 'ls-tree', NOTES_REF)).split('\n')[0]).toMatch(/^040000 tree \w+\t[0-9a-f]{2}$/);
    await sealAndCheck(name, r, commits);
  });

  test('two levels of fanout', async () => {
    const { r, commits } = await notedRepo(20);
    await relayout(r, commits, () => 2);
    expect(await git(r.dir, 'ls-tree', '-r', '--name-only', NOTES_REF)).toMatch(
      /^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{36}$/m,
    );
    await sealAndCheck(name, r, commits);
  });

  test('a mixed tree: flat notes beside fanned-out ones', async () => {
    const { r, commits } = await notedRepo(20);
    await relayout(r, commits, (i) => i % 3);
    await sealAndCheck(name, r, commits);
  });

  test('after git gc (deltas in a pack) every note and record reads back as git lists them', async () => {
    const { r, commits } = await notedRepo(300);
    const engine = await openEngine(name, r.dir);
    await sealRecords(engine, [{ record: record('kaaaaaaaaa'), commits: [commits[299]!, commits[10]!] }]);
    await git(r.dir, 'gc', '-q', '--aggressive', '--prune=now');
    const fresh = await openEngine(name, r.dir);
    const listed = (await git(r.dir, 'notes', '--ref=agent-log', 'list')).trim().split('\n');
    const notes = await readNotesTree(fresh, await notesTree(fresh, await fresh.readRef(NOTES_REF)));
    expect([...notes].map(([target, [blob]]) => `${blob} ${target}`).sort()).toEqual(listed.sort());
    const all = await loadAllRecords(fresh);
    expect(all.records.map((s) => [s.record.id, s.commit])).toEqual([['kaaaaaaaaa', commits[299]]]);
    const blobs = await fresh.readBlobs([...notes.values()].flat());
    expect(blobs.get(notes.get(commits[0]!)![0]!)?.toString()).toBe('{"kind":"x-git","n":1}\n');
  });

  test('a line added by git notes append is kept next to ours', async () => {
    const { r, commits } = await notedRepo(12);
    const last = commits[commits.length - 1]!;
    await git(r.dir, 'notes', '--ref=agent-log', 'append', '-m', 'a person wrote this', last);
    await sealAndCheck(name, r, commits);
    expect(await noteOf(r, last)).toContain('a person wrote this');
  });
});
