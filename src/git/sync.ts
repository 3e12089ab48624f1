// Moving the notes ref between clones through the user's git (ssh, file://, credentials, proxies).
// Merges use git's own cat_sort_uniq on a scratch ref; our ref moves only by compare-and-swap.
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

export async function pushNotes(
  loc: RepoLocation,
  remote: string,
  ref: string,
  expected: string | null,
): Promise<PushResult> {
  const lease = `--force-with-lease=${ref}:${expected ?? ''}`;
  const r = await runGit(['push', '--quiet', '--porcelain', '--no-verify', lease, remote, `${ref}:${ref}`], {
    cwd: cwdOf(loc),
    okCodes: [1, 128],
  });
  const out = r.stdout.toString();
  if (r.code === 0) return /\[up to date\]/.test(out) ? 'up-to-date' : 'pushed';
  if (/rejected|stale info|fetch first|non-fast-forward/i.test(out + r.stderr)) return 'rejected';
  throw new Error(
    `push to ${remote} failed: ${r.stderr.split('\n').find((l) => l.trim()) ?? `exit ${r.code}`}`,
  );
}

export async function defaultRemote(loc: RepoLocation): Promise<string | null> {
  const r = await runGit(['remote'], { cwd: cwdOf(loc) });
  const names = r.stdout.toString().split('\n').filter(Boolean);
  return names.includes('origin') ? 'origin' : (names[0] ?? null);
}
