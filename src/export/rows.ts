// Run records flattened into four tables with a fixed, documented column set (one row per run, and
// child tables for commands, checks and changed files), so that DuckDB, ClickHouse, BigQuery or
// Spark load the NDJSON as is. Columns are only ever added; a column's name and type never change.
// Pure.
import type { RunRecord } from '../record/schema.js';

export const EXPORT_SCHEMA = 'agent-log-export/v1';
export const TABLES = ['runs', 'commands', 'checks', 'files'] as const;
export type Table = (typeof TABLES)[number];
export type Row = Record<string, string | number | boolean | null>;

/**
 * A column's type in typed formats (Parquet): `timestamp` is an ISO 8601 string in the row (and in
 * NDJSON), a UTC instant in milliseconds in Parquet; `int` is a 64-bit integer; every column but
 * the keys may be null.
 */
export type ColumnType = 'string' | 'timestamp' | 'int' | 'double' | 'bool';
export interface Column {
  name: string;
  type: ColumnType;
  /** false for the keys (repository, run_id, seq): never null. */
  nullable: boolean;
}

const col = (spec: string): Column[] =>
  spec
    .trim()
    .split(/\s+/)
    .map((w) => {
      const [name, type] = w.split(':') as [string, string];
      return { name, type: type.replace('!', '') as ColumnType, nullable: !type.endsWith('!') };
    });

/** Every table's columns in row order (name:type, `!` = never null). Columns are only ever added. */
export const COLUMNS: Record<Table, readonly Column[]> = {
  runs: col(`
    schema:string! repository:string! run_id:string! agent:string agent_version:string model:string
    task_intent:string task_source:string status:string started_at:timestamp ended_at:timestamp
    sealed_at:timestamp duration_s:double branch:string start_commit:string end_commit:string
    commits:int boundary_level:string files_read:int files_changed:int lines_added:int
    lines_deleted:int commands:int commands_failed:int checks:int checks_passed:int checks_failed:int
    checks_skipped:int checks_weakened:int check_retries:int dependencies_changed:int
    config_changes:int approvals:int denials:int risk:string pr:string cost_usd:double
    input_tokens:int output_tokens:int cache_read_tokens:int cache_write_tokens:int`),
  commands: col(`
    repository:string! run_id:string! seq:int! command:string kind:string check:string status:string
    exit_code:int started_at:timestamp duration_ms:int interrupted:bool`),
  checks: col(`
    repository:string! run_id:string! name:string kind:string status:string attempts:int
    after_last_edit:bool weakened:string`),
  files: col(`
    repository:string! run_id:string! path:string old_path:string change:string via:string
    additions:int deletions:int`),
};

/** Where a row comes from: the repository's name (for exports of many repositories into one place). */
export interface RowContext {
  repository: string;
}

const seconds = (from: string | null, to: string | null): number | null => {
  if (!from || !to) return null;
  const d = (Date.parse(to) - Date.parse(from)) / 1000;
  return Number.isFinite(d) && d >= 0 ? d : null;
};

export function runRow(r: RunRecord, ctx: RowContext): Row {
  const changed = r.files.changed;
  const sum = (k: 'additions' | 'deletions') => changed.reduce((a, f) => a + (f[k] ?? 0), 0);
  return {
    schema: EXPORT_SCHEMA,
    repository: ctx.repository,
    run_id: r.id,
    agent: r.agent.name,
    agent_version: r.agent.version,
    model: r.agent.model ?? r.cost?.model ?? null,
    task_intent: r.task.intent,
    task_source: r.task.source,
    status: r.outcome.status,
    started_at: r.started_at,
    ended_at: r.ended_at,
    sealed_at: r.sealed_at ?? null,
    duration_s: seconds(r.started_at, r.ended_at),
    branch: r.repo.branch,
    start_commit: r.repo.start_commit,
    end_commit: r.repo.end_commit,
    commits: r.repo.commits.length,
    boundary_level: r.boundary.level,
    files_read: r.files.read.length,
    files_changed: changed.length,
    lines_added: sum('additions'),
    lines_deleted: sum('deletions'),
    commands: r.commands.length,
    commands_failed: r.commands.filter((c) => c.exit_code !== null && c.exit_code !== 0).length,
    checks: r.checks.length,
    checks_passed: r.checks.filter((c) => c.status === 'passed').length,
    checks_failed: r.checks.filter((c) => c.status === 'failed').length,
    checks_skipped: r.checks.filter((c) => c.status === 'skipped' || c.status === 'not-run').length,
    checks_weakened: r.checks.filter((c) => c.weakened).length,
    check_retries: r.checks.reduce((a, c) => a + Math.max(0, c.attempts - 1), 0),
    dependencies_changed: r.dependencies.length,
    config_changes: r.config_changes.length,
    approvals: r.approvals.filter((a) => a.decision === 'approved').length,
    denials: r.approvals.filter((a) => a.decision === 'denied').length,
    risk: r.risk.level,
    pr: r.outcome.pr,
    cost_usd: r.cost?.usd ?? null,
    input_tokens: r.cost?.input_tokens ?? null,
    output_tokens: r.cost?.output_tokens ?? null,
    cache_read_tokens: r.cost?.cache_read_tokens ?? null,
    cache_write_tokens: r.cost?.cache_write_tokens ?? null,
  };
}

export function commandRows(r: RunRecord, ctx: RowContext): Row[] {
  return r.commands.map((c, seq) => ({
    repository: ctx.repository,
    run_id: r.id,
    seq,
    command: c.command,
    kind: c.kind,
    check: c.check ?? null,
    status: c.status ?? null,
    exit_code: c.exit_code,
    started_at: c.started_at,
    duration_ms: c.duration_ms,
    interrupted: c.interrupted,
  }));
}

export function checkRows(r: RunRecord, ctx: RowContext): Row[] {
  return r.checks.map((c) => ({
    repository: ctx.repository,
    run_id: r.id,
    name: c.name,
    kind: c.kind,
    status: c.status,
    attempts: c.attempts,
    after_last_edit: c.after_last_edit,
    weakened: c.weakened,
  }));
}

export function fileRows(r: RunRecord, ctx: RowContext): Row[] {
  return r.files.changed.map((f) => ({
    repository: ctx.repository,
    run_id: r.id,
    path: f.path,
    old_path: f.old_path ?? null,
    change: f.status,
    via: f.via,
    additions: f.additions,
    deletions: f.deletions,
  }));
}

export function tableRows(table: Table, r: RunRecord, ctx: RowContext): Row[] {
  if (table === 'runs') return [runRow(r, ctx)];
  if (table === 'commands') return commandRows(r, ctx);
  if (table === 'checks') return checkRows(r, ctx);
  return fileRows(r, ctx);
}
