// Moving the notes ref between clones through the user's git (ssh, file://, credentials, proxies).
// Merges use git's own cat_sort_uniq on a scratch ref; our ref moves only by compare-and-swap.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GitEngine, RepoLocation } from './engine.js';
import { runGit } from './native/run.js';

const cwdOf = (loc: RepoLocation) => loc.worktree ?? loc.gitDir;

export function trackingRef(remote: string, ref: string): string {
  return `refs/notes/remotes/${remote}/${ref.replace(/^refs\/notes\//, '')}`;
}

/** Fetch the remote's notes ref into its tracking ref. Returns false when the remote has none. */
export async function fetchNotes(loc: RepoLocation, remote: string, ref: string): Promise<boolean> {
  const r = await runGit(
    ['fetch', '--quiet', '--no-write-fetch-head', remote, `+${ref}:${trackingRef(remote, ref)}`],
    {
      cwd: cwdOf(loc),
      okCodes: [1, 128],
    },
  );
  if (r.code === 0) return true;
  if (/couldn't find remote ref|no such ref|not our ref/i.test(r.stderr)) return false;
  throw new Error(
    `fetch from ${remote} failed: ${r.stderr.split('\n').find((l) => l.trim()) ?? `exit ${r.code}`}`,
  );
}

/**
 * Merge `theirs` into `ours` with `git notes merge -s cat_sort_uniq` on a scratch ref, and return the
 * merged notes commit (our ref itself is not touched here).
 */
export async function mergeNotesCommits(engine: GitEngine, ours: string, theirs: string): Promise<string> {
  const loc = engine.location;
  const scratch = `refs/notes/agent-log-merge-${process.pid}`;
  const ident = await engine.identity();
  const env = {
    GIT_AUTHOR_NAME: ident.name,
    GIT_AUTHOR_EMAIL: ident.email,
    GIT_COMMITTER_NAME: ident.name,
    GIT_COMMITTER_EMAIL: ident.email,
  };
  await runGit(['update-ref', scratch, ours], { cwd: cwdOf(loc) });
  try {
    await runGit(['notes', `--ref=${scratch}`, 'merge', '-q', '-s', 'cat_sort_uniq', theirs], {
      cwd: cwdOf(loc),
      env,
    });
    return (await runGit(['rev-parse', scratch], { cwd: cwdOf(loc) })).stdout.toString().trim();
  } finally {
    await runGit(['update-ref', '-d', scratch], { cwd: cwdOf(loc), okCodes: [1, 128] });
  }
}

export type PushResult = 'pushed' | 'up-to-date' | 'rejected';

/** Push our notes ref to the same ref on the remote, with a lease on its old value. */
export function pushNotes(
  loc: RepoLocation,
  remote: string,
  ref: string,
  expected: string | null,
): Promise<PushResult> {
  return pushNotesCommit(loc, remote, ref, ref, expected);
}

export async function defaultRemote(loc: RepoLocation): Promise<string | null> {
  const r = await runGit(['remote'], { cwd: cwdOf(loc) });
  const names = r.stdout.toString().split('\n').filter(Boolean);
  return names.includes('origin') ? 'origin' : (names[0] ?? null);
}

/** Push one notes commit (or a ref naming it) to the remote's notes ref, with a lease on its old value. */
export async function pushNotesCommit(
  loc: RepoLocation,
  remote: string,
  ref: string,
  commit: string,
  expected: string | null,
): Promise<PushResult> {
  const lease = `--force-with-lease=${ref}:${expected ?? ''}`;
  const r = await runGit(
    ['push', '--quiet', '--porcelain', '--no-verify', lease, remote, `${commit}:${ref}`],
    {
      cwd: cwdOf(loc),
      okCodes: [1, 128],
    },
  );
  const out = r.stdout.toString();
  if (r.code === 0) return /\[up to date\]/.test(out) ? 'up-to-date' : 'pushed';
  if (/rejected|stale info|fetch first|non-fast-forward/i.test(out + r.stderr)) return 'rejected';
  throw new Error(
    `push to ${remote} failed: ${r.stderr.split('\n').find((l) => l.trim()) ?? `exit ${r.code}`}`,
  );
}

/** Tips of the remote-tracking branches of `remote` (what the remote is known to have). */
export async function remoteBranchTips(loc: RepoLocation, remote: string): Promise<string[]> {
  const r = await runGit(['for-each-ref', '--format=%(objectname)', `refs/remotes/${remote}/`], {
    cwd: cwdOf(loc),
    okCodes: [1, 128],
  });
  return [...new Set(r.stdout.toString().split('\n').filter(Boolean))];
}

/** The commits among `candidates` reachable from any of `tips`. */
export async function reachableAmong(
  loc: RepoLocation,
  candidates: ReadonlySet<string>,
  tips: readonly string[],
): Promise<Set<string>> {
  const found = new Set<string>();
  if (candidates.size === 0 || tips.length === 0) return found;
  const r = await runGit(['rev-list', '--stdin'], {
    cwd: cwdOf(loc),
    input: `${tips.join('\n')}\n`,
    okCodes: [128],
  });
  for (const c of r.stdout.toString().split('\n')) if (candidates.has(c)) found.add(c);
  return found;
}

/** Whether any fetched notes ref may exist (false: certainly none), from the files alone. */
export function mayHaveFetchedNotes(loc: RepoLocation): boolean {
  const loose = existsSync(join(loc.commonDir, 'refs', 'notes', 'remotes'));
  const packed = (() => {
    try {
      return readFileSync(join(loc.commonDir, 'packed-refs'), 'utf8').includes(' refs/notes/remotes/');
    } catch {
      return false;
    }
  })();
  return loose || packed || existsSync(join(loc.commonDir, 'reftable'));
}

/** A ref under refs/notes/remotes/ that tracks a remote's agent-log notes (what a sync merges). */
export const FETCHED_NOTES_REF = /^refs\/notes\/remotes\/[^/]+(\/[^/]+)*\/agent-log$/;

/** Refs under refs/notes/remotes/ that track a remote's agent-log notes, with their tips. */
export async function fetchedNotesRefs(loc: RepoLocation): Promise<{ ref: string; tip: string }[]> {
  // Read commands call this every time: without any fetched notes ref, no git process is started.
  if (!mayHaveFetchedNotes(loc)) return [];
  const r = await runGit(['for-each-ref', '--format=%(objectname) %(refname)', 'refs/notes/remotes/'], {
    cwd: cwdOf(loc),
    okCodes: [1, 128],
  });
  return r.stdout
    .toString()
    .split('\n')
    .filter(Boolean)
    .map((l) => ({ tip: l.slice(0, l.indexOf(' ')), ref: l.slice(l.indexOf(' ') + 1) }))
    .filter((x) => FETCHED_NOTES_REF.test(x.ref));
}
