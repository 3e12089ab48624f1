// Fold the events of an agent session into record facts: the task (first real prompt) and its
// follow-ups, files read and edited, Bash commands with exit codes and durations, subagents, agent
// identity. Pure; git facts (diff, commits) and cost are joined at seal time.
import type { CommandRun } from '../../record/schema.js';
import { redactedTail } from '../../redact/caps.js';
import { Redactor } from '../../redact/redactor.js';
import type { EditMark } from '../checks.js';
import { checkIdentity, classifyCommand, mayWriteFiles } from '../classify.js';
import type { SessionEvent, ToolRole } from './events.js';
import { isInjectedPrompt, slashCommandText, stripReminders } from './prompts.js';

export interface SessionFacts {
  intent: string | null;
  follow_ups: string[];
  /** When each prompt was given: the intent's time first, then one per follow-up. */
  prompt_times?: string[];
  files_read: string[];
  /** Files changed by edit tools (successful calls), repo-relative (inside the root or the session's cwd). */
  files_edited: string[];
  /** What an edit tool did to a file when it tells (`added` by a Write that created it, patch verbs). */
  edit_status?: Record<string, string>;
  /** Files edit tools changed outside the repository (absolute paths). */
  files_outside?: string[];
  commands: CommandRun[];
  /** When files changed: tool edits and commands that write files. */
  edit_marks: EditMark[];
  session_ids: string[];
  model: string | null;
  version: string | null;
  started_at: string | null;
  ended_at: string | null;
  subagents: { agent_id: string; agent_type: string | null }[];
  /** Calls per tool (current names). */
  tools: Record<string, number>;
  /** Tool calls that failed, with the start of their error text. */
  errors: { tool: string; tool_use_id: string; text: string }[];
  denied: { tool: string; tool_use_id: string; reason: string | null }[];
}

export interface FoldOptions {
  /** Worktree root: absolute paths inside it become repo-relative. */
  root?: string | null;
  /**
   * The session's working directory as the agent recorded it (default: the first `cwd` of its events),
   * possibly on another machine: absolute paths under it become relative to it when not under `root`.
   */
  cwd?: string | null;
  /** Characters of command output kept (the end of it). */
  outputTail?: number;
  /**
   * Redaction applied to a long output before its tail is cut (redact first, then cut): the
   * repository's redactor. Default: the default rules.
   */
  redact?: (text: string) => string;
}

let defaultRedactor: Redactor | null = null;
const redactDefault = (text: string) => (defaultRedactor ??= new Redactor()).redact(text);

const READ_TOOLS = new Set(['Read', 'NotebookRead', 'mcp__acp__Read']);
const EDIT_TOOLS = new Set([
  'Write',
  'Edit',
  'MultiEdit',
  'NotebookEdit',
  'mcp__acp__Write',
  'mcp__acp__Edit',
]);
const SHELL_TOOLS = new Set(['Bash', 'PowerShell']);
const CHECK_KINDS = new Set(['test', 'lint', 'typecheck', 'build']);

type Start = Extract<SessionEvent, { kind: 'tool-start' }>;
type End = Extract<SessionEvent, { kind: 'tool-end' }>;

