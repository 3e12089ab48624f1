// `note [ID] --rollback "…" | --boundary "…" | --text "…"`: add free-text facts to a run.
import type { Argv } from 'yargs';
import { addFact } from '../../capture/manual/amend.js';
import { UsageError } from '../../errors.js';
import { recordingOff } from '../../store/pause.js';
import type { Context } from '../context.js';

export const command = 'note [id]';
export const describe = 'Add a rollback note, a boundary or free text to a run';

export const builder = (y: Argv) =>
  y
    .positional('id', { type: 'string', describe: 'record ID (default: the open run here)' })
    .option('rollback', { type: 'string', describe: 'how to undo this run' })
    .option('boundary', { type: 'string', describe: 'a constraint the run was given' })
    .option('text', { type: 'string', describe: 'any other fact worth keeping' });

interface NoteArgs {
  id?: string;
  rollback?: string;
  boundary?: string;
  text?: string;
}

export async function handler(argv: NoteArgs, ctx: Context) {
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
  const id = await addFact(await ctx.repo(), argv.id, fact, ctx.now());
  ctx.err.write(`note recorded on ${id}\n`);
}
