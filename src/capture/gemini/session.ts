// Gemini CLI session files ("chat recordings", reference/agent-formats.md §5.2) into the agent-neutral
// SessionEvent model, plus per-message token usage and cost. Two formats: the legacy single JSON
// document `{sessionId, projectHash, startTime, lastUpdated, messages[]}` and the current append-only
// JSONL, replayed the way Gemini CLI's own loader does (chatRecordingService.ts): a metadata line, message
// records upserted by id (a re-appended id replaces the earlier copy in place), `{"$set": {…}}` metadata
// merges (`$set.messages` replaces the history), `{"$rewindTo": id}` drops that message and all after it
// (an unknown id drops everything). One deliberate difference: messages appended after a `$set.messages`
// are kept (Gemini's loader would ignore them until the next `$set`). Tokens are counted over every
// message version ever written, rewound or replaced ones included: those model calls were billed. Pure.
import { posix } from 'node:path';
import type { PriceTable } from '../session/cost.js';
import { type SessionEvent, type ToolRole, toolStartEvent } from '../session/events.js';
import { type RequestCost, type RequestUsage, requestsCost } from '../session/request-cost.js';
import { tooDeep } from '../../record/json-bounds.js';

type Rec = Record<string, unknown>;

export interface GeminiSession {
  format: 'json' | 'jsonl';
  session_id: string | null;
  project_hash: string | null;
  start_time: string | null;
  last_updated: string | null;
  /** `main` or `subagent` (JSONL only). */
  kind: string | null;
  summary: string | null;
  events: SessionEvent[];
  usage: RequestUsage[];
  cost: RequestCost | null;
  last_message: string | null;
  /** Messages (final history) the events were built from. */
  messages: number;
  /** Message ids dropped by `$rewindTo`. */
  rewound: number;
  /** Lines that were not JSON objects. */
  skipped: number;
}

export interface GeminiParseOptions {
  /** Project directory: relative tool paths are resolved against it. */
  cwd?: string | null;
  prices?: PriceTable;
}

const READ_TOOLS = new Set(['read_file', 'read_many_files']);
const EDIT_TOOLS = new Set(['write_file', 'replace', 'edit']);
const SHELL_TOOLS = new Set(['run_shell_command']);
const DONE = new Set(['success', 'error', 'cancelled']);

