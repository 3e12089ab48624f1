// `stats --insights`: the trail turned into workflow advice, each line with the runs behind it —
// checks agents keep skipping or running before their last edit, boundaries they keep crossing,
// guard rules that keep firing, runs whose cost spikes while exploring, tasks that took attempts.
import type { RunRecord } from '../record/schema.js';
import { boundaryBreaches, isSkipped, isStale } from './filters.js';
import { firedRules } from './limits.js';
import { median } from './stats.js';

export interface Insight {
  kind: 'skipped-check' | 'stale-check' | 'boundary' | 'guard-rule' | 'cost-spike' | 'attempts';
  text: string;
  runs: string[];
}

const ids = (rs: readonly RunRecord[]) => rs.map((r) => r.id);

function group<K>(records: readonly RunRecord[], keys: (r: RunRecord) => K[]): Map<K, RunRecord[]> {
  const m = new Map<K, RunRecord[]>();
  for (const r of records)
    for (const k of new Set(keys(r))) {
      const g = m.get(k);
      if (g) g.push(r);
      else m.set(k, [r]);
    }
  return m;
}

export function insights(records: readonly RunRecord[]): Insight[] {
  const out: Insight[] = [];
  const ran = group(records, (r) => r.checks.map((c) => c.name));
  for (const [name, rs] of group(records, (r) => r.checks.filter(isSkipped).map((c) => c.name)))
    if (rs.length >= 2)
      out.push({
        kind: 'skipped-check',
        text: `\`${name}\` was skipped in ${rs.length} of ${ran.get(name)?.length ?? rs.length} runs that knew it: make it part of the task's definition of done`,
        runs: ids(rs),
      });
  for (const [name, rs] of group(records, (r) => r.checks.filter(isStale).map((c) => c.name)))
    if (rs.length >= 2)
      out.push({
        kind: 'stale-check',
        text: `\`${name}\` last ran before the final edit in ${rs.length} runs: ask agents to re-run it after their last change`,
        runs: ids(rs),
      });
  const crossed = group(records, (r) =>
    boundaryBreaches(r).map((p) => (p.includes('/') ? `${p.slice(0, p.lastIndexOf('/'))}/` : p)),
  );
  for (const [dir, rs] of crossed)
    if (rs.length >= 2)
      out.push({
        kind: 'boundary',
        text: `${rs.length} runs changed files under \`${dir}\` outside their boundary: widen the boundary on purpose or deny it in the guard policy`,
        runs: ids(rs),
      });
  for (const [rule, rs] of group(records, firedRules))
    if (rs.length >= 2)
      out.push({
        kind: 'guard-rule',
        text: `guard rule \`${rule}\` fired in ${rs.length} runs: ${advice(rule)}`,
        runs: ids(rs),
      });
  const priced = records.filter((r) => typeof r.cost?.usd === 'number' && r.cost.usd > 0);
  if (priced.length >= 3) {
    const mid = median(priced.map((r) => r.cost!.usd!));
    for (const r of priced) {
      const read = r.files.read.length;
      const changed = r.files.changed.length;
      if (mid > 0 && r.cost!.usd! >= 2 * mid && read > 3 * Math.max(1, changed))
        out.push({
          kind: 'cost-spike',
          text: `run ${r.id.slice(0, 7)} cost $${r.cost!.usd!.toFixed(2)} (${(r.cost!.usd! / mid).toFixed(1)}× the median) exploring: ${read} files read for ${changed} changed — give such tasks the paths to start from`,
          runs: [r.id],
        });
    }
  }
  const byId = new Map(records.map((r) => [r.id, r]));
  for (const r of records) {
    const chain: RunRecord[] = [r];
    for (
      let cur = r;
      typeof cur.task.attempt_of === 'string' && byId.has(cur.task.attempt_of) && chain.length < 50;
    ) {
      cur = byId.get(cur.task.attempt_of)!;
      chain.unshift(cur);
    }
    const later = records.some((x) => x.task.attempt_of === r.id);
    if (chain.length >= 2 && !later) {
      const usd = chain.reduce((a, x) => a + (x.cost?.usd ?? 0), 0);
      out.push({
        kind: 'attempts',
        text: `"${(chain[0]!.task.intent || '(no task)').split('\n')[0]!.slice(0, 60)}" took ${chain.length} attempts ($${usd.toFixed(2)} in all): review the first failure before the next retry`,
        runs: ids(chain),
      });
    }
  }
  return out;
}

function advice(rule: string): string {
  if (rule.startsWith('retries.'))
    return 'agents retry without changing anything; require a note of what was tried';
  if (rule.startsWith('budget.') || rule.startsWith('time.'))
    return 'tasks outgrow their budget; split them or raise the limit knowingly';
  if (rule.startsWith('scope.')) return 'agents reach outside their scope; say so in the task prompt';
  if (rule.startsWith('mcp.') || rule.startsWith('tools.'))
    return 'agents want a tool they are not allowed; allow it or say why not';
  if (rule === 'stop') return 'humans keep stopping runs; look at what they were doing';
  return 'look at the runs behind it';
}

export function renderInsights(list: readonly Insight[]): string {
  if (!list.length) return 'No insights: not enough recorded runs show a pattern yet.\n';
  return `${list
    .map(
      (i) =>
        `- ${i.text}\n  runs: ${i.runs
          .slice(0, 8)
          .map((id) => id.slice(0, 7))
          .join(' ')}${i.runs.length > 8 ? ` (+${i.runs.length - 8})` : ''}`,
    )
    .join('\n')}\n`;
}
