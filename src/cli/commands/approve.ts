// `approve [ID] [--by NAME] --for SCOPE [--sign]`: record a human approval (or, with --deny, a
// refusal). The approver defaults to the git identity, whose email is recorded too; `--sign` signs
// the approval with the user's git signing key (gpg.format ssh or openpgp), as `git commit -S` would.
import type { Argv } from 'yargs';
import { addFact } from '../../capture/manual/amend.js';
import { recordReview } from '../../capture/guard/runs.js';
import { NotFoundError, UsageError } from '../../errors.js';
import { gitSigner } from '../../git/signing.js';
import { recordingOff } from '../../store/pause.js';
import type { Context } from '../context.js';

export const command = 'approve [id]';
export const describe = 'Record a human approval (or --deny) for a run';

export const builder = (y: Argv) =>
  y
    .positional('id', { type: 'string', describe: 'record ID (default: the open run here)' })
    .option('by', { type: 'string', describe: 'who decided (default: your git user.name)' })
    .option('for', {
      type: 'string',
      demandOption: true,
      describe: 'what was approved, e.g. "PR creation", "boundary:README.md", "check:lint"',
    })
    .option('note', { type: 'string', describe: 'a remark, e.g. "deployment not approved"' })
    .option('deny', { type: 'boolean', default: false, describe: 'record a refusal instead' })
    .option('sign', {
      type: 'boolean',
      default: false,
      describe: 'sign the approval with your git signing key (user.signingkey, gpg.format)',
    });

interface ApproveArgs {
  id?: string;
  by?: string;
  for: string;
  note?: string;
  deny: boolean;
  sign: boolean;
}

export async function handler(argv: ApproveArgs, ctx: Context) {
  if (argv.by !== undefined && !String(argv.by).trim()) throw new UsageError('--by must name a person');
  if (!String(argv.for).trim()) throw new UsageError('--for must say what is approved');
  const repo = await ctx.repo();
  const off = recordingOff(repo.location, ctx.env);
  if (off) {
    ctx.warn(`recording is off (${off}): ${argv.deny ? 'denial' : 'approval'} not recorded`);
    return;
  }
  const sign = argv.sign ? await gitSigner(repo.engine) : undefined;
  const approval = {
    by: argv.by === undefined ? (await repo.engine.identity()).name : String(argv.by).trim(),
    scope: String(argv.for).trim(),
    decision: argv.deny ? ('denied' as const) : ('approved' as const),
    note: argv.note ?? null,
  };
  const fact = {
    type: 'approve' as const,
    ...approval,
    by: argv.by === undefined ? null : approval.by,
    ...(sign ? { sign } : {}),
  };
  let id: string | null;
  try {
    id = await addFact(repo, argv.id, fact, ctx.now());
    await recordReview(repo, id, approval, true, ctx.now());
  } catch (e) {
    // a live agent run has no journal of its own: the approval waits in its control file for the seal
    if (!(e instanceof NotFoundError) || !argv.id) throw e;
    id = await recordReview(repo, argv.id, approval, false, ctx.now());
  }
  ctx.err.write(`${argv.deny ? 'denial' : 'approval'} recorded on ${id}${sign ? ' (signed)' : ''}\n`);
}
