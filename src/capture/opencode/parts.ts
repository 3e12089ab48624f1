// OpenCode's session model into SessionEvents. A session holds messages, each an `info` (user: the
// model asked for; assistant: model, cost, tokens, time) and `parts`; a tool call is one part
// `{type:"tool", callID, tool, state:{status, input, output|error, title, metadata, time}}`. The same
// objects reach us three ways — `opencode export` (every message with its parts), the
// `opencode run --format json` stream (one finished part per line) and the plugin's
// message.updated / message.part.updated events — so one reader of them serves all three. Pure.
import { patchPaths } from '../guard/event.js';
import { num, type Obj, str } from '../hook/payload.js';
import { mainModel, type SessionCost, zeroTokens } from '../session/cost.js';
import { type SessionEvent, type ToolRole, toolStartEvent } from '../session/events.js';

export const obj = (v: unknown): Obj | null =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null;
/** OpenCode's times are epoch milliseconds. */
export const iso = (ms: unknown): string | null => {
  const n = num(ms);
  return n === null ? null : new Date(n).toISOString();
};

// OpenCode's built-in tools (packages/opencode/src/tool/): what each does to the working tree.
const SHELL = new Set(['bash']);
const READ = new Set(['read']);
const EDIT = new Set(['edit', 'write', 'multiedit', 'patch', 'apply_patch']);
const PATCH = new Set(['patch', 'apply_patch']);

/** What a rule-based refusal (`"permission": {"bash": "deny"}`) and a person's "reject" say. */
const DENIED_BY_RULE = /^The user has specified a rule which prevents you from using this specific tool call/;

export function toolRole(tool: string): ToolRole {
  if (SHELL.has(tool)) return 'shell';
  if (READ.has(tool)) return 'read';
  if (EDIT.has(tool)) return 'edit';
  return 'other';
}

/** The files a read or edit call names, as OpenCode gave them (absolute, or relative to the session). */
export function callPaths(tool: string, input: Obj): string[] {
  if (PATCH.has(tool)) return patchPaths(str(input.patchText) ?? str(input.patch) ?? str(input.input) ?? '');
  const path = str(input.filePath) ?? str(input.file_path) ?? str(input.path);
  return path ? [path] : [];
}

interface CallShape {
  role: ToolRole;
  input: Obj;
  paths: string[];
  cwd: string | null;
}

/** A call's input in the names fold.ts reads (`command`, `file_path`), its role, paths and directory. */
export function callShape(tool: string, input: Obj, cwd: string | null): CallShape {
  const role = toolRole(tool);
  if (role === 'shell') {
    const command = str(input.command) ?? '';
    // bash runs in `workdir` when given, else in the session's directory
    return { role, input: { command }, paths: [], cwd: str(input.workdir) ?? cwd };
  }
  if (role === 'read' || role === 'edit') {
    const paths = callPaths(tool, input);
    return { role, input: paths.length === 1 ? { file_path: paths[0] } : { paths }, paths, cwd };
  }
  return { role, input, paths: [], cwd };
}

export interface ToolOutcome {
  ok: boolean;
  output: string | null;
  /** Shell calls: the exit code OpenCode reported (`metadata.exit`), null when it did not. */
  exit?: number | null;
  interrupted: boolean;
  duration: number | null;
  denied: string | null;
}

/** How a finished (completed or error) tool part ended; null while it is pending or running. */
export function toolOutcome(tool: string, state: Obj): ToolOutcome | null {
  const status = str(state.status);
  if (status !== 'completed' && status !== 'error') return null;
  const time = obj(state.time);
  const start = num(time?.start);
  const end = num(time?.end);
  const duration = start !== null && end !== null && end >= start ? end - start : null;
  const meta = obj(state.metadata) ?? {};
  const shell = toolRole(tool) === 'shell';
  if (status === 'error') {
    const error = str(state.error) ?? '';
    return {
      ok: false,
      output: error || null,
      ...(shell ? { exit: null } : {}),
      interrupted: /^Tool execution aborted|aborted$/i.test(error.trim()),
      duration,
      denied: DENIED_BY_RULE.test(error) ? error.split('\n')[0]! : null,
    };
  }
  const output = str(state.output) ?? str(meta.output);
  // bash reports its exit status in metadata.exit (metadata.exitCode in some builds)
  const exit = shell ? (num(meta.exit) ?? num(meta.exitCode) ?? num(meta.exit_code)) : undefined;
  return {
    ok: exit === undefined || exit === null || exit === 0,
    output,
    ...(shell ? { exit } : {}),
    interrupted: false,
    duration,
    denied: null,
  };
}

/** A read of a directory (OpenCode's read lists directories) reads no file. */
function readsDirectory(state: Obj): boolean {
  const display = obj(obj(state.metadata)?.display);
  return (
    display?.type === 'directory' ||
    /^<path>[^\n]*<\/path>\n<type>directory<\/type>/.test(str(state.output) ?? '')
  );
}

export interface PartContext {
  session_id: string;
  /** The session's directory (where OpenCode ran): relative paths and commands are under it. */
  cwd: string | null;
  /** When the call started and ended, when the caller knows better than the part's own times. */
  startAt?: string | null;
  endAt?: string | null;
  /** A subagent's (child session's) call. */
  agent_id?: string | null;
}

