// Codex CLI rollout files (`~/.codex/sessions/YYYY/MM/DD/rollout-….jsonl`, one `{timestamp, type,
// payload}` per line; reference/agent-formats.md §4.3) into the agent-neutral SessionEvent model that
// fold.ts folds into record facts, plus per-request token usage and cost. Unknown line and item types,
// non-object lines and a torn last line are skipped, never fatal. Pure.
import { posix } from 'node:path';
import { z } from 'zod';
import type { PriceTable } from '../session/cost.js';
import type { SessionEvent, ToolRole } from '../session/events.js';
import { type RequestCost, type RequestUsage, requestsCost } from '../session/request-cost.js';
import { patchFiles } from './apply-patch.js';
import { execOutcome, outputText } from './exec-output.js';
import { tooDeep } from '../../record/json-bounds.js';

const Line = z.looseObject({
  timestamp: z.string().nullish(),
  type: z.string(),
  payload: z.unknown(),
});

const Tokens = z.looseObject({
  input_tokens: z.number().nullish(),
  cached_input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  reasoning_output_tokens: z.number().nullish(),
  total_tokens: z.number().nullish(),
});
type Tokens = z.infer<typeof Tokens>;

export interface RolloutMeta {
  session_id: string | null;
  cwd: string | null;
  cli_version: string | null;
  originator: string | null;
  source: string | null;
  model_provider: string | null;
  git: { commit: string | null; branch: string | null; repository_url: string | null } | null;
}

export interface CodexSession {
  meta: RolloutMeta;
  events: SessionEvent[];
  usage: RequestUsage[];
  cost: RequestCost | null;
  /** The agent's last message (its own summary of what it did). */
  last_message: string | null;
  /** Lines that were not JSON objects of the rollout shape. */
  skipped: number;
}

