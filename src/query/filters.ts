// Query filters: a spec built from the command line, and `matches(stored, spec)`. Pure.
// Different filters combine with AND; several values of one filter (`--agent a --agent b`) with OR.
import type { TextMatcher } from './user-regex.js';
import { breachesBoundary, matchAny, matchGlob } from '../record/glob.js';
import type { Check, RunRecord } from '../record/schema.js';
import { firedRules, isOverBudget, isStopped, ruleMatches } from './limits.js';

/** A record with the commits it lives on (the shape of store/read.ts StoredRecord). */
export interface StoredRecordLike {
  record: RunRecord;
  /** The commit whose note carries the full record line. */
  commit: string;
  /** Every commit of the run (full and pointer lines). */
  commits: string[];
}

export const CHECK_STATES = ['passed', 'failed', 'skipped', 'stale'] as const;
export type CheckState = (typeof CHECK_STATES)[number];

export interface FilterSpec {
  file?: string[];
  read?: string[];
  command?: TextMatcher[];
  checkStatus?: CheckState[];
  status?: string[];
  agent?: string[];
  model?: string[];
  since?: Date;
  until?: Date;
  approvedBy?: string[];
  unapproved?: boolean;
  risk?: string[];
  boundaryBreach?: boolean;
  dependency?: string[];
  text?: string[];
  branch?: string[];
  /** Runs with at least one commit in this set (--commit REV: commits reachable from REV). */
  commits?: ReadonlySet<string>;
  /** Stopped by a human or a halting guard rule. */
  stopped?: boolean;
  overBudget?: boolean;
  /** A guard rule (or rule family) fired. */
  rule?: string[];
}

/** The time a run is listed and filtered by: when it ended, else started, else was sealed. */
export function runDate(record: Pick<RunRecord, 'ended_at' | 'started_at' | 'sealed_at'>): string | null {
  return record.ended_at ?? record.started_at ?? record.sealed_at ?? null;
}

/** A check whose final attempt ran before the last edit proves nothing about the final code. */
export function isStale(check: Check): boolean {
  return check.after_last_edit === false && (check.status === 'passed' || check.status === 'failed');
}

export function isSkipped(check: Check): boolean {
  return check.status === 'skipped' || check.status === 'not-run';
}

export function checkHasState(check: Check, state: CheckState): boolean {
  switch (state) {
    case 'passed':
      return check.status === 'passed';
    case 'failed':
      return check.status === 'failed';
    case 'skipped':
      return isSkipped(check);
    case 'stale':
      return isStale(check);
  }
}

/** Changed paths outside the allow globs or inside the deny globs. */
export function boundaryBreaches(record: RunRecord): string[] {
  const { allow, deny } = record.boundary;
  if (allow.length === 0 && deny.length === 0) return [];
  return record.files.changed.map((f) => f.path).filter((p) => breachesBoundary(p, { allow, deny }));
}

export function isApproved(record: RunRecord): boolean {
  return record.approvals.some((a) => a.decision === 'approved');
}

/**
 * A name filter: case-insensitive equality, or a glob when the value has `*`, `?` or `{`
 * (`--agent 'claude*'`). Names are not paths, so `*` crosses `/` here.
 */
