// One event model for what an agent session did, whichever agent ran it, built either from hook
// payloads (the journal) or from a session file. fold.ts turns these events into record fields.
// `hookEvents` reads the hook wire format Claude Code introduced and Codex CLI shares (session_id,
// hook_event_name, tool_name, tool_use_id, tool_input, tool_response). Pure.

export type SessionEvent =
  | { kind: 'session-start'; at: string; session_id: string; source: string | null; model: string | null }
  | { kind: 'prompt'; at: string; session_id: string; text: string }
  | {
      kind: 'tool-start';
      at: string;
      session_id: string;
      tool_use_id: string;
      tool: string;
      input: Record<string, unknown>;
      agent_id: string | null;
      cwd?: string | null;
      /**
       * What the call does, for agents whose tool names fold.ts does not know (Codex, Gemini):
       * `read`/`edit` act on `paths`, `shell` runs `input.command`. Absent: decided by tool name.
       */
      role?: ToolRole;
      /** Files the call reads or edits (with `role`); absolute or relative to the session cwd. */
      paths?: string[];
    }
  | {
      kind: 'tool-end';
      at: string;
      session_id: string;
      tool_use_id: string;
      tool: string;
      input: Record<string, unknown> | null;
      ok: boolean;
      /** Output text (stdout+stderr, error text or result content), possibly truncated. */
      output: string | null;
      interrupted: boolean;
      duration_ms: number | null;
      response: Record<string, unknown> | null;
      agent_id: string | null;
      cwd?: string | null;
      /** Exit code the agent reported for a shell call (null: unknown). Absent: derived from `ok`. */
      exit_code?: number | null;
      /** The source has no timing for this call: no duration is derived from the event times. */
      untimed?: boolean;
    }
  | {
      kind: 'tool-denied';
      at: string;
      session_id: string;
      tool_use_id: string;
      tool: string;
      reason: string | null;
    }
  | {
      kind: 'subagent';
      at: string;
      session_id: string;
      phase: 'start' | 'stop';
      agent_id: string;
      agent_type: string | null;
      transcript_path: string | null;
    }
  | { kind: 'model'; at: string; session_id: string; model: string }
  /** A background task finished (Claude Code's `<task-notification>`): completes its command. */
  | {
      kind: 'task-done';
      at: string;
      session_id: string;
      task_id: string;
      status: string;
      exit_code: number | null;
    }
  | { kind: 'version'; at: string; session_id: string; version: string }
  | { kind: 'stop'; at: string; session_id: string }
  /** Something happened at this time (first and last transcript lines): bounds the session. */
  | { kind: 'activity'; at: string; session_id: string }
  | { kind: 'session-end'; at: string; session_id: string; reason: string | null };

/** One hook call of a journal: when, and the payload the agent sent (with its event name). */
export interface HookLine {
  at: string;
  payload: Record<string, unknown>;
}

/** What a call is, as hook payloads or session files tell it. */
export interface CallFields {
  at: string;
  session_id: string;
  tool_use_id: string;
  tool: string;
  input: Record<string, unknown>;
  role: ToolRole;
  cwd?: string | null;
  paths?: readonly string[] | null;
  agent_id?: string | null;
}

/** A call's start: agent_id null unless given, `paths` only when there are some. */
export function toolStartEvent(f: CallFields): SessionEvent {
  return {
    kind: 'tool-start',
    at: f.at,
    session_id: f.session_id,
    tool_use_id: f.tool_use_id,
    tool: f.tool,
    input: f.input,
    agent_id: f.agent_id ?? null,
    ...(f.cwd !== undefined ? { cwd: f.cwd } : {}),
    role: f.role,
    ...(f.paths?.length ? { paths: [...f.paths] } : {}),
  };
}

/**
 * A call known only by its outcome, with no timing of its own (an edit Cursor reported after the fact,
 * a line of Aider's history): its start and its end at one time.
 */
