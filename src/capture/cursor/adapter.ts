// Cursor behind the agent adapter (../session/adapter.ts): its hook payloads, and its agent transcripts
// (~/.cursor/projects/<slug>/agent-transcripts/<id>/<id>.jsonl) for `import cursor` — the conversation
// without tool results or usage: prompts, commands (no exit code), reads and edits — and, at seal time,
// for what a hook-recorded run's hooks missed. Tokens come from the hooks themselves: Cursor 3.x
// reports each turn's usage on `stop`.
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { UsageError } from '../../errors.js';
import { type AgentAdapter, hookLines } from '../session/adapter.js';
import type { SessionEvent } from '../session/events.js';
import { foldSession } from '../session/fold.js';
import { requestsCost } from '../session/request-cost.js';
import { cursorHookEvents, cursorTurnUsage } from './hook-events.js';
import { parseCursorTranscript } from './transcript.js';

export const cursor: AgentAdapter = {
  name: 'cursor',
  label: 'Cursor',
  journalEvents: (lines) => cursorHookEvents(hookLines(lines)),
  sessionFileFacts: () => ({ cost: null, version: null }),
  hookRunFacts(run, root, redact) {
    const lines = hookLines(run.lines);
    const events = cursorHookEvents(lines);
    const facts = foldSession(
      [...events, ...transcriptCompletion(events, run.transcriptPath, run.firstAt, run.lastAt)],
      { root, redact },
    );
    const model = facts.model && facts.model !== 'default' ? facts.model : null;
    const usage = cursorTurnUsage(lines).map((u) => ({
      model: u.model ?? model,
      at: u.at,
      input_tokens: u.input_tokens,
      cache_read_tokens: u.cache_read_tokens,
      cache_write_tokens: u.cache_write_tokens,
      output_tokens: u.output_tokens,
    }));
    return { facts, cost: requestsCost(usage), version: facts.version };
  },
  importFile(path, root, redact) {
    const sessionId = basename(path).replace(/\.jsonl$/, '');
    const t = parseCursorTranscript(readFileSync(path, 'utf8'), {
      sessionId,
      slug: projectSlug(path),
      fallbackAt: statSync(path).mtime.toISOString(),
    });
    if (t.lines === 0)
      throw new UsageError(
        `${path}: not a Cursor agent transcript (no {"role","message"} or {"type":"turn_ended"} lines)`,
      );
    const facts = foldSession(t.events, { root, redact, cwd: t.cwd });
    return { facts, cost: null, sessionId, version: null };
  },
  installer: () => import('./install-command.js'),
};

/**
 * What the hooks missed, from the agent transcript the payloads name (`transcript_path`), within the
 * run's span (the transcript's times are its prompts' minutes): the prompts when no
 * `beforeSubmitPrompt` came (`cursor-agent` fires only the shell hooks), and the reads and edits of
 * paths no hook reported. Commands are not taken: the shell hooks give each with its output.
 */
function transcriptCompletion(
  events: readonly SessionEvent[],
  path: string | null,
  from: string,
  to: string,
): SessionEvent[] {
  if (!path) return [];
  let text: string;
  let mtime: string;
  try {
    text = readFileSync(path, 'utf8');
    mtime = statSync(path).mtime.toISOString();
  } catch {
    return []; // another machine's path, or gone
  }
  const session_id = events.find((e) => e.session_id)?.session_id ?? basename(path, '.jsonl');
  const t = parseCursorTranscript(text, {
    sessionId: session_id,
    slug: projectSlug(path),
    fallbackAt: mtime,
  });
  const lo = Date.parse(from) - 60_000;
  const hi = Date.parse(to) + 60_000;
  const inRun = (at: string) => Date.parse(at) >= lo && Date.parse(at) <= hi;
  const known = new Set(
    events.flatMap((e) =>
      e.kind === 'tool-start' && (e.role === 'edit' || e.role === 'read') ? (e.paths ?? []) : [],
    ),
  );
  const hookPrompts = events.some((e) => e.kind === 'prompt');
  const out: SessionEvent[] = [];
  const starts = new Set<string>();
  for (const e of t.events) {
    if (!inRun(e.at)) continue;
    if (e.kind === 'prompt' && !hookPrompts) out.push(e);
    if (
      e.kind === 'tool-start' &&
      (e.role === 'edit' || e.role === 'read') &&
      e.paths?.some((p) => !known.has(p))
    ) {
      starts.add(e.tool_use_id);
      out.push(e);
    }
    if (e.kind === 'tool-end' && starts.has(e.tool_use_id)) out.push(e);
  }
  return out;
}

/** The project folder of a transcript: the directory above `agent-transcripts`, when the path has one. */
export function projectSlug(path: string): string | null {
  let dir = dirname(path);
  for (let i = 0; i < 4 && dir !== dirname(dir); i++, dir = dirname(dir))
    if (basename(dir) === 'agent-transcripts') return basename(dirname(dir));
  return null;
}