const SHELL_TOOLS = new Set(['shell', 'exec_command', 'container.exec', 'shell_command', 'local_shell']);
const PATCH_TOOLS = new Set(['apply_patch']);
/** Harness-injected "user" messages: not the user's words. */
const INJECTED =
  /^\s*(<(environment_context|user_instructions|user_shell_command|turn_aborted|INSTRUCTIONS)\b|# AGENTS\.md instructions)/;

const s = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const obj = (v: unknown): Record<string, unknown> | null =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

export function parseRollout(text: string, opts: { prices?: PriceTable } = {}): CodexSession {
  const meta: RolloutMeta = {
    session_id: null,
    cwd: null,
    cli_version: null,
    originator: null,
    source: null,
    model_provider: null,
    git: null,
  };
  const events: SessionEvent[] = [];
  const userPrompts: SessionEvent[] = [];
  const itemPrompts: SessionEvent[] = [];
  const usage: RequestUsage[] = [];
  /** call_id -> what the call was, to name its output. */
  const calls = new Map<
    string,
    { tool: string; role: ToolRole; input: Record<string, unknown>; at: string }
  >();
  /** Unified-exec session id -> the exec_command call still running in it. */
  const running = new Map<number, string>();
  let skipped = 0;
  let model: string | null = null;
  let cwd: string | null = null;
  let lastAt = '';
  let firstAt = '';
  let prevTotal: Tokens | null = null;
  let lastMessage: string | null = null;
  const sid = () => meta.session_id ?? '';

  const startCall = (at: string, callId: string, tool: string, args: Record<string, unknown>) => {
    const { role, input, paths } = describeCall(tool, args, cwd);
    calls.set(callId, { tool, role, input, at });
    events.push({
      kind: 'tool-start',
      at,
      session_id: sid(),
      tool_use_id: callId,
      tool,
      input,
      agent_id: null,
      cwd: s(input.cwd) ?? cwd,
      role,
      ...(paths ? { paths } : {}),
    });
  };

  const endCall = (at: string, callId: string, output: unknown) => {
    const call = calls.get(callId);
    const tool = call?.tool ?? '';
    const base = {
      kind: 'tool-end' as const,
      at,
      session_id: sid(),
      tool_use_id: callId,
      tool,
      input: call?.input ?? null,
      interrupted: false,
      response: null,
      agent_id: null,
    };
    if (call?.role === 'shell' || call?.role === 'edit' || tool === 'write_stdin') {
      const out = execOutcome(output);
      if (out.running_session !== null && call?.role === 'shell') running.set(out.running_session, callId);
      const failedText = /^(error|failed|apply_patch verification failed)\b/i.test(out.text.trim());
      const ok =
        out.exit_code !== null
          ? out.exit_code === 0
          : (out.success ?? !(call?.role === 'edit' && failedText));
      if (tool === 'write_stdin') {
        events.push({ ...base, ok: true, output: out.text, duration_ms: null });
        // The command this write polled has ended: its exit code belongs to the exec_command call.
        const session = typeof call?.input.session_id === 'number' ? call.input.session_id : null;
        const origin = session === null ? undefined : running.get(session);
        if (origin && out.exit_code !== null) {
          const first = calls.get(origin);
          running.delete(session!);
          events.push({
            ...base,
            tool_use_id: origin,
            tool: first?.tool ?? '',
            input: first?.input ?? null,
            ok: out.exit_code === 0,
            output: out.text,
            duration_ms: first ? elapsed(first.at, at) : null,
            exit_code: out.exit_code,
          });
        }
        return;
      }
      const stillRunning = out.running_session !== null && out.exit_code === null;
      events.push({
        ...base,
        ok: stillRunning ? true : ok,
        output: out.text,
        duration_ms: stillRunning ? null : (out.duration_ms ?? (call ? elapsed(call.at, at) : null)),
        ...(call?.role === 'shell' ? { exit_code: out.exit_code } : {}),
      });
      return;
    }
    const o = obj(output);
    events.push({
      ...base,
      ok: typeof o?.success === 'boolean' ? o.success : true,
      output: outputText(output),
      duration_ms: call ? elapsed(call.at, at) : null,
    });
  };

  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue;
    if (tooDeep(raw)) {
      skipped++;
      continue;
    }
    let line: z.infer<typeof Line>;
    try {
      const parsed = Line.safeParse(JSON.parse(raw));
      if (!parsed.success) {
        skipped++;
        continue;
      }
      line = parsed.data;
    } catch {
      skipped++;
      continue;
    }
    const at = line.timestamp ?? lastAt;
    if (line.timestamp) {
      firstAt ||= line.timestamp;
      lastAt = line.timestamp;
    }
    const p = obj(line.payload) ?? {};
    switch (line.type) {
      case 'session_meta': {
        const id = s(p.id);
        if (!meta.session_id && id) {
          meta.session_id = id;
          meta.cwd = s(p.cwd);
          meta.cli_version = s(p.cli_version);
          meta.originator = s(p.originator);
          meta.source = typeof p.source === 'string' ? p.source : p.source ? JSON.stringify(p.source) : null;
          meta.model_provider = s(p.model_provider);
          const git = obj(p.git);
          if (git)
            meta.git = {
              commit: s(git.commit_hash) ?? s(git.commit),
              branch: s(git.branch),
              repository_url: s(git.repository_url),
            };
          cwd ??= meta.cwd;
          events.push({ kind: 'session-start', at, session_id: id, source: meta.source, model: null });
          if (meta.cli_version)
            events.push({ kind: 'version', at, session_id: id, version: meta.cli_version });
        }
        break;
      }
      case 'turn_context': {
        cwd = s(p.cwd) ?? cwd;
        const m = s(p.model);
        if (m && m !== model) {
          model = m;
          events.push({ kind: 'model', at, session_id: sid(), model: m });
        }
        break;
      }
      case 'event_msg':
        switch (p.type) {
          case 'user_message': {
            const message = s(p.message);
            if (message?.trim() && !INJECTED.test(message))
              userPrompts.push({ kind: 'prompt', at, session_id: sid(), text: message });
            break;
          }
          case 'agent_message':
            lastMessage = s(p.message) ?? lastMessage;
            break;
          case 'token_count': {
            const info = obj(p.info);
            if (!info) break;
            const total = Tokens.safeParse(info.total_token_usage);
            const last = Tokens.safeParse(info.last_token_usage);
            const delta = usageDelta(
              total.success ? total.data : null,
              prevTotal,
              last.success ? last.data : null,
            );
            if (total.success) prevTotal = total.data;
            if (delta) usage.push({ ...requestUsage(delta, s(info.model) ?? model), at });
            break;
          }
          case 'patch_apply_end': {
            const callId = s(p.call_id);
            if (callId && typeof p.success === 'boolean' && !p.success && calls.has(callId))
              events.push({
                kind: 'tool-end',
                at,
                session_id: sid(),
                tool_use_id: callId,
                tool: calls.get(callId)!.tool,
                input: calls.get(callId)!.input,
                ok: false,
                output: s(p.stderr) ?? null,
                interrupted: false,
                duration_ms: null,
                response: null,
                agent_id: null,
              });
            break;
          }
        }
        break;
      case 'response_item':
        switch (p.type) {
          case 'message': {
            if (p.role === 'user') {
              const textOf = outputText(p.content);
              if (textOf.trim() && !INJECTED.test(textOf))
                itemPrompts.push({ kind: 'prompt', at, session_id: sid(), text: textOf });
            } else if (p.role === 'assistant') lastMessage = outputText(p.content) || lastMessage;
            break;
          }
          case 'function_call': {
            const callId = s(p.call_id) ?? s(p.id);
            const name = s(p.name) ?? '';
            if (callId) startCall(at, callId, name, parseArgs(p.arguments));
            break;
          }
          case 'custom_tool_call': {
            const callId = s(p.call_id) ?? s(p.id);
            const name = s(p.name) ?? '';
            if (callId) startCall(at, callId, name, { input: p.input });
            break;
          }
          case 'local_shell_call': {
            const callId = s(p.call_id) ?? s(p.id);
            const action = obj(p.action) ?? {};
            if (callId)
              startCall(at, callId, 'local_shell', {
                command: action.command,
                workdir: action.working_directory,
              });
            break;
          }
          case 'function_call_output':
          case 'custom_tool_call_output': {
            const callId = s(p.call_id);
            if (callId) endCall(at, callId, p.output);
            break;
          }
        }
        break;
      default:
        // compacted, world_state, future record types: nothing to fold.
        break;
    }
  }

  // The user's words appear twice (event_msg and response_item); the event_msg copy is the clean one.
  const prompts = userPrompts.length ? userPrompts : itemPrompts;
  const all = mergeByTime(events, prompts);
  if (firstAt) all.unshift({ kind: 'activity', at: firstAt, session_id: sid() });
  if (lastAt) all.push({ kind: 'activity', at: lastAt, session_id: sid() });
  return {
    meta,
    events: all,
    usage,
    cost: requestsCost(usage, opts.prices),
    last_message: lastMessage,
    skipped,
  };
}

