// `stats`: aggregates over runs (optionally filtered like `query`): per period and per agent, and
// which checks are skipped, failed or stale most.
import type { Argv } from 'yargs';
import { sealStaleSessions } from '../../capture/claude-code/lazy.js';
import { selectRecords } from '../../query/select.js';
import { computeStats, type Period, renderStats } from '../../query/stats.js';
import type { Context } from '../context.js';
import { openIndexFor } from '../open-index.js';
import { addFilterOptions, type FilterArgs, filterSpec } from '../query-options.js';

export const command = 'stats';
export const describe =
  'Aggregates: success rate, skipped/failed/stale checks, retries, files, breaches, cost';

export const builder = (y: Argv) =>
  addFilterOptions(y)
    .option('by', { choices: ['day', 'week', 'month'] as const, describe: 'also break down by period' })
    .option('json', { type: 'boolean', default: false });

interface StatsArgs extends FilterArgs {
  by?: Period;
  json: boolean;
}

export async function handler(argv: StatsArgs, ctx: Context) {
  const repo = await ctx.repo();
  await sealStaleSessions(repo, ctx);
  const spec = await filterSpec(argv, ctx, repo);
  const index = await openIndexFor(ctx, repo);
  const stats = computeStats(
    selectRecords(index, spec).map((s) => s.record),
    argv.by ?? null,
  );
  ctx.out.write(argv.json ? `${JSON.stringify(stats, null, 2)}\n` : renderStats(stats));
}
