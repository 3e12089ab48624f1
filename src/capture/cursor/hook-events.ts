// Cursor hook payloads (.cursor/hooks.json, `"version": 1`) into SessionEvents. Every payload names
// the conversation (conversation_id, a UUID; 3.x also session_id), the turn (generation_id), the
// model, cursor_version, workspace_roots and transcript_path. Shell commands come from
// beforeShellExecution/afterShellExecution (command, cwd, output, duration in ms; no exit code), edits
// from afterFileEdit (file_path, edits), reads from beforeReadFile, prompts from beforeSubmitPrompt.
// Newer Cursor also fires the generic preToolUse/postToolUse/postToolUseFailure (tool_use_id,
// tool_name Shell|Read|Write|…, tool_output a JSON string with exitCode): a Shell call there gives
// its exit code to the matching shell command, other tools are counted; the CLI (cursor-agent) fires
// only the specific hooks. Pure.
import {
  type HookLine,
  type SessionEvent,
  type ToolRole,
  toolStartEvent,
  untimedCall,
} from '../session/events.js';
import { CallPairer } from '../session/pairing.js';
import { num, type Obj, objOf as obj, str as s } from '../hook/payload.js';

const SHELL = new Set(['Shell', 'Bash', 'run_terminal_cmd', 'terminal']);
const READ = new Set(['Read', 'read_file', 'ReadFile']);
const EDIT = new Set(['Write', 'Edit', 'StrReplace', 'MultiEdit', 'Delete', 'edit_file', 'search_replace']);

function roleOf(tool: string): ToolRole {
  if (SHELL.has(tool)) return 'shell';
  if (READ.has(tool)) return 'read';
  if (EDIT.has(tool)) return 'edit';
  return 'other';
}

function pathOf(input: Obj): string | null {
  return s(input.file_path) ?? s(input.path) ?? s(input.target_file) ?? s(input.filePath);
}

/** Exit code, text and duration of a generic postToolUse Shell output (`{"exitCode":0,"stdout":…}`). */
function shellOutput(raw: unknown): { exit: number | null; text: string | null } {
  const o = obj(raw);
  if (!o) return { exit: null, text: typeof raw === 'string' ? raw : null };
  const exit = num(o.exitCode) ?? num(o.exit_code);
  const text = [o.stdout, o.stderr, o.output].filter((x): x is string => typeof x === 'string').join('\n');
  return { exit, text: text || null };
}

interface ShellCall {
  id: string;
  command: string;
  cwd: string | null;
  start: string;
  end: { at: string; output: string | null; duration: number | null; exit: number | null } | null;
  generic: boolean;
}