/** Role, folded input and touched paths of a Codex tool call. */
function describeCall(
  tool: string,
  args: Record<string, unknown>,
  cwd: string | null,
): { role: ToolRole; input: Record<string, unknown>; paths?: string[] } {
  const workdir = s(args.workdir) ?? s(args.cwd) ?? s(args.working_directory);
  const dir = workdir ? (cwd && !posix.isAbsolute(workdir) ? posix.join(cwd, workdir) : workdir) : null;
  const abs = (p: string) => (posix.isAbsolute(p) || !(dir ?? cwd) ? p : posix.join((dir ?? cwd)!, p));
  if (PATCH_TOOLS.has(tool)) {
    const patch = s(args.input) ?? s(args.patch) ?? '';
    return { role: 'edit', input: { files: patchFiles(patch) }, paths: patchPaths(patch).map(abs) };
  }
  if (SHELL_TOOLS.has(tool)) {
    const argv = Array.isArray(args.command)
      ? args.command.filter((a): a is string => typeof a === 'string')
      : null;
    // `shell {"command": ["apply_patch", "*** Begin Patch…"]}`: an edit, not a command.
    if (argv && argv[0] === 'apply_patch' && argv[1])
      return { role: 'edit', input: { files: patchFiles(argv[1]) }, paths: patchPaths(argv[1]).map(abs) };
    const command = argv ? shellCommand(argv) : (s(args.cmd) ?? s(args.command) ?? '');
    // `apply_patch <<'EOF'`, Codex 0.39's `applypatch <<'PATCH'`, with or without `cd dir &&` before it.
    const heredoc = /^\s*(?:cd\s+(?:'([^']*)'|"([^"]*)"|(\S+))\s*&&\s*)?(?:apply_patch|applypatch)\b/.exec(
      command,
    );
    if (heredoc && /\*\*\* Begin Patch/.test(command)) {
      // `cd nested && applypatch <<'PATCH'`: the patch's paths are relative to that directory.
      const sub = heredoc[1] ?? heredoc[2] ?? heredoc[3];
      const inSub = (p: string) => (sub && !posix.isAbsolute(p) ? posix.join(sub, p) : p);
      return {
        role: 'edit',
        input: { files: patchFiles(command).map((f) => ({ ...f, path: inSub(f.path) })) },
        paths: patchPaths(command).map(inSub).map(abs),
      };
    }
    return { role: 'shell', input: { command, ...(dir ? { cwd: dir } : {}) } };
  }
  if (tool === 'write_stdin') return { role: 'other', input: { session_id: args.session_id } };
  return { role: 'other', input: args };
}

