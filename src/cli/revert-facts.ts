// The git facts revert and rollback decide on (src/report/revert-decision.ts): which commits carry
// the run today and are on this branch, which of them are squash commits (`adopt`), the run's own
// commits as first sealed, whether its patch is in HEAD, and whether a commit already reverted it.
// Every commit id comes from a record, so each is checked to be a full object id before git sees it.
import { existingCommits, findRevertOnHead, newestFirst, patchesApply } from '../git/native/revert.js';
import type { GitEngine } from '../git/engine.js';
import type { Repo } from '../git/repo.js';
import { fullObjectIds } from '../record/commit-id.js';
import type { RevertFacts } from '../report/revert-decision.js';
import type { StoredRecord } from '../store/read.js';

export interface RunCommitSets {
  /** Commits carrying the run's lines now (not squash commits), existing here, newest first. */
  own: string[];
  /** Squash commits the run was adopted onto, existing here. */
  adopted: string[];
  /** The run's commits as first sealed, existing here, newest first. */
  original: string[];
}

export async function runCommitSets(cwd: string, stored: StoredRecord): Promise<RunCommitSets> {
  const record = stored.record;
  const start = record.repo.start_commit;
  const adoptedIds = new Set(fullObjectIds((record.repo.adopted ?? []).map((a) => a.commit)));
  const carriers = await existingCommits(cwd, fullObjectIds(stored.commits));
  const own = carriers.filter((c) => !adoptedIds.has(c));
  const adopted = carriers.filter((c) => adoptedIds.has(c));
  const original = await existingCommits(cwd, fullObjectIds(record.repo.commits));
  return {
    own: await newestFirst(cwd, own, start),
    adopted: await newestFirst(cwd, adopted, null),
    original: await newestFirst(cwd, original, start),
  };
}

/**
 * The run's commit sets in a working tree, whichever engine reads it: from git (runCommitSets) with
 * the native engine, from the engine's own history with the isomorphic one, so that both name the
 * same commits (after a rebase, the ones carrying the run today, not the orphans it was sealed on).
 * Undefined in a bare repository and for a run with no commit (the record's own list is shown).
 */
export async function commitSetsOf(repo: Repo, stored: StoredRecord): Promise<RunCommitSets | undefined> {
  const cwd = repo.location.worktree;
  if (!cwd || !stored.commit) return undefined;
  if (repo.engine.name === 'native') return runCommitSets(cwd, stored);
  const engine = repo.engine;
  const record = stored.record;
  const adoptedIds = new Set(fullObjectIds((record.repo.adopted ?? []).map((a) => a.commit)));
  const carriers = await engineCommits(engine, fullObjectIds(stored.commits));
  const original = await engineCommits(engine, fullObjectIds(record.repo.commits));
  return {
    own: await engineNewestFirst(
      engine,
      carriers.filter((c) => !adoptedIds.has(c)),
    ),
    adopted: await engineNewestFirst(
      engine,
      carriers.filter((c) => adoptedIds.has(c)),
    ),
    original: await engineNewestFirst(engine, original),
  };
}

/**
 * Those of `commits` on the current branch (ancestors of HEAD), when any are; otherwise all of them.
 * After a rebase the orphans the run was sealed on still carry its note beside the rebased commits:
 * a packet names the ones a reviewer can revert here.
 */
export async function onBranchFirst(repo: Repo, commits: readonly string[]): Promise<string[]> {
  const here = await onHead(repo, commits);
  return here.length ? here : [...commits];
}

/** Those of `commits` that are commits here (git's `cat-file -e <c>^{commit}`). */
async function engineCommits(engine: GitEngine, commits: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const c of commits)
    if (
      await engine.readCommit(c).then(
        () => true,
        () => false,
      )
    )
      out.push(c);
  return out;
}

/**
 * `commits` newest first as `git rev-list --topo-order` lists them: no commit before its descendants
 * among them; a line of history kept together (the next is the parent side of the last one when it
 * can be); otherwise the newest committer date first.
 */
async function engineNewestFirst(engine: GitEngine, commits: readonly string[]): Promise<string[]> {
  if (commits.length < 2) return [...commits];
  const time = new Map<string, number>();
  for (const c of commits) time.set(c, (await engine.readCommit(c)).committer.timestamp);
  // Each pair asked once (a walk of history each on this engine), not again every round.
  const ancestors = new Map<string, Set<string>>(commits.map((c) => [c, new Set<string>()]));
  for (const c of commits)
    for (const d of commits) if (d !== c && (await engine.isAncestor(c, d))) ancestors.get(d)!.add(c);
  const isAncestor = (c: string, d: string) => ancestors.get(d)!.has(c);
  const rest = [...commits];
  const out: string[] = [];
  while (rest.length) {
    const ready = rest.filter((c) => !rest.some((d) => d !== c && isAncestor(c, d)));
    const last = out[out.length - 1];
    let next: string | undefined;
    if (last) next = ready.find((c) => isAncestor(c, last));
    next ??= ready.reduce((a, b) => (time.get(b)! > time.get(a)! ? b : a));
    out.push(next);
    rest.splice(rest.indexOf(next), 1);
  }
  return out;
}

/** Those of `commits` on the current branch (ancestors of HEAD; none on an unborn branch). */
async function onHead(repo: Repo, commits: readonly string[]): Promise<string[]> {
  const head = (await repo.engine.head()).commit;
  const out: string[] = [];
  if (head) for (const c of commits) if (await repo.engine.isAncestor(c, head)) out.push(c);
  return out;
}

export async function revertFacts(repo: Repo, stored: StoredRecord): Promise<RevertFacts & RunCommitSets> {
  const cwd = repo.location.worktree!;
  const sets = await runCommitSets(cwd, stored);
  const ownOnBranch = await onHead(repo, sets.own);
  const adoptedOnBranch = await onHead(repo, sets.adopted);
  const stops = ownOnBranch.length ? ownOnBranch : adoptedOnBranch;
  const revertedBy = await findRevertOnHead(
    cwd,
    stored.record.id,
    [...new Set([...sets.own, ...sets.adopted, ...sets.original])],
    stops,
  );
  const needPatch = !revertedBy && !ownOnBranch.length && !adoptedOnBranch.length && sets.original.length > 0;
  return {
    ...sets,
    revertedBy,
    ownOnBranch,
    adoptedOnBranch,
    originalInHead: needPatch
      ? await patchesApply(cwd, repo.location.gitDir, sets.original, 'reverse')
      : null,
    hadCommits: fullObjectIds(stored.record.repo.commits).length > 0 || stored.commits.length > 0,
  };
}
