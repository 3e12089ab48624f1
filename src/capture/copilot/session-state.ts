// GitHub Copilot CLI session files (`~/.copilot/session-state/<session id>/events.jsonl`, or under
// $COPILOT_HOME) into SessionEvents and token usage. One event a line:
// `{"type","data":{…},"id","timestamp","parentId"}` — session.start (sessionId, copilotVersion,
// selectedModel, context.cwd), session.resume, session.model_change (newModel), user.message
// (content), assistant.message (toolRequests[] with each call's arguments, outputTokens),
// tool.execution_start (toolCallId, toolName, arguments), tool.execution_complete (success,
// result.content, error {message, code}, shellExecution.exitCode), abort, session.shutdown.
// Usage: each session.shutdown carries the segment's totals per model (`modelMetrics.<m>.usage`:
// inputTokens — cache reads included —, outputTokens, cacheReadTokens, cacheWriteTokens); a resumed
// session starts a new segment, so segments add up. A segment without a shutdown (the session still
// open, or killed) counts its `assistant.usage` lines when the file has them, else only the output
// tokens of its replies. Pure.
import { type Obj, objOf as obj, str as s } from '../hook/payload.js';
import { type SessionEvent, type ToolRole, toolStartEvent } from '../session/events.js';
import type { RequestUsage } from '../session/request-cost.js';
import { copilotToolRole, shellExitCode } from './hook-events.js';

const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);

export interface CopilotSessionState {
  session_id: string | null;
  version: string | null;
  cwd: string | null;
  events: SessionEvent[];
  usage: RequestUsage[];
  /** Lines in the events.jsonl shape ({type, data}). */
  lines: number;
  skipped: number;
}

/** Usage of one segment's `modelMetrics` (Copilot's inputTokens include the cached part). */
function metricsUsage(metrics: Obj, at: string): RequestUsage[] {
  const out: RequestUsage[] = [];
  for (const [model, m] of Object.entries(metrics)) {
    const u = obj(obj(m)?.usage);
    if (!u) continue;
    out.push(copilotUsage(model, at, u));
  }
  return out.filter(
    (u) => u.input_tokens + u.output_tokens + u.cache_read_tokens + (u.cache_write_tokens ?? 0),
  );
}

/** One usage record (`modelMetrics.<m>.usage` or an `assistant.usage` line) as request usage. */
export function copilotUsage(model: string | null, at: string | null, u: Obj): RequestUsage {
  const cacheRead = n(u.cacheReadTokens);
  const cacheWrite = n(u.cacheWriteTokens);
  return {
    model,
    at,
    input_tokens: Math.max(0, n(u.inputTokens) - cacheRead - cacheWrite),
    cache_read_tokens: cacheRead,
    cache_write_tokens: cacheWrite,
    output_tokens: n(u.outputTokens),
    reasoning_tokens: n(u.reasoningTokens),
  };
}