/** Start and, once it finished, end of one tool part; a `task` call also names its subagent. */
export function toolPartEvents(part: Obj, ctx: PartContext): SessionEvent[] {
  const tool = str(part.tool) ?? 'unknown';
  const id = str(part.callID) ?? str(part.id);
  const state = obj(part.state) ?? {};
  if (!id) return [];
  const time = obj(state.time);
  const startAt = ctx.startAt ?? iso(time?.start);
  const done = toolOutcome(tool, state);
  const endAt = ctx.endAt ?? iso(time?.end) ?? startAt;
  if (!startAt) return [];
  const given = callShape(tool, obj(state.input) ?? {}, ctx.cwd);
  // a read of a directory lists it and reads no file
  const shape =
    given.role === 'read' && readsDirectory(state) ? { ...given, role: 'other' as const, paths: [] } : given;
  const session_id = ctx.session_id;
  const agent_id = ctx.agent_id ?? null;
  const out: SessionEvent[] = [
    toolStartEvent({
      at: startAt,
      session_id,
      tool_use_id: id,
      tool,
      input: shape.input,
      agent_id,
      cwd: shape.cwd,
      role: shape.role,
      paths: shape.paths,
    }),
  ];
  if (tool === 'task') {
    const child = str(obj(state.metadata)?.sessionId) ?? str(obj(state.metadata)?.sessionID);
    const input = obj(state.input) ?? {};
    if (child)
      out.push({
        kind: 'subagent',
        at: startAt,
        session_id,
        phase: 'start',
        agent_id: child,
        agent_type: str(input.subagent_type),
        transcript_path: null,
      });
  }
  if (!done || !endAt) return out;
  out.push({
    kind: 'tool-end',
    at: endAt,
    session_id,
    tool_use_id: id,
    tool,
    input: shape.input,
    ok: done.ok,
    output: done.output,
    interrupted: done.interrupted,
    duration_ms: done.duration,
    response: null,
    agent_id,
    cwd: shape.cwd,
    ...('exit' in done ? { exit_code: done.exit ?? null } : {}),
  });
  if (done.denied)
    out.push({ kind: 'tool-denied', at: endAt, session_id, tool_use_id: id, tool, reason: done.denied });
  return out;
}

/** What a person typed in a user message: its text parts, less those OpenCode added itself. */
export function promptText(parts: readonly unknown[]): string | null {
  const text = parts
    .map(obj)
    .filter((p): p is Obj => !!p && p.type === 'text' && p.synthetic !== true && p.ignored !== true)
    .map((p) => str(p.text) ?? '')
    .filter((t) => t.trim())
    .join('\n\n');
  return text.trim() ? text : null;
}

/** One model call's usage as OpenCode recorded it (an assistant message, or one step of it). */
export interface OpencodeUsage {
  model: string | null;
  at: string | null;
  input_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  /** Dollars as OpenCode priced it (its models.dev table; 0 for free and subscription models). */
  usd: number | null;
}

/** Usage of an assistant message info or a step-finish part (`tokens`, `cost`). */
export function usageOf(v: Obj, model: string | null, at: string | null): OpencodeUsage | null {
  const tokens = obj(v.tokens);
  if (!tokens) return null;
  const cache = obj(tokens.cache) ?? {};
  const reasoning = num(tokens.reasoning) ?? 0;
  return {
    model,
    at,
    input_tokens: num(tokens.input) ?? 0,
    // reasoning tokens are billed as output; OpenCode counts them apart from `output`
    output_tokens: (num(tokens.output) ?? 0) + reasoning,
    reasoning_tokens: reasoning,
    cache_read_tokens: num(cache.read) ?? 0,
    cache_write_tokens: num(cache.write) ?? 0,
    usd: num(v.cost),
  };
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

/**
 * Tokens and cost of a session from its model calls, in OpenCode's own dollars (a call without a
 * cost makes the total unknown). Null when there are none.
 */
export function reportedCost(
  usage: readonly OpencodeUsage[],
): (SessionCost & { reasoning_tokens: number }) | null {
  if (usage.length === 0) return null;
  const byModel: SessionCost['by_model'] = {};
  const total = zeroTokens();
  let reasoning = 0;
  let usd: number | null = 0;
  for (const u of usage) {
    const m = (byModel[u.model ?? 'unknown'] ??= { ...zeroTokens(), usd: 0 });
    for (const t of [m, total]) {
      t.input_tokens += u.input_tokens;
      t.output_tokens += u.output_tokens;
      t.cache_read_tokens += u.cache_read_tokens;
      t.cache_write_tokens += u.cache_write_tokens;
    }
    m.usd = m.usd === null || u.usd === null ? null : m.usd + u.usd;
    usd = usd === null || u.usd === null ? null : usd + u.usd;
    reasoning += u.reasoning_tokens;
  }
  for (const m of Object.values(byModel)) if (m.usd !== null) m.usd = round(m.usd);
  const main = mainModel(byModel);
  return {
    ...total,
    model: main === 'unknown' ? null : main,
    usd: usd === null ? null : round(usd),
    price_table: 'opencode-reported',
    messages: usage.length,
    by_model: byModel,
    reasoning_tokens: reasoning,
  };
}
