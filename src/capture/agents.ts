// What the shared session sealer (claude-code/seal.ts) and importer need from each agent: the events of
// its hook journal, the cost and version its own session file tells for a time span, and the facts of
// a whole session file (import). Claude Code, Codex CLI and Gemini CLI; journals live under
// sessions/<name>/ as the hook entry writes them.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { UsageError } from '../errors.js';
import { AGENT_ALIASES, type AgentName } from './hook/agent-names.js';
import type { JournalEvent } from '../journal/journal.js';
import { type SessionCost, transcriptCost } from './claude-code/cost.js';
import { hookEvents, type SessionEvent, transcriptEvents } from './claude-code/events.js';
import { foldSession, type SessionFacts } from './claude-code/fold.js';
import { expandHome } from './claude-code/sessions.js';
import { loadSessionTranscripts } from './claude-code/transcript-files.js';
import { codexHookEvents } from './codex/hook-events.js';
import { parseRollout } from './codex/rollout.js';
import { geminiHookEvents } from './gemini/hook-events.js';
import { parseGeminiSession } from './gemini/session.js';
import { type RequestUsage, requestsCost } from './request-cost.js';

export { AGENT_NAMES, type AgentName } from './hook/agent-names.js';

/** The agent a user named (`claude`, `codex-cli` …), or null. */
export function agentNamed(name: string): AgentName | null {
  return AGENT_ALIASES[name.toLowerCase()] ?? null;
}

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
}

export interface AgentAdapter {
  name: AgentName;
  /** Events of a run's journal lines (hook payloads as the hook entry wrote them). */
  journalEvents(lines: readonly JournalEvent[]): SessionEvent[];
  /** Cost and version from the agent's session file, limited to requests in [from, to]. */
  sessionFileFacts(
    path: string,
    extra: readonly string[],
    from: string | null,
    to: string | null,
  ): SessionFileFacts;
  /** Facts and cost of a whole session file. */
  /** `redact`: the repository's redaction, applied to long outputs before they are cut. */
  importFile(path: string, root: string | null, redact?: (text: string) => string): ImportedSession;
  /** The session file of a session whose hooks did not name it, if it can be found. */
  findSessionFile?(sessionId: string, firstAt: string): string | null;
}