export function foldSession(events: readonly SessionEvent[], opts: FoldOptions = {}): SessionFacts {
  const tail = opts.outputTail ?? 2000;
  const redact = opts.redact ?? redactDefault;
  const sessionCwd =
    opts.cwd ??
    events.flatMap((e) => ((e.kind === 'tool-start' || e.kind === 'tool-end') && e.cwd ? [e.cwd] : []))[0] ??
    null;
  const rel = (p: string) => repoPath(p, opts.root ?? null, sessionCwd);
  const prompts: { text: string; at: string }[] = [];
  const sessionIds: string[] = [];
  const calls = new Map<string, { start?: Start; end?: End }>();
  const subagents = new Map<string, string | null>();
  const denied: SessionFacts['denied'] = [];
  const tasks = new Map<string, { status: string; exit_code: number | null }>();
  let model: string | null = null;
  let version: string | null = null;
  let startedAt: string | null = null;
  let endedAt: string | null = null;

  for (const e of events) {
    if (e.session_id && !sessionIds.includes(e.session_id)) sessionIds.push(e.session_id);
    if (e.at) {
      if (!startedAt || e.at < startedAt) startedAt = e.at;
      if (!endedAt || e.at > endedAt) endedAt = e.at;
    }
    switch (e.kind) {
      case 'session-start':
        if (e.model) model = e.model;
        break;
      case 'model':
        model = e.model;
        break;
      case 'version':
        version = e.version;
        break;
      case 'prompt': {
        // Every prompt a person gave, repeats included ("continue" twice is two turns).
        const text = typedPrompt(e.text);
        if (text !== null) prompts.push({ text, at: e.at });
        break;
      }
      case 'tool-start':
      case 'tool-end': {
        if (!e.tool_use_id) break;
        const call = calls.get(e.tool_use_id) ?? {};
        if (e.kind === 'tool-start') call.start ??= e;
        else call.end = e;
        calls.set(e.tool_use_id, call);
        break;
      }
      case 'tool-denied':
        denied.push({ tool: e.tool, tool_use_id: e.tool_use_id, reason: e.reason });
        break;
      case 'task-done':
        tasks.set(e.task_id, { status: e.status, exit_code: e.exit_code });
        break;
      case 'subagent':
        if (e.agent_id && (!subagents.has(e.agent_id) || e.agent_type))
          subagents.set(e.agent_id, e.agent_type);
        break;
    }
  }

  const filesRead: string[] = [];
  const filesEdited: string[] = [];
  const filesOutside: string[] = [];
  const editStatus: Record<string, string> = {};
  const commands: CommandRun[] = [];
  const editMarks: EditMark[] = [];
  const tools: Record<string, number> = {};
  const errors: SessionFacts['errors'] = [];
  const add = (list: string[], p: string) => {
    if (!list.includes(p)) list.push(p);
  };

  for (const [id, { start, end }] of calls) {
    const tool = start?.tool || end?.tool || 'unknown';
    const input = start?.input ?? end?.input ?? {};
    tools[tool] = (tools[tool] ?? 0) + 1;
    if (end && !end.ok) errors.push({ tool, tool_use_id: id, text: (end.output ?? '').slice(0, 200) });
    const role = start?.role ?? roleOf(tool);
    const path = str(input.file_path) ?? str(input.notebook_path);
    const paths = start?.paths ?? (path ? [path] : []);
    if (role === 'read' && (!end || end.ok)) for (const p of paths) add(filesRead, rel(p));
    if (role === 'edit' && paths.length && (!end || end.ok)) {
      const statuses = toolEditStatus(tool, input, end?.response ?? null);
      for (const p of paths) {
        const r = rel(p);
        if (isAbsolutePath(r)) add(filesOutside, r);
        else {
          add(filesEdited, r);
          const st = statuses.get(p) ?? [...statuses].find(([k]) => p.endsWith(`/${k}`))?.[1];
          if (st && !editStatus[r]) editStatus[r] = st;
        }
      }
      editMarks.push({ at: end?.at ?? start?.at ?? '' });
    }
    if (
      tool === 'Agent' &&
      end?.response &&
      typeof end.response.agentId === 'string' &&
      !subagents.has(end.response.agentId)
    )
      subagents.set(end.response.agentId, str(input.subagent_type));
    if (role === 'shell' && typeof input.command === 'string') {
      const run = commandRun(input, start, end, tail, rel, tasks, redact);
      const refusal = denied.find((d) => d.tool_use_id === id);
      if (refusal) {
        run.denied = true;
        run.status = 'blocked';
        run.reason = shortReason(refusal.reason) ?? 'denied by a permission rule';
      }
      commands.push(run);
      if (mayWriteFiles(run.command)) editMarks.push({ at: end?.at ?? run.started_at ?? '' });
    }
  }
  commands.sort((a, b) => (a.started_at ?? '').localeCompare(b.started_at ?? ''));

  // UI commands (`/clear`, `/model`) are not prompts unless nothing else was typed. The task is the
  // first typed request; a bare slash command before it (`/init`) stays, as a follow-up, in order.
  const asks = prompts.filter((p) => !HOUSEKEEPING.test(p.text));
  const kept = asks.length ? asks : prompts.slice(0, 1);
  const first = kept.find((p) => !/^\/[\w:.-]+$/.test(p.text)) ?? kept[0];
  const all = first ? [first, ...kept.filter((p) => p !== first)] : [];
  return {
    intent: all[0]?.text ?? null,
    follow_ups: all.slice(1).map((p) => p.text),
    ...(all.length ? { prompt_times: all.map((p) => p.at) } : {}),
    files_read: filesRead,
    files_edited: filesEdited,
    ...(Object.keys(editStatus).length ? { edit_status: editStatus } : {}),
    ...(filesOutside.length ? { files_outside: filesOutside } : {}),
    commands,
    edit_marks: editMarks.filter((m) => m.at),
    session_ids: sessionIds,
    model,
    version,
    started_at: startedAt,
    ended_at: endedAt,
    subagents: [...subagents].map(([agent_id, agent_type]) => ({ agent_id, agent_type })),
    tools,
    errors,
    denied,
  };
}

