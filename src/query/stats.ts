// Aggregates over runs for `stats`: per period and per agent, and per check name. Pure.
import type { RunRecord } from '../record/schema.js';
import { boundaryBreaches, isSkipped, isStale, runDate } from './filters.js';
import { firedRules, isOverBudget, isStopped } from './limits.js';

export type Period = 'day' | 'week' | 'month';

export interface StatsBucket {
  key: string;
  runs: number;
  outcomes: Record<string, number>;
  /** Runs that succeeded (see runSucceeded). */
  succeeded: number;
  /** succeeded / (runs that finished: completed, failed or abandoned); null when none finished. */
  success_rate: number | null;
  /** `weakened` counts checks whose command could not fail (`|| true`, a pipe without pipefail…). */
  checks: { total: number; passed: number; failed: number; skipped: number; stale: number; weakened: number };
  /** Extra attempts over all checks (attempts - 1 each). */
  retries: number;
  files_per_run: { median: number; p90: number };
  /** Runs that changed a file outside their boundary. */
  boundary_breaches: number;
  /** Dependency entries changed (added, removed or moved) over all runs. */
  dependency_changes: number;
  tokens: { input: number; output: number; cache_read: number; cache_write: number };
  /** Sum of known costs; runs without a known cost are counted in cost_unknown. */
  cost_usd: number;
  cost_unknown: number;
}

export interface CheckStats {
  name: string;
  kind: string;
  runs: number;
  passed: number;
  failed: number;
  skipped: number;
  stale: number;
  weakened: number;
  retries: number;
}

export interface GuardStats {
  /** Runs the guard watched (with a policy or a human stop). */
  watched: number;
  stopped: number;
  over_budget: number;
  refusals: number;
  overrides: number;
  /** Per rule: runs it fired in and refusals in all, most frequent first. */
  rules: { rule: string; runs: number; refusals: number }[];
}

export interface Stats {
  /** What `success` means, in words (printed under the table). */
  success_definition: string;
  guard: GuardStats;
  total: StatsBucket;
  by_period: StatsBucket[];
  period: Period | null;
  by_agent: StatsBucket[];
  checks: CheckStats[];
}

export function periodKey(iso: string | null, period: Period): string {
  if (!iso) return 'undated';
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return 'undated';
  const day = t.toISOString().slice(0, 10);
  if (period === 'day') return day;
  if (period === 'month') return day.slice(0, 7);
  return isoWeek(t);
}

/** ISO 8601 week, `2026-W48` (weeks start on Monday; week 1 holds the year's first Thursday). */
export function isoWeek(t: Date): string {
  const d = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate()));
  const dow = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - dow);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Nearest-rank percentile. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)]!;
}

/** The check kinds (or names) a run must pass for success, when the repository names none. */
export const DEFAULT_REQUIRED_CHECKS: readonly string[] = ['test'];

/**
 * A run succeeded when it completed and every required check (matched by kind or name) has a
 * passing, unweakened final attempt after the last edit. A run that changed files without running
 * a required check did not prove anything, so it did not succeed; a run that changed nothing needs
 * no check.
 */
export function runSucceeded(r: RunRecord, required: readonly string[] = DEFAULT_REQUIRED_CHECKS): boolean {
  if (r.outcome.status !== 'completed') return false;
  for (const req of required) {
    const matching = r.checks.filter((c) => c.kind === req || c.name === req);
    if (matching.length === 0) {
      if (r.files.changed.length > 0) return false;
      continue;
    }
    if (!matching.every((c) => c.status === 'passed' && c.after_last_edit !== false && !c.weakened))
      return false;
  }
  return true;
}

export function successDefinition(required: readonly string[]): string {
  const which = required.length ? required.join(', ') : 'none configured';
  return `success = completed, with every required check (${which}) passing, unweakened, after the last edit`;
}

