// `allow ID --rule R --by NAME`: a human lifts one guard rule (or a stop) for a run. Recorded as an
// approval of the run, and as an override in its limits.
import type { Argv } from 'yargs';
import { resolveGuardRun, writeControl } from '../../capture/guard/runs.js';
import { UsageError } from '../../errors.js';
import { repoRedactor } from '../../redact/config.js';
import type { Context } from '../context.js';
import { actingPerson } from '../acting-person.js';

export const command = 'allow <id>';
export const describe = 'Override a guard rule (or a stop) for a run, as a recorded approval';

export const builder = (y: Argv) =>
  y
    .positional('id', { type: 'string', describe: 'record ID' })
    .option('rule', {
      type: 'string',
      demandOption: true,
      describe:
        'rule to lift: stop, budget.usd_per_run, retries.same_check, scope.denied_path, attempts … (a prefix lifts a family)',
    })
    .option('by', { type: 'string', describe: 'who allows it (default: git user.name)' })
    .option('note', { type: 'string', describe: 'why' });

interface AllowArgs {
  id: string;
  rule: string;
  by?: string;
  note?: string;
}

const RULE = /^[a-z][a-z_]*(\.[a-z_]+)*$/;

export async function handler(argv: AllowArgs, ctx: Context) {
  const rule = String(argv.rule ?? '').trim();
  if (!RULE.test(rule))
    throw new UsageError(`--rule must name a guard rule (like retries.same_check), not '${rule}'`);
  const repo = await ctx.repo();
  const id = await resolveGuardRun(repo, String(argv.id));
  const by = await actingPerson(repo, argv.by);
  if (!by) throw new UsageError('--by must name a person (no git user.name is set)');
  const redactor = repoRedactor(repo.location.worktree);
  writeControl(
    repo,
    id,
    { type: 'allow', rule, by: redactor.redact(by), note: argv.note ? redactor.redact(argv.note) : null },
    ctx.now(),
  );
  ctx.err.write(`override recorded on ${id}: ${rule} allowed by ${by}\n`);
}
