// Which later commits a finished run may be attached to. A run with no commit yet is pending; a
// commit takes it only on evidence: the commit changes files the run changed, names the run in an
// `Agent-Log:` trailer (the prepare-commit-msg hook adds it only on that same evidence, or while the
// run is open), or was made while the run's session was live by a command the agent ran. An
// unrelated commit never takes a run: a pending run that never matches stays pending.
import { EMPTY_TREE, type GitEngine } from '../git/engine.js';
import { agentLogTrailers } from './config.js';

export interface RunEvidence {
  id: string;
  /** Paths the run changed (repository-relative). */
  paths: ReadonlySet<string>;
  /** The span (seconds since the epoch) in which the agent itself made commits, if it ran any. */
  live?: { from: number; to: number } | null;
}

/** Paths a commit changes against its first parent. */
export async function commitPaths(engine: GitEngine, commit: string): Promise<string[]> {
  const info = await engine.readCommit(commit);
  const parent = info.parents[0] ? (await engine.readCommit(info.parents[0])).tree : EMPTY_TREE;
  const changes = await engine.diffTrees(parent, info.tree);
  return changes.flatMap((c) => (c.old_path ? [c.path, c.old_path] : [c.path]));
}

/** Why `commit` belongs to the run, or null when nothing says it does. */
export async function evidenceFor(
  engine: GitEngine,
  commit: string,
  ev: RunEvidence,
): Promise<'trailer' | 'files' | 'live' | null> {
  const info = await engine.readCommit(commit);
  if (agentLogTrailers(info.message).includes(ev.id)) return 'trailer';
  if (ev.paths.size && (await commitPaths(engine, commit)).some((p) => ev.paths.has(p))) return 'files';
  const t = info.committer.timestamp;
  if (ev.live && t >= ev.live.from && t <= ev.live.to) return 'live';
  return null;
}

/** The commits (in the order given) that carry evidence for the run. */
export async function commitsWithEvidence(
  engine: GitEngine,
  commits: readonly string[],
  ev: RunEvidence,
): Promise<string[]> {
  const out: string[] = [];
  for (const c of commits) if (await evidenceFor(engine, c, ev)) out.push(c);
  return out;
}

/** A shell command that makes commits (the agent's own `git commit`, merge, cherry-pick, …). */
export function makesCommits(command: string): boolean {
  return /\bgit\b[^\n|;&]*\b(commit|merge|cherry-pick|revert|am|rebase|pull)\b/.test(command);
}
