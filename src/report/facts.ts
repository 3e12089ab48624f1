// Facts a reviewer needs, derived from one record: durations, diffstat, check callouts, failures,
// approval coverage, merged risk and the honest "not verified" list. Pure; no Markdown here except
// Fragments built with `safeMd`, which escape every recorded value.
import { isFullObjectId } from '../record/commit-id.js';
import { recordBreaches } from '../record/boundary.js';
import {
  isConfigPath,
  isManifest,
  isMigrationCommand,
  isMigrationPath,
  isSecretsAdjacent,
} from '../record/path-kinds.js';
import { assessRisk } from '../record/risk.js';
import type { Check, CommandRun, RunRecord } from '../record/schema.js';
import { code, safeMd } from './markdown.js';
import type { Fragment } from './template.js';

export const TAIL_LINES = 20;

/** A commit id from a record, shortened; anything that is not a full object id shows as unknown. */
export function shortOid(oid: string | null | undefined): string {
  return isFullObjectId(oid) ? oid.slice(0, 12) : 'unknown';
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return 'unknown';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const total = Math.round(s);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  return h ? `${h} h ${m} min` : `${m} min ${sec} s`;
}

export function runDuration(record: RunRecord): string {
  const { started_at, ended_at } = record;
  if (!started_at || !ended_at) return 'unknown';
  const ms = Date.parse(ended_at) - Date.parse(started_at);
  return Number.isNaN(ms) ? 'unknown' : formatDuration(ms);
}

const n = (x: number) => x.toLocaleString('en-US');

export function formatCost(record: RunRecord): string {
  const c = record.cost;
  if (!c) return 'not recorded';
  const usd = c.usd === null ? 'USD unknown' : `$${c.usd.toFixed(2)}`;
  const tokens = `${n(c.input_tokens)} in / ${n(c.output_tokens)} out tokens`;
  const cache =
    c.cache_read_tokens || c.cache_write_tokens
      ? `, cache ${n(c.cache_read_tokens)} read / ${n(c.cache_write_tokens)} write`
      : '';
  return `${usd} (${tokens}${cache})`;
}

export function diffstat(record: RunRecord): string {
  const files = record.files.changed;
  if (!files.length) return 'no files changed';
  const add = files.reduce((s, f) => s + (f.additions ?? 0), 0);
  const del = files.reduce((s, f) => s + (f.deletions ?? 0), 0);
  const via = new Map<string, number>();
  for (const f of files) via.set(f.via, (via.get(f.via) ?? 0) + 1);
  const how = [...via].map(([v, k]) => `${k} by ${VIA_LABEL[v] ?? v}`).join(', ');
  const binary = files.filter((f) => f.additions === null).length;
  return `${files.length} ${files.length === 1 ? 'file' : 'files'} changed, +${add} −${del}${binary ? ` (${binary} binary or uncounted)` : ''}; ${how}`;
}

export const VIA_LABEL: Record<string, string> = {
  edit: 'edit tool',
  shell: 'shell',
  unknown: 'unknown means',
};

export function checksSummary(checks: readonly Check[]): string {
  if (!checks.length) return 'none ran';
  const counts = new Map<string, number>();
  for (const c of checks) counts.set(c.status, (counts.get(c.status) ?? 0) + 1);
  return [...counts].map(([s, k]) => `${k} ${s}`).join(', ');
}

export function afterLastEditLabel(v: boolean | null): string {
  return v === true ? 'yes' : v === false ? 'no (stale)' : 'unknown';
}

export interface Callout {
  label: string;
  name: string;
  detail: string;
}

/** Checks a reviewer must look at: failed, skipped, weakened, stale, retried. */
export function checkCallouts(checks: readonly Check[]): Callout[] {
  const out: Callout[] = [];
  for (const c of checks) {
    if (c.status === 'failed')
      out.push({
        label: 'Failed',
        name: c.name,
        detail: `final status after ${c.attempts} ${c.attempts === 1 ? 'attempt' : 'attempts'}`,
      });
    if (c.status === 'skipped') out.push({ label: 'Skipped', name: c.name, detail: 'recorded as skipped' });
    if (c.status === 'not-run')
      out.push({ label: 'Not run', name: c.name, detail: 'no exit code was recorded' });
    if (c.weakened) out.push({ label: 'Weakened', name: c.name, detail: c.weakened });
    if (c.after_last_edit === false)
      out.push({ label: 'Stale', name: c.name, detail: 'its last run was before the last edit' });
    if (c.status === 'passed' && c.attempts > 1)
      out.push({ label: 'Retried', name: c.name, detail: `passed on attempt ${c.attempts}` });
  }
  return out;
}

export interface Failure {
  name: string;
  exitCode: string;
  when: string;
  tail: string;
}

function checkNameOf(cmd: CommandRun): string {
  return cmd.check ?? cmd.command.trim().replace(/\s+/g, ' ');
}

/** The last failed run of each check (final failures and earlier ones), with its output tail. */
export function failures(record: RunRecord): Failure[] {
  const out: Failure[] = [];
  const names = new Set(record.checks.map((c) => c.name));
  for (const check of record.checks) {
    const runs = record.commands.filter((c) => checkNameOf(c) === check.name);
    const failed = runs.filter((c) => c.exit_code !== 0 && (c.exit_code !== null || c.interrupted));
    const last = failed.at(-1);
    if (!last) continue;
    const attempt = runs.indexOf(last) + 1;
    const when =
      check.status === 'failed'
        ? 'final run'
        : `attempt ${attempt} of ${runs.length}; the check ended ${check.status}`;
    out.push({ name: check.name, exitCode: exitLabel(last), when, tail: tailOf(last.output_tail) });
  }
  // Failed commands that are not checks (a failing install, a crashed script).
  for (const c of record.commands) {
    if (names.has(checkNameOf(c)) || c.exit_code === 0 || c.exit_code === null) continue;
    out.push({ name: c.command, exitCode: exitLabel(c), when: 'command', tail: tailOf(c.output_tail) });
  }
  return out;
}