export function untimedCall(
  f: CallFields & {
    ok: boolean;
    output?: string | null;
    exit_code?: number | null;
  },
): SessionEvent[] {
  return [
    toolStartEvent(f),
    {
      kind: 'tool-end',
      at: f.at,
      session_id: f.session_id,
      tool_use_id: f.tool_use_id,
      tool: f.tool,
      input: f.input,
      ok: f.ok,
      output: f.output ?? null,
      interrupted: false,
      duration_ms: null,
      response: null,
      agent_id: null,
      ...(f.exit_code !== undefined ? { exit_code: f.exit_code } : {}),
      untimed: true,
    },
  ];
}

export type ToolRole = 'read' | 'edit' | 'shell' | 'other';

const s = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const obj = (v: unknown): Record<string, unknown> | null =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

/**
 * Events of one hook payload in the shared wire format (`hook_event_name` decides), received at `at`.
 * `toolName` maps the agent's tool names to the ones it records (Claude Code's legacy aliases).
 */
export function hookEvents(
  payload: Record<string, unknown>,
  at: string,
  toolName: (name: string) => string = (n) => n,
): SessionEvent[] {
  const session_id = s(payload.session_id) ?? '';
  const name = s(payload.hook_event_name) ?? '';
  const tool = toolName(s(payload.tool_name) ?? '');
  const tool_use_id = s(payload.tool_use_id) ?? '';
  const input = obj(payload.tool_input) ?? {};
  const agent_id = s(payload.agent_id);
  const duration = typeof payload.duration_ms === 'number' ? payload.duration_ms : null;
  const cwd = s(payload.cwd);
  switch (name) {
    case 'SessionStart':
      return [
        { kind: 'session-start', at, session_id, source: s(payload.source), model: modelName(payload.model) },
      ];
    case 'UserPromptSubmit': {
      const text = s(payload.prompt);
      return text ? [{ kind: 'prompt', at, session_id, text }] : [];
    }
    case 'PreToolUse':
      return [{ kind: 'tool-start', at, session_id, tool_use_id, tool, input, agent_id, cwd }];
    case 'PostToolUse': {
      const response = obj(payload.tool_response);
      return [
        {
          kind: 'tool-end',
          at,
          session_id,
          tool_use_id,
          tool,
          input,
          ok: true,
          output: responseText(payload.tool_response),
          interrupted: response?.interrupted === true,
          duration_ms: duration,
          response,
          agent_id,
          cwd,
        },
      ];
    }
    case 'PostToolUseFailure':
      return [
        {
          kind: 'tool-end',
          at,
          session_id,
          tool_use_id,
          tool,
          input,
          ok: false,
          output: s(payload.error),
          interrupted: payload.is_interrupt === true,
          duration_ms: duration,
          response: null,
          agent_id,
          cwd,
        },
      ];
    case 'PermissionDenied':
      return [{ kind: 'tool-denied', at, session_id, tool_use_id, tool, reason: s(payload.reason) }];
    case 'SubagentStart':
    case 'SubagentStop':
      return [
        {
          kind: 'subagent',
          at,
          session_id,
          phase: name === 'SubagentStart' ? 'start' : 'stop',
          agent_id: s(payload.agent_id) ?? '',
          agent_type: s(payload.agent_type),
          transcript_path: s(payload.agent_transcript_path),
        },
      ];
    case 'Stop':
      return [{ kind: 'stop', at, session_id }];
    case 'SessionEnd':
      return [{ kind: 'session-end', at, session_id, reason: s(payload.reason) }];
    default:
      // Events we do not model (Notification, PreCompact, future ones) still show the session was alive.
      return [{ kind: 'activity', at, session_id }];
  }
}

function modelName(v: unknown): string | null {
  if (typeof v === 'string') return v;
  const o = obj(v);
  return o ? s(o.id) : null;
}

/** Output text of a tool response: Bash stdout/stderr, or a string, or content blocks. */
function responseText(v: unknown): string | null {
  if (typeof v === 'string') return v;
  const o = obj(v);
  if (!o) return null;
  if (typeof o.stdout === 'string' || typeof o.stderr === 'string')
    return [s(o.stdout), s(o.stderr)].filter(Boolean).join('\n');
  return null;
}
