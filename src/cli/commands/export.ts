// `export`: the records as NDJSON tables for engines an organisation already runs (DuckDB,
// ClickHouse, BigQuery, Spark): runs, commands, checks, files (schema: src/export/rows.ts).
// `--state FILE` makes a nightly job incremental: only runs whose notes changed since the notes
// commit the file holds are written, and the file is moved on to the current one.
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Argv } from 'yargs';
import { NotFoundError, UsageError } from '../../errors.js';
import type { Repo } from '../../git/repo.js';
import { jsonText } from '../../record/display.js';
import { isFullObjectId } from '../../record/commit-id.js';
import { TABLES, type Table, tableRows } from '../../export/rows.js';
import { loadAllRecords, type StoredRecord } from '../../store/read.js';
import type { Context } from '../context.js';

export const command = 'export';
export const describe =
  'Write the records as NDJSON tables (runs, commands, checks, files) for DuckDB, BigQuery…';

export const builder = (y: Argv) =>
  y
    .option('format', { choices: ['ndjson'] as const, default: 'ndjson' as const })
    .option('table', {
      choices: TABLES,
      default: 'runs' as Table,
      describe: 'the table to print (without --output)',
    })
    .option('output', { type: 'string', describe: 'directory: write every table as <table>.ndjson' })
    .option('append', { type: 'boolean', default: false, describe: 'append to the files in --output' })
    .option('since', { type: 'string', describe: 'only runs whose notes changed after this notes commit' })
    .option('state', {
      type: 'string',
      describe: 'file holding the last exported notes commit: read as --since, then moved on',
    })
    .option('repository', {
      type: 'string',
      describe: "name in the rows' repository column (default: origin's name)",
    });

interface ExportArgs {
  table: Table;
  output?: string;
  append: boolean;
  since?: string;
  state?: string;
  repository?: string;
}

export async function handler(argv: ExportArgs, ctx: Context) {
  const repo = await ctx.repo();
  const { records, warnings, tip } = await loadAllRecords(repo.engine);
  for (const w of warnings) ctx.warn(w);
  const since = argv.since ?? readState(argv.state);
  const selected = since ? await changedSince(repo, records, since, tip) : records;
  const rowCtx = { repository: argv.repository ?? (await repositoryName(repo)) };
  const ordered = [...selected].sort(
    (a, b) =>
      (a.record.started_at ?? '').localeCompare(b.record.started_at ?? '') ||
      a.record.id.localeCompare(b.record.id),
  );
  const lines = (table: Table) =>
    ordered
      .flatMap((s) => tableRows(table, s.record, rowCtx))
      .map((row) => `${jsonText(row, 0)}\n`)
      .join('');
  if (argv.output) {
    mkdirSync(argv.output, { recursive: true });
    for (const table of TABLES) {
      const file = join(argv.output, `${table}.ndjson`);
      if (argv.append) appendFileSync(file, lines(table));
      else writeFileSync(file, lines(table));
    }
    ctx.err.write(`exported ${ordered.length} run${ordered.length === 1 ? '' : 's'} to ${argv.output}\n`);
  } else ctx.out.write(lines(argv.table));
  if (argv.state && tip) writeFileSync(argv.state, `${tip}\n`);
}

function readState(file: string | undefined): string | undefined {
  if (!file || !existsSync(file)) return undefined;
  const oid = readFileSync(file, 'utf8').trim();
  if (!isFullObjectId(oid)) throw new UsageError(`${file} does not hold a notes commit id`);
  return oid;
}

/** Runs on commits whose note changed between the notes commit `since` and the current tip. */
async function changedSince(repo: Repo, records: StoredRecord[], since: string, tip: string | null) {
  const from = await repo.engine.resolve(since);
  if (!from) throw new NotFoundError(`unknown notes commit '${since}'`);
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
