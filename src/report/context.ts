// The brief `context` hands to a person or an agent before it touches some paths: recent runs that
// changed them (what they were for, how they ended, what failed, what the guard refused), checks
// agents skipped there, constraints and notes people left. Cut to a size budget. Data in, text out.
import type { RunRecord } from '../record/schema.js';
import { firedRuleNames } from './limits.js';

type Obj = Record<string, unknown>;
const one = (s: string, n: number) => {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > n ? `${t.slice(0, n - 1)}…` : t;
};

export function contextBrief(
  records: readonly RunRecord[],
  paths: readonly string[],
  maxChars: number,
): string {
  const where = paths.length ? paths.join(', ') : 'this repository';
  if (!records.length) return `No recorded agent runs touched ${where}.\n`;
  const lines: string[] = [`Recorded history of ${where} (git agent-log; newest first):`];
  for (const r of records.slice(0, 12)) {
    const when = (r.ended_at ?? r.started_at ?? '').slice(0, 10);
    const cost = r.cost?.usd != null ? ` $${r.cost.usd.toFixed(2)}` : '';
    const bits = [
      `- ${r.id.slice(0, 7)} ${when} ${r.agent.name} ${r.outcome.status}${cost}: ${one(r.task.intent || '(no task)', 70)}`,
    ];
    const failed = r.checks.filter((c) => c.status === 'failed').map((c) => c.name);
    if (failed.length) bits.push(`failed ${failed.map((f) => `\`${one(f, 40)}\``).join(', ')}`);
    const rules = firedRuleNames(r);
    if (rules.length) bits.push(`guard refused: ${rules.join(', ')}`);
    if (typeof r.task.attempt_of === 'string') bits.push(`retry of ${r.task.attempt_of.slice(0, 7)}`);
    lines.push(bits.join('; '));
  }
  const skipped = new Map<string, number>();
  for (const r of records)
    for (const c of r.checks)
      if (c.status === 'skipped' || c.status === 'not-run')
        skipped.set(c.name, (skipped.get(c.name) ?? 0) + 1);
  if (skipped.size)
    lines.push(
      `Checks skipped here: ${[...skipped]
        .sort((a, b) => b[1] - a[1])
        .map(([n, k]) => `\`${one(n, 40)}\` (${k}×)`)
        .join(', ')}`,
    );
  const constraints = [...new Set(records.flatMap((r) => r.boundary.constraints))];
  if (constraints.length)
    lines.push(`Standing constraints: ${constraints.map((c) => one(c, 80)).join('; ')}`);
  const notes = records.flatMap((r) => (r.notes ?? []).map((n) => `${r.id.slice(0, 7)}: ${one(n, 120)}`));
  for (const n of notes.slice(0, 5)) lines.push(`Note ${n}`);
  const reverted = records.filter(
    (r) => /revert/i.test(r.outcome.summary ?? '') || ((r as Obj).reverted as unknown) != null,
  );
  if (reverted.length) lines.push(`Reverted: ${reverted.map((r) => r.id.slice(0, 7)).join(', ')}`);
  let out = '';
  for (const l of lines) {
    if (out.length + l.length + 1 > maxChars) {
      out += '…\n';
      break;
    }
    out += `${l}\n`;
  }
  return out;
}
