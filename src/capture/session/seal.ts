// Seal agent runs (every agent; the per-agent parts are behind ../registry.ts): fold the session
// journal, join git facts (commits since the start commit,
// the start→end diff so shell edits show up as via:"shell") and the transcript's cost, then write the
// record into notes. Called lazily — by `seal-pending` (spawned detached at SessionEnd), `finish`,
// `attach` (post-commit) and `log`/`show` — never inside the hook.
import { resolve } from 'node:path';
import { EMPTY_TREE, type GitEngine } from '../../git/engine.js';
import type { Repo } from '../../git/repo.js';
import type { RunRecord } from '../../record/schema.js';
import { repoRedactor } from '../../redact/config.js';
import { mergeRedactions } from '../../redact/redactor.js';
import { commitsWithEvidence, makesCommits } from '../../store/attach-evidence.js';
import { sealRecords } from '../../store/seal.js';
import { describeChanges, withEditedFiles } from '../changes.js';
import { runControl } from '../guard/control-files.js';
import { withLimits } from '../guard/limits.js';
import { pruneSnapshots, readableTree } from '../snapshots.js';
import { AGENT_NAMES, agentAdapter } from '../registry.js';
import type { HookRunFacts } from './adapter.js';
import type { SessionCost } from './cost.js';
import type { SessionEvent } from './events.js';
import { foldSession, type SessionFacts } from './fold.js';
import { buildSessionRecord } from './record.js';
import {
  sessionRunsToSeal,
  dropSessionRun,
  markRunSealed,
  retireSession,
  type SessionRun,
  STALE_MS,
} from './sessions.js';
import { forgetRunCommands } from '../guard/state.js';

export { STALE_MS };

export interface SealOptions {
  now?: Date;
  /** Seal even if the session has not ended (finish). */
  force?: boolean;
  /** Only this session. */
  sessionId?: string;
  /** Only this agent's sessions (default: every agent's). */
  agent?: string;
  staleMs?: number;
}

