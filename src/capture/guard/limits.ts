// The record's `limits`: what the guard was given, what the run used, every rule that fired, every
// human stop and override. Folded at seal time from the guard's journal lines and the run's control
// file. Pure.
import type { JournalEvent } from '../../journal/journal.js';
import type { ControlLine } from './control.js';

export interface FiredRule {
  rule: string;
  decision: string;
  reason: string | null;
  at: string;
  tool_use_id?: string;
  tool?: string;
}

export interface RunLimits {
  given: Record<string, unknown>;
  used: Record<string, unknown>;
  fired: FiredRule[];
  overrides: { rule: string; by: string | null; at: string; note: string | null }[];
  stopped: { by: string | null; reason: string | null; at: string } | null;
}

const MAX_FIRED = 100;
const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** null when the guard neither watched nor was told anything about this run. */
export function foldLimits(
  lines: readonly JournalEvent[],
  control: readonly ControlLine[],
): RunLimits | null {
  const guard = lines.filter((l) => l.type === 'guard');
  if (guard.length === 0 && control.length === 0) return null;
  const out: RunLimits = { given: {}, used: {}, fired: [], overrides: [], stopped: null };
  for (const l of guard) {
    if (l.decision === 'policy' && isObj(l.policy)) out.given = l.policy;
    if (isObj(l.used)) out.used = l.used;
    if ((l.decision === 'refused' || l.decision === 'warned') && str(l.rule) && out.fired.length < MAX_FIRED)
      out.fired.push({
        rule: str(l.rule)!,
        decision: String(l.decision),
        reason: str(l.reason),
        at: l.t,
        ...(str(l.tool_use_id) ? { tool_use_id: str(l.tool_use_id)! } : {}),
        ...(str(l.tool) ? { tool: str(l.tool)! } : {}),
      });
  }
  for (const c of control) {
    if (c.type === 'stop') out.stopped = { by: c.by ?? null, reason: c.reason ?? null, at: c.t };
    if (c.type === 'allow' && c.rule)
      out.overrides.push({ rule: c.rule, by: c.by ?? null, at: c.t, note: c.note ?? null });
  }
  return out;
}

/** The attempt this run follows, from the guard's line at its start. */
export function attemptOf(lines: readonly JournalEvent[]): string | null {
  for (const l of lines) if (l.type === 'guard' && l.decision === 'attempt') return str(l.attempt_of);
  return null;
}

/** Human overrides as approvals (`allow ID --rule R --by NAME`). */
export function overrideApprovals(limits: RunLimits) {
  return limits.overrides.map((o) => ({
    by: o.by ?? 'unknown',
    scope: `guard rule ${o.rule}`,
    decision: 'approved',
    at: o.at,
    note: o.note,
  }));
}

/** Add the guard's evidence to a record being sealed: limits, override approvals, the attempt link. */
export function withLimits<R extends { approvals: unknown[]; task: Record<string, unknown>; cost?: unknown }>(
  record: R,
  lines: readonly JournalEvent[],
  control: readonly ControlLine[],
): R {
  const limits = foldLimits(
    lines,
    control.filter((c) => c.type !== 'review'),
  );
  const previous = attemptOf(lines);
  const waiting = control.filter((c) => c.type === 'review' && c.kept === false);
  if (!limits && !previous && !waiting.length) return record;
  const out = { ...record, task: { ...record.task } } as R & { limits?: RunLimits; notes?: string[] };
  for (const c of waiting) {
    if (c.scope)
      out.approvals = [
        ...out.approvals,
        {
          by: c.by ?? 'unknown',
          scope: c.scope,
          decision: c.decision ?? 'approved',
          at: c.t,
          note: c.note ?? null,
        },
      ];
    else if (c.note) out.notes = [...(out.notes ?? []), c.note];
  }
  if (previous && !out.task.attempt_of) out.task.attempt_of = previous;
  if (limits) {
    const cost = isObj(record.cost) ? record.cost : null;
    if (cost && typeof cost.usd === 'number') limits.used = { ...limits.used, usd: cost.usd };
    out.limits = limits;
    const have = new Set(record.approvals.map((a) => JSON.stringify(a)));
    out.approvals = [
      ...record.approvals,
      ...overrideApprovals(limits).filter((a) => !have.has(JSON.stringify(a))),
    ];
  }
  return out;
}
