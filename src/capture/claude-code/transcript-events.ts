// Events of a Claude Code transcript (main file plus subagent files), in the shared event model
// (../session/events.ts), and Claude's own hook payloads with its legacy tool names. Pure.
import { hookEvents, type SessionEvent } from '../session/events.js';
import { canonicalTool, promptText, type TranscriptEntry, toolResults, toolUses } from './transcript.js';

const s = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const obj = (v: unknown): Record<string, unknown> | null =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

/** Events of one Claude Code hook payload (legacy tool names mapped to current ones). */
export function claudeHookEvents(payload: Record<string, unknown>, at: string): SessionEvent[] {
  return hookEvents(payload, at, canonicalTool);
}

/** `<task-notification>` blocks of a user line: which background task ended, how. */
export function taskNotifications(e: TranscriptEntry, at: string, session_id: string): SessionEvent[] {
  const c = e.message?.content;
  const text =
    typeof c === 'string'
      ? c
      : Array.isArray(c)
        ? c.map((b) => (b && typeof b === 'object' && typeof b.text === 'string' ? b.text : '')).join('\n')
        : '';
  const out: SessionEvent[] = [];
  for (const m of text.matchAll(/<task-notification>([\s\S]*?)<\/task-notification>/g)) {
    const body = m[1]!;
    const task_id = /<task-id>\s*([^<\s]+)\s*<\/task-id>/.exec(body)?.[1];
    if (!task_id) continue;
    const status = /<status>\s*([^<\s]+)\s*<\/status>/.exec(body)?.[1] ?? 'unknown';
    const code = /exit code (-?\d+)/i.exec(body)?.[1];
    out.push({
      kind: 'task-done',
      at,
      session_id,
      task_id,
      status,
      exit_code: code === undefined ? null : Number(code),
    });
  }
  return out;
}

/** Events of a transcript (main file plus subagent files), in file order. */
export function transcriptEvents(entries: readonly TranscriptEntry[]): SessionEvent[] {
  const out: SessionEvent[] = [];
  const uses = new Map<string, { tool: string; input: Record<string, unknown>; at: string }>();
  let lastModel: string | null = null;
  let version: string | null = null;
  let lastAt = '';
  let firstAt = '';
  let lastSession = '';
  for (const e of entries) {
    if (e.timestamp && !firstAt) firstAt = e.timestamp;
    if (e.sessionId) lastSession = e.sessionId;
    const at = e.timestamp ?? lastAt;
    lastAt = at;
    const session_id = e.sessionId ?? '';
    if (e.version && e.version !== version) {
      version = e.version;
      out.push({ kind: 'version', at, session_id, version });
    }
    const agent_id = e.isSidechain ? (e.agentId ?? 'sidechain') : null;
    if (e.type === 'assistant' && e.message) {
      const model = e.message.model;
      if (model && model !== '<synthetic>' && !e.isSidechain && model !== lastModel) {
        lastModel = model;
        out.push({ kind: 'model', at, session_id, model });
      }
      for (const u of toolUses(e)) {
        const tool = canonicalTool(u.name);
        uses.set(u.id, { tool, input: u.input, at });
        out.push({
          kind: 'tool-start',
          at,
          session_id,
          tool_use_id: u.id,
          tool,
          input: u.input,
          agent_id,
          cwd: e.cwd ?? null,
        });
      }
    }
    if (e.type === 'user') {
      const text = promptText(e);
      if (text !== null) out.push({ kind: 'prompt', at, session_id, text });
      if (!e.isSidechain) out.push(...taskNotifications(e, at, session_id));
      for (const r of toolResults(e)) {
        const use = uses.get(r.tool_use_id);
        const response = obj(e.toolUseResult);
        const duration = use && at && use.at ? Date.parse(at) - Date.parse(use.at) : NaN;
        out.push({
          kind: 'tool-end',
          at,
          session_id,
          tool_use_id: r.tool_use_id,
          tool: use?.tool ?? '',
          input: use?.input ?? null,
          ok: !r.is_error,
          output: r.text,
          interrupted: response?.interrupted === true || /^\[Request interrupted by user/.test(r.text),
          duration_ms: Number.isFinite(duration) && duration >= 0 ? duration : null,
          response,
          agent_id,
        });
        const agentId = s(response?.agentId) ?? s(e.agentId);
        if (use?.tool === 'Agent' && agentId && !e.isSidechain)
          out.push({
            kind: 'subagent',
            at,
            session_id,
            phase: 'stop',
            agent_id: agentId,
            agent_type: s(use.input.subagent_type),
            transcript_path: null,
          });
      }
    }
  }
  if (firstAt) out.unshift({ kind: 'activity', at: firstAt, session_id: '' });
  if (lastAt) out.push({ kind: 'activity', at: lastAt, session_id: lastSession });
  return out;
}
