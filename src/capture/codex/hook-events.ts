// Codex CLI hook payloads (hooks.json; reference/agent-formats.md §4.2) into SessionEvents. The wire
// format is Claude's (session_id, hook_event_name, tool_name, tool_use_id = Codex call_id, tool_input,
// tool_response), so Claude's mapping does the work; what differs is the tools: shell is `Bash` whose
// response is not pinned by the schema (an exit code is read defensively from whatever it holds),
// and edits are `apply_patch` (the files come from the patch headers). PostToolUse fires for failed
// commands too: there is no PostToolUseFailure. Pure.
import { hookEvents, type SessionEvent } from '../session/events.js';
import { patchFiles } from './apply-patch.js';
import { execOutcome } from './exec-output.js';
import { shellCommand } from './rollout.js';

const obj = (v: unknown): Record<string, unknown> | null =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

export function codexHookEvents(payload: Record<string, unknown>, at: string): SessionEvent[] {
  if (payload.hook_event_name === 'agent-turn-complete' || payload.type === 'agent-turn-complete')
    return notifyEvents(payload, at);
  const tool = typeof payload.tool_name === 'string' ? payload.tool_name : '';
  const input = obj(payload.tool_input) ?? {};
  const events = hookEvents(payload, at);
  if (tool === 'apply_patch' || tool === 'Edit' || tool === 'Write') {
    const patch = patchText(input);
    if (patch === null) return events;
    const paths = patchFiles(patch).flatMap((f) => (f.old_path ? [f.old_path, f.path] : [f.path]));
    // Patch paths are relative to the session cwd (the repository root, usually); a cwd the redactor
    // masked cannot anchor them, and relative they still match the repository's paths.
    const root = typeof payload.cwd === 'string' && payload.cwd.startsWith('/') ? payload.cwd : null;
    const abs = paths.map((p) => (p.startsWith('/') || !root ? p : `${root.replace(/\/+$/, '')}/${p}`));
    return events.map((e) => {
      if (e.kind === 'tool-start')
        return { ...e, tool: 'apply_patch', input: { files: patchFiles(patch) }, role: 'edit', paths: abs };
      if (e.kind === 'tool-end') {
        const out = execOutcome(payload.tool_response);
        return {
          ...e,
          tool: 'apply_patch',
          input: null,
          ok: out.exit_code === null ? e.ok : out.exit_code === 0,
          output: out.text,
        };
      }
      return e;
    });
  }
  if (tool === 'Bash' || tool === 'shell' || tool === 'exec_command') {
    const raw = input.command ?? input.cmd;
    const command = Array.isArray(raw)
      ? shellCommand(raw.filter((a): a is string => typeof a === 'string'))
      : typeof raw === 'string'
        ? raw
        : '';
    const cwd = typeof input.workdir === 'string' ? input.workdir : undefined;
    return events.map((e) => {
      if (e.kind === 'tool-start')
        return {
          ...e,
          tool: 'Bash',
          input: { command, ...(cwd ? { cwd } : {}) },
          role: 'shell',
          ...(cwd ? { cwd } : {}),
        };
      if (e.kind === 'tool-end') {
        const out = bashOutcome(payload.tool_response);
        return {
          ...e,
          tool: 'Bash',
          input: { command },
          ok: out.exit_code === null ? e.ok : out.exit_code === 0,
          output: out.text,
          exit_code: out.exit_code,
          duration_ms: e.duration_ms ?? out.duration_ms,
        };
      }
      return e;
    });
  }
  return events;
}

/** The patch of an apply_patch call, whichever input field carries it. */
function patchText(input: Record<string, unknown>): string | null {
  for (const v of [input.input, input.patch, input.command, ...Object.values(input)]) {
    if (typeof v === 'string' && v.includes('*** Begin Patch')) return v;
    if (Array.isArray(v)) {
      const s = v.find((a) => typeof a === 'string' && a.includes('*** Begin Patch'));
      if (typeof s === 'string') return s;
    }
  }
  return null;
}

/** Exit code of a Bash response: an `exit_code`/`exitCode` field, else the output's own header. */
function bashOutcome(response: unknown): {
  text: string;
  exit_code: number | null;
  duration_ms: number | null;
} {
  const o = obj(response);
  const field = o?.exit_code ?? o?.exitCode;
  if (typeof field === 'number') {
    const text = [o?.stdout, o?.stderr, o?.output, o?.aggregated_output]
      .filter((x) => typeof x === 'string')
      .join('\n');
    return { text, exit_code: field, duration_ms: null };
  }
  const out = execOutcome(response);
  return { text: out.text, exit_code: out.exit_code, duration_ms: out.duration_ms };
}

/**
 * The legacy `notify` program's payload (kebab-case, one per finished turn; §4.1): the turn's prompts
 * and its end. Enough for the task when no hooks are installed; tools come from the rollout import.
 */
function notifyEvents(payload: Record<string, unknown>, at: string): SessionEvent[] {
  const session_id = typeof payload['thread-id'] === 'string' ? payload['thread-id'] : '';
  const inputs = Array.isArray(payload['input-messages']) ? payload['input-messages'] : [];
  const prompts: SessionEvent[] = inputs
    .filter((m): m is string => typeof m === 'string' && m.trim() !== '')
    .map((text) => ({ kind: 'prompt', at, session_id, text }));
  return [...prompts, { kind: 'stop', at, session_id }];
}
