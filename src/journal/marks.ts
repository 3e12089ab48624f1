// Marker files the git hook scripts test in shell before any Node starts (see cli/hook-scripts.ts):
// <common dir>/agent-log/marks/<worktree>.live     an agent session may be running in this worktree
// <common dir>/agent-log/marks/<worktree>.pending  a finished run may wait for this worktree's next commit
// (an open manual run is its own marker: active/<worktree>). Writers create a mark after writing the
// journal line it stands for; refreshers delete it first, then look, then re-create it: whatever
// order a hook and a refresher run in, a mark is never missing while its work exists.
import { closeSync, existsSync, openSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir } from './journal.js';
import { journalRoot } from './paths.js';

export type MarkKind = 'live' | 'pending';

export function marksDir(commonDir: string): string {
  return join(journalRoot(commonDir), 'marks');
}

export function markPath(commonDir: string, worktreeKey: string, kind: MarkKind): string {
  return join(marksDir(commonDir), `${worktreeKey}.${kind}`);
}

/** Create the mark unless it is there (one stat on the hot path). Never throws. */
export function setMark(commonDir: string, worktreeKey: string, kind: MarkKind): void {
  const path = markPath(commonDir, worktreeKey, kind);
  try {
    if (existsSync(path)) return;
    ensurePrivateDir(marksDir(commonDir));
    closeSync(openSync(path, 'a', 0o600));
  } catch {
    // read-only or full: the mark is an optimisation hint, the hook scripts stay correct without work
  }
}

export function clearMark(commonDir: string, worktreeKey: string, kind: MarkKind): void {
  try {
    unlinkSync(markPath(commonDir, worktreeKey, kind));
  } catch {
    // not there
  }
}

export function hasMark(commonDir: string, worktreeKey: string, kind: MarkKind): boolean {
  return existsSync(markPath(commonDir, worktreeKey, kind));
}

/** The key git hooks and `RepoLocation.worktreeKey` use: 'main', or the linked worktree's id. */
export function worktreeKeyOf(gitDir: string, commonDir: string): string {
  const g = gitDir.replace(/\/+$/, '');
  return g === commonDir.replace(/\/+$/, '') ? 'main' : g.slice(g.lastIndexOf('/') + 1);
}
