// Undoing a run through the user's git: order its commits, check the working tree, find an earlier
// revert, test whether the run's patch is in HEAD, and reverse-apply commits with git's 3-way merge
// (`git revert --no-commit`), committing the result once. Each step is one or a few git calls;
// nothing here decides policy (src/report/revert-decision.ts does).
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isFullObjectId } from '../../record/commit-id.js';
import { gitText, runGit } from './run.js';

/** Tracked files with uncommitted changes (staged or not). Untracked files do not count. */
export async function dirtyFiles(cwd: string): Promise<string[]> {
  const out = await gitText(['status', '--porcelain=v1', '-z', '--untracked-files=no'], { cwd });
  return out
    .split('\0')
    .filter(Boolean)
    .map((entry) => entry.slice(3));
}

/** A merge, rebase, cherry-pick, revert or bisect that is still in progress, by its name, or null. */
export function operationInProgress(gitDir: string): string | null {
  const markers: [string, string][] = [
    ['MERGE_HEAD', 'merge'],
    ['CHERRY_PICK_HEAD', 'cherry-pick'],
    ['REVERT_HEAD', 'revert'],
    ['sequencer', 'revert or cherry-pick sequence'],
    ['rebase-merge', 'rebase'],
    ['rebase-apply', 'rebase or am'],
  ];
  return markers.find(([file]) => existsSync(join(gitDir, file)))?.[1] ?? null;
}

/** The commits of `commits` that exist in the repository (full object ids only: never a revision). */
export async function existingCommits(cwd: string, commits: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const c of commits) {
    if (!isFullObjectId(c)) continue;
    const r = await runGit(['cat-file', '-e', `${c}^{commit}`], { cwd, okCodes: [1, 128] });
    if (r.code === 0) out.push(c);
  }
  return out;
}

/**
 * `commits` (which must exist) newest first in topological order: children before parents. The walk
 * stops at `start` (the run's start commit) when it is an ancestor of them all; otherwise the order
 * comes from pairwise ancestry.
 */
export async function newestFirst(
  cwd: string,
  commits: readonly string[],
  start: string | null,
): Promise<string[]> {
  if (commits.length < 2) return [...commits];
  const wanted = new Set(commits);
  const startUsable = start !== null && (await existingCommits(cwd, [start])).length === 1;
  if (startUsable) {
    const out = await gitText(['rev-list', '--topo-order', ...commits, '--not', start], { cwd });
    const ordered = out
      .trim()
      .split('\n')
      .filter((c) => wanted.has(c));
    if (ordered.length === wanted.size) return ordered;
  }
  const sorted: string[] = [];
  for (const c of commits) {
    let i = 0;
    // insert before the first commit that is an ancestor of c
    while (i < sorted.length && !(await isAncestor(cwd, sorted[i]!, c))) i++;
    sorted.splice(i, 0, c);
  }
  return sorted;
}

async function isAncestor(cwd: string, ancestor: string, descendant: string): Promise<boolean> {
  const r = await runGit(['merge-base', '--is-ancestor', ancestor, descendant], { cwd, okCodes: [1, 128] });
  return r.code === 0;
}

/** Commits among `commits` that have more than one parent. */
export async function mergeCommits(cwd: string, commits: readonly string[]): Promise<string[]> {
  if (!commits.length) return [];
  const out = await gitText(['rev-list', '--no-walk', '--min-parents=2', ...commits], { cwd });
  return out.trim().split('\n').filter(Boolean);
}

export interface RevertResult {
  ok: boolean;
  /** git's own output, for the user. */
  output: string;
  /** Files that conflicted (the attempt was undone: the tree is as it was). */
  conflicts: string[];
  /** The reverse-applied change is empty: the tree already lacks it. */
  empty: boolean;
}

/**
 * Reverse-apply `commits` (newest first) onto HEAD with git's 3-way merge, into the index and working
 * tree, without committing. On a conflict the attempt is undone (`git revert --abort`, or
 * `git reset --merge` when git left no sequencer state), so nothing is ever left half done.
 */
