// `show [ID|REV]`: the review packet of a run (Markdown by default, HTML, or the record as JSON).
// A commit with several runs shows each.
import type { Argv } from 'yargs';
import type { RunRecord } from '../../record/schema.js';
import { renderPacket, renderPacketHtml } from '../../report/packet.js';
import type { Context } from '../context.js';
import { loadRecords, loadTemplate, rendered, runCommits } from '../report-input.js';

export const command = 'show [ref]';
export const describe = 'Print the review packet of a run (record ID or any commit of the run; default HEAD)';

export const builder = (y: Argv) =>
  y
    .positional('ref', { type: 'string', describe: 'record ID (prefix of 4+) or revision' })
    .option('format', { choices: ['md', 'json', 'html'] as const, default: 'md' })
    .option('json', { type: 'boolean', default: false, describe: 'same as --format json' });

interface ShowArgs {
  ref?: string;
  format: string;
  json: boolean;
}

export async function loadForShow(ctx: Context, ref: string | undefined): Promise<RunRecord[]> {
  return (await loadRecords(ctx, ref)).map((f) => f.record);
}

export async function handler(argv: ShowArgs, ctx: Context) {
  const found = await loadRecords(ctx, argv.ref);
  const records = found.map((f) => f.record);
  if (argv.json || argv.format === 'json') {
    ctx.out.write(`${JSON.stringify(records.length === 1 ? records[0] : records, null, 2)}\n`);
    return;
  }
  const repo = await ctx.repo();
  const template = loadTemplate(repo, 'packet.md');
  // Several runs on one commit share nothing but the commit: each gets its own commit order.
  const commits = found.length === 1 ? await runCommits(repo, found[0]!) : undefined;
  const render = argv.format === 'html' ? renderPacketHtml : renderPacket;
  ctx.out.write(rendered(template, () => render(records, template.text, { commits })));
}