export interface SessionSealOutcome {
  record: RunRecord;
  sealed: boolean;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

export function sessionEvents(run: SessionRun): SessionEvent[] {
  return agentAdapter(run.agent).journalEvents(run.lines);
}

/**
 * Facts of a hook-recorded run: the journal folded, plus the cost and version only the agent's session
 * file has. An agent whose session file completes more than that (Claude Code) does it itself.
 */
export function hookRunFacts(
  run: SessionRun,
  root: string | null,
  redact?: (text: string) => string,
): HookRunFacts {
  const adapter = agentAdapter(run.agent);
  if (adapter.hookRunFacts) return adapter.hookRunFacts(run, root, redact);
  const first = foldSession(adapter.journalEvents(run.lines), { root, redact });
  const path = run.transcriptPath ?? adapter.findSessionFile?.(run.sessionId, run.firstAt) ?? null;
  if (!path) return { facts: first, cost: null, version: null };
  const file = adapter.sessionFileFacts(path, run.subagentTranscripts, first.started_at, first.ended_at);
  return { facts: first, ...file };
}

/** Seal every finished run of this worktree; returns what was sealed (and what stays pending). */
export async function sealPendingSessions(repo: Repo, opts: SealOptions = {}): Promise<SessionSealOutcome[]> {
  const now = opts.now ?? new Date();
  const stale = opts.staleMs ?? STALE_MS;
  const here = repo.location.worktree ? resolve(repo.location.worktree) : null;
  const out: SessionSealOutcome[] = [];
  const agents = opts.agent ? [opts.agent] : AGENT_NAMES;
  const runs: SessionRun[] = [];
  for (const agent of agents) {
    const { unsealed, tails } = sessionRunsToSeal(repo.location.commonDir, agent, opts.sessionId, now);
    // A run `purge` dropped while its session went on: what the session appended to it goes too.
    for (const tail of tails) {
      dropSessionRun(tail, { again: true });
      forgetRunCommands(repo.location.commonDir, tail.agent, tail.sessionId, tail.id);
    }
    runs.push(...unsealed);
  }
  const headNow = runs.length ? (await repo.engine.head()).commit : null;
  for (const run of runs) {
    const root = run.head?.root ? resolve(run.head.root) : null;
    if (root && here && root !== here) continue; // another worktree's session: sealed there
    const over = run.ended || opts.force || now.getTime() - Date.parse(run.lastAt) > stale;
    if (!over) continue;
    // Still no commit since it started: it stays pending, nothing to compute (log/show call this often).
    if (!opts.force && !run.imported && run.head && headNow === run.head.commit && headNow !== null) continue;
    out.push(
      await sealSessionRun(repo, run, { now, recent: now.getTime() - Date.parse(run.lastAt) < 10 * 60_000 }),
    );
  }
  return out;
}

export async function sealSessionRun(
  repo: Repo,
  run: SessionRun,
  opts: { now: Date; recent: boolean },
): Promise<SessionSealOutcome> {
  const { engine } = repo;
  const imported = run.imported;
  // Long outputs are redacted before the fold cuts them; its counts join the record's.
  const foldRedactor = repoRedactor(repo.location.worktree);
  const fromRun = imported
    ? {
        facts: imported.facts as SessionFacts,
        cost: (imported.cost as SessionCost | null) ?? null,
        version: (imported.facts as SessionFacts).version,
      }
    : hookRunFacts(run, run.head?.root ?? repo.location.worktree, (t) => foldRedactor.redact(t));
  const { facts, cost } = fromRun;
  const head = await engine.head();
  const startCommit = run.head?.commit ?? null;
  let commitsNewestFirst = head.commit ? await commitsSince(engine, startCommit, head.commit) : [];
  if (imported && (commitsNewestFirst.length || typeof imported.commit === 'string'))
    commitsNewestFirst = await importedCommits(engine, imported, commitsNewestFirst);
  else if (commitsNewestFirst.length) {
    // Commits up to HEAD as the session's last hook saw it were made while it was live: its own.
    // Later ones only when they carry its change, name it, or the agent made them (its own
    // `git commit` in the session's time span): a human's unrelated commit never takes it.
    const lastSeen = run.lastHead?.commit ?? null;
    const live =
      lastSeen && lastSeen !== startCommit && (await engine.resolve(lastSeen))
        ? await commitsSince(engine, startCommit, lastSeen)
        : [];
    const agentCommitted = facts.commands.some((c) => makesCommits(c.command));
    // committer dates are whole seconds: a commit in the session's first second is inside the span
    const from = Math.floor(Date.parse(run.firstAt) / 1000);
    const to = Math.ceil(Date.parse(run.lastAt) / 1000) + 120;
    const later = commitsNewestFirst.filter((c) => !live.includes(c));
    const evidenced = await commitsWithEvidence(engine, later, {
      id: run.id,
      paths: new Set(facts.files_edited),
      live: agentCommitted && Number.isFinite(from) && Number.isFinite(to) ? { from, to } : null,
    });
    commitsNewestFirst = commitsNewestFirst.filter((c) => live.includes(c) || evidenced.includes(c));
  }
  const startTree = run.startTree
    ? await readableTree(engine, run.startTree, startCommit)
    : startCommit
      ? (await engine.readCommit(startCommit)).tree
      : EMPTY_TREE;
  const lastCommitTree = commitsNewestFirst[0] ? (await engine.readCommit(commitsNewestFirst[0])).tree : null;
  // Right after the session the working tree is the agent's; long after, it may hold later edits.
  // An imported session never reads the live working tree: its own edits are evidence enough, and
  // what sits uncommitted there now is the user's.
  const endTree =
    (!imported && (opts.recent || !lastCommitTree) ? await engine.snapshotWorktree() : null) ??
    lastCommitTree ??
    startTree;
  const diffed = await describeChanges(engine, startTree, endTree, {
    editedPaths: new Set(facts.files_edited),
    ranCommands: facts.commands.length > 0,
  });
  const changes = withEditedFiles(diffed, facts.files_edited, facts.edit_status);
  const built = buildSessionRecord({
    id: run.id,
    agent: run.agent,
    facts,
    git: {
      branch: run.head?.branch ?? head.branch,
      startCommit,
      startTree,
      commits: [...commitsNewestFirst].reverse(),
      endTree,
      changes,
      worktree: repo.location.worktreeKey,
    },
    cost,
    source: imported ? 'import' : 'prompt',
    redactions: mergeRedactions(run.redactions, foldRedactor.report()),
    sealedAt: opts.now.toISOString(),
    ended: true,
    version: fromRun.version ?? facts.version,
  });
  // Stretches when recording was paused (journaled by `resume`): the record must show the hole.
  const gaps = run.lines.flatMap((e) =>
    e.type === 'gap' ? [{ from: str(e.from), to: str(e.to), reason: str(e.reason) ?? 'paused' }] : [],
  );
  const record = withLimits(
    gaps.length ? { ...built, gaps } : built,
    run.lines,
    runControl(repo.location.commonDir, run.id),
  );
  if (commitsNewestFirst.length === 0) return { record, sealed: false };
  await sealRecords(engine, [{ record, commits: commitsNewestFirst }]);
  markRunSealed(run);
  retireSession(repo.location.commonDir, run);
  pruneSnapshots(repo);
  return { record, sealed: true };
}

/**
 * The commits an imported session attaches to: the one the user named (`import --commit REV`), else
 * the commits since its start that change files its edit tools changed. An unrelated commit never
 * takes it: without evidence the run stays pending.
 */
async function importedCommits(engine: GitEngine, imported: Record<string, unknown>, newestFirst: string[]) {
  if (typeof imported.commit === 'string') return [imported.commit];
  // Commits the session file says the agent made (Aider's own commits), where they are still on the
  // branch: the best evidence there is.
  if (Array.isArray(imported.made)) {
    const made = newestFirst.filter((c) => (imported.made as unknown[]).includes(c));
    if (made.length) return made;
  }
  const facts = imported.facts as SessionFacts | undefined;
  const edited = new Set(facts?.files_edited ?? []);
  if (!edited.size) return [];
  // Candidates: commits made while the session ran (until its end plus a margin), and commits made
  // after the import. A commit that already existed and is newer than the session is someone else's.
  const until = typeof imported.until === 'string' ? Date.parse(imported.until) / 1000 : Infinity;
  const importHead = typeof imported.import_head === 'string' ? imported.import_head : null;
  const at = importHead ? newestFirst.indexOf(importHead) : -1;
  // import_head absent from the list: it is the start commit (or unknown), so every listed commit is newer.
  const afterImport = new Set(at >= 0 ? newestFirst.slice(0, at) : newestFirst);
  const out: string[] = [];
  for (const c of newestFirst) {
    const info = await engine.readCommit(c);
    if (!afterImport.has(c) && info.committer.timestamp > until) continue;
    const parentTree = info.parents[0] ? (await engine.readCommit(info.parents[0])).tree : EMPTY_TREE;
    const diff = await engine.diffTrees(parentTree, info.tree);
    if (diff.some((d) => edited.has(d.path) || (d.old_path !== undefined && edited.has(d.old_path))))
      out.push(c);
  }
  return out;
}

async function commitsSince(engine: GitEngine, start: string | null, head: string): Promise<string[]> {
  if (start && !(await engine.resolve(start))) return [head];
  if (start === head) return [];
  return engine.commitsBetween(start, head);
}
