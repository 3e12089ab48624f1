// `run [--task …] -- CMD…`: record any agent on day one. Opens a run (the options of `start`), hands
// the terminal to the agent process, and when it exits records that process (command, exit status,
// duration) and seals the run: completed on exit 0, failed otherwise, abandoned when a signal
// (Ctrl-C) ended it; an agent that cannot be started leaves no run. Commands the agent routes
// through `git agent-log exec` join the run, as do its commits; files it changed are found by the
// diff, as for a manual run. Exits with the agent's code.
import { basename } from 'node:path';
import { Writable } from 'node:stream';
import type { Argv } from 'yargs';
import { commandFacts, displayCommand, runCommand } from '../../capture/manual/exec.js';
import { UsageError } from '../../errors.js';
import { appendRunEvent, discardRun } from '../../store/runs.js';
import type { Context } from '../context.js';
import { handler as finish } from './finish.js';
import { runOptions, handler as start } from './start.js';

export const command = 'run';
export const describe =
  'Record a whole agent process: start a run, run the agent, seal the run when it exits';

export const builder = (y: Argv) =>
  runOptions(y)
    .option('task', { type: 'string', describe: 'what the agent is asked to do (default: the command line)' })
    .option('agent', { type: 'string', describe: "agent name (default: the command's name)" })
    .parserConfiguration({ 'populate--': true })
    .usage('git agent-log run [--task "…"] [--agent NAME] [--allow GLOB…] -- AGENT [ARGS…]');

type RunArgs = Omit<Parameters<typeof start>[0], 'task'> & {
  task?: string;
  '--'?: (string | number)[];
  _: (string | number)[];
};

export async function handler(argv: RunArgs, ctx: Context): Promise<number> {
  const cmd = [...(argv['--'] ?? []), ...argv._.slice(1)].map(String);
  if (cmd.length === 0)
    throw new UsageError(
      'no agent command given',
      'usage: git agent-log run --task "fix the flaky test" -- my-agent',
    );
  const line = displayCommand(cmd);
  const agent = argv.agent ?? basename(cmd[0]!.split(/\s/)[0]!);
  let printed = '';
  const capture = new Writable({
    write(chunk: Buffer, _enc, done) {
      printed += chunk.toString();
      done();
    },
  });
  await start({ ...argv, task: argv.task ?? line, agent } as Parameters<typeof start>[0], {
    ...ctx,
    out: capture,
  });
  const id = printed.trim();
  const io = { out: ctx.out, err: ctx.err, cwd: ctx.cwd, inheritOutput: true };
  if (!id) return (await runCommand(cmd, { ...io, env: ctx.env })).exitCode; // recording is off: run it unrecorded

  ctx.err.write(`agent-log: run ${id} (${agent})\n`);
  const result = await runCommand(cmd, { ...io, env: { ...ctx.env, AGENT_LOG_RUN: id } });
  const repo = await ctx.repo();
  // A typo in the agent's name is not a run: no pending run should wait for a commit that never comes.
  if (result.notFound) {
    discardRun(repo.location, id);
    return result.exitCode;
  }
  appendRunEvent(repo.location, id, {
    ...commandFacts(result, line, ctx.cwd, repo.location.worktree),
    kind: 'other',
  });
  const status =
    result.signal || result.interrupted ? 'abandoned' : result.exitCode === 0 ? 'completed' : 'failed';
  await finish({ id, status, json: false }, ctx);
  return result.exitCode;
}
