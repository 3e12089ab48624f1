// `finish [ID] [--status …] [--commit REV]`: seal the run into notes on its commits (or keep it
// pending). With no ID and no open run it recovers what an interrupted finish left: finished runs of
// this worktree whose seal did not complete are sealed now (or reported as still pending).
import type { Argv } from 'yargs';
import { sealPendingSessions } from '../../capture/session/seal.js';
import { refreshMarks } from '../../capture/commit-runs.js';
import { attachPending, finishRun, sealRun } from '../../capture/manual/session.js';
import { UsageError } from '../../errors.js';
import { activeRunId, findRun, listRuns, type RunJournal } from '../../store/runs.js';
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
    .option('commit', {
      type: 'string',
      describe: 'attach the run to this commit (a run whose change was committed without evidence)',
    })
    .option('json', { type: 'boolean', default: false, describe: 'print the record' });

interface FinishArgs {
  id?: string;
  status: string;
  commit?: string;
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
  const here = repo.location.worktreeKey;
  const pendingHere = () =>
    listRuns(repo.location).filter((r) => r.state === 'pending' && r.worktreeKey === here);
  let attachTo: string[] | undefined;
  if (argv.commit !== undefined) {
    const oid = await repo.engine.resolve(`${argv.commit}^{commit}`);
    if (!oid || argv.commit.startsWith('-'))
      throw new UsageError(`--commit: unknown revision '${argv.commit}'`);
    attachTo = [oid];
  }
  if (!argv.id && !activeRunId(repo.location)) {
    if (attachTo) {
      // No open run: `--commit` names the one finished run of this worktree that waits for a commit.
      const waiting = pendingHere();
      if (waiting.length !== 1)
        throw new UsageError(
          waiting.length
            ? `${waiting.length} runs wait for a commit here: ${waiting.map((r) => r.id).join(', ')}`
            : 'no run waits for a commit in this worktree',
          waiting.length ? 'name one: git agent-log finish ID --commit REV' : undefined,
        );
      return report(
        ctx,
        argv,
        waiting[0]!,
        await sealRun(repo, waiting[0]!, ctx.now(), { commits: attachTo }),
      );
    }
    // An interrupted finish leaves a finished run unsealed: seal it now (idempotent).
    const recovered = await attachPending(repo, ctx.now());
    for (const o of recovered) ctx.err.write(`sealed ${o.record.id} (its earlier finish did not complete)\n`);
    // Then the agent sessions of this worktree (Claude Code hooks).
    const sessions = await sealPendingSessions(repo, { now: ctx.now(), force: true });
    for (const o of sessions)
      ctx.err.write(o.sealed ? `sealed ${o.record.id}\n` : `${o.record.id} has no commit yet: pending\n`);
    const waiting = pendingHere();
    for (const r of waiting)
      ctx.err.write(
        `${r.id} is finished and waits for a commit that carries its change (or: finish ${r.id} --commit REV)\n`,
      );
    if (recovered.length || sessions.length || waiting.length) {
      if (argv.json) ctx.out.write(`${jsonText([...recovered, ...sessions].map((o) => o.record))}\n`);
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
  if (attachTo && run.state === 'pending') {
    return report(ctx, argv, run, await sealRun(repo, run, ctx.now(), { commits: attachTo }));
  }
  const outcome = await finishRun(repo, run, argv.status, ctx.now(), attachTo);
  const others = await attachPending(repo, ctx.now());
  report(ctx, argv, run, outcome);
  for (const o of others) ctx.err.write(`attached pending run ${o.record.id}\n`);
}

function report(
  ctx: Context,
  argv: FinishArgs,
  run: RunJournal,
  outcome: Awaited<ReturnType<typeof finishRun>>,
) {
  if (argv.json) ctx.out.write(`${jsonText(outcome.record)}\n`);
  const n = outcome.record.repo.commits.length;
  ctx.err.write(
    outcome.sealed
      ? `sealed ${run.id} on ${n} commit${n === 1 ? '' : 's'} (${outcome.record.repo.end_commit?.slice(0, 12)})\n`
      : `${run.id} has no commit yet: pending; a commit that changes its files will take it (or: finish ${run.id} --commit REV)\n`,
  );
}
