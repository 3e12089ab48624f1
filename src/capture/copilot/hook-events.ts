// GitHub Copilot CLI hook payloads (.github/hooks/*.json, `"version": 1`) into SessionEvents.
// camelCase payloads ({sessionId, timestamp (ms), cwd, …}) name no event: our hook command passes it
// (`git-agent-log hook copilot preToolUse`); the VS Code compatible PascalCase form
// ({hook_event_name, session_id, tool_name, tool_input, tool_result}) is read too. Tool calls carry no
// id, so pre/post are paired by tool and arguments (toolArgs is an object in 1.0.x, a JSON string in
// the documentation's example). Shell tools (bash, powershell) report their exit code only inside
// the result text: `<shellId: 1 completed with exit code 3>` or `<exited with exit code 0>`. Pure.
import { type HookLine, type SessionEvent, type ToolRole, toolStartEvent } from '../session/events.js';
import { CallPairer, stableJson } from '../session/pairing.js';
import { type Obj, objOf as obj, str as s } from '../hook/payload.js';

/** The camelCase event names; PascalCase ones map onto them. */
const EVENT: Record<string, string> = {
  SessionStart: 'sessionStart',
  SessionEnd: 'sessionEnd',
  UserPromptSubmit: 'userPromptSubmitted',
  PreToolUse: 'preToolUse',
  PostToolUse: 'postToolUse',
  PostToolUseFailure: 'postToolUseFailure',
  Stop: 'agentStop',
  SubagentStop: 'subagentStop',
  ErrorOccurred: 'errorOccurred',
};

/** What a Copilot CLI tool does to the working tree (hooks and session files name tools alike). */
export function copilotToolRole(tool: string): ToolRole {
  if (tool === 'bash' || tool === 'powershell' || tool === 'shell') return 'shell';
  if (tool === 'view' || tool === 'read') return 'read';
  if (tool === 'edit' || tool === 'create' || tool === 'write' || tool === 'str_replace_editor')
    return 'edit';
  return 'other';
}

/** Exit code a shell tool's result text reports, or null. */
export function shellExitCode(text: string | null): number | null {
  const m = /<(?:shellId:\s*\S+\s+completed|exited) with exit code (-?\d+)>/.exec(text ?? '');
  return m ? Number(m[1]) : null;
}

export function copilotHookEvents(lines: readonly HookLine[]): SessionEvent[] {
  const out: SessionEvent[] = [];
  const pairer = new CallPairer('copilot');
  const typed = new Set(
    lines.flatMap(({ payload }) =>
      EVENT[s(payload.hook_event_name) ?? ''] === 'userPromptSubmitted' ||
      payload.hook_event_name === 'userPromptSubmitted'
        ? [s(payload.prompt) ?? '']
        : [],
    ),
  );
  for (const { at, payload } of lines) {
    const raw = s(payload.hook_event_name) ?? '';
    const name = EVENT[raw] ?? raw;
    const session_id = s(payload.sessionId) ?? s(payload.session_id) ?? '';
    const cwd = s(payload.cwd);
    const tool = s(payload.toolName) ?? s(payload.tool_name) ?? '';
    const args = obj(payload.toolArgs) ?? obj(payload.tool_input) ?? {};
    const role = copilotToolRole(tool);
    const path = s(args.path) ?? s(args.file_path);
    const input: Obj = role === 'shell' ? { command: s(args.command) ?? '' } : args;
    const key = `${tool}\u0000${stableJson(args)}`;
    const started = (tool_use_id: string) =>
      toolStartEvent({
        at,
        session_id,
        tool_use_id,
        tool,
        input,
        cwd,
        role,
        paths: path && (role === 'read' || role === 'edit') ? [path] : null,
      });
    switch (name) {
      case 'sessionStart': {
        out.push({ kind: 'session-start', at, session_id, source: s(payload.source), model: null });
        // -p "…": the prompt the session was started with, unless userPromptSubmitted told it too
        const initial = s(payload.initialPrompt) ?? s(payload.initial_prompt);
        if (initial?.trim() && !typed.has(initial))
          out.push({ kind: 'prompt', at, session_id, text: initial });
        break;
      }
      case 'userPromptSubmitted': {
        const text = s(payload.prompt);
        if (text?.trim()) out.push({ kind: 'prompt', at, session_id, text });
        break;
      }
      case 'preToolUse':
        out.push(started(pairer.start(tool, key, at)));
        break;
      case 'postToolUse':
      case 'postToolUseFailure': {
        const call = pairer.end(tool, key);
        const id = call?.id ?? pairer.orphan();
        if (!call) out.push(started(id));
        const result = obj(payload.toolResult) ?? obj(payload.tool_result) ?? {};
        const type = s(result.resultType) ?? s(result.result_type);
        const text =
          name === 'postToolUseFailure'
            ? (s(payload.error) ?? s(obj(payload.error)?.message))
            : (s(result.textResultForLlm) ?? s(result.text_result_for_llm));
        const exit = role === 'shell' ? shellExitCode(text) : null;
        const failed = name === 'postToolUseFailure' || type === 'failure' || type === 'error';
        if (type === 'denied')
          out.push({ kind: 'tool-denied', at, session_id, tool_use_id: id, tool, reason: 'denied' });
        out.push({
          kind: 'tool-end',
          at,
          session_id,
          tool_use_id: id,
          tool,
          input,
          ok: !failed && type !== 'denied' && (exit === null || exit === 0),
          output: text,
          interrupted: false,
          duration_ms: null,
          response: null,
          agent_id: null,
          cwd,
          ...(role === 'shell' ? { exit_code: exit } : {}),
        });
        break;
      }
      case 'agentStop':
        out.push({ kind: 'stop', at, session_id });
        break;
      case 'sessionEnd':
        out.push({ kind: 'session-end', at, session_id, reason: s(payload.reason) });
        break;
      case 'subagentStart':
      case 'subagentStop': {
        const agent = s(payload.agentName) ?? s(payload.agent_name);
        if (agent)
          out.push({
            kind: 'subagent',
            at,
            session_id,
            phase: name === 'subagentStart' ? 'start' : 'stop',
            agent_id: agent,
            agent_type: agent,
            transcript_path: null,
          });
        break;
      }
      default:
        // errorOccurred, preCompact, notification, future events: the session was alive
        out.push({ kind: 'activity', at, session_id });
    }
  }
  return out;
}
