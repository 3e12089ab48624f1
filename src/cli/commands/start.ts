// `start`: open a run by hand (any agent or a person); prints only the new record ID.
import type { Argv } from 'yargs';
import { startRun } from '../../capture/manual/session.js';
import { previousAttempts, checkRetryAllowed } from '../attempts.js';
import { givenLimits } from '../../capture/guard/guard.js';
import { GRANTS, resolvePolicy } from '../../capture/guard/policy.js';
import { attemptsBrief } from '../../report/attempts.js';
import { loadRepoConfig } from '../../store/config.js';
import { appendRunEvent } from '../../store/runs.js';
import { RepoError, UsageError } from '../../errors.js';
import { recordingOff } from '../../store/pause.js';
import type { Context } from '../context.js';

export const command = 'start';
export const describe = 'Open a run in this worktree and print its record ID';

const LEVELS = ['read-only', 'edit', 'test', 'pr', 'deploy'] as const;

export const builder = (y: Argv) =>
  runOptions(y).option('task', {
    type: 'string',
    demandOption: true,
    describe: 'what the run is asked to do',
  });

/** Everything a run is given but its task (shared with `run`, where the task is optional). */
export const runOptions = (y: Argv) =>
  y
    .option('allow', {
      type: 'string',
      array: true,
      default: [],
      describe: 'glob of paths the run may change',
    })
    .option('deny', {
      type: 'string',
      array: true,
      default: [],
      describe: 'glob of paths the run must not change',
    })
    .option('level', { choices: LEVELS, describe: 'how far the run may go' })
    .option('constraint', { type: 'string', array: true, default: [], describe: 'a rule given to the run' })
    .option('agent', { type: 'string', describe: 'agent name (default: manual)' })
    .option('model', { type: 'string', describe: 'model the agent uses' })
    .option('grant', {
      choices: GRANTS,
      array: true,
      default: [],
      describe: 'a kind of change beyond the level',
    })
    .option('budget-usd', { type: 'number', describe: 'stop the run at this spend (USD)' })
    .option('max-tokens', { type: 'number', describe: 'stop the run at this many tokens' })
    .option('max-minutes', { type: 'number', describe: 'stop the run after this many minutes' })
    .option('max-attempts', { type: 'number', describe: 'refuse a new attempt at the task after this many' })
    .option('retry-of', { type: 'string', describe: 'record ID of the attempt this run follows' });

interface StartArgs {
  task: string;
  allow: string[];
  deny: string[];
  level?: string;
  constraint: string[];
  agent?: string;
  model?: string;
  grant: string[];
  budgetUsd?: number;
  maxTokens?: number;
  maxMinutes?: number;
  maxAttempts?: number;
  retryOf?: string;
}

export async function handler(argv: StartArgs, ctx: Context) {
  if (typeof argv.task !== 'string' || argv.task.trim() === '')
    throw new UsageError('--task must not be empty');
  const repo = await ctx.repo();
  if (repo.location.bare) throw new RepoError('start needs a working tree (this is a bare repository)');
  const off = recordingOff(repo.location, ctx.env);
  if (off) {
    ctx.warn(`recording is off (${off}): no run started`);
    return;
  }
  const guard: Record<string, unknown> = {};
  const limit = (flag: string, v: number | undefined, key: string) => {
    if (v === undefined) return;
    if (!Number.isFinite(v) || v < 0) throw new UsageError(`--${flag} must be a non-negative number`);
    guard[key] = v;
  };
  limit('budget-usd', argv.budgetUsd, 'usd_per_run');
  limit('max-tokens', argv.maxTokens, 'tokens_per_run');
  limit('max-minutes', argv.maxMinutes, 'max_minutes');
  limit('max-attempts', argv.maxAttempts, 'max_attempts');
  if (argv.level) guard.level = argv.level;
  if (argv.grant.length) guard.grants = argv.grant.map(String);
  if (argv.allow.length) guard.allow_paths = argv.allow.map(String);
  if (argv.deny.length) guard.deny_paths = argv.deny.map(String);
  const attempt = await previousAttempts(ctx, repo, argv.retryOf);
  if (attempt) {
    const policy = resolvePolicy({ config: loadRepoConfig(repo.location.worktree), run: guard });
    checkRetryAllowed(policy, attempt, repo.location.commonDir);
    guard.prior = {
      attempts: attempt.chain.length,
      task_usd: attempt.chain.reduce((a, r) => a + (r.cost?.usd ?? 0), 0),
    };
    ctx.err.write(
      `attempt ${attempt.chain.length + 1} of this task; earlier attempts:\n${attemptsBrief(attempt.chain)}\n`,
    );
  }
  const id = await startRun(repo, {
    task: argv.task.trim(),
    allow: argv.allow.map(String),
    deny: argv.deny.map(String),
    level: argv.level ?? null,
    constraints: argv.constraint.map(String),
    agent: argv.agent,
    model: argv.model,
    ...(Object.keys(guard).length ? { guard } : {}),
  });
  const policy = resolvePolicy({ config: loadRepoConfig(repo.location.worktree), run: guard });
  if (policy)
    appendRunEvent(repo.location, id, { type: 'guard', decision: 'policy', policy: givenLimits(policy) });
  if (attempt)
    appendRunEvent(repo.location, id, {
      type: 'guard',
      decision: 'attempt',
      attempt_of: attempt.previous.id,
    });
  ctx.out.write(`${id}\n`);
}
