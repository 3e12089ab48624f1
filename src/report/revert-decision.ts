// What undoing a run means on the current branch, decided from facts git gave us. Pure, so `revert`
// and the tests share it, and the rollback script (templates/rollback.sh) follows the same steps.
//
// 1. A commit on this branch already reverted the run → say so, change nothing.
// 2. Commits that carry the run today (its own, or their copies after amend/rebase) are on this
//    branch → reverse-apply exactly those.
// 3. Only a squash commit made of the run is here (`adopt`) → reverse-apply the run's own commits
//    (kept in the repository under their first ids) with a 3-way merge: other work in the squash
//    commit, a reviewer's fix-up included, stays.
// 4. No carrier here, but the run's own patch is found in HEAD (a cherry-pick, a rebase without
//    notes) → reverse-apply it the same way.
// 5. Otherwise the run's change is not on this branch: refuse. Whole files are never restored.

export interface RevertFacts {
  /** A commit on HEAD that already reverted the run, or null. */
  revertedBy: string | null;
  /** Commits carrying the run's lines now that are on this branch and are not squash commits, newest first. */
  ownOnBranch: string[];
  /** Squash or merge commits the run was adopted onto that are on this branch. */
  adoptedOnBranch: string[];
  /** The run's commits as first sealed that still exist here, newest first. */
  original: string[];
  /** The patches of `original` apply reversed to HEAD (their change is there), or null when unknown. */
  originalInHead: boolean | null;
  /** The run recorded commits at all (a pending run has none). */
  hadCommits: boolean;
}

export type RevertDecision =
  | { action: 'already-reverted'; commit: string }
  | { action: 'revert'; commits: string[]; source: 'carriers' | 'squash' | 'patch' }
  | { action: 'refuse'; reason: string; hint?: string };

export function decideRevert(f: RevertFacts): RevertDecision {
  if (f.revertedBy) return { action: 'already-reverted', commit: f.revertedBy };
  if (f.ownOnBranch.length) return { action: 'revert', commits: f.ownOnBranch, source: 'carriers' };
  if (f.adoptedOnBranch.length) {
    if (f.original.length) return { action: 'revert', commits: f.original, source: 'squash' };
    return {
      action: 'refuse',
      reason: `the run was squashed into ${f.adoptedOnBranch[0]!.slice(0, 12)} with other work, and its own commits are not in this repository`,
      hint: 'fetch the branch the run was made on (its commits hold the run\u2019s own patch), then run revert again',
    };
  }
  if (!f.hadCommits)
    return {
      action: 'refuse',
      reason:
        'the run has no commits: its change was never committed, so there is nothing on this branch to revert',
    };
  if (f.original.length && f.originalInHead)
    return { action: 'revert', commits: f.original, source: 'patch' };
  return {
    action: 'refuse',
    reason: f.original.length
      ? "the run's change is not on this branch (none of its commits is here and its patch is not in HEAD)"
      : "the run's change is not on this branch, and its commits are not in this repository",
    hint: 'check out the branch that holds the run, or fetch its commits',
  };
}
