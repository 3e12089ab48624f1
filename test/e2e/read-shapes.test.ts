// The in-process read fast paths (show.cjs, read.cjs, blame.cjs) find the repository and read refs,
// packs and loose objects themselves. Here every repository is made by the real `git` in the shapes
// users have (crash-damaged HEAD, SHA-256, linked worktrees, alternates, bare, packs of every kind,
// refs of every kind, odd note blobs), and each read command's stdout, stderr and exit code on the fast
// path must equal the full path's (AGENT_LOG_SLOW_PATH=1), whose answers are checked against an
// independent reader (`git notes --ref=agent-log show`, JSON.parse). Where the fast path reads the
// shape itself, it must start no git; where it cannot, it hands over and gives the same bytes.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { canonicalJson, refLine } from '../../src/record/note-lines.js';
import { shopRecord } from '../helpers/records.js';
import { cli, type CliResult, gitEnv, tempRepo, type TempRepo } from '../helpers/repo.js';

const made: TempRepo[] = [];
const scratch: string[] = [];
const trace = join(tmpdir(), `agent-log-shapes-trace-${process.pid}`);
const IDS = ['kq3v9x0a1b', 'wq7n3c5d8e', 'mz8p2w4e5f'] as const;

function recordLine(id: string, intent: string, day: number, path: string): string {
  return canonicalJson(shopRecord(id, intent, day, { path }));
}

