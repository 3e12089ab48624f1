// `stats`: aggregates over runs (optionally filtered like `query`): per period and per agent, and
// which checks are skipped, failed or stale most. Success follows the repository's verify policy:
// completed, with every required check passing after the last edit.
import type { Argv } from 'yargs';
import { insights, renderInsights } from '../../query/insights.js';
import { computeStats, type Period, renderStats } from '../../query/stats.js';
import { policyFrom } from '../../query/verify.js';
import { loadRepoConfig } from '../../store/config.js';
import { surveyAgentCommits } from '../agent-gaps.js';
import { onTerminal, terminalWidth } from '../color.js';
import type { Context } from '../context.js';
import { selectFor } from '../open-index.js';
import { writePaged } from '../pager.js';
import { sealStaleSessions } from '../pending-runs.js';
import { addFilterOptions, type FilterArgs, filterSpec } from '../query-options.js';
import { displayText, jsonText } from '../../record/display.js';

export const command = 'stats';
export const describe =
  'Aggregates: success rate, skipped/failed/stale/weakened checks, retries, files, breaches, cost';

export const builder = (y: Argv) =>
  addFilterOptions(y)
    .option('by', { choices: ['day', 'week', 'month'] as const, describe: 'also break down by period' })
    .option('json', { type: 'boolean', default: false })
    .option('insights', {
      type: 'boolean',
      default: false,
      describe: 'workflow advice, with the runs behind each line',
    })
    .option('pager', {
      type: 'boolean',
      default: true,
      describe: 'page long output on a terminal; --no-pager: never',
    });

const AGENT_COMMIT_DEPTH = 500;

interface StatsArgs extends FilterArgs {
  by?: Period;
  json: boolean;
  pager: boolean;
  insights?: boolean;
}

export async function handler(argv: StatsArgs, ctx: Context) {
  const repo = await ctx.repo();
  await sealStaleSessions(repo, ctx);
  const spec = await filterSpec(argv, ctx, repo);
  const policy = policyFrom(loadRepoConfig(repo.location.worktree, ctx.warn));
  const records = (await selectFor(ctx, repo, spec)).map((s) => s.record);
  if (argv.insights) {
    const list = insights(records);
    if (argv.json) ctx.out.write(`${jsonText(list)}\n`);
    else await writePaged(ctx, displayText(renderInsights(list)), !argv.pager);
    return;
  }
  const stats = computeStats(records, argv.by ?? null, policy.require_checks);
  // how much of the agents' work is recorded at all: recent agent-made commits that carry a record
  const survey = await surveyAgentCommits(repo, { depth: AGENT_COMMIT_DEPTH });
  const total = survey.commits.length;
  const recorded = survey.commits.filter((c) => c.recorded).length;
  const coverage = {
    recent_commits_checked: AGENT_COMMIT_DEPTH,
    agent_commits: total,
    with_record: recorded,
    share: total ? Math.round((recorded / total) * 1000) / 1000 : null,
    unrecorded_by_author: Object.fromEntries(survey.byAuthor.map(([who, cs]) => [who, cs.length])),
  };
  if (argv.json) ctx.out.write(`${jsonText({ ...stats, agent_commits: coverage })}\n`);
  else {
    const gaps = total
      ? `\nAgent commits with records (last ${AGENT_COMMIT_DEPTH} commits): ${recorded} of ${total} (${Math.round((recorded / total) * 100)}%)\n` +
        survey.byAuthor.map(([who, cs]) => `  without: ${who}: ${cs.length}\n`).join('')
      : '';
    const width = onTerminal(ctx) ? terminalWidth(ctx, 80) : 0;
    let text = displayText(renderStats(stats, width) + gaps);
    if (width > 0) {
      // the tables fit already; the prose under them is wrapped at the terminal's width
      const { displayWidth, wrapText } = await import('../../report/terminal.js');
      const lines = text.replace(/\n$/, '').split('\n');
      text = `${lines.flatMap((l) => (displayWidth(l) > width ? wrapText(l, width) : [l])).join('\n')}\n`;
    }
    await writePaged(ctx, text, !argv.pager);
  }
}
