// `exec -- CMD…`: run a command inside the current run and record it; exits with its exit code.

import { relative } from 'node:path';
import type { Argv } from 'yargs';
import { classifyCommand } from '../../capture/classify.js';
import { displayCommand, runCommand, tailText } from '../../capture/manual/exec.js';
import { decideExec } from '../../capture/guard/manual.js';
import { UsageError } from '../../errors.js';
import { loadRepoConfig } from '../../store/config.js';
import { appendRunEvent, findRun } from '../../store/runs.js';
import { recordingOff } from '../../store/pause.js';
import type { Context } from '../context.js';

export const command = 'exec';
/** Exit code when the guard refuses the command (it did not run): 126, the shell's "cannot execute". */
export const REFUSED_EXIT = 126;
export const describe =
  'Run a command inside the current run and record it (exit code, duration, output tail)';

export const builder = (y: Argv) =>
  y
    .option('check', { type: 'string', describe: 'name this command as a check (e.g. unit-tests)' })
    .option('kind', {
      choices: ['test', 'lint', 'typecheck', 'build', 'install', 'other'] as const,
      describe: 'override the detected kind',
    })
    .option('run', { type: 'string', describe: 'record ID of the run (default: the open run here)' })
    .parserConfiguration({ 'populate--': true })
    .usage('git agent-log exec [--check NAME] -- CMD [ARGS…]');

interface ExecArgs {
  check?: string;
  kind?: string;
  run?: string;
  '--'?: (string | number)[];
  _: (string | number)[];
}

export async function handler(argv: ExecArgs, ctx: Context): Promise<number> {
  const cmd = [...(argv['--'] ?? []), ...argv._.slice(1)].map(String);
  if (cmd.length === 0) throw new UsageError('no command given', 'usage: git agent-log exec -- npm test');
  const repo = await ctx.repo();
  const off = recordingOff(repo.location, ctx.env);
  if (off) {
    // Still run the command (the caller depends on it); record nothing about it.
    ctx.warn(`recording is off (${off}): this command is not recorded`);
    return (await runCommand(cmd, { out: ctx.out, err: ctx.err, cwd: ctx.cwd, env: ctx.env })).exitCode;
  }
  const run = findRun(repo.location, argv.run);
  if (run.state !== 'open') throw new UsageError(`run ${run.id} is finished`);
  const tree = await repo.engine.snapshotWorktree();
  const verdict = decideExec({
    runId: run.id,
    events: run.events,
    command: displayCommand(cmd),
    root: repo.location.worktree ?? ctx.cwd,
    commonDir: repo.location.commonDir,
    config: loadRepoConfig(repo.location.worktree),
    now: ctx.now(),
  });
  if (verdict) {
    appendRunEvent(repo.location, run.id, {
      type: 'guard',
      decision: 'refused',
      rule: verdict.rule,
      reason: verdict.reason,
      command: displayCommand(cmd),
    });
    ctx.err.write(`error: refused by the guard (${verdict.rule}): ${verdict.reason}\n`);
    return REFUSED_EXIT;
  }
  const result = await runCommand(cmd, { out: ctx.out, err: ctx.err, cwd: ctx.cwd, env: ctx.env });
  const command = displayCommand(cmd);
  const tail = tailText(result.outputTail);
  appendRunEvent(repo.location, run.id, {
    type: 'exec',
    command,
    cwd: repo.location.worktree ? relative(repo.location.worktree, ctx.cwd) || '.' : '.',
    started_at: result.startedAt,
    duration_ms: result.durationMs,
    exit_code: result.notFound ? 127 : result.exitCode,
    interrupted: result.interrupted,
    kind: argv.kind ?? classifyCommand(command),
    output_tail: tail.text,
    ...(tail.truncated ? { truncated: true } : {}),
    ...(argv.check ? { check: argv.check } : {}),
    ...(tree ? { tree } : {}),
  });
  return result.exitCode;
}
