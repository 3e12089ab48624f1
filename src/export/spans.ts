// A run record as one OpenTelemetry trace: the run is the root span, its commands and checks are
// child spans, times come from the record, and attributes follow the GenAI semantic conventions
// where they fit (gen_ai.*), with vcs.* for the repository and agent_log.* for the rest. Trace and
// span ids are derived from the record id, so exporting a run again yields the same trace
// (collectors and backends deduplicate or overwrite instead of doubling it). Pure.
import { createHash } from 'node:crypto';
import type { Approval, Check, CommandRun, RunRecord } from '../record/schema.js';
import type { RowContext } from './rows.js';

export type AttributeValue = string | number | boolean | string[];

/** Span status codes as OTLP numbers them. */
export const STATUS_UNSET = 0;
export const STATUS_OK = 1;
export const STATUS_ERROR = 2;

export interface RunSpan {
  traceId: string; // 32 hex
  spanId: string; // 16 hex
  parentSpanId?: string;
  name: string;
  startMs: number;
  endMs: number;
  attributes: Record<string, AttributeValue>;
  status: { code: number; message?: string };
  events: { name: string; atMs: number; attributes: Record<string, AttributeValue> }[];
}

const hex = (text: string, chars: number) => createHash('sha256').update(text).digest('hex').slice(0, chars);
export const traceIdOf = (runId: string) => hex(`agent-log/v1 trace ${runId}`, 32);
export const spanIdOf = (runId: string, part: string) => hex(`agent-log/v1 span ${runId} ${part}`, 16);

const ms = (iso: string | null | undefined): number | null => {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(t) ? t : null;
};

/** The gen_ai.provider.name value (well-known names of the semantic conventions) for a model or agent. */
export function providerOf(agent: string, model: string | null): string | null {
  const m = (model ?? '').toLowerCase().replace(/^[a-z-]+\//, '');
  if (/^claude/.test(m)) return 'anthropic';
  if (/^(gpt|o\d|codex|chatgpt)/.test(m)) return 'openai';
  if (/^gemini/.test(m)) return 'gcp.gemini';
  if (agent === 'claude-code') return 'anthropic';
  if (agent === 'codex') return 'openai';
  if (agent === 'gemini') return 'gcp.gemini';
  return null;
}

/** Drops null and undefined values: an unknown fact is an absent attribute, never a fake zero. */
function attrs(entries: Record<string, AttributeValue | null | undefined>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(entries)) if (v !== null && v !== undefined) out[k] = v;
  return out;
}

function commandSpan(r: RunRecord, c: CommandRun, i: number, root: RunSpan): RunSpan {
  const start = ms(c.started_at) ?? root.startMs;
  const failed = (c.exit_code !== null && c.exit_code !== 0) || (c.status !== undefined && c.status !== 'ok');
  return {
    traceId: root.traceId,
    spanId: spanIdOf(r.id, `command ${i}`),
    parentSpanId: root.spanId,
    name: 'execute_tool shell',
    startMs: start,
    endMs: start + Math.max(0, Math.round(c.duration_ms ?? 0)),
    attributes: attrs({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'shell',
      'process.command_line': c.command,
      'process.exit.code': c.exit_code,
      'agent_log.command.kind': c.kind,
      'agent_log.command.cwd': c.cwd,
      'agent_log.command.check': c.check,
      'agent_log.command.status': c.status,
      'agent_log.command.interrupted': c.interrupted,
      'agent_log.command.duration_known': c.duration_ms !== null,
    }),
    status: failed
      ? { code: STATUS_ERROR, message: c.status && c.status !== 'failed' ? c.status : `exit ${c.exit_code}` }
      : { code: STATUS_UNSET },
    events: [],
  };
}

/** A check has no time of its own: it spans its last command (by check name or command), else none. */
function checkSpan(r: RunRecord, c: Check, i: number, root: RunSpan, commands: RunSpan[]): RunSpan {
  const own = r.commands
    .map((cmd, j) => ({ cmd, span: commands[j]! }))
    .filter(({ cmd }) => cmd.check === c.name || cmd.command === (c.command ?? c.name))
    .at(-1)?.span;
  return {
    traceId: root.traceId,
    spanId: spanIdOf(r.id, `check ${i}`),
    parentSpanId: root.spanId,
    name: `check ${c.name}`,
    startMs: own?.startMs ?? root.endMs,
    endMs: own?.endMs ?? root.endMs,
    attributes: attrs({
      'agent_log.check.name': c.name,
      'agent_log.check.kind': c.kind,
      'agent_log.check.status': c.status,
      'agent_log.check.attempts': c.attempts,
      'agent_log.check.after_last_edit': c.after_last_edit,
      'agent_log.check.weakened': c.weakened,
    }),
    status: c.status === 'failed' ? { code: STATUS_ERROR, message: 'check failed' } : { code: STATUS_UNSET },
    events: [],
  };
}

