// Undoing a run through the user's git: order its commits, check the working tree, revert the commits
// newest first in one `git revert`, or restore its files from the start commit. Each step is one git
// call; nothing here decides policy (src/cli/commands/revert.ts does).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
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

/** The commits of `commits` that exist in the repository. */
export async function existingCommits(cwd: string, commits: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const c of commits) {
    const r = await runGit(['cat-file', '-e', `${c}^{commit}`], { cwd, okCodes: [1, 128] });
    if (r.code === 0) out.push(c);
  }
  return out;
}

export async function isAncestorOfHead(cwd: string, commit: string): Promise<boolean> {
  const r = await runGit(['merge-base', '--is-ancestor', commit, 'HEAD'], { cwd, okCodes: [1, 128] });
  return r.code === 0;
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
  /** Files left with conflicts when the revert stopped. */
  conflicts: string[];
}

/** `git revert --no-edit` of `commits` (newest first) in one sequence; stops on the first conflict. */
export async function revertCommits(cwd: string, commits: readonly string[]): Promise<RevertResult> {
  const r = await runGit(['revert', '--no-edit', ...commits], { cwd, okCodes: [1] });
  const output = r.stdout.toString('utf8') + r.stderr;
  if (r.code === 0) return { ok: true, output, conflicts: [] };
  const conflicts = await gitText(['diff', '--name-only', '-z', '--diff-filter=U'], { cwd });
  return { ok: false, output, conflicts: conflicts.split('\0').filter(Boolean) };
}

/** Put each path back as it was in `start` (or remove it when it did not exist there), staged. */
export async function restorePaths(cwd: string, start: string, paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    const exists = await runGit(['cat-file', '-e', `${start}:${path}`], { cwd, okCodes: [1, 128] });
    if (exists.code === 0) await runGit(['--literal-pathspecs', 'checkout', start, '--', path], { cwd });
    else await runGit(['--literal-pathspecs', 'rm', '-q', '-f', '--ignore-unmatch', '--', path], { cwd });
  }
}

/** Commit what is staged; false when nothing is. */
export async function commitStaged(cwd: string, subject: string, body: string): Promise<boolean> {
  const diff = await runGit(['diff', '--cached', '--quiet'], { cwd, okCodes: [1] });
  if (diff.code === 0) return false;
  await runGit(['commit', '-q', '-m', subject, '-m', body], { cwd });
  return true;
}

export async function headCommit(cwd: string): Promise<string> {
  return (await gitText(['rev-parse', 'HEAD'], { cwd })).trim();
}