export async function reverseApply(cwd: string, commits: readonly string[]): Promise<RevertResult> {
  const r = await runGit(['revert', '--no-commit', '--no-edit', ...commits], { cwd, okCodes: [1, 128] });
  const output = r.stdout.toString('utf8') + r.stderr;
  if (r.code === 0) {
    const same = await runGit(['diff', '--cached', '--quiet', 'HEAD'], { cwd, okCodes: [1] });
    return { ok: true, output, conflicts: [], empty: same.code === 0 };
  }
  const conflicts = (await gitText(['diff', '--name-only', '-z', '--diff-filter=U'], { cwd }))
    .split('\0')
    .filter(Boolean);
  const abort = await runGit(['revert', '--abort'], { cwd, okCodes: [1, 128] });
  if (abort.code !== 0) await runGit(['reset', '-q', '--merge'], { cwd, okCodes: [1, 128] });
  return { ok: false, output, conflicts, empty: false };
}

/** Commit what is staged (hooks of ours stay quiet); the new HEAD, or null when nothing is staged. */
export async function commitStaged(cwd: string, message: string): Promise<string | null> {
  const diff = await runGit(['diff', '--cached', '--quiet', 'HEAD'], { cwd, okCodes: [1] });
  if (diff.code === 0) return null;
  await runGit(['commit', '-q', '--no-verify', '-F', '-'], {
    cwd,
    input: message,
    env: { AGENT_LOG_DISABLE: '1' },
  });
  return headCommit(cwd);
}

/**
 * The newest commit on HEAD that reverted the run: one carrying `Agent-Log-Revert: <id>`, or git's
 * own "This reverts commit <c>" for one of `commits`, unless that revert was itself reverted later.
 * The walk stops at `stopAt` (commits the revert must be newer than) when given.
 */
export async function findRevertOnHead(
  cwd: string,
  id: string,
  commits: readonly string[],
  stopAt: readonly string[] = [],
): Promise<string | null> {
  const greps = [
    `Agent-Log-Revert: ${id}`,
    ...commits.filter(isFullObjectId).map((c) => `This reverts commit ${c}`),
  ];
  const args = ['log', '--format=%H', '-F', ...greps.map((g) => `--grep=${g}`), 'HEAD'];
  const stops = stopAt.filter(isFullObjectId);
  if (stops.length) args.push('--not', ...stops);
  const found = (await gitText(args, { cwd })).split('\n').filter(Boolean);
  for (const revert of found) {
    const undone = await gitText(
      ['log', '-n1', '--format=%H', '-F', `--grep=This reverts commit ${revert}`, 'HEAD', '--not', revert],
      { cwd },
    );
    if (!undone.trim()) return revert;
  }
  return null;
}

/**
 * Whether the patches of `commits` apply to HEAD, tried on a scratch index (the user's index and
 * working tree are not touched): `reverse` applies them inverted, newest first (the change is in
 * HEAD); forward applies them oldest first (HEAD lacks it). Exact context, no 3-way: a yes is sure.
 */
export async function patchesApply(
  cwd: string,
  gitDir: string,
  commits: readonly string[],
  direction: 'reverse' | 'forward',
): Promise<boolean> {
  const index = join(gitDir, `agent-log-check-index-${process.pid}`);
  const env = { GIT_INDEX_FILE: index };
  try {
    await runGit(['read-tree', 'HEAD'], { cwd, env });
    const ordered = direction === 'reverse' ? commits : [...commits].reverse();
    for (const c of ordered) {
      const patch = await runGit(
        ['diff-tree', '-p', '--binary', '--full-index', '--root', '--no-renames', c],
        { cwd },
      );
      const body = patch.stdout.subarray(patch.stdout.indexOf(10) + 1); // drop the commit id line
      if (body.length === 0) continue;
      const args = ['apply', '--cached', ...(direction === 'reverse' ? ['-R'] : []), '-'];
      const r = await runGit(args, { cwd, env, input: body, okCodes: [1, 128] });
      if (r.code !== 0) return false;
    }
    return true;
  } finally {
    rmSync(index, { force: true });
  }
}

export async function headCommit(cwd: string): Promise<string> {
  return (await gitText(['rev-parse', 'HEAD'], { cwd })).trim();
}
