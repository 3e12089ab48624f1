// Real temporary git repositories for tests, with pinned identities and dates.
import { type ChildProcessByStdio, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Readable, Writable } from 'node:stream';

const run = promisify(execFile);
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = join(ROOT, 'bin', 'git-agent-log');

let clock = 1_790_000_000; // 2026-09-21; advanced one minute per commit for stable dates

export function gitEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_AUTHOR_NAME: 'Test Author',
    GIT_AUTHOR_EMAIL: 'author@example.com',
    GIT_COMMITTER_NAME: 'Test Author',
    GIT_COMMITTER_EMAIL: 'author@example.com',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    HOME: tmpdir(),
    ...extra,
  };
  for (const k of Object.keys(env)) if (k.startsWith('AGENT_LOG_') && !(k in extra)) delete env[k];
  return env;
}

export interface TempRepo {
  dir: string;
  git(...args: string[]): Promise<string>;
  write(path: string, content: string): void;
  read(path: string): string;
  commit(message: string, opts?: { all?: boolean }): Promise<string>;
  cleanup(): void;
}

export interface TempRepoOptions {
  files?: Record<string, string>;
  /** Make an initial commit with `files` (default true when files are given). */
  commit?: boolean;
  bare?: boolean;
  args?: string[];
}

export async function tempRepo(opts: TempRepoOptions = {}): Promise<TempRepo> {
  const dir = mkdtempSync(join(tmpdir(), 'agent-log-test-'));
  const git = async (...args: string[]) => {
    const when = `@${clock} +0000`;
    const { stdout } = await run('git', args, {
      cwd: dir,
      env: gitEnv({ GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when }),
      maxBuffer: 256 * 1024 * 1024,
    });
    return stdout;
  };
  await git('init', '-q', '-b', 'main', ...(opts.bare ? ['--bare'] : []), ...(opts.args ?? []));
  const repo: TempRepo = {
    dir,
    git,
    write(path, content) {
      const full = join(dir, path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, content);
    },
    read(path) {
      return readFileSync(join(dir, path), 'utf8');
    },
    async commit(message, { all = true } = {}) {
      if (all) await git('add', '-A');
      clock += 60;
      await git('commit', '-q', '--allow-empty', '-m', message);
      return (await git('rev-parse', 'HEAD')).trim();
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
  if (opts.files) {
    for (const [p, c] of Object.entries(opts.files)) repo.write(p, c);
    if (opts.commit !== false) await repo.commit('initial');
  }
  return repo;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the built CLI (bin/git-agent-log) in `cwd`. */
export function cli(
  cwd: string | TempRepo,
  args: string[],
  opts: { input?: string | Buffer; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  const dir = typeof cwd === 'string' ? cwd : cwd.dir;
  const when = `@${clock} +0000`;
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: dir,
    env: gitEnv({ GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when, ...opts.env }),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.on('error', () => {});
  child.stdin.end(opts.input ?? '');
  return finished(child);
}

/** A child's exit code and its whole stdout and stderr, as text. */
export function finished(
  child: ChildProcessByStdio<Writable | null, Readable, Readable>,
): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
  });
}

/** Advance the pinned clock (seconds) used for commit dates. */
export function tick(seconds = 60) {
  clock += seconds;
}
