// Gemini CLI hook payloads (settings.json hooks; reference/agent-formats.md §5.1) into SessionEvents.
// BeforeTool/AfterTool carry no tool-call id, so calls are paired here: an AfterTool closes the oldest
// open BeforeTool with the same tool name and the same input, else the oldest with the same tool name
// (tools may run in parallel; matching the input keeps parallel calls apart). Pure.
import { type HookLine, type SessionEvent, toolStartEvent } from '../session/events.js';
import { contentText, describeCall, resultText, shellExit, shellSignal } from './session.js';

const s = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const obj = (v: unknown): Record<string, unknown> | null =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

export function geminiHookEvents(lines: readonly HookLine[]): SessionEvent[] {
  const out: SessionEvent[] = [];
  const open: { id: string; tool: string; key: string; at: string }[] = [];
  let n = 0;
  for (const { at, payload } of lines) {
    const session_id = s(payload.session_id) ?? '';
    const cwd = s(payload.cwd);
    const tool = s(payload.tool_name) ?? '';
    const args = obj(payload.tool_input) ?? {};
    const key = `${tool}\u0000${stableJson(args)}`;
    // A call the hooks saw start, or an AfterTool whose BeforeTool was not seen.
    const started = (tool_use_id: string) => {
      const { role, input, paths } = describeCall(tool, args, cwd);
      return toolStartEvent({
        at,
        session_id,
        tool_use_id,
        tool,
        input,
        cwd: s(input.cwd) ?? cwd,
        role,
        paths,
      });
    };
    switch (s(payload.hook_event_name)) {
      case 'SessionStart':
        out.push({ kind: 'session-start', at, session_id, source: s(payload.source), model: null });
        break;
      case 'BeforeAgent': {
        const prompt = s(payload.prompt);
        if (prompt?.trim()) out.push({ kind: 'prompt', at, session_id, text: prompt });
        break;
      }
      case 'BeforeTool': {
        const id = `${session_id}#${++n}`;
        open.push({ id, tool, key, at });
        out.push(started(id));
        break;
      }
      case 'AfterTool': {
        let i = open.findIndex((c) => c.key === key);
        if (i < 0) i = open.findIndex((c) => c.tool === tool);
        const call = i >= 0 ? open.splice(i, 1)[0]! : null;
        const id = call?.id ?? `${session_id}#${++n}`;
        const { role, input } = describeCall(tool, args, cwd);
        if (!call) out.push(started(id));
        const response = obj(payload.tool_response);
        const error = response?.error;
        const output =
          resultText(response?.llmContent) ||
          contentText(response?.llmContent) ||
          (s(response?.returnDisplay) ?? '');
        const failed = error !== undefined && error !== null && error !== '';
        const exit = role === 'shell' ? shellExit(output, !failed) : undefined;
        out.push({
          kind: 'tool-end',
          at,
          session_id,
          tool_use_id: id,
          tool,
          input,
          ok: !failed && (exit === undefined || exit === 0),
          output: output || (typeof error === 'string' ? error : s(obj(error)?.message)),
          interrupted: role === 'shell' && shellSignal(output),
          duration_ms: null,
          response,
          agent_id: null,
          ...(exit !== undefined ? { exit_code: exit } : {}),
        });
        break;
      }
      case 'AfterAgent':
        out.push({ kind: 'stop', at, session_id });
        break;
      case 'SessionEnd':
        out.push({ kind: 'session-end', at, session_id, reason: s(payload.reason) });
        break;
      default:
        out.push({ kind: 'activity', at, session_id });
    }
  }
  return out;
}

/** JSON with sorted keys: the same input written by two events compares equal. */
function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  const o = obj(v);
  if (o)
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}
