// What the shared session pipeline (seal.ts, import.ts, lazy.ts) needs from each agent, behind one
// interface: the events of its hook journal, the cost and version its own session file tells for a
// time span, the facts of a whole session file (import), and its installer. One folder per agent
// implements it (claude-code/, codex/, gemini/ …); ../registry.ts lists them. No agent folder imports
// another: what several agents share lives here in session/.
import { readFileSync } from 'node:fs';
import type { JournalEvent } from '../../journal/journal.js';
import type { SessionCost } from './cost.js';
import type { SessionEvent } from './events.js';
import type { SessionFacts } from './fold.js';
import type { InstallIO } from './install-command.js';
import { type RequestUsage, requestsCost } from './request-cost.js';
import { expandHome, type SessionRun } from './sessions.js';

export interface SessionFileFacts {
  cost: SessionCost | null;
  version: string | null;
}

export interface ImportedSession {
  facts: SessionFacts;
  cost: SessionCost | null;
  sessionId: string;
  /** The session file's own version of the agent, when it tells. */
  version: string | null;
  /** Commits the agent itself made (full ids), when its session file names them: the run's commits. */
  commits?: string[];
}

/** A commit a session file names, as the repository has it: full id, when, the author's zone (`+0200`). */
export interface SessionCommit {
  oid: string;
  at: string;
  tz: string;
}
/** Commits a session file names, by the abbreviated id it logged, that the repository has. */
export type SessionCommits = ReadonlyMap<string, SessionCommit>;

export interface HookRunFacts {
  facts: SessionFacts;
  cost: SessionCost | null;
  version: string | null;
}

/** `install <agent>` / `uninstall <agent>`. */
export interface AgentInstaller {
  install(ctx: InstallIO, opts: { local: boolean }): Promise<number | undefined>;
  uninstall(ctx: InstallIO, opts: { local: boolean }): Promise<number | undefined>;
}

export interface AgentAdapter {
  name: string;
  /** Shown to the user: "Codex CLI". */
  label: string;
  /** Events of a run's journal lines (hook payloads as the hook entry wrote them). */
  journalEvents(lines: readonly JournalEvent[]): SessionEvent[];
  /** Cost and version from the agent's session file, limited to requests in [from, to]. */
  sessionFileFacts(
    path: string,
    extra: readonly string[],
    from: string | null,
    to: string | null,
  ): SessionFileFacts;
  /**
   * Facts and cost of a whole session file (`import`). `redact`: the repository's redaction, applied
   * to long outputs before they are cut. Throws UsageError when the file is not this agent's.
   */
  importFile(path: string, root: string | null, redact?: (text: string) => string): ImportedSession;
  /**
   * For a file that holds many sessions (Aider's chat history): the last session that did work, or
   * with `all` each of them, as its own import. `commits` looks up, in the repository, the commits
   * the chosen sessions say the agent made (abbreviated ids as logged).
   */
  importSessions?(
    path: string,
    root: string | null,
    opts: { all: boolean; commits: (shorts: readonly string[]) => Promise<SessionCommits> },
  ): Promise<((redact: (text: string) => string) => ImportedSession)[]>;
  /** The session file of a session whose hooks did not name it, if it can be found. */
  findSessionFile?(sessionId: string, firstAt: string): string | null;
  /**
   * Facts of a hook-recorded run when the agent completes them from its session file beyond cost and
   * version (Claude Code: results no hook saw). Default: the journal's facts plus sessionFileFacts.
   */
  hookRunFacts?(run: SessionRun, root: string | null, redact?: (text: string) => string): HookRunFacts;
  /** Its installer, loaded when `install`/`uninstall` runs. */
  installer(): Promise<AgentInstaller>;
}

/** Hook payloads of the journal, each with the event name the hook was called for. */
export function hookLines(
  lines: readonly JournalEvent[],
): { at: string; payload: Record<string, unknown> }[] {
  const out: { at: string; payload: Record<string, unknown> }[] = [];
  for (const line of lines) {
    if (line.type !== 'hook' || !line.payload || typeof line.payload !== 'object') continue;
    const payload = { ...(line.payload as Record<string, unknown>) };
    if (typeof line.event === 'string' && line.event) payload.hook_event_name = line.event;
    // The journal line keeps the ids as the agent sent them: calls are paired by those, never by
    // whatever the redactor made of the payload's copy.
    if (typeof line.tool_use_id === 'string' && line.tool_use_id) payload.tool_use_id = line.tool_use_id;
    if (typeof line.agent_id === 'string' && line.agent_id) payload.agent_id = line.agent_id;
    out.push({ at: line.t, payload });
  }
  return out;
}

/** Margins around a run's span: usage is written a little after the events that caused it. */
export function inSpan(at: string | null | undefined, from: string | null, to: string | null): boolean {
  if (!at) return true;
  const t = Date.parse(at);
  if (!Number.isFinite(t)) return true;
  const lo = from ? Date.parse(from) - 5_000 : -Infinity;
  const hi = to ? Date.parse(to) + 60_000 : Infinity;
  return t >= lo && t <= hi;
}

/** A session file's text, or null when it is gone. */
export function readText(path: string): string | null {
  try {
    return readFileSync(expandHome(path), 'utf8');
  } catch {
    return null;
  }
}

/** Cost of the requests of a session file that fall in a run's span. */
export const spanCost = (usage: readonly RequestUsage[], from: string | null, to: string | null) =>
  requestsCost(usage.filter((u) => inSpan(u.at, from, to)));
