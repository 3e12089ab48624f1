// How to undo a run, from its record: revert its commits newest first, or (no commits recorded, or
// they are gone after a squash/rebase) restore its files from the start commit. Pure.
import { fullObjectIds, isFullObjectId } from '../record/commit-id.js';
import { isMigrationCommand, isMigrationPath, reinstallCommand } from '../record/path-kinds.js';
import type { RunRecord } from '../record/schema.js';

export interface RollbackPlan {
  id: string;
  strategy: 'revert-commits' | 'restore-files';
  /** The run's commits, newest first. */
  commits: string[];
  /** Commits a squash or rebase merge made of the run (`adopt`), newest first. */
  adopted: string[];
  startCommit: string | null;
  /** Every path the run touched (old and new names of renames), sorted. */
  paths: string[];
  /** Paths that existed at the start (restore them) and paths the run created (remove them). */
  restore: string[];
  remove: string[];
  /** Reinstall steps for lockfiles the run changed, one per command. */
  reinstall: { lockfile: string; command: string }[];
  /** Migration files changed or migration commands run: a rollback does not undo them. */
  migrations: string[];
  notes: string[];
  /** Recorded paths that are absolute or climb out of the repository: never touched. */
  unsafe: string[];
}

/** A path a rollback may touch: relative, inside the repository, no empty or `..` segments. */
export function isSafeRepoPath(path: string): boolean {
  if (path === '' || path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) || path.includes('\0'))
    return false;
  return path.split(/[\\/]/).every((seg) => seg !== '..' && seg !== '' && seg !== '.git');
}

/**
 * `commits` may be given newest first by the caller (from git); otherwise the record's order is used,
 * reversed when the record lists the end commit last.
 */
export function planRollback(record: RunRecord, commits?: readonly string[]): RollbackPlan {
  const ordered = fullObjectIds(commits ?? orderedCommits(record));
  const restore = new Set<string>();
  const remove = new Set<string>();
  for (const f of record.files.changed) {
    if (f.old_path && f.old_path !== f.path) {
      restore.add(f.old_path);
      remove.add(f.path);
    } else if (f.status === 'added' || f.status === 'copied') remove.add(f.path);
    else restore.add(f.path);
  }
  const unsafe = [...new Set([...restore, ...remove])].filter((p) => !isSafeRepoPath(p)).sort();
  for (const p of unsafe) {
    restore.delete(p);
    remove.delete(p);
  }
  const paths = [...new Set([...restore, ...remove])].sort();
  const reinstall = new Map<string, { lockfile: string; command: string }>();
  for (const path of paths) {
    const command = reinstallCommand(path);
    if (command && !reinstall.has(command)) reinstall.set(command, { lockfile: path, command });
  }
  const migrations = [
    ...paths.filter(isMigrationPath),
    ...record.commands.map((c) => c.command).filter(isMigrationCommand),
  ];
  return {
    id: record.id,
    strategy: ordered.length ? 'revert-commits' : 'restore-files',
    commits: ordered,
    adopted: fullObjectIds((record.repo.adopted ?? []).map((a) => a.commit)).reverse(),
    startCommit: isFullObjectId(record.repo.start_commit) ? record.repo.start_commit : null,
    paths,
    restore: [...restore].sort(),
    remove: [...remove].sort(),
    reinstall: [...reinstall.values()],
    migrations: [...new Set(migrations)],
    notes: record.rollback.notes,
    unsafe,
  };
}

function orderedCommits(record: RunRecord): string[] {
  const commits = fullObjectIds(record.repo.commits);
  const end = record.repo.end_commit;
  if (commits.length > 1 && end && commits.at(-1) === end && commits[0] !== end) commits.reverse();
  return commits;
}