function patchPaths(patch: string): string[] {
  return patchFiles(patch).flatMap((f) => (f.old_path ? [f.old_path, f.path] : [f.path]));
}

/** The command a user would type: `bash -lc "X"` is X; other argv is joined with quoting. */
export function shellCommand(argv: readonly string[]): string {
  if (argv.length === 3 && /(^|\/)(ba|z|da)?sh$/.test(argv[0]!) && /^-l?c$/.test(argv[1]!)) return argv[2]!;
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

function parseArgs(v: unknown): Record<string, unknown> {
  if (typeof v !== 'string') return obj(v) ?? {};
  try {
    return obj(JSON.parse(v)) ?? {};
  } catch {
    return {};
  }
}

/**
 * Tokens of one request. The cumulative total is authoritative when present (a repeated token_count
 * with an unchanged total is the same request reported again); the last-request delta is the fallback.
 */
function usageDelta(total: Tokens | null, prev: Tokens | null, last: Tokens | null): Tokens | null {
  if (total) {
    if (!prev) return total;
    const d = {
      input_tokens: n(total.input_tokens) - n(prev.input_tokens),
      cached_input_tokens: n(total.cached_input_tokens) - n(prev.cached_input_tokens),
      output_tokens: n(total.output_tokens) - n(prev.output_tokens),
      reasoning_output_tokens: n(total.reasoning_output_tokens) - n(prev.reasoning_output_tokens),
    };
    const values = Object.values(d);
    if (values.every((x) => x === 0)) return null;
    // A total that went down: the counter restarted (a resumed session); this total is all new.
    if (values.some((x) => x < 0)) return last ?? total;
    return d;
  }
  return last;
}

function requestUsage(t: Tokens, model: string | null): RequestUsage {
  const input = n(t.input_tokens);
  const cached = Math.min(n(t.cached_input_tokens), input);
  return {
    model,
    input_tokens: input - cached,
    cache_read_tokens: cached,
    output_tokens: n(t.output_tokens),
    reasoning_tokens: n(t.reasoning_output_tokens),
  };
}

const n = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function elapsed(from: string, to: string): number | null {
  const d = Date.parse(to) - Date.parse(from);
  return Number.isFinite(d) && d >= 0 ? d : null;
}

/** Insert prompt events among the others, keeping file order for equal times. */
function mergeByTime(events: SessionEvent[], prompts: SessionEvent[]): SessionEvent[] {
  const out: SessionEvent[] = [];
  let i = 0;
  for (const e of events) {
    while (i < prompts.length && prompts[i]!.at <= e.at) out.push(prompts[i++]!);
    out.push(e);
  }
  while (i < prompts.length) out.push(prompts[i++]!);
  return out;
}
