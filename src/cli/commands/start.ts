// `start`: open a run by hand (any agent or a person); prints only the new record ID.
import type { Argv } from 'yargs';
import { startRun } from '../../capture/manual/session.js';
import { UsageError } from '../../errors.js';
import { recordingOff } from '../../store/pause.js';
import type { Context } from '../context.js';

export const command = 'start';
export const describe = 'Open a run in this worktree and print its record ID';

const LEVELS = ['read-only', 'edit', 'test', 'pr', 'deploy'] as const;

export const builder = (y: Argv) =>
  y
    .option('task', { type: 'string', demandOption: true, describe: 'what the run is asked to do' })
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
    .option('model', { type: 'string', describe: 'model the agent uses' });

interface StartArgs {
  task: string;
  allow: string[];
  deny: string[];
  level?: string;
  constraint: string[];
  agent?: string;
  model?: string;
}

export async function handler(argv: StartArgs, ctx: Context) {
  if (typeof argv.task !== 'string' || argv.task.trim() === '')
    throw new UsageError('--task must not be empty');
  const repo = await ctx.repo();
  const off = recordingOff(repo.location, ctx.env);
  if (off) {
    ctx.warn(`recording is off (${off}): no run started`);
    return;
  }
  const id = await startRun(repo, {
    task: argv.task.trim(),
    allow: argv.allow.map(String),
    deny: argv.deny.map(String),
    level: argv.level ?? null,
    constraints: argv.constraint.map(String),
    agent: argv.agent,
    model: argv.model,
  });
  ctx.out.write(`${id}\n`);
}
