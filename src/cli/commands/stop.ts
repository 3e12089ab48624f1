// `stop [ID] --reason …`: the human kill switch. The run's next tool call is refused (from any
// terminal: the hook reads the run's control file before every decision).
import type { Argv } from 'yargs';
import { liveRuns, resolveGuardRun, writeControl } from '../../capture/guard/runs.js';
import { NotFoundError, UsageError } from '../../errors.js';
import { repoRedactor } from '../../redact/config.js';
import type { Context } from '../context.js';
import { actingPerson } from '../acting-person.js';

export const command = 'stop [id]';
export const describe = "Stop a run: its agent's next tool call is refused";

export const builder = (y: Argv) =>
  y
    .positional('id', { type: 'string', describe: 'record ID (default: every live run in this worktree)' })
    .option('reason', { type: 'string', demandOption: true, describe: 'why, in a line the agent will see' })
    .option('by', { type: 'string', describe: 'who stops it (default: git user.name)' });

interface StopArgs {
  id?: string;
  reason: string;
  by?: string;
}

export async function handler(argv: StopArgs, ctx: Context) {
  const reason = String(argv.reason ?? '').trim();
  if (!reason) throw new UsageError('--reason must say why');
  const repo = await ctx.repo();
  const ids = argv.id ? [await resolveGuardRun(repo, String(argv.id))] : liveRuns(repo, ctx.now());
  if (ids.length === 0)
    throw new NotFoundError('no live run in this worktree', 'name one: git agent-log stop ID --reason "…"');
  const by = await actingPerson(repo, argv.by);
  const redactor = repoRedactor(repo.location.worktree);
  for (const id of ids) {
    writeControl(repo, id, { type: 'stop', reason: redactor.redact(reason), by: by ?? null }, ctx.now());
    ctx.out.write(`${id}\n`);
  }
  ctx.err.write(
    `stopped ${ids.length === 1 ? ids[0] : `${ids.length} runs`}: the next tool call is refused\n`,
  );
}