export function bucket(
  key: string,
  records: readonly RunRecord[],
  required: readonly string[] = DEFAULT_REQUIRED_CHECKS,
): StatsBucket {
  const outcomes: Record<string, number> = {};
  const checks = { total: 0, passed: 0, failed: 0, skipped: 0, stale: 0, weakened: 0 };
  const tokens = { input: 0, output: 0, cache_read: 0, cache_write: 0 };
  let retries = 0;
  let breaches = 0;
  let deps = 0;
  let cost = 0;
  let costUnknown = 0;
  const files: number[] = [];
  let succeeded = 0;
  for (const r of records) {
    outcomes[r.outcome.status] = (outcomes[r.outcome.status] ?? 0) + 1;
    if (runSucceeded(r, required)) succeeded++;
    for (const c of r.checks) {
      checks.total++;
      if (isSkipped(c)) checks.skipped++;
      else if (c.status === 'failed') checks.failed++;
      else if (c.status === 'passed') checks.passed++;
      if (isStale(c)) checks.stale++;
      if (c.weakened) checks.weakened++;
      retries += Math.max(0, c.attempts - 1);
    }
    files.push(r.files.changed.length);
    if (boundaryBreaches(r).length) breaches++;
    deps += r.dependencies.length;
    if (r.cost) {
      tokens.input += r.cost.input_tokens;
      tokens.output += r.cost.output_tokens;
      tokens.cache_read += r.cost.cache_read_tokens;
      tokens.cache_write += r.cost.cache_write_tokens;
    }
    if (r.cost?.usd != null) cost += r.cost.usd;
    else costUnknown++;
  }
  const finished = (outcomes.completed ?? 0) + (outcomes.failed ?? 0) + (outcomes.abandoned ?? 0);
  return {
    key,
    runs: records.length,
    outcomes,
    succeeded,
    success_rate: finished ? succeeded / finished : null,
    checks,
    retries,
    files_per_run: { median: median(files), p90: percentile(files, 90) },
    boundary_breaches: breaches,
    dependency_changes: deps,
    tokens,
    cost_usd: Math.round(cost * 1e6) / 1e6,
    cost_unknown: costUnknown,
  };
}

function groupBy(records: readonly RunRecord[], keyOf: (r: RunRecord) => string): Map<string, RunRecord[]> {
  const groups = new Map<string, RunRecord[]>();
  for (const r of records) {
    const k = keyOf(r);
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  return groups;
}

export function checkStats(records: readonly RunRecord[]): CheckStats[] {
  const byName = new Map<string, CheckStats>();
  for (const r of records) {
    for (const c of r.checks) {
      let s = byName.get(c.name);
      if (!s) {
        s = {
          name: c.name,
          kind: c.kind,
          runs: 0,
          passed: 0,
          failed: 0,
          skipped: 0,
          stale: 0,
          weakened: 0,
          retries: 0,
        };
        byName.set(c.name, s);
      }
      s.runs++;
      if (isSkipped(c)) s.skipped++;
      else if (c.status === 'failed') s.failed++;
      else if (c.status === 'passed') s.passed++;
      if (isStale(c)) s.stale++;
      if (c.weakened) s.weakened++;
      s.retries += Math.max(0, c.attempts - 1);
    }
  }
  // The checks agents get wrong most come first.
  const bad = (s: CheckStats) => s.skipped + s.failed + s.stale + s.weakened;
  return [...byName.values()].sort(
    (a, b) => bad(b) - bad(a) || b.runs - a.runs || a.name.localeCompare(b.name),
  );
}

export function computeStats(
  records: readonly RunRecord[],
  period: Period | null = null,
  required: readonly string[] = DEFAULT_REQUIRED_CHECKS,
): Stats {
  const byPeriod = period
    ? [...groupBy(records, (r) => periodKey(runDate(r), period))]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, rs]) => bucket(k, rs, required))
    : [];
  const byAgent = [...groupBy(records, (r) => r.agent.name)]
    .map(([k, rs]) => bucket(k, rs, required))
    .sort((a, b) => b.runs - a.runs || a.key.localeCompare(b.key));
  return {
    success_definition: successDefinition(required),
    guard: guardStats(records),
    total: bucket('all', records, required),
    by_period: byPeriod,
    period,
    by_agent: byAgent,
    checks: checkStats(records),
  };
}