const s = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const obj = (v: unknown): Rec | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : null);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export function parseGeminiSession(text: string, opts: GeminiParseOptions = {}): GeminiSession {
  let metadata: Rec = {};
  const history = new Map<string, Rec>();
  /** Last version of every message ever written, for token accounting. */
  const everWritten = new Map<string, Rec>();
  let rewound = 0;
  let skipped = 0;
  let format: GeminiSession['format'] = 'jsonl';

  const replaceHistory = (messages: unknown[]) => {
    history.clear();
    for (const m of messages) upsert(m);
  };
  const upsert = (m: unknown) => {
    const rec = obj(m);
    const id = s(rec?.id);
    if (!rec || !id) return;
    history.set(id, rec);
    everWritten.set(id, rec);
  };

  const whole = parseWhole(text);
  if (whole && Array.isArray(whole.messages)) {
    format = 'json';
    metadata = whole;
    replaceHistory(whole.messages);
  } else {
    for (const raw of text.split('\n')) {
      if (!raw.trim()) continue;
      let rec: Rec | null;
      try {
        rec = tooDeep(raw) ? null : obj(JSON.parse(raw));
      } catch {
        rec = null;
      }
      if (!rec) {
        skipped++;
        continue;
      }
      if (typeof rec.$rewindTo === 'string') {
        const ids = [...history.keys()];
        const at = ids.indexOf(rec.$rewindTo);
        for (const id of at < 0 ? ids : ids.slice(at)) history.delete(id);
        rewound += at < 0 ? ids.length : ids.length - at;
      } else if (typeof rec.id === 'string') upsert(rec);
      else if (obj(rec.$set)) {
        const set = obj(rec.$set)!;
        metadata = { ...metadata, ...set };
        if (Array.isArray(set.messages)) replaceHistory(set.messages);
      } else if (typeof rec.sessionId === 'string') metadata = { ...metadata, ...rec };
    }
  }

  const sessionId = s(metadata.sessionId);
  const session_id = sessionId ?? '';
  const events: SessionEvent[] = [];
  let model: string | null = null;
  let lastMessage: string | null = null;
  const firstAt = s(metadata.startTime);
  if (firstAt) events.push({ kind: 'session-start', at: firstAt, session_id, source: null, model: null });
  let lastAt = firstAt ?? '';

  for (const m of history.values()) {
    const at = s(m.timestamp) ?? lastAt;
    if (at) lastAt = at > lastAt ? at : lastAt;
    if (m.type === 'user') {
      // What the person typed (`/init`) when the recording kept it apart from the expanded text.
      const prompt = contentText(m.displayContent) || contentText(m.content);
      if (prompt.trim()) events.push({ kind: 'prompt', at, session_id, text: prompt });
      continue;
    }
    if (m.type !== 'gemini') continue;
    const msgModel = s(m.model);
    if (msgModel && msgModel !== model) {
      model = msgModel;
      events.push({ kind: 'model', at, session_id, model: msgModel });
    }
    const reply = contentText(m.content);
    if (reply.trim()) lastMessage = reply;
    const calls = Array.isArray(m.toolCalls) ? m.toolCalls : [];
    calls.forEach((c, i) => {
      const call = obj(c);
      if (!call) return;
      events.push(...toolEvents(call, `${s(m.id)}#${i}`, at, session_id, opts.cwd ?? null));
      const callAt = s(call.timestamp);
      if (callAt && callAt > lastAt) lastAt = callAt;
    });
  }
  const updated = s(metadata.lastUpdated);
  if (updated && updated > lastAt) lastAt = updated;
  if (lastAt) events.push({ kind: 'activity', at: lastAt, session_id });

  const usage = [...everWritten.values()].flatMap((m) => {
    const t = obj(m.tokens);
    return m.type === 'gemini' && t ? [{ ...requestUsage(t, s(m.model)), at: s(m.timestamp) }] : [];
  });
  return {
    format,
    session_id: sessionId,
    project_hash: s(metadata.projectHash),
    start_time: firstAt,
    last_updated: updated,
    kind: s(metadata.kind),
    summary: s(metadata.summary),
    events,
    usage,
    cost: requestsCost(usage, opts.prices),
    last_message: lastMessage,
    messages: history.size,
    rewound,
    skipped,
  };
}

function parseWhole(text: string): Rec | null {
  const t = text.trim();
  if (!t.startsWith('{')) return null;
  try {
    return obj(JSON.parse(t));
  } catch {
    return null;
  }
}

/** Start and (when finished) end events of one recorded tool call. */
function toolEvents(
  call: Rec,
  fallbackId: string,
  msgAt: string,
  session_id: string,
  cwd: string | null,
): SessionEvent[] {
  const tool = s(call.name) ?? 'unknown';
  const id = s(call.id) ?? fallbackId;
  const at = s(call.timestamp) ?? msgAt;
  const args = obj(call.args) ?? {};
  const { role, input, paths } = describeCall(tool, args, cwd);
  const start = toolStartEvent({
    at,
    session_id,
    tool_use_id: id,
    tool,
    input,
    agent_id: s(call.agentId),
    cwd: s(input.cwd) ?? cwd,
    role,
    paths,
  });
  const status = s(call.status) ?? '';
  if (!DONE.has(status)) return [start];
  const output = resultText(call.result) || (s(call.resultDisplay) ?? '');
  const cancelled = status === 'cancelled';
  const exit = role === 'shell' ? shellExit(output, status === 'success') : undefined;
  const signal = shellSignal(output);
  const ok = status === 'success' && (exit === undefined || exit === 0);
  const end: SessionEvent = {
    kind: 'tool-end',
    at,
    session_id,
    tool_use_id: id,
    tool,
    input,
    ok,
    output,
    interrupted: cancelled || signal,
    duration_ms: null,
    untimed: true,
    response: null,
    agent_id: s(call.agentId),
    ...(exit !== undefined ? { exit_code: cancelled ? null : exit } : {}),
  };
  return [start, end];
}

