// `finish [ID] [--status …]`: seal the run into notes on its commits (or keep it pending).
import type { Argv } from 'yargs';
import { sealPendingSessions } from '../../capture/claude-code/seal.js';
import { refreshMarks } from '../../capture/commit-runs.js';
import { attachPending, finishRun } from '../../capture/manual/session.js';
import { activeRunId, findRun } from '../../store/runs.js';
import { journalGap, readPause } from '../../store/pause.js';
import type { Repo } from '../../git/repo.js';
import type { Context } from '../context.js';
import { jsonText } from '../../record/display.js';

export const command = 'finish [id]';
export const describe = 'Seal a run into notes on its commits';

export const builder = (y: Argv) =>
  y
    .positional('id', { type: 'string', describe: 'record ID (default: the open run here)' })
    .option('status', { choices: ['completed', 'failed', 'abandoned'] as const, default: 'completed' })
    .option('json', { type: 'boolean', default: false, describe: 'print the record' });

interface FinishArgs {
  id?: string;
  status: string;
  json: boolean;
}

export async function handler(argv: FinishArgs, ctx: Context) {
  const repo = await ctx.repo();
  try {
    return await finish(argv, ctx, repo);
  } finally {
    refreshMarks(repo.location, ctx.now()); // a run left pending makes the next commit's hooks attach it
  }
}

async function finish(argv: FinishArgs, ctx: Context, repo: Repo) {
  if (!argv.id && !activeRunId(repo.location)) {
    // No manual run here: finish the agent sessions of this worktree instead (Claude Code hooks).
    const sessions = await sealPendingSessions(repo, { now: ctx.now(), force: true });
    if (sessions.length) {
      for (const o of sessions)
        ctx.err.write(o.sealed ? `sealed ${o.record.id}\n` : `${o.record.id} has no commit yet: pending\n`);
      if (argv.json) ctx.out.write(`${jsonText(sessions.map((o) => o.record))}\n`);
      return;
    }
  }
  let run = findRun(repo.location, argv.id);
  const paused = readPause(repo.location);
  if (paused && run.state === 'open') {
    // Finished while paused: the record must say its last stretch was not recorded.
    const to = ctx.now().toISOString();
    journalGap(repo.location, { from: paused.since || to, to, reason: paused.reason }, run.id);
    run = findRun(repo.location, run.id);
  }
  const outcome = await finishRun(repo, run, argv.status, ctx.now());
  const others = await attachPending(repo, ctx.now());
  if (argv.json) ctx.out.write(`${jsonText(outcome.record)}\n`);
  const n = outcome.record.repo.commits.length;
  ctx.err.write(
    outcome.sealed
      ? `sealed ${run.id} on ${n} commit${n === 1 ? '' : 's'} (${outcome.record.repo.end_commit?.slice(0, 12)})\n`
      : `${run.id} has no commit yet: pending, it will be attached to the next commit\n`,
  );
  for (const o of others) ctx.err.write(`attached pending run ${o.record.id}\n`);
}
