// Evidence of earlier attempts at a task, printed when a new attempt starts: what failed, what was
// tried, which checks were skipped, which guard rules fired, what it cost, what humans said. Data in,
// text out.
import type { RunRecord } from '../record/schema.js';
import { firedRuleNames } from './limits.js';

function clip(s: string, n = 100): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

/** One short paragraph per earlier attempt, oldest first. */
export function attemptsBrief(records: readonly RunRecord[]): string {
  const out: string[] = [];
  for (const r of records) {
    const when = (r.ended_at ?? r.started_at ?? '').slice(0, 16).replace('T', ' ');
    const cost = r.cost?.usd != null ? `$${r.cost.usd.toFixed(2)}` : 'cost unknown';
    out.push(
      `- ${r.id} (${[when, r.agent.name, r.outcome.status, cost].filter(Boolean).join(', ')}): ${clip(r.task.intent || '(no task recorded)', 80)}`,
    );
    const failed = r.checks.filter((c) => c.status === 'failed');
    if (failed.length) out.push(`    failed: ${failed.map((c) => `${c.name} (${c.attempts}×)`).join('; ')}`);
    const skipped = r.checks.filter((c) => c.status === 'skipped' || c.status === 'not-run');
    if (skipped.length) out.push(`    skipped: ${skipped.map((c) => c.name).join('; ')}`);
    const tried = r.commands.filter((c) => c.kind !== 'other').map((c) => c.command);
    if (tried.length)
      out.push(
        `    tried: ${[...new Set(tried)]
          .slice(-5)
          .map((c) => clip(c, 60))
          .join('; ')}`,
      );
    if (r.files.changed.length)
      out.push(
        `    changed: ${r.files.changed
          .slice(0, 8)
          .map((f) => f.path)
          .join(', ')}${r.files.changed.length > 8 ? ` (+${r.files.changed.length - 8})` : ''}`,
      );
    const rules = firedRuleNames(r);
    if (rules.length) out.push(`    guard: ${rules.join(', ')}`);
    for (const n of r.notes ?? []) out.push(`    note: ${clip(n)}`);
    for (const a of r.approvals)
      out.push(`    ${a.decision} by ${a.by}: ${clip(a.scope, 60)}${a.note ? ` — ${clip(a.note, 60)}` : ''}`);
  }
  return out.join('\n');
}