export function cursorHookEvents(lines: readonly HookLine[]): SessionEvent[] {
  const out: SessionEvent[] = [];
  const shells: ShellCall[] = [];
  const pairer = new CallPairer('cursor-shell');
  const edited = new Set<string>();
  const read = new Set<string>();
  const generic: { at: string; session_id: string; payload: Obj; name: string }[] = [];
  let model: string | null = null;
  let version: string | null = null;
  let n = 0;

  for (const { at, payload } of lines) {
    const session_id = s(payload.conversation_id) ?? s(payload.session_id) ?? '';
    // Cursor sends `cwd: ""`; its paths are absolute under the workspace root (possibly another machine's).
    const root = Array.isArray(payload.workspace_roots) ? s(payload.workspace_roots[0]) : null;
    const name = s(payload.hook_event_name) ?? '';
    const m = s(payload.model);
    if (m && m !== 'unknown' && m !== model) {
      model = m;
      out.push({ kind: 'model', at, session_id, model: m });
    }
    const v = s(payload.cursor_version);
    if (v && v !== version) {
      version = v;
      out.push({ kind: 'version', at, session_id, version: v });
    }
    const synthetic = (tool: string, role: ToolRole, path: string, ok = true) => {
      const tool_use_id = `cursor-${role}#${++n}`;
      const input = { file_path: path };
      out.push(
        ...untimedCall({ at, session_id, tool_use_id, tool, input, cwd: root, role, paths: [path], ok }),
      );
    };
    switch (name) {
      case 'sessionStart':
        out.push({ kind: 'session-start', at, session_id, source: s(payload.source), model: m });
        break;
      case 'beforeSubmitPrompt': {
        const text = s(payload.prompt);
        if (text?.trim()) out.push({ kind: 'prompt', at, session_id, text });
        break;
      }
      case 'beforeShellExecution': {
        const command = s(payload.command);
        if (!command) break;
        const id = pairer.start('Shell', command, at);
        shells.push({ id, command, cwd: s(payload.cwd) ?? root, start: at, end: null, generic: false });
        break;
      }
      case 'afterShellExecution': {
        const command = s(payload.command) ?? '';
        const call = pairer.end('Shell', command);
        const end = {
          at,
          output: typeof payload.output === 'string' ? payload.output : null,
          duration: num(payload.duration) === null ? null : Math.round(num(payload.duration)!),
          // not in the documented payload; some builds send it
          exit: num(payload.exit_code) ?? num(payload.exitCode),
        };
        const found = call ? shells.find((c) => c.id === call.id) : undefined;
        if (found) found.end = end;
        else
          shells.push({ id: pairer.orphan(), command, cwd: s(payload.cwd), start: at, end, generic: false });
        break;
      }
      case 'afterFileEdit':
      case 'afterTabFileEdit': {
        const path = s(payload.file_path);
        if (!path) break;
        edited.add(path);
        synthetic('Edit', 'edit', path);
        break;
      }
      case 'beforeReadFile': {
        const path = s(payload.file_path);
        if (!path || read.has(path)) break;
        read.add(path);
        synthetic('Read', 'read', path);
        break;
      }
      case 'preToolUse':
      case 'postToolUse':
      case 'postToolUseFailure':
        generic.push({ at, session_id, payload, name });
        break;
      case 'stop':
        out.push({ kind: 'stop', at, session_id });
        break;
      case 'sessionEnd':
        out.push({ kind: 'session-end', at, session_id, reason: s(payload.reason) });
        break;
      case 'subagentStart':
      case 'subagentStop': {
        const agent_id = s(payload.subagent_id) ?? s(payload.tool_use_id) ?? s(payload.generation_id);
        if (agent_id)
          out.push({
            kind: 'subagent',
            at,
            session_id,
            phase: name === 'subagentStart' ? 'start' : 'stop',
            agent_id,
            agent_type: s(payload.subagent_type) ?? s(payload.agent_type),
            transcript_path: null,
          });
        break;
      }
      default:
        // afterAgentResponse, afterAgentThought, preCompact, future events: the session was alive
        out.push({ kind: 'activity', at, session_id });
    }
  }

  out.push(...genericCalls(generic, shells, edited, read));
  for (const c of shells) out.push(...shellEvents(c, lines[0]?.payload));
  return out;
}