function commandRun(
  input: Record<string, unknown>,
  start: Start | undefined,
  end: End | undefined,
  tail: number,
  rel: (p: string) => string,
  tasks: ReadonlyMap<string, { status: string; exit_code: number | null }> = new Map(),
  redact: (text: string) => string = redactDefault,
): CommandRun {
  const command = String(input.command);
  const background =
    input.run_in_background === true ||
    typeof end?.response?.backgroundTaskId === 'string' ||
    end?.response?.backgroundedByUser === true;
  const interrupted = end?.interrupted === true;
  let exit: number | null = null;
  if (end && end.exit_code !== undefined) exit = background ? null : end.exit_code;
  else if (end && end.ok && !interrupted && !background) exit = 0;
  else if (end && !end.ok) exit = exitCodeFromText(end.output);
  // A background command's outcome arrives later, as a notification naming its task.
  const taskId = str(end?.response?.backgroundTaskId);
  const task = background && taskId ? tasks.get(taskId) : undefined;
  if (task && task.exit_code !== null) exit = task.exit_code;
  let duration = end?.duration_ms ?? null;
  if (duration === null && !end?.untimed && start?.at && end?.at) {
    const d = Date.parse(end.at) - Date.parse(start.at);
    if (Number.isFinite(d) && d >= 0) duration = d;
  }
  const output = end?.output ?? null;
  const kept = output !== null && output.length > tail ? redactedTail(redact, output, tail) : null;
  const cwd = start?.cwd ?? end?.cwd ?? null;
  const kind = classifyCommand(command);
  const identity = checkIdentity(command);
  return {
    command,
    cwd: cwd ? rel(cwd) || '.' : '.',
    started_at: start?.at ?? end?.at ?? null,
    duration_ms: duration,
    exit_code: exit,
    interrupted,
    kind,
    // One check whatever output plumbing surrounds it (`mix test 2>&1 | tail -5` is `mix test`).
    ...(CHECK_KINDS.has(kind) && identity !== command.trim().replace(/\s+/g, ' ') ? { check: identity } : {}),
    ...commandOutcome(command, end, exit, interrupted, background, task),
    output_tail: kept ? kept.text : output,
    ...(background ? { background: true } : {}),
    ...(kept?.truncated ? { truncated: true } : {}),
  };
}

const REFUSED =
  /^(The user doesn't want to proceed with this tool use|The user doesn't want to take this action|exec command rejected by (the )?user|patch rejected by (the )?user|Tool call was rejected by the user|User (denied|rejected|declined)|The user rejected permission to use this specific tool call)/i;
const SIBLING = /<tool_use_error>\s*Sibling tool call errored|^Cancelled: parallel tool call/i;
const HOOK_BLOCK =
  /^(PreToolUse:\w+ hook (error|blocked)|Blocked by (a )?hook|.*\bhook\b.*\b(blocked|denied)\b)/i;
const GIT_HOOK =
  /\b(pre-commit|commit-msg|prepare-commit-msg|pre-push|pre-merge-commit)\b|\bhusky\b|\blefthook\b/i;

/** What became of a shell call beyond its exit code, with a short why when not ok. */
export function commandOutcome(
  command: string,
  end: End | undefined,
  exit: number | null,
  interrupted: boolean,
  background: boolean,
  task: { status: string; exit_code: number | null } | undefined,
): { status: CommandRun['status']; reason?: string } {
  const text = (end?.output ?? '').trim();
  if (!end) return { status: 'unknown', reason: 'no result was recorded' };
  if (REFUSED.test(text)) {
    const why = /the user (?:provided|said)[^:]*:\s*([\s\S]+)/i.exec(text)?.[1];
    return { status: 'refused', reason: shortReason(why) ?? 'the user rejected this call' };
  }
  if (SIBLING.test(text)) return { status: 'cancelled', reason: 'a parallel call failed' };
  if (interrupted) return { status: 'interrupted', reason: 'interrupted' };
  if (HOOK_BLOCK.test(text)) return { status: 'blocked', reason: shortReason(text) ?? 'blocked by a hook' };
  if (background && exit === null) {
    if (task)
      return {
        status: task.status === 'completed' ? 'ok' : 'cancelled',
        reason: `background task ${task.status}`,
      };
    return { status: 'unknown', reason: 'ran in the background; no completion was recorded' };
  }
  if (exit === 0) return { status: 'ok' };
  if (exit !== null) {
    if (/\bgit\b[\s\S]*\b(commit|push|merge)\b/.test(command) && GIT_HOOK.test(text)) {
      const named = /\b(pre-commit|commit-msg|prepare-commit-msg|pre-push|pre-merge-commit)\b/i.exec(
        text,
      )?.[1];
      return { status: 'blocked', reason: `a git ${named?.toLowerCase() ?? 'commit'} hook rejected it` };
    }
    return { status: 'failed', reason: `exit code ${exit}` };
  }
  if (!end.ok) return { status: 'failed', reason: shortReason(text) ?? 'the call failed' };
  return { status: 'unknown' };
}