export function guardStats(records: readonly RunRecord[]): GuardStats {
  const out: GuardStats = { watched: 0, stopped: 0, over_budget: 0, refusals: 0, overrides: 0, rules: [] };
  const rules = new Map<string, { rule: string; runs: number; refusals: number }>();
  for (const r of records) {
    const limits = (r as Record<string, unknown>).limits as { overrides?: unknown[] } | undefined;
    if (!limits || typeof limits !== 'object') continue;
    out.watched++;
    if (isStopped(r)) out.stopped++;
    if (isOverBudget(r)) out.over_budget++;
    out.overrides += Array.isArray(limits.overrides) ? limits.overrides.length : 0;
    const fired = firedRules(r);
    out.refusals += fired.length;
    for (const name of new Set(fired)) {
      const e = rules.get(name) ?? { rule: name, runs: 0, refusals: 0 };
      e.runs++;
      e.refusals += fired.filter((f) => f === name).length;
      rules.set(name, e);
    }
  }
  out.rules = [...rules.values()].sort(
    (a, b) => b.runs - a.runs || b.refusals - a.refusals || a.rule.localeCompare(b.rule),
  );
  return out;
}

const pct = (x: number | null) => (x == null ? '-' : `${Math.round(x * 100)}%`);
const usd = (b: StatsBucket) => `$${b.cost_usd.toFixed(2)}${b.cost_unknown ? '+?' : ''}`;

/**
 * Columns of text, the first left-aligned, the rest right-aligned. Wider than `width` (a terminal's,
 * 0 for none), the columns are dealt into stacked tables that fit, each repeating the first column,
 * so nothing wraps and nothing is dropped.
 */
function table(head: string[], rows: string[][], width = 0): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => [...(r[i] ?? '')].length)));
  const line = (cells: string[], cols: number[]) =>
    cols
      .map((i) => (i === 0 ? (cells[i] ?? '').padEnd(widths[i]!) : (cells[i] ?? '').padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  const groups: number[][] = [];
  let group = [0];
  let used = widths[0]!;
  for (let i = 1; i < head.length; i++) {
    if (width > 0 && group.length > 1 && used + 2 + widths[i]! > width) {
      groups.push(group);
      group = [0];
      used = widths[0]!;
    }
    group.push(i);
    used += 2 + widths[i]!;
  }
  groups.push(group);
  return groups.flatMap((cols, g) => [
    ...(g ? [''] : []),
    line(head, cols),
    ...rows.map((r) => line(r, cols)),
  ]);
}

function bucketRows(buckets: readonly StatsBucket[]): string[][] {
  return buckets.map((b) => [
    b.key,
    String(b.runs),
    pct(b.success_rate),
    String(b.checks.failed),
    String(b.checks.skipped),
    String(b.checks.stale),
    String(b.retries),
    `${b.files_per_run.median}/${b.files_per_run.p90}`,
    String(b.boundary_breaches),
    String(b.dependency_changes),
    String(b.tokens.input + b.tokens.output),
    usd(b),
  ]);
}

const BUCKET_HEAD = ['', 'runs', 'success', 'failed', 'skipped', 'stale', 'retries', 'files p50/p90'];
const BUCKET_TAIL = ['breaches', 'deps', 'tokens', 'cost'];

/** The human-readable `stats` report. */
export function renderStats(stats: Stats, width = 0): string {
  const out: string[] = [];
  const head = (first: string) => [first, ...BUCKET_HEAD.slice(1), ...BUCKET_TAIL];
  if (stats.total.runs === 0) return 'No runs recorded.\n';
  if (stats.period) {
    out.push(...table(head(stats.period), bucketRows(stats.by_period), width), '');
  }
  out.push(...table(head('agent'), bucketRows([...stats.by_agent, stats.total]), width), '');
  if (stats.checks.length) {
    out.push(
      ...table(
        ['check', 'runs', 'passed', 'failed', 'skipped', 'stale', 'weakened', 'retries'],
        stats.checks.map((c) => [
          c.name,
          String(c.runs),
          String(c.passed),
          String(c.failed),
          String(c.skipped),
          String(c.stale),
          String(c.weakened),
          String(c.retries),
        ]),
        width,
      ),
    );
  } else out.push('No checks recorded.');
  const g = stats.guard;
  if (g.watched) {
    out.push(
      '',
      `Guard: ${g.watched} run(s) watched, ${g.stopped} stopped, ${g.over_budget} over budget, ${g.refusals} refusal(s), ${g.overrides} override(s)`,
    );
    if (g.rules.length)
      out.push(
        ...table(
          ['rule', 'runs', 'refusals'],
          g.rules.map((x) => [x.rule, String(x.runs), String(x.refusals)]),
          width,
        ),
      );
  }
  out.push('', `${stats.success_definition}; see \`verify.require_checks\` in .agent-log/config.json.`);
  return `${out.join('\n')}\n`;
}
