// What the guard sees of a Cursor or Copilot CLI event: the same payload in the shape it reads for
// Claude Code (PreToolUse with tool_name/tool_input, PostToolUse with tool_response …), or null when the
// event would count a call twice (Cursor fires preToolUse and beforeShellExecution for one command:
// the shell hook is the one `cursor-agent` also fires, so it carries shell commands; preToolUse the
// other tools). Other agents' payloads pass unchanged. What a budget counts comes with the view: the
// turn's usage Cursor reports on `stop` (`reported_usage`), and for Copilot CLI, whose hooks report
// none, its session's events.jsonl as the transcript to read. Dependency-free: part of the hook bundle.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { num, type Obj, objOf as obj, str } from './payload.js';

export interface GuardView {
  eventName: string;
  payload: Obj;
}

const CURSOR_SHELL = new Set(['Shell', 'Bash', 'run_terminal_cmd']);
const COPILOT_TOOLS: Record<string, string> = {
  bash: 'Bash',
  powershell: 'Bash',
  edit: 'Edit',
  create: 'Write',
};

export function guardView(
  agent: string,
  event: string,
  payload: Obj,
  env: NodeJS.ProcessEnv = process.env,
): GuardView | null {
  if (agent === 'cursor') return cursorView(event, payload);
  if (agent === 'copilot') return copilotView(event, payload, env);
  if (agent === 'opencode') return opencodeView(event, payload);
  return { eventName: event, payload };
}

/** The turn's usage Cursor 3 sends on `stop` (and afterAgentResponse), keyed by the turn. */
function cursorUsage(p: Obj): Obj | null {
  const input = num(p.input_tokens);
  const output = num(p.output_tokens);
  if (input === null && output === null) return null;
  return {
    key: str(p.generation_id) ?? `${str(p.conversation_id) ?? ''}@${input}/${output}`,
    model: str(p.model) ?? 'unknown',
    input_tokens: input ?? 0,
    output_tokens: output ?? 0,
    cache_read_tokens: num(p.cache_read_tokens) ?? 0,
    cache_write_tokens: num(p.cache_write_tokens) ?? 0,
  };
}

/** Copilot CLI's event log of a session: $COPILOT_HOME (default ~/.copilot)/session-state/<id>/events.jsonl. */
export function copilotEventsPath(sessionId: string | null, env: NodeJS.ProcessEnv): string | null {
  if (!sessionId || !/^[A-Za-z0-9._-]+$/.test(sessionId)) return null;
  const home = env.COPILOT_HOME || join(env.HOME || homedir(), '.copilot');
  return join(home, 'session-state', sessionId, 'events.jsonl');
}

function cursorView(event: string, p: Obj): GuardView | null {
  const roots = Array.isArray(p.workspace_roots) ? p.workspace_roots : [];
  const base = {
    ...p,
    session_id: str(p.conversation_id) ?? str(p.session_id),
    cwd: str(p.cwd) ?? str(roots[0]),
  };
  switch (event) {
    case 'sessionStart':
      return { eventName: 'SessionStart', payload: base };
    case 'beforeSubmitPrompt':
      return { eventName: 'UserPromptSubmit', payload: base };
    case 'beforeShellExecution':
      return {
        eventName: 'PreToolUse',
        payload: { ...base, tool_name: 'Bash', tool_input: { command: p.command } },
      };
    case 'preToolUse': {
      const tool = str(p.tool_name) ?? '';
      if (CURSOR_SHELL.has(tool)) return null;
      const input = obj(p.tool_input) ?? {};
      const edit = /^(Write|Edit|StrReplace|MultiEdit|Delete)$/.test(tool);
      return {
        eventName: 'PreToolUse',
        payload: {
          ...base,
          tool_name: edit ? 'Edit' : tool,
          tool_input: { ...input, file_path: input.file_path ?? input.path },
        },
      };
    }
    case 'postToolUse':
    case 'postToolUseFailure': {
      const tool = str(p.tool_name) ?? '';
      const shell = CURSOR_SHELL.has(tool);
      const input = obj(p.tool_input) ?? {};
      return {
        eventName: event === 'postToolUse' ? 'PostToolUse' : 'PostToolUseFailure',
        payload: {
          ...base,
          tool_name: shell ? 'Bash' : tool,
          tool_input: input,
          tool_response: obj(p.tool_output) ?? p.tool_output ?? null,
          error: p.error_message,
        },
      };
    }
    case 'stop':
      return { eventName: 'Stop', payload: { ...base, reported_usage: cursorUsage(p) } };
    case 'sessionEnd':
      return { eventName: 'SessionEnd', payload: base };
    default:
      return { eventName: event, payload: { ...base, reported_usage: cursorUsage(p) } };
  }
}

