// `export`: the records as NDJSON or Parquet tables for engines an organisation already runs
// (DuckDB, ClickHouse, BigQuery, Spark): runs, commands, checks, files (schema: src/export/rows.ts);
// as OpenTelemetry traces (export-otlp.ts); as Agent Trace line attribution (export-agent-trace.ts).
// `--state FILE` makes a nightly job incremental: only runs whose notes changed since the notes
// commit the file holds are written, and the file is moved on to the current one.
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import type { Argv } from 'yargs';
import { NotFoundError, UsageError } from '../../errors.js';
import type { Repo } from '../../git/repo.js';
import { jsonText } from '../../record/display.js';
import { isFullObjectId } from '../../record/commit-id.js';
import { COLUMNS, type Row, TABLES, type Table, tableRows } from '../../export/rows.js';
import { loadAllRecords, type StoredRecord } from '../../store/read.js';
import type { Context } from '../context.js';
import { exportAgentTrace } from '../export-agent-trace.js';
import { checkOtlpArgs, exportOtlp, type OtlpArgs } from '../export-otlp.js';

export const command = 'export';
export const describe =
  'Export the records: NDJSON or Parquet tables for DuckDB, BigQuery…; OpenTelemetry traces; Agent Trace';

export const builder = (y: Argv) =>
  y
    .option('format', { choices: FORMATS, default: 'ndjson' as Format })
    .option('table', {
      choices: TABLES,
      default: 'runs' as Table,
      describe: 'the table to print (without --output)',
    })
    .option('output', {
      type: 'string',
      describe:
        'directory: every table as <table>.ndjson or <table>/<part>.parquet; otlp, agent-trace: a file',
    })
    .option('endpoint', {
      type: 'string',
      describe: 'otlp: send to this OTLP/HTTP collector (default: OTEL_EXPORTER_OTLP_ENDPOINT)',
    })
    .option('protocol', {
      choices: ['http/protobuf', 'http/json'] as const,
      describe: 'otlp: the body sent to --endpoint (default: http/protobuf)',
    })
    .option('header', {
      type: 'string',
      array: true,
      describe: 'otlp: a request header, name=value (repeatable; also OTEL_EXPORTER_OTLP_HEADERS)',
    })
    .option('retries', {
      type: 'number',
      describe: 'otlp: tries again after 429/502/503/504, a lost connection or a timeout (default 3)',
    })
    .option('append', {
      type: 'boolean',
      default: false,
      describe: 'append to the files in --output (Parquet: add a part file)',
    })
    .option('since', { type: 'string', describe: 'only runs whose notes changed after this notes commit' })
    .option('state', {
      type: 'string',
      describe: 'file holding the last exported notes commit: read as --since, then moved on',
    })
    .option('repository', {
      type: 'string',
      describe: "name in the rows' repository column (default: origin's name)",
    });

const FORMATS = ['ndjson', 'parquet', 'otlp', 'agent-trace'] as const;
type Format = (typeof FORMATS)[number];

interface ExportArgs extends OtlpArgs {
  format: Format;
  table: Table;
  output?: string;
  append: boolean;
  since?: string;
  state?: string;
  repository?: string;
}

export async function handler(argv: ExportArgs, ctx: Context) {
  checkOtlpArgs(argv);
  const repo = await ctx.repo();
  const { records, warnings, tip } = await loadAllRecords(repo.engine);
  for (const w of warnings) ctx.warn(w);
  const sinceArg = argv.since ?? readState(argv.state);
  const since = sinceArg === undefined ? undefined : await resolveNotesCommit(repo, sinceArg);
  const selected = since ? await changedSince(repo, records, since, tip) : records;
  const rowCtx = { repository: argv.repository ?? (await repositoryName(repo)) };
  const ordered = [...selected].sort(
    (a, b) =>
      (a.record.started_at ?? '').localeCompare(b.record.started_at ?? '') ||
      a.record.id.localeCompare(b.record.id),
  );
  const rows = (table: Table): Row[] => ordered.flatMap((s) => tableRows(table, s.record, rowCtx));
  if (argv.format === 'agent-trace') await exportAgentTrace(argv, ctx, repo, ordered, rowCtx);
  else if (argv.format === 'otlp')
    await exportOtlp(
      argv,
      ctx,
      ordered.map((s) => s.record),
      rowCtx,
    );
  else if (argv.format === 'parquet')
    await writeParquet(argv, ctx, rows, { since, tip, runs: ordered.length });
  else writeNdjson(argv, ctx, rows, ordered.length);
  if (argv.state && tip) writeFileSync(argv.state, `${tip}\n`);
}