export function nameMatches(value: string | null | undefined, pattern: string): boolean {
  if (value == null) return false;
  const v = value.toLowerCase();
  const p = pattern.toLowerCase();
  if (!/[*?{]/.test(p)) return v === p;
  return matchGlob(v.replace(/\//g, '\u0000'), p.replace(/\//g, '\u0000'));
}

const anyName = (value: string | null | undefined, patterns: readonly string[]) =>
  patterns.some((p) => nameMatches(value, p));

/** Everything `--text` searches: intent, follow-ups, notes, commands, approvals, summary. */
export function searchableText(record: RunRecord): string {
  return [
    record.task.intent,
    ...record.task.follow_ups,
    ...(record.notes ?? []),
    ...record.rollback.notes,
    ...record.boundary.constraints,
    ...record.commands.map((c) => c.command),
    ...record.approvals.map((a) => `${a.scope} ${a.note ?? ''}`),
    record.outcome.summary ?? '',
  ]
    .join('\n')
    .toLowerCase();
}

export function matches(stored: StoredRecordLike, spec: FilterSpec): boolean {
  const r = stored.record;
  if (spec.file?.length) {
    const paths = r.files.changed.flatMap((f) => (f.old_path ? [f.path, f.old_path] : [f.path]));
    if (!paths.some((p) => matchAny(p, spec.file!))) return false;
  }
  if (spec.read?.length && !r.files.read.some((p) => matchAny(p, spec.read!))) return false;
  if (spec.command?.length) {
    // A check's name is not a command that ran (a skipped check has a name and no command).
    const cmds = [
      ...r.commands.map((c) => c.command),
      ...r.checks.flatMap((c) => (c.command ? [c.command] : [])),
    ];
    if (!spec.command.some((re) => cmds.some((c) => re.test(c)))) return false;
  }
  if (spec.checkStatus?.length) {
    if (!spec.checkStatus.some((s) => r.checks.some((c) => checkHasState(c, s)))) return false;
  }
  if (spec.status?.length && !spec.status.includes(r.outcome.status)) return false;
  if (spec.agent?.length && !anyName(r.agent.name, spec.agent)) return false;
  if (spec.model?.length && !anyName(r.agent.model, spec.model) && !anyName(r.cost?.model, spec.model))
    return false;
  if (spec.since || spec.until) {
    const at = runDate(r);
    const t = at ? Date.parse(at) : Number.NaN;
    if (Number.isNaN(t)) return false;
    if (spec.since && t < spec.since.getTime()) return false;
    if (spec.until && t > spec.until.getTime()) return false;
  }
  if (spec.approvedBy?.length) {
    const approvers = r.approvals.filter((a) => a.decision === 'approved').map((a) => a.by);
    if (!approvers.some((by) => anyName(by, spec.approvedBy!))) return false;
  }
  if (spec.unapproved && isApproved(r)) return false;
  if (spec.risk?.length && !spec.risk.includes(r.risk.level)) return false;
  if (spec.boundaryBreach && boundaryBreaches(r).length === 0) return false;
  if (spec.dependency?.length && !r.dependencies.some((d) => anyName(d.name, spec.dependency!))) return false;
  if (spec.text?.length) {
    const hay = searchableText(r);
    if (!spec.text.some((t) => hay.includes(t.toLowerCase()))) return false;
  }
  if (spec.branch?.length && !anyName(r.repo.branch, spec.branch)) return false;
  if (spec.stopped && !isStopped(r)) return false;
  if (spec.overBudget && !isOverBudget(r)) return false;
  if (spec.rule?.length) {
    const fired = firedRules(r);
    if (!spec.rule.some((w) => fired.some((f) => ruleMatches(f, w)))) return false;
  }
  if (spec.commits) {
    const all = [stored.commit, ...stored.commits];
    if (!all.some((c) => spec.commits!.has(c))) return false;
  }
  return true;
}

/**
 * Literal strings that the canonical JSON of every matching record must contain, one group per
 * filter (AND of groups, OR within a group). The index uses them to skip parsing most records.
 * Filters that compare case-insensitively or by regular expression contribute nothing.
 */
export function requiredLiterals(spec: FilterSpec, literalOf: (glob: string) => string): string[][] {
  const groups: string[][] = [];
  const add = (values: string[] | undefined) => {
    if (!values?.length) return;
    const lits = values.map((v) => jsonSafe(v));
    if (lits.every((l) => l.length >= 2)) groups.push(lits);
  };
  add(spec.file?.map(literalOf));
  add(spec.read?.map(literalOf));
  add(spec.status?.map((s) => `"${s}"`));
  add(spec.risk?.map((s) => `"${s}"`));
  return groups;
}

// JSON.stringify escapes these; a literal containing them would not be found verbatim.
function jsonSafe(s: string): string {
  return /["\\\u0000-\u001f]/.test(s) ? '' : s;
}