function copilotView(event: string, p: Obj, env: NodeJS.ProcessEnv): GuardView | null {
  const tool = str(p.toolName) ?? str(p.tool_name) ?? '';
  const args = obj(p.toolArgs) ?? obj(p.tool_input) ?? {};
  const mapped = COPILOT_TOOLS[tool] ?? tool;
  const session_id = str(p.sessionId) ?? str(p.session_id);
  const base = {
    ...p,
    session_id,
    tool_name: mapped,
    tool_input: { ...args, file_path: args.path },
    transcript_path: str(p.transcript_path) ?? str(p.transcriptPath) ?? copilotEventsPath(session_id, env),
  };
  const result = obj(p.toolResult) ?? obj(p.tool_result);
  const text = str(result?.textResultForLlm) ?? str(result?.text_result_for_llm) ?? '';
  const exit = /<(?:shellId:\s*\S+\s+completed|exited) with exit code (-?\d+)>/.exec(text)?.[1];
  switch (event) {
    case 'sessionStart':
    case 'SessionStart':
      return { eventName: 'SessionStart', payload: base };
    case 'userPromptSubmitted':
    case 'UserPromptSubmit':
      return { eventName: 'UserPromptSubmit', payload: base };
    case 'preToolUse':
    case 'PreToolUse':
      return { eventName: 'PreToolUse', payload: base };
    case 'postToolUse':
    case 'PostToolUse':
      return {
        eventName: 'PostToolUse',
        payload: {
          ...base,
          tool_response: exit === undefined ? text : { exit_code: Number(exit), output: text },
        },
      };
    case 'postToolUseFailure':
    case 'PostToolUseFailure':
      return { eventName: 'PostToolUseFailure', payload: { ...base, error: p.error } };
    case 'agentStop':
    case 'Stop':
      return { eventName: 'Stop', payload: base };
    case 'sessionEnd':
    case 'SessionEnd':
      return { eventName: 'SessionEnd', payload: base };
    default:
      return { eventName: event, payload: base };
  }
}

// OpenCode (our plugin's envelopes, capture/opencode/plugin.ts): tool.execute.before is the call, the
// finished tool part its result (tool.execute.after is not fired by every build, so it is skipped, as
// are a subagent's session start and stop); a completed assistant message reports its tokens.
const OPENCODE_TOOLS: Record<string, string> = {
  bash: 'Bash',
  read: 'Read',
  edit: 'Edit',
  multiedit: 'Edit',
  write: 'Write',
  patch: 'apply_patch',
};

function opencodeTool(tool: string, args: Obj): { tool_name: string; tool_input: Obj } {
  const name = OPENCODE_TOOLS[tool] ?? tool;
  if (name === 'Bash') return { tool_name: name, tool_input: { command: args.command, cwd: args.workdir } };
  if (name === 'apply_patch') return { tool_name: name, tool_input: { input: args.patchText } };
  return { tool_name: name, tool_input: { ...args, file_path: args.filePath ?? args.file_path } };
}

function opencodeView(event: string, p: Obj): GuardView | null {
  const base = { ...p, session_id: str(p.sessionID), cwd: str(p.cwd) };
  const sub = str(p.agent_id) !== null;
  switch (event) {
    case 'tool.execute.before': {
      const input = obj(p.input) ?? {};
      return {
        eventName: 'PreToolUse',
        payload: {
          ...base,
          tool_use_id: input.callID,
          ...opencodeTool(str(input.tool) ?? '', obj(p.args) ?? {}),
        },
      };
    }
    case 'message.part.updated': {
      const part = obj(obj(p.properties)?.part) ?? {};
      const state = obj(part.state) ?? {};
      const failed = state.status === 'error';
      const meta = obj(state.metadata) ?? {};
      return {
        eventName: failed ? 'PostToolUseFailure' : 'PostToolUse',
        payload: {
          ...base,
          tool_use_id: part.callID,
          ...opencodeTool(str(part.tool) ?? '', obj(state.input) ?? {}),
          tool_response: { exit_code: meta.exit ?? meta.exitCode, output: state.output },
          error: state.error,
        },
      };
    }
    case 'chat.message': {
      const parts = Array.isArray(obj(p.output)?.parts) ? (obj(p.output)!.parts as unknown[]) : [];
      const prompt = parts.map((x) => str(obj(x)?.text) ?? '').join('\n');
      return sub ? null : { eventName: 'UserPromptSubmit', payload: { ...base, prompt } };
    }
    case 'session.created':
      return sub ? null : { eventName: 'SessionStart', payload: base };
    case 'session.idle':
    case 'session.status':
      return sub ? null : { eventName: 'Stop', payload: base };
    case 'server.instance.disposed':
    case 'session.deleted':
      return sub ? null : { eventName: 'SessionEnd', payload: base };
    case 'message.updated': {
      // a completed assistant message's tokens, once per message (a subagent's count too)
      const info = obj(obj(p.properties)?.info) ?? {};
      const t = obj(info.tokens);
      if (!t || !str(info.id)) return null;
      const reported_usage = {
        key: str(info.id),
        model: str(info.modelID) ?? 'unknown',
        input_tokens: num(t.input) ?? 0,
        output_tokens: (num(t.output) ?? 0) + (num(t.reasoning) ?? 0),
        cache_read_tokens: num(obj(t.cache)?.read) ?? 0,
        cache_write_tokens: num(obj(t.cache)?.write) ?? 0,
      };
      return { eventName: event, payload: { ...base, reported_usage } };
    }
    default:
      return null;
  }
}