function approvalEvent(a: Approval, fallbackMs: number) {
  return {
    name: a.decision === 'denied' ? 'agent_log.denial' : 'agent_log.approval',
    atMs: ms(a.at) ?? fallbackMs,
    attributes: attrs({
      'agent_log.approval.by': a.by,
      'agent_log.approval.scope': a.scope,
      'agent_log.approval.note': a.note,
    }),
  };
}

/** The run's spans, root first; null when the record holds no time at all to place it. */
export function runSpans(r: RunRecord, ctx: RowContext): RunSpan[] | null {
  const commandStarts = r.commands.map((c) => ms(c.started_at)).filter((t): t is number => t !== null);
  const start =
    ms(r.started_at) ?? (commandStarts.length ? Math.min(...commandStarts) : null) ?? ms(r.sealed_at);
  if (start === null) return null;
  const end = Math.max(start, ms(r.ended_at) ?? ms(r.sealed_at) ?? start);
  const model = r.agent.model ?? r.cost?.model ?? null;
  const skipped = r.checks.filter((c) => c.status === 'skipped' || c.status === 'not-run').length;
  const root: RunSpan = {
    traceId: traceIdOf(r.id),
    spanId: spanIdOf(r.id, 'run'),
    name: `invoke_agent ${r.agent.name}`,
    startMs: start,
    endMs: end,
    attributes: attrs({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': r.agent.name,
      'gen_ai.system': providerOf(r.agent.name, model),
      'gen_ai.provider.name': providerOf(r.agent.name, model),
      'gen_ai.request.model': model,
      'gen_ai.conversation.id': r.agent.session_ids[0],
      'gen_ai.usage.input_tokens': r.cost?.input_tokens,
      'gen_ai.usage.output_tokens': r.cost?.output_tokens,
      'gen_ai.usage.cache_read.input_tokens': r.cost?.cache_read_tokens,
      'gen_ai.usage.cache_creation.input_tokens': r.cost?.cache_write_tokens,
      'vcs.repository.name': ctx.repository,
      'vcs.ref.head.name': r.repo.branch,
      'vcs.ref.head.revision': r.repo.end_commit ?? r.repo.commits.at(-1),
      'agent_log.run.id': r.id,
      'agent_log.agent.version': r.agent.version,
      'agent_log.task.intent': r.task.intent,
      'agent_log.status': r.outcome.status,
      'agent_log.risk': r.risk.level,
      'agent_log.boundary.level': r.boundary.level,
      'agent_log.cost.usd': r.cost?.usd,
      'agent_log.commits': r.repo.commits.length ? r.repo.commits : null,
      'agent_log.files.changed': r.files.changed.length,
      'agent_log.lines.added': r.files.changed.reduce((a, f) => a + (f.additions ?? 0), 0),
      'agent_log.lines.deleted': r.files.changed.reduce((a, f) => a + (f.deletions ?? 0), 0),
      'agent_log.checks.passed': r.checks.filter((c) => c.status === 'passed').length,
      'agent_log.checks.failed': r.checks.filter((c) => c.status === 'failed').length,
      'agent_log.checks.skipped': skipped,
      'agent_log.pr': r.outcome.pr,
    }),
    status:
      r.outcome.status === 'failed'
        ? { code: STATUS_ERROR, message: r.outcome.summary ?? 'run failed' }
        : r.outcome.status === 'completed'
          ? { code: STATUS_OK }
          : { code: STATUS_UNSET },
    events: r.approvals.map((a) => approvalEvent(a, end)),
  };
  const commands = r.commands.map((c, i) => commandSpan(r, c, i, root));
  const checks = r.checks.map((c, i) => checkSpan(r, c, i, root, commands));
  return [root, ...commands, ...checks];
}
