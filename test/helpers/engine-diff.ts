// The two engines side by side on one repository (test/e2e/engines-*.test.ts): runs recorded with the
// built CLI, every read command run with `--engine native` and `--engine isomorphic`, and git's own
// answer (rev-list + notes list + cat-file) to "which runs does this history hold".
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { cli, gitEnv, type TempRepo, tempRepo } from './repo.js';

const cleanups: (() => void)[] = [];

/** Call once at the top of a test file: what its tests leave is removed after them. */
export function removeAfterAll(): void {
  afterAll(() => {
    for (const c of cleanups.splice(0)) c();
  });
}

/** Removed after the file's tests (see removeAfterAll). */
export function cleanupLater(c: () => void): void {
  cleanups.push(c);
}

export function git(dir: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  return execFileSync('git', args, {
    cwd: dir,
    env: gitEnv(env),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 1 << 28,
  });
}

export function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'agent-log-engines-'));
  cleanupLater(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** One run recorded by hand (start, an edit, a commit, finish); its record ID. */
export async function recordRun(r: TempRepo, task: string, cwd: string = r.dir): Promise<string> {
  const start = await cli(cwd, ['start', '--task', task]);
  expect(start.code, start.stderr).toBe(0);
  const file = join(cwd, 'a.txt');
  writeFileSync(file, `${git(cwd, ['show', 'HEAD:a.txt'])}${task}\n`);
  git(cwd, ['commit', '-q', '-am', task]);
  const finish = await cli(cwd, ['finish']);
  expect(finish.code, finish.stderr).toBe(0);
  return start.stdout.trim();
}

/** A repository with `n` recorded runs, one commit each, on top of an initial commit. */
export async function repoWithRuns(n = 4): Promise<{ r: TempRepo; ids: string[] }> {
  const r = await tempRepo({ files: { 'a.txt': 'start\n' } });
  cleanupLater(() => r.cleanup());
  expect((await cli(r, ['init'])).code).toBe(0);
  const ids: string[] = [];
  for (let i = 1; i <= n; i++) ids.push(await recordRun(r, `task ${i}`));
  return { r, ids };
}

/**
 * git's answer to "which runs have a commit reachable from REV": `git rev-list REV` (replace refs,
 * grafts and shallow boundaries as git reads them), the notes of those commits from `git notes list`,
 * their record IDs from `git cat-file`.
 */
export function gitRunsReachable(dir: string, rev: string, env: NodeJS.ProcessEnv = {}): string[] {
  const commits = new Set(git(dir, ['rev-list', rev], env).split('\n').filter(Boolean));
  const blobs = git(dir, ['notes', '--ref=agent-log', 'list'], env)
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' '))
    .filter(([, target]) => commits.has(target!))
    .map(([blob]) => blob!);
  if (blobs.length === 0) return [];
  const text = execFileSync('git', ['cat-file', '--batch'], {
    cwd: dir,
    env: gitEnv(env),
    input: `${blobs.join('\n')}\n`,
    encoding: 'utf8',
  });
  const ids = new Set<string>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    const rec = JSON.parse(line) as { kind?: string; id?: string };
    if (rec.kind === 'record' && rec.id) ids.add(rec.id);
  }
  return [...ids].sort();
}

/** The read commands a reviewer runs, with what they need of the repository. */
export function reads(ids: string[], opts: { range?: string; blame?: string } = {}): string[][] {
  const out = [
    ['log', '--json'],
    ['show', 'HEAD', '--json'],
    ['show', 'HEAD~1'],
    ['query', '--commit', 'HEAD~1'],
    ['export'],
    ['stats', '--json'],
    ['doctor', '--json'],
    ['revert', ids[ids.length - 1]!, '--dry-run'],
    ['pr', opts.range ?? 'HEAD~2..HEAD'],
  ];
  if (opts.blame !== '') out.push(['blame', opts.blame ?? 'a.txt', '--json']);
  return out;
}

export interface Answer {
  code: number;
  stdout: string;
  stderr: string;
}

/** Each command run by both engines; the pairs that differ, for one readable failure. */
export async function differences(cwd: string, commands: string[][], env: NodeJS.ProcessEnv = {}) {
  const diffs: { command: string; native: Answer; isomorphic: Answer }[] = [];
  for (const args of commands) {
    const native = await cli(cwd, ['--engine', 'native', ...args], { env });
    const isomorphic = await cli(cwd, ['--engine', 'isomorphic', ...args], { env });
    expect(native.stderr, `native ${args.join(' ')}`).not.toMatch(/\n\s+at /); // no stack trace
    if (
      native.code !== isomorphic.code ||
      native.stdout !== isomorphic.stdout ||
      native.stderr !== isomorphic.stderr
    )
      diffs.push({ command: args.join(' '), native, isomorphic });
  }
  return diffs;
}

/** `query --commit REV --json` by one engine: the record IDs, sorted. */
export async function queried(cwd: string, engine: string, rev: string, env: NodeJS.ProcessEnv = {}) {
  const res = await cli(cwd, ['--engine', engine, 'query', '--commit', rev, '--json'], { env });
  expect(res.code, res.stderr).toBe(0);
  return (JSON.parse(res.stdout) as { id: string }[]).map((rec) => rec.id).sort();
}

export async function bothMatchGit(cwd: string, rev: string, env: NodeJS.ProcessEnv = {}) {
  const expected = gitRunsReachable(cwd, rev, env);
  expect(await queried(cwd, 'native', rev, env)).toEqual(expected);
  expect(await queried(cwd, 'isomorphic', rev, env)).toEqual(expected);
  return expected;
}
