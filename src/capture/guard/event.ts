// One hook payload of any agent (Claude Code, Codex, Gemini) as the guard sees it: what kind of moment
// it is, which tool, which shell command, which paths an edit touches, which MCP server. Pure.
import { isAbsolute, relative } from 'node:path';

export type Moment = 'session-start' | 'prompt' | 'pre-tool' | 'post-tool' | 'stop' | 'session-end' | 'other';

export interface GuardEvent {
  moment: Moment;
  /** The agent's own event name (for the decision's wire format). */
  name: string;
  tool: string | null;
  toolUseId: string | null;
  /** Shell command line, for shell tools. */
  command: string | null;
  /** Edit tools: the paths written, relative to the repository root (`../…` or absolute when outside). */
  paths: string[];
  isEdit: boolean;
  mcp: { server: string; tool: string } | null;
  /** post-tool: whether the call failed (null: unknown). */
  failed: boolean | null;
  /** post-tool: a short fingerprint of the result, to spot the same result repeated. */
  result: string;
  source: string | null;
  model: string | null;
}

const MOMENTS: Record<string, Moment> = {
  SessionStart: 'session-start',
  UserPromptSubmit: 'prompt',
  BeforeAgent: 'prompt',
  PreToolUse: 'pre-tool',
  BeforeTool: 'pre-tool',
  PostToolUse: 'post-tool',
  PostToolUseFailure: 'post-tool',
  AfterTool: 'post-tool',
  Stop: 'stop',
  AfterAgent: 'stop',
  SessionEnd: 'session-end',
};

const EDIT_TOOLS = new Set([
  'Edit',
  'Write',
  'MultiEdit',
  'NotebookEdit',
  'apply_patch',
  'write_file',
  'replace',
]);
const SHELL_TOOLS = new Set(['Bash', 'shell', 'local_shell', 'exec_command', 'run_shell_command']);

type Obj = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

export function readEvent(name: string, payload: Obj, root: string): GuardEvent {
  const moment = MOMENTS[name] ?? 'other';
  const tool = str(payload.tool_name);
  const input = obj(payload.tool_input);
  const ev: GuardEvent = {
    moment,
    name,
    tool,
    toolUseId: str(payload.tool_use_id),
    command: null,
    paths: [],
    isEdit: false,
    mcp: null,
    failed: null,
    result: '',
    source: str(payload.source),
    model: str(payload.model),
  };
  if (!tool) return ev;
  if (SHELL_TOOLS.has(tool)) {
    const c = input.command ?? input.cmd;
    ev.command = Array.isArray(c) ? shellFromArgv(c.map(String)) : str(c);
  }
  if (EDIT_TOOLS.has(tool)) {
    ev.isEdit = true;
    const files =
      tool === 'apply_patch'
        ? patchPaths(str(input.input) ?? str(input.patch) ?? str(input.command) ?? '')
        : [str(input.file_path) ?? str(input.notebook_path) ?? str(input.path) ?? str(input.absolute_path)];
    ev.paths = files.filter((f): f is string => !!f).map((f) => repoPath(f, root, str(payload.cwd)));
  } else if (ev.command && /^\s*(applypatch|apply_patch)\b/.test(ev.command)) {
    ev.isEdit = true; // Codex 0.39 wrote patches through the shell
    ev.paths = patchPaths(ev.command).map((f) => repoPath(f, root, str(payload.cwd)));
  }
  ev.mcp = mcpOf(tool, payload);
  if (moment === 'post-tool') {
    const response = payload.tool_response;
    ev.failed = name === 'PostToolUseFailure' ? true : failedResponse(response);
    ev.result = fingerprint(name === 'PostToolUseFailure' ? payload.error : response);
  }
  return ev;
}

function shellFromArgv(argv: string[]): string {
  // ["bash","-lc","npm test"] → the script itself
  if (argv.length >= 3 && /(^|\/)(ba|z|)sh$/.test(argv[0]!) && /^-\w*c$/.test(argv[1]!)) return argv[2]!;
  return argv.join(' ');
}

/** Paths named in a Codex patch (`*** Update File: a.ts`, `*** Add File:`, `*** Delete File:`, `*** Move to:`). */
export function patchPaths(patch: string): string[] {
  return [...patch.matchAll(/^\*\*\* (?:Update|Add|Delete) File: (.+)$|^\*\*\* Move to: (.+)$/gm)].map((m) =>
    (m[1] ?? m[2]!).trim(),
  );
}

function repoPath(file: string, root: string, cwd: string | null): string {
  const abs = isAbsolute(file) ? file : `${cwd ?? root}/${file}`;
  const rel = relative(root, abs);
  return rel.startsWith('..') || isAbsolute(rel) ? abs : rel.split('\\').join('/');
}

function mcpOf(tool: string, payload: Obj): GuardEvent['mcp'] {
  const m = /^mcp__(.+?)__(.+)$/.exec(tool);
  if (m) return { server: m[1]!, tool: m[2]! };
  const ctx = obj(payload.mcp_context);
  const server = str(ctx.server_name) ?? str(obj(payload.mcp_server).name);
  if (server) return { server, tool: str(ctx.tool_name) ?? tool };
  const g = /^mcp_([^_]+)_(.+)$/.exec(tool); // Gemini: mcp_<server>_<tool>
  return g ? { server: g[1]!, tool: g[2]! } : null;
}

/** Whether a tool response says the call failed (Codex exit codes, Gemini `Exit Code: N`). */
function failedResponse(response: unknown): boolean | null {
  if (response === null || response === undefined) return null;
  if (typeof response === 'string') {
    const m = /Exit Code: (\d+)|exit code:? (\d+)/i.exec(response);
    return m ? Number(m[1] ?? m[2]) !== 0 : null;
  }
  const r = obj(response);
  for (const v of [r.exit_code, r.exitCode, obj(r.metadata).exit_code])
    if (typeof v === 'number') return v !== 0;
  if (r.interrupted === true || typeof r.error === 'string') return true;
  if (typeof r.llmContent === 'string') return failedResponse(r.llmContent);
  if (typeof r.output === 'string') return failedResponse(r.output);
  return r.is_error === true ? true : null;
}

/** A short fingerprint of a result: timings and durations stripped, so reruns compare equal. */
function fingerprint(value: unknown): string {
  let text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  if (text.length > 4000) text = text.slice(0, 2000) + text.slice(-2000);
  text = text.replace(/\d+(\.\d+)?\s*(ms|s|sec|seconds)\b/g, '#').replace(/\d{4}-\d\d-\d\dT[\d:.]+Z?/g, '#');
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}
