// Claude Code behind the agent adapter (../session/adapter.ts): hook payloads in the shared wire
// format with its legacy tool names, transcripts (main file plus subagent files) for import, cost and
// version, and for hook runs the results and prompts no hook saw (versions before
// PostToolUseFailure, hooks installed mid-session, background tasks finishing).
import { basename } from 'node:path';
import { UsageError } from '../../errors.js';
import { type AgentAdapter, type HookRunFacts, hookLines, inSpan } from '../session/adapter.js';
import { foldSession } from '../session/fold.js';
import { expandHome, type SessionRun } from '../session/sessions.js';
import { transcriptCost } from './cost.js';
import type { TranscriptEntry } from './transcript.js';
import { claudeHookEvents, transcriptEvents } from './transcript-events.js';
import { loadSessionTranscripts } from './transcript-files.js';

/** The run's transcript lines (main and subagent files) within its time span, or null when gone. */
export function runTranscript(
  run: SessionRun,
  from: string | null,
  to: string | null,
): TranscriptEntry[] | null {
  if (!run.transcriptPath) return null;
  const t = loadSessionTranscripts(expandHome(run.transcriptPath), run.subagentTranscripts.map(expandHome));
  if (t.missing && t.entries.length === 0) return null;
  // Replayed history of a resumed session is older than the run; a later run's lines are newer.
  const lo = from ? Date.parse(from) - 5_000 : -Infinity;
  const hi = to ? Date.parse(to) + 60_000 : Infinity;
  return t.entries.filter((e) => {
    if (!e.timestamp) return true;
    const at = Date.parse(e.timestamp);
    return !Number.isFinite(at) || (at >= lo && at <= hi);
  });
}

export const claudeCode: AgentAdapter = {
  name: 'claude-code',
  label: 'Claude Code',
  journalEvents: (lines) => hookLines(lines).flatMap((l) => claudeHookEvents(l.payload, l.at)),
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
  hookRunFacts(run, root, redact): HookRunFacts {
    const events = claudeCode.journalEvents(run.lines);
    const first = foldSession(events, { root, redact });
    const entries = runTranscript(run, first.started_at, first.ended_at);
    if (!entries) return { facts: first, cost: null, version: null };
    const fromTranscript = transcriptEvents(entries);
    const started = new Set(events.flatMap((e) => (e.kind === 'tool-start' ? [e.tool_use_id] : [])));
    const ended = new Set(events.flatMap((e) => (e.kind === 'tool-end' ? [e.tool_use_id] : [])));
    const extra = fromTranscript.filter(
      (e) =>
        (e.kind === 'tool-end' && started.has(e.tool_use_id) && !ended.has(e.tool_use_id)) ||
        (e.kind === 'prompt' && first.intent === null) ||
        // No hook sees a background task finish; the transcript's notification does.
        e.kind === 'task-done',
    );
    const facts = extra.length ? foldSession([...events, ...extra], { root, redact }) : first;
    const version = entries.findLast((e) => e.version && !e.isSidechain)?.version ?? null;
    return { facts, cost: transcriptCost(entries), version };
  },
  installer: () => import('./install-command.js'),
};
