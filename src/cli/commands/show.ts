// `show [ID|REV]`: the review packet of a run (Markdown by default, or the record as JSON).
import type { Argv } from 'yargs';
import { sealStaleSessions } from '../../capture/claude-code/lazy.js';
import { unsealedRecords } from '../../capture/manual/session.js';
import type { RunRecord } from '../../record/schema.js';
import { renderSimplePacket } from '../../report/simple.js';
import { resolveRecords } from '../../store/read.js';
import { activeRunId } from '../../store/runs.js';
import type { Context } from '../context.js';

export const command = 'show [ref]';
export const describe = 'Print the review packet of a run (record ID or any commit of the run; default HEAD)';

export const builder = (y: Argv) =>
  y
    .positional('ref', { type: 'string', describe: 'record ID (prefix of 4+) or revision' })
    .option('format', { choices: ['md', 'json'] as const, default: 'md' })
    .option('json', { type: 'boolean', default: false, describe: 'same as --format json' });

interface ShowArgs {
  ref?: string;
  format: string;
  json: boolean;
}

export async function loadForShow(ctx: Context, ref: string | undefined): Promise<RunRecord[]> {
  const repo = await ctx.repo();
  await sealStaleSessions(repo, ctx);
  const unsealed = await unsealedRecords(repo);
  const warnings: string[] = [];
  const target = ref ?? activeRunId(repo.location) ?? 'HEAD';
  const found = await resolveRecords(repo, target, { unsealed, warnings });
  for (const w of warnings) ctx.warn(w);
  return found.map((f) => f.record);
}

export async function handler(argv: ShowArgs, ctx: Context) {
  const records = await loadForShow(ctx, argv.ref);
  if (argv.json || argv.format === 'json') {
    ctx.out.write(`${JSON.stringify(records.length === 1 ? records[0] : records, null, 2)}\n`);
    return;
  }
  ctx.out.write(records.map(renderSimplePacket).join('\n---\n\n'));
}
