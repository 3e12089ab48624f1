// `note [ID] --rollback "…" | --boundary "…" | --text "…"`: add free-text facts to a run.
// `note ID --status failed --reason "…"`: a sealed run's outcome changed after the fact.
import type { Argv } from 'yargs';
import { addFact } from '../../capture/manual/amend.js';
import { recordReview } from '../../capture/guard/runs.js';
import { NotFoundError, UsageError } from '../../errors.js';
import { recordingOff } from '../../store/pause.js';
import type { Context } from '../context.js';

export const command = 'note [id]';
export const describe = 'Add a rollback note, a boundary or free text to a run';

export const builder = (y: Argv) =>
  y
    .positional('id', { type: 'string', describe: 'record ID (default: the open run here)' })
    .option('rollback', { type: 'string', describe: 'how to undo this run' })
    .option('boundary', { type: 'string', describe: 'a constraint the run was given' })
    .option('text', { type: 'string', describe: 'any other fact worth keeping' })
    .option('status', {
      choices: ['completed', 'failed', 'abandoned'] as const,
      describe: "a sealed run's outcome changed (e.g. it broke production)",
    })
    .option('reason', { type: 'string', describe: 'why the status changed (with --status)' });

interface NoteArgs {
  id?: string;
  rollback?: string;
  boundary?: string;
  text?: string;
  status?: string;
  reason?: string;
}

export async function handler(argv: NoteArgs, ctx: Context) {
  if (argv.reason !== undefined && !argv.status) throw new UsageError('--reason goes with --status');
  if (argv.status) {
    if (argv.rollback || argv.boundary || argv.text)
      throw new UsageError('--status is recorded on its own; add other notes in a second call');
    if (!argv.id) throw new UsageError('--status needs the record ID of a sealed run');
    const repo = await ctx.repo();
    const off = recordingOff(repo.location, ctx.env);
    if (off) {
      ctx.warn(`recording is off (${off}): status not recorded`);
      return;
    }
    const status = { type: 'status' as const, status: argv.status, reason: argv.reason ?? null };
    const id = await addFact(repo, argv.id, status, ctx.now());
    ctx.err.write(`status of ${id} is now ${argv.status}\n`);
    return;
  }
  const fact = {
    type: 'note' as const,
    ...(argv.rollback ? { rollback: String(argv.rollback) } : {}),
    ...(argv.boundary ? { boundary: String(argv.boundary) } : {}),
    ...(argv.text ? { text: String(argv.text) } : {}),
  };
  if (Object.keys(fact).length === 1) throw new UsageError('give --rollback, --boundary or --text');
  const off = recordingOff((await ctx.repo()).location, ctx.env);
  if (off) {
    ctx.warn(`recording is off (${off}): note not recorded`);
    return;
  }
  const repo = await ctx.repo();
  const text = argv.text ?? argv.rollback ?? argv.boundary ?? null;
  let id: string | null;
  try {
    id = await addFact(repo, argv.id, fact, ctx.now());
    await recordReview(repo, id, { note: text }, true, ctx.now());
  } catch (e) {
    // a live agent run has no journal of its own: the note waits in its control file for the seal
    if (!(e instanceof NotFoundError) || !argv.id) throw e;
    id = await recordReview(repo, argv.id, { note: text }, false, ctx.now());
  }
  ctx.err.write(`note recorded on ${id}\n`);
}