/** Hook payloads of the journal, each with the event name the hook was called for. */
function hookLines(lines: readonly JournalEvent[]): { at: string; payload: Record<string, unknown> }[] {
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
function inSpan(at: string | null | undefined, from: string | null, to: string | null): boolean {
  if (!at) return true;
  const t = Date.parse(at);
  if (!Number.isFinite(t)) return true;
  const lo = from ? Date.parse(from) - 5_000 : -Infinity;
  const hi = to ? Date.parse(to) + 60_000 : Infinity;
  return t >= lo && t <= hi;
}

function readText(path: string): string | null {
  try {
    return readFileSync(expandHome(path), 'utf8');
  } catch {
    return null;
  }
}

const spanCost = (usage: readonly RequestUsage[], from: string | null, to: string | null) =>
  requestsCost(usage.filter((u) => inSpan(u.at, from, to)));

const claude: AgentAdapter = {
  name: 'claude-code',
  journalEvents: (lines) => hookLines(lines).flatMap((l) => hookEvents(l.payload, l.at)),
  sessionFileFacts(path, extra, from, to) {
    const t = loadSessionTranscripts(expandHome(path), extra.map(expandHome));
    if (t.missing && t.entries.length === 0) return { cost: null, version: null };
    const inRun = t.entries.filter((e) => inSpan(e.timestamp, from, to));
    const version = inRun.findLast((e) => e.version && !e.isSidechain)?.version ?? null;
    return { cost: transcriptCost(inRun), version };
  },
  importFile(path, root, redact) {
    const t = loadSessionTranscripts(path);
    if (!t.entries.some((e) => e.sessionId || ((e.type === 'user' || e.type === 'assistant') && e.message)))
      throw new UsageError(`${path}: not a Claude Code transcript (no session lines)`);
    // The session's cwd is on any of its lines, not always on those that call tools.
    const cwd = t.entries.find((e) => e.cwd && !e.isSidechain)?.cwd ?? null;
    const facts = foldSession(transcriptEvents(t.entries), { root, cwd, redact });
    return {
      facts,
      cost: transcriptCost(t.entries),
      sessionId: facts.session_ids[0] ?? basename(path, '.jsonl'),
      version: facts.version,
    };
  },
};

const codex: AgentAdapter = {
  name: 'codex',
  journalEvents: (lines) => hookLines(lines).flatMap((l) => codexHookEvents(l.payload, l.at)),
  sessionFileFacts(path, _extra, from, to) {
    const text = readText(path);
    if (text === null) return { cost: null, version: null };
    const rollout = parseRollout(text);
    return { cost: spanCost(rollout.usage, from, to), version: rollout.meta.cli_version };
  },
  importFile(path, root, redact) {
    const rollout = parseRollout(readFileSync(path, 'utf8'));
    if (
      !rollout.meta.session_id &&
      !rollout.events.some((e) => e.kind !== 'activity') &&
      !rollout.usage.length
    )
      throw new UsageError(`${path}: not a Codex rollout file (no {timestamp, type, payload} lines)`);
    const facts = foldSession(rollout.events, { root, redact });
    return {
      facts,
      cost: rollout.cost,
      sessionId: rollout.meta.session_id ?? basename(path, '.jsonl'),
      version: rollout.meta.cli_version,
    };
  },
  findSessionFile: (sessionId, firstAt) => findCodexRollout(sessionId, firstAt),
};

/**
 * Codex hooks may give `transcript_path: null`; rollouts are named `rollout-<local time>-<thread id>.jsonl`
 * under `$CODEX_HOME/sessions/YYYY/MM/DD/` (or archived_sessions/): look on the run's day and its neighbours.
 */
export function findCodexRollout(sessionId: string, firstAt: string, env = process.env): string | null {
  const home = env.CODEX_HOME || join(env.HOME || homedir(), '.codex');
  const at = Date.parse(firstAt);
  const dirs = [join(home, 'archived_sessions')];
  if (Number.isFinite(at))
    for (const d of [-1, 0, 1]) {
      const day = new Date(at + d * 86_400_000).toISOString().slice(0, 10).split('-');
      dirs.unshift(join(home, 'sessions', ...day));
    }
  for (const dir of dirs) {
    try {
      const name = readdirSync(dir).find(
        (n) => n.startsWith('rollout-') && n.endsWith(`-${sessionId}.jsonl`),
      );
      if (name) return join(dir, name);
    } catch {
      // no such day
    }
  }
  return null;
}

const gemini: AgentAdapter = {
  name: 'gemini',
  journalEvents: (lines) => geminiHookEvents(hookLines(lines)),
  sessionFileFacts(path, _extra, from, to) {
    // A legacy .json session is migrated to .jsonl when resumed: read whichever exists now.
    const file = existsSync(expandHome(path)) ? path : path.endsWith('.json') ? `${path}l` : path;
    const text = readText(file);
    if (text === null) return { cost: null, version: null };
    return { cost: spanCost(parseGeminiSession(text).usage, from, to), version: null };
  },
  importFile(path, root, redact) {
    const session = parseGeminiSession(readFileSync(path, 'utf8'), { cwd: root });
    if (!session.session_id && session.messages === 0)
      throw new UsageError(`${path}: not a Gemini CLI session file (no sessionId, no messages)`);
    const facts = foldSession(session.events, { root, redact });
    return {
      facts,
      cost: session.cost,
      sessionId: session.session_id ?? basename(path).replace(/\.jsonl?$/, ''),
      version: null,
    };
  },
};

const ADAPTERS: Record<AgentName, AgentAdapter> = { 'claude-code': claude, codex, gemini };

export function agentAdapter(name: string): AgentAdapter {
  return ADAPTERS[agentNamed(name) ?? 'claude-code'];
}
