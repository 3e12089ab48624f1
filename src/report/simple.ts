// A plain Markdown packet (the core's minimal renderer; the full reporter builds on the same data).
import type { RunRecord } from '../record/schema.js';

const code = (s: string) => {
  const ticks = Math.max(0, ...[...s.matchAll(/`+/g)].map((m) => m[0].length)) + 1;
  const fence = '`'.repeat(ticks);
  return `${fence}${ticks > 1 ? ' ' : ''}${s.replace(/\n/g, ' ')}${ticks > 1 ? ' ' : ''}${fence}`;
};

export function renderSimplePacket(r: RunRecord): string {
  const lines: string[] = [];
  lines.push(`# Run ${r.id}: ${r.task.intent.replace(/\n/g, ' ') || '(no intent recorded)'}`, '');
  lines.push(`- status: ${r.outcome.status}`);
  lines.push(`- agent: ${r.agent.name}${r.agent.model ? ` (${r.agent.model})` : ''}`);
  lines.push(
    `- branch: ${r.repo.branch ?? '(detached)'}; ${r.repo.start_commit?.slice(0, 12) ?? '(root)'} → ${r.repo.end_commit?.slice(0, 12) ?? '(no commit yet)'}`,
  );
  if (r.boundary.allow.length || r.boundary.deny.length)
    lines.push(
      `- boundary: allow ${r.boundary.allow.map(code).join(', ') || '—'}; deny ${r.boundary.deny.map(code).join(', ') || '—'}`,
    );
  lines.push('', '## Changed files', '');
  for (const f of r.files.changed)
    lines.push(`- ${code(f.path)} ${f.status} +${f.additions ?? '?'} −${f.deletions ?? '?'}`);
  if (!r.files.changed.length) lines.push('- none');
  lines.push('', '## Checks', '');
  for (const c of r.checks)
    lines.push(
      `- ${code(c.name)}: ${c.status}, ${c.attempts} attempt${c.attempts === 1 ? '' : 's'}${c.after_last_edit === false ? ', stale (ran before the last edit)' : ''}`,
    );
  if (!r.checks.length) lines.push('- none ran');
  lines.push('', '## Approvals', '');
  for (const a of r.approvals)
    lines.push(`- ${a.decision} by ${a.by} for ${a.scope}${a.note ? ` (${a.note})` : ''}`);
  if (!r.approvals.length) lines.push('- none');
  if (r.rollback.notes.length) lines.push('', '## Rollback', '', ...r.rollback.notes.map((n) => `- ${n}`));
  return `${lines.join('\n')}\n`;
}