/** First line of a text, trimmed to 160 characters, or null when empty. */
export function shortReason(text: string | null | undefined): string | null {
  const line = (text ?? '')
    .replace(/<\/?tool_use_error>/g, '')
    .split('\n')
    .map((l) => l.trim())
    .find(Boolean);
  if (!line) return null;
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

/** `Exit code N` at the start of a failure text (optionally after `Error: `), else null. */
export function exitCodeFromText(text: string | null): number | null {
  const m = /^(?:Error:\s*)?Exit code (\d+)/.exec(text?.trimStart() ?? '');
  return m ? Number(m[1]) : null;
}

function roleOf(tool: string): ToolRole {
  if (READ_TOOLS.has(tool)) return 'read';
  if (EDIT_TOOLS.has(tool)) return 'edit';
  if (SHELL_TOOLS.has(tool)) return 'shell';
  return 'other';
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v ? v : null;
}

const HOUSEKEEPING =
  /^\/(clear|compact|model|cost|help|status|config|login|logout|exit|quit|resume|context|hooks|permissions|memory|doctor|ide|mcp|agents|bashes|todos|usage|statusline|vim|terminal-setup|export|add-dir|rewind|stats|theme|privacy-settings|release-notes|upgrade|feedback|bug|chat|tools|about|auth|editor|extensions|settings|copy|corgi|directory|privacy|quit|restore)\b/;

const GEMINI_INIT =
  /^You are an AI agent that brings the power of Gemini directly into the terminal\. Your task is to analyze the current directory and generate a comprehensive GEMINI\.md file/;

/**
 * The prompt as the person typed it, or null for text the harness injected: slash-command wrappers
 * become their command line, Gemini's expanded `/init` template becomes `/init`.
 */
export function typedPrompt(raw: string): string | null {
  const slash = slashCommandText(raw);
  if (slash) return slash;
  const text = stripReminders(raw);
  if (isInjectedPrompt(text)) return null;
  if (GEMINI_INIT.test(text)) return '/init';
  return text;
}

/** What an edit call did to each path it names, when the call says (Write's `type: "create"`, patch verbs). */
function toolEditStatus(
  tool: string,
  input: Record<string, unknown>,
  response: Record<string, unknown> | null,
): Map<string, string> {
  const out = new Map<string, string>();
  const path = str(input.file_path) ?? str(input.notebook_path);
  if (path && (tool === 'Write' || tool === 'mcp__acp__Write') && response?.type === 'create')
    out.set(path, 'added');
  if (Array.isArray(input.files))
    for (const f of input.files as { path?: unknown; status?: unknown; old_path?: unknown }[]) {
      if (typeof f?.path === 'string' && typeof f.status === 'string') out.set(f.path, f.status);
      if (typeof f?.old_path === 'string') out.set(f.old_path, 'deleted');
    }
  return out;
}

const isAbsolutePath = (p: string) => /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(p);

/**
 * A path as the record keeps it: relative to the repository root when inside it, else relative to
 * the session's cwd when under it (a transcript recorded on another machine or in another clone),
 * else unchanged (absolute: outside the repository). Relative paths are kept, without `./`.
 */
export function repoPath(path: string, root: string | null, cwd: string | null): string {
  if (!isAbsolutePath(path)) return path.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
  const inRoot = relativize(path, root);
  if (inRoot !== path || !cwd || !isAbsolutePath(cwd)) return inRoot;
  return relativize(path, cwd);
}

/** Make an absolute path relative to `root` when it lies inside it; `root` itself becomes ''. */
export function relativize(path: string, root: string | null): string {
  if (!root) return path;
  const norm = (p: string) => p.replace(/\\/g, '/').replace(/\/+$/, '');
  const p = norm(path);
  const r = norm(root);
  if (p === r) return '';
  if (p.startsWith(`${r}/`)) return p.slice(r.length + 1);
  return path;
}
