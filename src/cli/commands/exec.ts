// `exec -- CMD…`: run a command inside the current run and record it; exits with its exit code.

import { basename } from 'node:path';
import type { Argv } from 'yargs';
import { classifyCommand } from '../../capture/classify.js';
import { commandFacts, displayCommand, runCommand, tailText } from '../../capture/manual/exec.js';
import { decideExec } from '../../capture/guard/manual.js';
import { UsageError } from '../../errors.js';
import { repoRedactor } from '../../redact/config.js';
import { loadRepoConfig } from '../../store/config.js';
import { appendRunEvent, findRun } from '../../store/runs.js';
import { recordingOff } from '../../store/pause.js';
import type { Context } from '../context.js';

const KINDS = ['test', 'lint', 'typecheck', 'build', 'install', 'other'] as const;
type Kind = (typeof KINDS)[number];
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh']);

/**
 * `bash -c SCRIPT` (sh, zsh, dash, ksh; `-c` possibly with other flags, e.g. `-ec`): the script is
 * what ran, and it is recorded as an agent's shell tool records it, so the same rules (kind,
 * `|| true`, pipes without pipefail, narrowed filters) apply to it.
 */
export function shellScript(cmd: readonly string[]): string | null {
  if (cmd.length < 3 || !SHELLS.has(basename(cmd[0]!))) return null;
  return /^-[a-z]*c[a-z]*$/.test(cmd[1]!) ? cmd[2]! : null;
}

/** --kind, else a --check named after a kind (`--check test`), else the command's own kind, else the check's words. */
export function execKind(command: string, kind: string | undefined, check: string | undefined): Kind {
  if (kind) return kind as Kind;
  const named = check?.toLowerCase();
  if (named && (KINDS as readonly string[]).includes(named)) return named as Kind;
  const detected = classifyCommand(command);
  if (detected !== 'other' || !named) return detected;
  if (/\b(unit|e2e|integration|tests?|specs?)\b/.test(named)) return 'test';
  if (/lint/.test(named)) return 'lint';
  if (/type-?check|types|tsc/.test(named)) return 'typecheck';
  if (/build|compile/.test(named)) return 'build';
  return 'other';
}

export const command = 'exec';
/** Exit code when the guard refuses the command (it did not run): 126, the shell's "cannot execute". */
export const REFUSED_EXIT = 126;
export const describe =
  'Run a command inside the current run and record it (exit code, duration, output tail)';

export const builder = (y: Argv) =>
  y
    .option('check', { type: 'string', describe: 'name this command as a check (e.g. unit-tests)' })
    .option('kind', {
      choices: KINDS,
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
  // `git agent-log run` names its run for the commands the agent routes through exec.
  const run = findRun(repo.location, argv.run ?? (ctx.env.AGENT_LOG_RUN || undefined));
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
  const command = shellScript(cmd) ?? displayCommand(cmd);
  // Redact the whole tail window before cutting it; the same redactor then redacts the event, so the
  // line's counts include what the cut would have hidden.
  const redactor = repoRedactor(repo.location.worktree);
  const tail = tailText(result.outputTail, 4000, (t) => redactor.redact(t));
  appendRunEvent(
    repo.location,
    run.id,
    {
      ...commandFacts(result, command, ctx.cwd, repo.location.worktree),
      kind: execKind(command, argv.kind, argv.check),
      output_tail: tail.text,
      ...(tail.truncated ? { truncated: true } : {}),
      ...(argv.check ? { check: argv.check } : {}),
      ...(tree ? { tree } : {}),
    },
    { redactor },
  );
  return result.exitCode;
}
