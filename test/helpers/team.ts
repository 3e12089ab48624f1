// A team on real git: a bare remote reached by file:// and clones of it, each a TempRepo with the
// pinned identities and dates of ./repo.ts, configured with `init` like a new teammate would.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { cli, type TempRepo, tempRepo } from './repo.js';

export interface Team {
  url: string;
  bare: string;
  clone(name: string, opts?: { init?: boolean }): Promise<TempRepo>;
  cleanup(): void;
}

/** A bare remote holding `files` on main (one initial commit pushed from a seed clone). */
export async function team(files: Record<string, string>): Promise<Team> {
  const made: TempRepo[] = [];
  const seed = await tempRepo({ files });
  made.push(seed);
  const remote = await tempRepo({ bare: true });
  made.push(remote);
  const url = `file://${remote.dir}`;
  await seed.git('push', '-q', url, 'main');
  return {
    url,
    bare: remote.dir,
    async clone(name, opts = {}) {
      const repo = await tempRepo();
      made.push(repo);
      await repo.git('config', 'user.name', name);
      await repo.git('config', 'user.email', `${name.toLowerCase()}@example.com`);
      await repo.git('remote', 'add', 'origin', url);
      await repo.git('fetch', '-q', 'origin');
      await repo.git('checkout', '-q', '-B', 'main', 'origin/main');
      await repo.git('branch', '-q', '--set-upstream-to=origin/main', 'main');
      if (opts.init !== false) {
        const r = await cli(repo, ['init']);
        expect(r.code, r.stderr).toBe(0);
      }
      return repo;
    },
    cleanup() {
      for (const r of made) r.cleanup();
    },
  };
}

/** A run recorded by hand: start, edits, one commit per edit set, finish. Returns the record ID. */
export async function handRun(
  repo: TempRepo,
  task: string,
  edits: Record<string, string>[],
  opts: { branch?: string } = {},
): Promise<string> {
  if (opts.branch) await repo.git('checkout', '-q', '-b', opts.branch);
  const start = await cli(repo, ['start', '--task', task]);
  expect(start.code, start.stderr).toBe(0);
  const id = start.stdout.trim();
  for (const edit of edits) {
    for (const [p, c] of Object.entries(edit)) repo.write(p, c);
    await repo.commit(`${task} (${Object.keys(edit).join(', ')})`);
  }
  const finish = await cli(repo, ['finish']);
  expect(finish.code, finish.stderr).toBe(0);
  return id;
}

/**
 * The tree git builds from `files` on top of `base` (an independent reader: the expected state
 * written out by hand, committed on a scratch branch, never touched by the code under test).
 */
export async function expectedTree(
  repo: TempRepo,
  base: string,
  files: Record<string, string | null>,
): Promise<string> {
  const index = join(tmpdir(), `agent-log-expect-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const env = { GIT_INDEX_FILE: index };
  const { execFileSync } = await import('node:child_process');
  const git = (args: string[], input?: string) =>
    execFileSync('git', args, {
      cwd: repo.dir,
      env: { ...process.env, ...env },
      input,
      encoding: 'utf8',
    }).trim();
  try {
    git(['read-tree', base]);
    for (const [path, content] of Object.entries(files)) {
      if (content === null) git(['rm', '-q', '--cached', '--', path]);
      else {
        const blob = git(['hash-object', '-w', '--stdin'], content);
        git(['update-index', '--add', '--cacheinfo', `100644,${blob},${path}`]);
      }
    }
    return git(['write-tree']);
  } finally {
    rmSync(index, { force: true });
  }
}

export const lines = (n: number, label = 'line') =>
  Array.from({ length: n }, (_, i) => `${label} ${i + 1}\n`).join('');
