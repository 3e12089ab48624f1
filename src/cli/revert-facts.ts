// The git facts revert and rollback decide on (src/report/revert-decision.ts): which commits carry
// the run today and are on this branch, which of them are squash commits (`adopt`), the run's own
// commits as first sealed, whether its patch is in HEAD, and whether a commit already reverted it.
// Every commit id comes from a record, so each is checked to be a full object id before git sees it.
import {
  existingCommits,
  findRevertOnHead,
  isAncestorOfHead,
  newestFirst,
  patchesApply,
} from '../git/native/revert.js';
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

async function onHead(cwd: string, commits: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const c of commits) if (await isAncestorOfHead(cwd, c)) out.push(c);
  return out;
}

export async function revertFacts(repo: Repo, stored: StoredRecord): Promise<RevertFacts & RunCommitSets> {
  const cwd = repo.location.worktree!;
  const sets = await runCommitSets(cwd, stored);
  const ownOnBranch = await onHead(cwd, sets.own);
  const adoptedOnBranch = await onHead(cwd, sets.adopted);
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