/** `Exit Code: N` of run_shell_command's llmContent; the line is absent when the command exited 0. */
export function shellExit(output: string, succeeded: boolean): number | null {
  const m = /^Exit Code:\s*(-?\d+)/m.exec(output);
  return m ? Number(m[1]) : succeeded ? 0 : null;
}

/** The command was ended by a signal (`Signal: N`, not `(none)`). */
export function shellSignal(output: string): boolean {
  const signal = /^Signal:\s*(\S+)/m.exec(output)?.[1];
  return signal !== undefined && signal !== '(none)' && signal !== '0';
}

export function describeCall(
  tool: string,
  args: Rec,
  cwd: string | null,
): { role: ToolRole; input: Rec; paths?: string[] } {
  // Gemini resolves a relative path against the project root, which is where we relativize to: a
  // relative path is kept as it is (and survives a cwd the redactor masked).
  const abs = (p: string) => (posix.isAbsolute(p) || !cwd || !posix.isAbsolute(cwd) ? p : posix.join(cwd, p));
  const file = s(args.absolute_path) ?? s(args.file_path) ?? s(args.path);
  if (READ_TOOLS.has(tool)) {
    const list = Array.isArray(args.paths)
      ? args.paths.filter((p): p is string => typeof p === 'string')
      : [];
    // read_many_files takes globs and directories too: only plain paths name a file that was read.
    const plain = [...(file ? [file] : []), ...list].filter((p) => !/[*?[\]{}]/.test(p));
    return { role: 'read', input: file ? { file_path: file } : { paths: list }, paths: plain.map(abs) };
  }
  if (EDIT_TOOLS.has(tool))
    return { role: 'edit', input: { file_path: file }, paths: file ? [abs(file)] : [] };
  if (SHELL_TOOLS.has(tool)) {
    const dir = s(args.directory) ?? s(args.dir_path);
    return {
      role: 'shell',
      input: { command: s(args.command) ?? '', ...(dir ? { cwd: abs(dir) } : {}) },
    };
  }
  return { role: 'other', input: args };
}

/** Text of a Gemini content value: a string or a Part list (`{text}` parts). */
export function contentText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (!Array.isArray(v)) return s(obj(v)?.text) ?? '';
  return v
    .map((p) => (typeof p === 'string' ? p : (s(obj(p)?.text) ?? '')))
    .filter(Boolean)
    .join('\n');
}

/** Output of a tool result: functionResponse parts (`response.output` / `response.error`) or text parts. */
export function resultText(v: unknown): string {
  const parts = Array.isArray(v) ? v : v ? [v] : [];
  return parts
    .map((p) => {
      if (typeof p === 'string') return p;
      const part = obj(p);
      const response = obj(obj(part?.functionResponse)?.response);
      if (response) return s(response.output) ?? s(response.error) ?? s(response.llmContent) ?? '';
      return s(part?.text) ?? '';
    })
    .filter(Boolean)
    .join('\n');
}

/**
 * Tokens of one model call. `input` (promptTokenCount) includes `cached`; `tool` prompt tokens are
 * input too; `thoughts` are billed as output. When `total` shows `input` excluded the cache, it is kept.
 */
function requestUsage(t: Rec, model: string | null): RequestUsage {
  const input = num(t.input);
  const cached = num(t.cached);
  const output = num(t.output);
  const thoughts = num(t.thoughts);
  const tool = num(t.tool);
  const exclusive = cached > 0 && num(t.total) === input + cached + output + thoughts + tool;
  const fresh = exclusive ? input : Math.max(0, input - cached);
  return {
    model,
    input_tokens: fresh + tool,
    cache_read_tokens: Math.min(cached, exclusive ? cached : input),
    output_tokens: output + thoughts,
    reasoning_tokens: thoughts,
  };
}