export function exitLabel(c: CommandRun): string {
  if (c.interrupted) return 'interrupted';
  return c.exit_code === null ? 'unknown' : String(c.exit_code);
}

function tailOf(tail: string | null): string {
  if (!tail) return '(no output recorded)';
  return tail.replace(/\s+$/, '').split(/\r?\n/).slice(-TAIL_LINES).join('\n');
}

const SENSITIVE: { what: string; scope: RegExp; present: (r: RunRecord) => boolean }[] = [
  {
    what: 'dependency changes',
    scope: /depend|package|upgrade|install/i,
    present: (r) => r.dependencies.length > 0 || changedPaths(r).some(isManifest),
  },
  {
    what: 'configuration changes',
    scope: /config|ci\b|workflow/i,
    present: (r) => r.config_changes.length > 0 || changedPaths(r).some(isConfigPath),
  },
  {
    what: 'changes outside the boundary',
    scope: /boundary|outside|scope/i,
    present: (r) => recordBreaches(r).length > 0,
  },
  {
    what: 'migrations',
    scope: /migrat|schema|database|\bdb\b/i,
    present: (r) =>
      changedPaths(r).some(isMigrationPath) || r.commands.some((c) => isMigrationCommand(c.command)),
  },
  {
    what: 'secrets-adjacent files',
    scope: /secret|credential|\benv\b|key/i,
    present: (r) => changedPaths(r).some(isSecretsAdjacent),
  },
];

export function changedPaths(record: RunRecord): string[] {
  return record.files.changed.flatMap((f) => (f.old_path ? [f.old_path, f.path] : [f.path]));
}

/** Sensitive kinds of change present in the run that no recorded approval's scope mentions. */
export function unapproved(record: RunRecord): string[] {
  const approved = record.approvals.filter((a) => a.decision === 'approved');
  return SENSITIVE.filter((s) => s.present(record) && !approved.some((a) => s.scope.test(a.scope))).map(
    (s) => s.what,
  );
}

const LEVELS = ['low', 'medium', 'high'];

/** Risk as assessed now, raised to the sealed level if that was higher; reasons from both. */
export function mergedRisk(record: RunRecord): { level: string; reasons: string[] } {
  const now = assessRisk(record);
  const sealed = record.risk;
  const level = LEVELS.indexOf(sealed.level) > LEVELS.indexOf(now.level) ? sealed.level : now.level;
  return { level, reasons: [...new Set([...now.reasons, ...sealed.reasons])] };
}

/** What the record cannot show: an honest list for the reviewer. */
export function notVerified(record: RunRecord): Fragment[] {
  const out: Fragment[] = [];
  if (record.outcome.status === 'pending') {
    out.push(
      safeMd`The run has no commits yet: its changes may still be uncommitted, and the record can change before it is sealed.`,
    );
  }
  const checks = record.checks;
  if (!checks.length) out.push(safeMd`No test, lint, typecheck or build command ran during the run.`);
  else {
    const kinds = new Set(checks.map((c) => c.kind));
    const missing = ['test', 'lint', 'typecheck'].filter((k) => !kinds.has(k));
    if (missing.length) out.push(safeMd`No ${missing.join(' or ')} ran.`);
  }
  for (const c of checks) {
    if (c.after_last_edit === false)
      out.push(safeMd`${code(c.name)} last ran before the last edit: it does not cover the final code.`);
    else if (c.after_last_edit === null)
      out.push(safeMd`Whether ${code(c.name)} ran after the last edit is unknown.`);
    if (c.weakened)
      out.push(safeMd`${code(c.name)} was weakened (${c.weakened}): its result proves less than it seems.`);
  }
  for (const c of record.commands) {
    if (c.interrupted) out.push(safeMd`${code(c.command)} was interrupted.`);
    else if (c.exit_code === null) out.push(safeMd`The exit code of ${code(c.command)} was not recorded.`);
  }
  const outside = record.files.changed.filter((f) => f.via !== 'edit');
  if (outside.length) {
    const k = outside.length;
    out.push(
      safeMd`${String(k)} ${k === 1 ? 'file was' : 'files were'} changed by shell commands or by unknown means: known from the diff only, not from the agent's edits.`,
    );
  }
  const { allow, deny, constraints } = record.boundary;
  if (!allow.length && !deny.length)
    out.push(safeMd`No allowed or denied globs were given, so no boundary was checked.`);
  if (constraints.length) {
    out.push(
      safeMd`The ${String(constraints.length)} free-text ${constraints.length === 1 ? 'constraint is' : 'constraints are'} not machine-checked.`,
    );
  }
  for (const g of record.gaps ?? []) {
    out.push(
      safeMd`Recording paused from ${g.from ?? 'unknown'} to ${g.to ?? 'unknown'} (${g.reason}): anything done then is missing.`,
    );
  }
  if (record.redactions.length) {
    const total = record.redactions.reduce((s, r) => s + r.count, 0);
    out.push(
      safeMd`${String(total)} ${total === 1 ? 'value was' : 'values were'} redacted (${record.redactions.map((r) => r.rule).join(', ')}): the record omits them.`,
    );
  }
  if (!record.cost || record.cost.usd === null) out.push(safeMd`The cost in USD was not recorded.`);
  if (!record.approvals.length) out.push(safeMd`No human approval was recorded.`);
  out.push(
    safeMd`What the checks cover: the record shows commands and exit codes, not test coverage or the behaviour of the change once deployed.`,
  );
  return out;
}
