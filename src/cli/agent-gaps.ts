// Agent-made commits without a record, as doctor, verify and stats report them: which commits, by
// whom, and why they look agent-made. Runs still open or waiting are not gaps yet: commits made
// since the oldest unsealed run started are left out.
import { unsealedSessionRuns } from '../capture/session/sessions.js';
import { AGENT_NAMES } from '../capture/hook/agent-names.js';
import type { Repo } from '../git/repo.js';
import { commitsMentionedInJournals } from '../journal/commit-mentions.js';
import { type AgentCommit, agentCommits, unrecordedByAuthor } from '../query/agent-commits.js';
import { listRuns } from '../store/runs.js';

export interface AgentCommitSurvey {
  commits: AgentCommit[];
  /** Looks agent-made and carries no record (and no run that could still seal it is unsealed). */
  unrecorded: AgentCommit[];
  byAuthor: [string, AgentCommit[]][];
}

export async function surveyAgentCommits(
  repo: Repo,
  opts: { depth: number; head?: string },
): Promise<AgentCommitSurvey> {
  const head = opts.head ?? (await repo.engine.head()).commit;
  if (!head) return { commits: [], unrecorded: [], byAuthor: [] };
  const { commonDir } = repo.location;
  const commits = await agentCommits(repo.engine, head, {
    depth: opts.depth,
    journalCommits: commitsMentionedInJournals(commonDir),
  });
  const starts = [
    ...AGENT_NAMES.flatMap((a) => unsealedSessionRuns(commonDir, undefined, a)).map((r) => r.firstAt),
    ...listRuns(repo.location).map((r) => String(r.events[0]?.t ?? '')),
  ]
    .map((t) => Date.parse(t))
    .filter(Number.isFinite);
  const since = starts.length ? Math.min(...starts) : Infinity;
  const unrecorded = commits.filter(
    (c) => !c.recorded && c.signals.length > 0 && Date.parse(c.date) < since - 60_000,
  );
  return { commits, unrecorded, byAuthor: unrecordedByAuthor(unrecorded) };
}

/** One line per author: "Alice <a@x> — 2 commits: 1a2b3c4d5e6f (Co-Authored-By: Claude …), …". */
export function describeGap(author: string, commits: AgentCommit[], shown = 5): string {
  const list = commits
    .slice(0, shown)
    .map((c) => `${c.commit.slice(0, 12)} (${c.signals[0]!.why})`)
    .join(', ');
  const more = commits.length > shown ? `, and ${commits.length - shown} more` : '';
  return `${author}: ${commits.length} agent-made commit${commits.length === 1 ? '' : 's'} without a record: ${list}${more}`;
}