/** A scratch directory removed after the file's tests. */
function scratchDir(name: string): string {
  const dir = join(tmpdir(), `agent-log-shapes-${name}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  scratch.push(dir);
  return dir;
}

/**
 * The shop: four commits (pay.ts, cart.ts), a record on each of the first three (the third also
 * pointed at from the fourth), written by plain `git notes`; `init` args for `git init`.
 */
async function shop(args: string[] = []): Promise<{ repo: TempRepo; commits: string[] }> {
  const repo = await tempRepo({ args });
  made.push(repo);
  const commits: string[] = [];
  for (let i = 0; i < 4; i++) {
    repo.write(i % 2 ? 'cart.ts' : 'pay.ts', `step ${i + 1}\n`);
    commits.push(await repo.commit(`step ${i + 1}`));
  }
  const notes = (...a: string[]) => repo.git('notes', '--ref=agent-log', ...a);
  await notes('add', '-m', recordLine(IDS[0], 'validate the card number', 0, 'pay.ts'), commits[0]!);
  await notes('add', '-m', recordLine(IDS[1], 'keep the cart on reload', 1, 'cart.ts'), commits[1]!);
  await notes('add', '-m', recordLine(IDS[2], 'round the totals', 2, 'pay.ts'), commits[2]!);
  await notes('add', '-m', refLine(IDS[2]), commits[3]!);
  return { repo, commits };
}

/** Plain git in `cwd` with the tests' identity and config isolation. */
function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: gitEnv(), encoding: 'utf8' });
}

/** Independent reader: the JSON objects of the note on `commit`, as plain git shows them. */
function noteObjects(gitDir: string, commit: string): Record<string, unknown>[] {
  return git(gitDir, 'notes', '--ref=agent-log', 'show', commit)
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function both(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const fast = await cli(cwd, args, { env });
  const slow = await cli(cwd, args, { env: { ...env, AGENT_LOG_SLOW_PATH: '1' } });
  return { fast, slow };
}

/** Fast and slow agree on `args`; the fast path's result. */
async function same(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const { fast, slow } = await both(cwd, args, env);
  expect({ cwd, args, ...fast }).toEqual({ cwd, args, ...slow });
  return fast;
}

/** The read invocations of every fast path (show.cjs, read.cjs, blame.cjs) on the shop. */
function readInvocations(commits: string[]): string[][] {
  return [
    ['show', 'HEAD', '--json'],
    ['show', commits[1]!, '--json'],
    ['show', IDS[0], '--json'],
    ['show', 'HEAD~1', '--json'],
    ['log'],
    ['query', '--file', 'pay.ts', '--format', '%id'],
    ['blame', 'pay.ts', '--no-pager'],
  ];
}

/** Fast and slow agree on every read invocation in `cwd`. */
async function allSame(cwd: string, commits: string[], env: NodeJS.ProcessEnv = {}) {
  for (const args of readInvocations(commits)) await same(cwd, args, env);
}

/** The git processes `args` starts on the fast path (GIT_TRACE names each). */
async function gitStarted(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  rmSync(trace, { force: true });
  const r = await cli(cwd, args, { env: { ...env, GIT_TRACE: trace } });
  expect(r.code, r.stderr).toBe(0);
  if (!existsSync(trace)) return [];
  return readFileSync(trace, 'utf8')
    .split('\n')
    .filter((l) => / trace: (built-in|exec|run_command): /.test(l));
}

/** `show HEAD --json` prints the record plain git shows for `id` on `commit`. */
function expectRecord(r: CliResult, gitDir: string, commit: string, id: string) {
  expect(r.code, r.stderr).toBe(0);
  const line = noteObjects(gitDir, commit).find((o) => o.id === id);
  expect(line).toBeDefined();
  expect(JSON.parse(r.stdout)).toEqual(line);
}

afterAll(() => {
  rmSync(trace, { force: true });
  for (const r of made) r.cleanup();
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

test(
  'a .git whose HEAD git rejects (empty after a crash, garbage): every read path gives git’s answer',
  { timeout: 300_000 },
  async () => {
    // A crash that truncates .git/HEAD leaves a directory git no longer takes for a repository.
    const { repo, commits } = await shop();
    // its own run on HEAD, which no answer may show once git no longer reads this repository
    const own = recordLine('hb1cd2ef3g', 'a run git cannot see', 3, 'pay.ts');
    await repo.git('notes', '--ref=agent-log', 'add', '-f', '-m', own, commits[3]!);
    expect((await cli(repo, ['log'])).code).toBe(0); // the index, as a first read builds it
    writeFileSync(join(repo.dir, '.git', 'HEAD'), '');
    expect(() => git(repo.dir, 'rev-parse', '--git-dir')).toThrow(/not a git repository/);
    for (const args of readInvocations(commits)) {
      const r = await same(repo.dir, args);
      expect({ args, code: r.code, stdout: r.stdout }).toEqual({ args, code: 2, stdout: '' });
    }
    // Inside another repository, git walks on to it: its records are the answer, not the broken one's.
    const outer = await shop();
    expect((await cli(outer.repo, ['log'])).code).toBe(0);
    const inner = join(outer.repo.dir, 'vendor', 'lib');
    mkdirSync(join(outer.repo.dir, 'vendor'));
    execFileSync('cp', ['-a', repo.dir, inner]);
    for (const head of ['', 'garbage\n', 'ref: HEAD\n']) {
      writeFileSync(join(inner, '.git', 'HEAD'), head);
      expect(git(inner, 'rev-parse', '--show-toplevel').trim()).toBe(outer.repo.dir);
      await allSame(inner, outer.commits);
      const r = await same(inner, ['show', 'HEAD', '--json']);
      expectRecord(r, outer.repo.dir, outer.commits[2]!, IDS[2]);
      expect((await same(inner, ['show', 'hb1cd2ef3g', '--json'])).code).toBe(1);
    }
  },
);

test(
  'SHA-256: the full path reads it, and the fast paths hand it over with the same bytes',
  { timeout: 300_000 },
  async () => {
    const { repo, commits } = await shop(['--object-format=sha256']);
    expect(commits[0]).toMatch(/^[0-9a-f]{64}$/);
    await allSame(repo.dir, commits);
    expectRecord(await same(repo.dir, ['show', 'HEAD', '--json']), repo.dir, commits[2]!, IDS[2]);
    expectRecord(await same(repo.dir, ['show', commits[1]!, '--json']), repo.dir, commits[1]!, IDS[1]);
    const log = await same(repo.dir, ['log', '--format', '%id']);
    expect(log.stdout.split('\n').filter(Boolean).sort()).toEqual([...IDS].sort());
  },
);

test(
  'a linked worktree, from its top and from a subdirectory: same answers, and no git for show',
  { timeout: 300_000 },
  async () => {
    const { repo, commits } = await shop();
    const wt = scratchDir('worktree');
    await repo.git('worktree', 'add', '-q', '-b', 'side', wt, commits[2]!);
    const deep = join(wt, 'src', 'deep');
    mkdirSync(deep, { recursive: true });
    for (const cwd of [wt, deep]) {
      await allSame(cwd, commits);
      expectRecord(await same(cwd, ['show', 'HEAD', '--json']), repo.dir, commits[2]!, IDS[2]);
      expect(await gitStarted(cwd, ['show', 'HEAD', '--json'])).toEqual([]);
      expect(await gitStarted(cwd, ['log'])).toEqual([]);
    }
  },
);

test(
  'a linked worktree whose main repository moved away: both paths give git’s refusal',
  { timeout: 300_000 },
  async () => {
    const { repo, commits } = await shop();
    const wt = scratchDir('orphan-worktree');
    await repo.git('worktree', 'add', '-q', '-b', 'side', wt, commits[2]!);
    expect((await cli(wt, ['log'])).code).toBe(0);
    const moved = scratchDir('moved-main');
    execFileSync('mv', [repo.dir, moved]);
    for (const args of readInvocations(commits)) {
      const r = await same(wt, args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toMatch(/^error: not a git repository/);
    }
    // the moved main repository itself still reads, on both paths
    expectRecord(await same(moved, ['show', 'HEAD', '--json']), moved, commits[2]!, IDS[2]);
  },
);