/** Generic pre/postToolUse: a Shell call lends its exit code to the shell hook's call of the same command. */
function genericCalls(
  generic: readonly { at: string; session_id: string; payload: Obj; name: string }[],
  shells: ShellCall[],
  edited: ReadonlySet<string>,
  read: ReadonlySet<string>,
): SessionEvent[] {
  const out: SessionEvent[] = [];
  const starts = new Map<string, { at: string; tool: string; input: Obj }>();
  const matched = new Set<string>();
  for (const { at, session_id, payload, name } of generic) {
    const id = s(payload.tool_use_id) ?? `cursor-tool@${at}`;
    const tool = s(payload.tool_name) ?? 'unknown';
    const input = obj(payload.tool_input) ?? {};
    const role = roleOf(tool);
    if (name === 'preToolUse') {
      starts.set(id, { at, tool, input });
      continue;
    }
    const start = starts.get(id) ?? { at, tool, input };
    const failed = name === 'postToolUseFailure';
    if (role === 'shell') {
      const command = s(input.command) ?? s(start.input.command);
      if (!command) continue;
      const res = failed
        ? { exit: null, text: s(payload.error_message) ?? s(payload.error) }
        : shellOutput(payload.tool_output);
      const end = {
        at,
        output: res.text,
        duration: num(payload.duration) === null ? null : Math.round(num(payload.duration)!),
        exit: res.exit,
      };
      const twin = shells.find((c) => !c.generic && c.command === command && !matched.has(c.id));
      if (twin) {
        matched.add(twin.id);
        if (twin.end) {
          twin.end.exit ??= end.exit;
          twin.end.output ??= end.output;
        } else twin.end = end;
        if (failed) twin.end.exit ??= null;
        continue;
      }
      const roots = Array.isArray(payload.workspace_roots) ? payload.workspace_roots : [];
      const cwd = s(input.working_directory) ?? s(input.cwd) ?? s(payload.cwd) ?? s(roots[0]);
      shells.push({ id, command, cwd, start: start.at, end, generic: true });
      continue;
    }
    const path = pathOf(input) ?? pathOf(start.input);
    // the specific hooks already told these
    if (role === 'edit' && path && edited.has(path)) continue;
    if (role === 'read' && path && read.has(path)) continue;
    out.push(
      toolStartEvent({
        at: start.at,
        session_id,
        tool_use_id: id,
        tool,
        input: start.input,
        role,
        paths: path && (role === 'edit' || role === 'read') ? [path] : null,
      }),
      {
        kind: 'tool-end',
        at,
        session_id,
        tool_use_id: id,
        tool,
        input: null,
        ok: !failed,
        output: failed ? (s(payload.error_message) ?? s(payload.error)) : null,
        interrupted: payload.is_interrupt === true,
        duration_ms: num(payload.duration),
        response: null,
        agent_id: null,
      },
    );
    if (failed && payload.failure_type === 'permission_denied')
      out.push({ kind: 'tool-denied', at, session_id, tool_use_id: id, tool, reason: 'permission denied' });
  }
  return out;
}

function shellEvents(c: ShellCall, first: Obj | undefined): SessionEvent[] {
  const session_id = s(first?.conversation_id) ?? s(first?.session_id) ?? '';
  const start = toolStartEvent({
    at: c.start,
    session_id,
    tool_use_id: c.id,
    tool: 'Shell',
    input: { command: c.command },
    cwd: c.cwd,
    role: 'shell',
  });
  if (!c.end) return [start];
  return [
    start,
    {
      kind: 'tool-end',
      at: c.end.at,
      session_id,
      tool_use_id: c.id,
      tool: 'Shell',
      input: { command: c.command },
      ok: c.end.exit === null ? true : c.end.exit === 0,
      output: c.end.output,
      interrupted: false,
      duration_ms: c.end.duration,
      response: null,
      agent_id: null,
      exit_code: c.end.exit,
    },
  ];
}

/**
 * Token usage Cursor reports on `stop` (and afterAgentResponse) since 3.x: input_tokens, output_tokens,
 * cache_read_tokens, cache_write_tokens for the turn. One entry per turn (generation_id).
 */
export function cursorTurnUsage(lines: readonly HookLine[]): {
  at: string;
  model: string | null;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
}[] {
  const turns = new Map<string, ReturnType<typeof cursorTurnUsage>[number]>();
  lines.forEach(({ at, payload }, i) => {
    const name = payload.hook_event_name;
    if (name !== 'stop' && name !== 'afterAgentResponse') return;
    const input = num(payload.input_tokens);
    const output = num(payload.output_tokens);
    if (input === null && output === null) return;
    const key = s(payload.generation_id) ?? `#${i}`;
    const m = s(payload.model);
    turns.set(key, {
      at,
      model: m && m !== 'default' && m !== 'unknown' ? m : null,
      input_tokens: input ?? 0,
      output_tokens: output ?? 0,
      cache_read_tokens: num(payload.cache_read_tokens) ?? 0,
      cache_write_tokens: num(payload.cache_write_tokens) ?? 0,
    });
  });
  return [...turns.values()];
}
