// Commits that look agent-made but carry no record: the gap a team must see while rolling out.
// A commit looks agent-made when its message has an `Agent-Log:` trailer, a `Co-Authored-By:` line
// of a known coding agent, an author or committer name Aider marked `(aider)`, or when an agent session's journal saw its own `git commit` make it.
import type { CommitInfo, GitEngine } from '../git/engine.js';
import { notesTree, readNotesTree } from '../store/notes.js';
import { notesTip } from '../store/notes-tip.js';

/** Co-author lines coding agents write (name or address); matched case-insensitively. */
const AGENT_COAUTHORS: readonly { agent: string; pattern: RegExp }[] = [
  { agent: 'claude-code', pattern: /<noreply@anthropic\.com>/i },
  { agent: 'codex', pattern: /^(openai )?codex\b|<[^>]*@openai\.com>/i },
  { agent: 'gemini', pattern: /^gemini\b/i },
  { agent: 'copilot', pattern: /^copilot\b|\+copilot@users\.noreply\.github\.com>/i },
  { agent: 'cursor', pattern: /^cursor agent\b|<cursoragent@cursor\.com>/i },
  { agent: 'aider', pattern: /^aider\b|<noreply@aider\.chat>/i },
];

export interface AgentSignal {
  agent: string | null;
  /** Why it looks agent-made, for people: "Co-Authored-By: Claude <noreply@anthropic.com>". */
  why: string;
}

/** What in a commit message says an agent made it (pure). */
export function agentSignals(message: string): AgentSignal[] {
  const out: AgentSignal[] = [];
  for (const m of message.matchAll(/^Agent-Log:\s*([0-9a-z]{4,32})\s*$/gim))
    out.push({ agent: null, why: `Agent-Log: ${m[1]!.toLowerCase()} trailer` });
  for (const m of message.matchAll(/^Co-Authored-By:[ \t]*(.+?)[ \t]*$/gim)) {
    const who = m[1]!;
    const known = AGENT_COAUTHORS.find((a) => a.pattern.test(who));
    if (known) out.push({ agent: known.agent, why: `Co-Authored-By: ${who}` });
  }
  return out;
}

/**
 * What the commit's identities say: Aider's default attribution appends ` (aider)` to the author's
 * name (its edits) or the committer's (its commits of the user's changes).
 */
export function identitySignals(c: Pick<CommitInfo, 'author' | 'committer'>): AgentSignal[] {
  const out: AgentSignal[] = [];
  if (/\(aider\)\s*$/i.test(c.author.name)) out.push({ agent: 'aider', why: `author ${c.author.name}` });
  else if (/\(aider\)\s*$/i.test(c.committer.name))
    out.push({ agent: 'aider', why: `committer ${c.committer.name}` });
  return out;
}

export interface AgentCommit {
  commit: string;
  author: { name: string; email: string };
  date: string;
  subject: string;
  signals: AgentSignal[];
  recorded: boolean;
}

/**
 * The recent commits of `head` (newest first, at most `depth`) that look agent-made, each with
 * whether a record (a record or pointer line on refs/notes/agent-log) is on it.
 * `journalCommits`: abbreviated ids that agent sessions' own `git commit` printed.
 */
export async function agentCommits(
  engine: GitEngine,
  head: string,
  opts: { depth: number; journalCommits?: ReadonlyMap<string, string> },
): Promise<AgentCommit[]> {
  const notes = await readNotesTree(engine, await notesTree(engine, await notesTip(engine)));
  const recent = (await engine.commitsBetween(null, head)).slice(0, opts.depth);
  const mentioned = [...(opts.journalCommits ?? new Map()).entries()];
  const out: AgentCommit[] = [];
  for (const oid of recent) {
    const c: CommitInfo = await engine.readCommit(oid);
    const signals = [...agentSignals(c.message), ...identitySignals(c)];
    const seen = mentioned.find(([short]) => oid.startsWith(short));
    if (seen) signals.push({ agent: seen[1], why: `made by a ${seen[1]} session's git commit (journal)` });
    const recorded = notes.has(oid);
    if (signals.length === 0 && !recorded) continue;
    out.push({
      commit: oid,
      author: { name: c.author.name, email: c.author.email },
      date: new Date(c.author.timestamp * 1000).toISOString(),
      subject: c.message.split('\n')[0] ?? '',
      signals,
      recorded,
    });
  }
  return out;
}

/** Unrecorded agent commits grouped by author ("Name <email>"), authors with most gaps first. */
export function unrecordedByAuthor(commits: readonly AgentCommit[]): [string, AgentCommit[]][] {
  const by = new Map<string, AgentCommit[]>();
  for (const c of commits) {
    if (c.recorded || c.signals.length === 0) continue;
    const who = `${c.author.name} <${c.author.email}>`;
    by.set(who, [...(by.get(who) ?? []), c]);
  }
  return [...by.entries()].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
}