export function parseCopilotSessionState(text: string): CopilotSessionState {
  const out: CopilotSessionState = {
    session_id: null,
    version: null,
    cwd: null,
    events: [],
    usage: [],
    lines: 0,
    skipped: 0,
  };
  const args = new Map<string, Obj>();
  const started = new Map<string, { tool: string; role: ToolRole }>();
  let model: string | null = null;
  // usage of the open segment: its assistant.usage lines, and its replies' output tokens
  let metered: RequestUsage[] = [];
  let replies: RequestUsage[] = [];
  const closeSegment = (shutdown: RequestUsage[] | null) => {
    out.usage.push(...(shutdown?.length ? shutdown : metered.length ? metered : replies));
    metered = [];
    replies = [];
  };
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let e: Obj | null;
    try {
      e = obj(JSON.parse(line));
    } catch {
      e = null;
    }
    const type = s(e?.type);
    const data = obj(e?.data);
    if (!e || !type || !data) {
      out.skipped++;
      continue;
    }
    out.lines++;
    const at = s(e.timestamp) ?? '';
    const session_id = out.session_id ?? '';
    // a subagent's own messages are not the person's conversation
    const sub = s(e.agentId) ?? s(data.agentId);
    switch (type) {
      case 'session.start':
      case 'session.resume': {
        out.session_id ??= s(data.sessionId);
        out.version = s(data.copilotVersion) ?? out.version;
        const cwd = s(obj(data.context)?.cwd);
        out.cwd ??= cwd;
        model = s(data.selectedModel) ?? model;
        out.events.push({
          kind: 'session-start',
          at,
          session_id: out.session_id ?? '',
          source: type === 'session.resume' ? 'resume' : 'startup',
          model,
        });
        if (out.version)
          out.events.push({ kind: 'version', at, session_id: out.session_id ?? '', version: out.version });
        break;
      }
      case 'session.model_change': {
        model = s(data.newModel) ?? model;
        if (model) out.events.push({ kind: 'model', at, session_id, model });
        break;
      }
      case 'user.message': {
        const text = s(data.content);
        // skills and other harness-sent messages carry a `source`
        if (text?.trim() && !sub && !s(data.source))
          out.events.push({ kind: 'prompt', at, session_id, text });
        break;
      }
      case 'assistant.message': {
        for (const r of Array.isArray(data.toolRequests) ? data.toolRequests : []) {
          const req = obj(r);
          const id = s(req?.toolCallId);
          if (id) args.set(id, obj(req?.arguments) ?? {});
        }
        const m = s(data.model) ?? model;
        if (n(data.outputTokens))
          replies.push({
            model: m,
            at,
            input_tokens: 0,
            cache_read_tokens: 0,
            output_tokens: n(data.outputTokens),
          });
        break;
      }
      case 'assistant.usage':
        metered.push(copilotUsage(s(data.model) ?? model, at, data));
        break;
      case 'tool.execution_start': {
        const id = s(data.toolCallId);
        if (!id) break;
        const tool = s(data.toolName) ?? 'unknown';
        const input = obj(data.arguments) ?? args.get(id) ?? {};
        const role = copilotToolRole(tool);
        const path = s(input.path) ?? s(input.file_path);
        started.set(id, { tool, role });
        out.events.push(
          toolStartEvent({
            at,
            session_id,
            tool_use_id: id,
            tool,
            input: role === 'shell' ? { command: s(input.command) ?? '' } : input,
            cwd: out.cwd,
            role,
            paths: path && (role === 'read' || role === 'edit') ? [path] : null,
            agent_id: sub,
          }),
        );
        break;
      }
      case 'tool.execution_complete': {
        const id = s(data.toolCallId);
        const call = id ? started.get(id) : undefined;
        if (!id || !call) break;
        const result = obj(data.result);
        const error = obj(data.error);
        const text =
          s(result?.content) ?? s(result?.detailedContent) ?? s(error?.message) ?? s(data.error) ?? null;
        const exit =
          call.role === 'shell'
            ? ((typeof obj(data.shellExecution)?.exitCode === 'number'
                ? (obj(data.shellExecution)!.exitCode as number)
                : null) ?? shellExitCode(text))
            : undefined;
        const ok = data.success === true && (exit === undefined || exit === null || exit === 0);
        out.events.push({
          kind: 'tool-end',
          at,
          session_id,
          tool_use_id: id,
          tool: call.tool,
          input: null,
          ok,
          output: text,
          interrupted: false,
          duration_ms: null,
          response: null,
          agent_id: sub,
          ...(exit !== undefined ? { exit_code: exit } : {}),
        });
        if (error?.code === 'denied')
          out.events.push({
            kind: 'tool-denied',
            at,
            session_id,
            tool_use_id: id,
            tool: call.tool,
            reason: s(error.message),
          });
        break;
      }
      case 'assistant.turn_end':
        if (!sub) out.events.push({ kind: 'activity', at, session_id });
        break;
      case 'abort':
      case 'session.task_complete':
        out.events.push({ kind: 'stop', at, session_id });
        break;
      case 'session.shutdown': {
        const metrics = obj(data.modelMetrics);
        closeSegment(metrics ? metricsUsage(metrics, at) : null);
        out.events.push({ kind: 'session-end', at, session_id, reason: s(data.shutdownType) });
        break;
      }
      default:
        if (at) out.events.push({ kind: 'activity', at, session_id });
    }
  }
  closeSegment(null);
  // events written before session.start named the session
  if (out.session_id) for (const e of out.events) if (!e.session_id) e.session_id = out.session_id;
  return out;
}
