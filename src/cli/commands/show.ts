// `show [ID|REV]`: the review packet of a run (Markdown by default, HTML, or the record as JSON).
// A commit with several runs shows each. On a terminal the Markdown is rendered for it (and paged);
// `--format md` or a pipe gives the Markdown itself.
import type { Argv } from 'yargs';
import type { RunRecord } from '../../record/schema.js';
import { COLOR_CHOICES, colorOn, onTerminal, terminalWidth } from '../color.js';
import type { Context } from '../context.js';
import { oneFormat } from '../format-choice.js';
import { loadRecords, loadTemplate, rendered, runCommits } from '../report-input.js';
import { displayText, jsonText } from '../../record/display.js';

export const command = 'show [ref]';
export const describe = 'Print the review packet of a run (record ID or any commit of the run; default HEAD)';

export const builder = (y: Argv) =>
  y
    .positional('ref', { type: 'string', describe: 'record ID (prefix of 4+) or revision' })
    .option('format', {
      choices: ['md', 'json', 'html'] as const,
      describe: 'md (default; rendered for a terminal unless given), json or html',
    })
    .option('json', { type: 'boolean', default: false, describe: 'same as --format json' })
    .option('pager', {
      type: 'boolean',
      default: true,
      describe: 'page long output on a terminal; --no-pager: never',
    })
    .option('color', {
      choices: COLOR_CHOICES,
      describe:
        'colour: auto (a terminal, unless NO_COLOR or git color.ui never), always or never; --no-color',
    });

interface ShowArgs {
  ref?: string;
  format?: string;
  json: boolean;
  pager: boolean;
  color?: string;
}

export async function loadForShow(ctx: Context, ref: string | undefined): Promise<RunRecord[]> {
  return (await loadRecords(ctx, ref)).map((f) => f.record);
}

export async function handler(argv: ShowArgs, ctx: Context) {
  oneFormat('show', argv);
  const found = await loadRecords(ctx, argv.ref);
  const records = found.map((f) => f.record);
  if (argv.json || argv.format === 'json') {
    ctx.out.write(`${jsonText(records.length === 1 ? records[0] : records)}\n`);
    return;
  }
  // The renderers (markdown-it among them) load only when a packet is rendered: `--json` needs none.
  const { renderPacket, renderPacketHtml } = await import('../../report/packet.js');
  const repo = await ctx.repo();
  const template = loadTemplate(repo, 'packet.md');
  // Several runs on one commit share nothing but the commit: each gets its own commit order.
  const commits = found.length === 1 ? await runCommits(repo, found[0]!) : undefined;
  const render = argv.format === 'html' ? renderPacketHtml : renderPacket;
  const text = rendered(template, () => render(records, template.text, { commits }));
  if (argv.format !== undefined || !onTerminal(ctx)) {
    ctx.out.write(displayText(text));
    return;
  }
  const color = colorOn(ctx, argv.color);
  const [{ renderForTerminal }, { writePaged }] = await Promise.all([
    import('../../report/terminal.js'),
    import('../pager.js'),
  ]);
  await writePaged(ctx, renderForTerminal(text, { color, width: terminalWidth(ctx, 80) }), !argv.pager);
}