const lines = (rows: Row[]) => rows.map((row) => `${jsonText(row, 0)}\n`).join('');
const runCount = (n: number) => `${n} run${n === 1 ? '' : 's'}`;

function writeNdjson(argv: ExportArgs, ctx: Context, rows: (t: Table) => Row[], runs: number) {
  if (!argv.output) {
    ctx.out.write(lines(rows(argv.table)));
    return;
  }
  mkdirSync(argv.output, { recursive: true });
  for (const table of TABLES) {
    const file = join(argv.output, `${table}.ndjson`);
    if (argv.append) appendFileSync(file, lines(rows(table)));
    else writeFileSync(file, lines(rows(table)));
  }
  ctx.err.write(`exported ${runCount(runs)} to ${argv.output}\n`);
}

/** A part file's name: the notes commit exported up to, and the one exported from when incremental. */
const PART = /^(?:[0-9a-f]{12}(?:-[0-9a-f]{12})?|empty)\.parquet$/;

/**
 * Parquet files cannot be appended to, so each table is a directory of part files
 * (`runs/<tip>.parquet`, read as `runs/*.parquet`): a full export replaces the parts, `--append`
 * adds one named after the notes commits it covers (re-running the same export rewrites the same
 * part), and an incremental export with nothing new writes none.
 */
async function writeParquet(
  argv: ExportArgs,
  ctx: Context,
  rows: (t: Table) => Row[],
  at: { since: string | undefined; tip: string | null; runs: number },
) {
  const { parquetTable } = await import('../../export/parquet.js');
  if (!argv.output) {
    if (ctx.isTTY) throw new UsageError('Parquet is binary: give --output DIR or redirect stdout');
    ctx.out.write(parquetTable(COLUMNS[argv.table], rows(argv.table)));
    return;
  }
  if (argv.append && at.since && at.runs === 0) {
    ctx.err.write(`exported 0 runs to ${argv.output}\n`);
    return;
  }
  const tip = at.tip ? at.tip.slice(0, 12) : 'empty';
  const part = `${at.since && at.tip ? `${at.since.slice(0, 12)}-${tip}` : tip}.parquet`;
  for (const table of TABLES) {
    const dir = join(argv.output, table);
    mkdirSync(dir, { recursive: true });
    if (!argv.append)
      for (const f of readdirSync(dir)) if (PART.test(f)) rmSync(join(dir, f), { force: true });
    writeFileSync(join(dir, part), parquetTable(COLUMNS[table], rows(table)));
  }
  ctx.err.write(`exported ${runCount(at.runs)} to ${join(argv.output, '<table>', part)}\n`);
}

function readState(file: string | undefined): string | undefined {
  if (!file || !existsSync(file)) return undefined;
  const oid = readFileSync(file, 'utf8').trim();
  if (!isFullObjectId(oid)) throw new UsageError(`${file} does not hold a notes commit id`);
  return oid;
}

async function resolveNotesCommit(repo: Repo, rev: string): Promise<string> {
  const oid = await repo.engine.resolve(rev);
  if (!oid) throw new NotFoundError(`unknown notes commit '${rev}'`);
  return oid;
}

/** Runs on commits whose note changed between the notes commit `from` and the current tip. */
async function changedSince(repo: Repo, records: StoredRecord[], from: string, tip: string | null) {
  if (!tip || from === tip) return [];
  const changed = new Set((await repo.engine.diffTrees(from, tip)).map((f) => f.path.replace(/\//g, '')));
  return records.filter((s) => s.commits.some((c) => changed.has(c)));
}

/** origin's repository name (`git@host:acme/pay.git` → `acme/pay`), else the worktree's directory name. */
async function repositoryName(repo: Repo): Promise<string> {
  const url = await repo.engine.getConfig('remote.origin.url');
  const m = url ? /[:/]([^/:]+\/[^/]+?)(?:\.git)?\/?$/.exec(url) : null;
  if (m) return m[1]!;
  return basename(repo.location.worktree ?? repo.location.commonDir);
}
