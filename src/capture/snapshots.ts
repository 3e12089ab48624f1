// Lifetime of the private snapshot store (src/git/snapshot-store.ts): its objects serve the start
// trees of runs and sessions not sealed yet. Once none is left, the store goes, untracked content with it.
import { EMPTY_TREE, type GitEngine } from '../git/engine.js';
import type { Repo } from '../git/repo.js';
import { removeSnapshotStore } from '../git/snapshot-store.js';
import { listRuns } from '../store/runs.js';
import { unsealedSessionRuns } from './session/sessions.js';
import { AGENT_NAMES } from './hook/agent-names.js';

/** After a seal: remove the snapshot store when no unsealed run or session of any worktree remains. */
export function pruneSnapshots(repo: Repo): void {
  try {
    const { commonDir } = repo.location;
    if (listRuns(repo.location).length) return;
    // Only a session with a start snapshot needs the store (an import or a session whose snapshot
    // never ran diffs from commits).
    const needs = (agent: string) =>
      unsealedSessionRuns(commonDir, undefined, agent).some((r) => r.startTree);
    if (AGENT_NAMES.some(needs)) return;
    removeSnapshotStore(commonDir);
  } catch {
    // best effort: the next seal tries again
  }
}

/**
 * A start tree whose objects are gone (the store was removed by a seal racing the snapshot) cannot be
 * diffed: fall back to the start commit's tree rather than fail the seal.
 */
export async function readableTree(
  engine: GitEngine,
  tree: string,
  startCommit: string | null,
): Promise<string> {
  if (tree === EMPTY_TREE) return tree;
  try {
    await engine.readTree(tree);
    return tree;
  } catch {
    return startCommit ? (await engine.readCommit(startCommit)).tree : EMPTY_TREE;
  }
}
