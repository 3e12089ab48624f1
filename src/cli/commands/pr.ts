// `pr [ID|REV]`: a pull-request body for the run (`gh pr create --body-file -`), ending with the
// record ID as a trailer line and an HTML comment so `adopt` finds the run after a squash merge.
import type { Argv } from 'yargs';
import { renderPrBody } from '../../report/packet.js';
import type { Context } from '../context.js';
import { loadRecords, loadTemplate, rendered, runCommits } from '../report-input.js';
import { displayText } from '../../record/display.js';

export const command = 'pr [ref]';
export const describe =
  'Print a pull-request body for a run (record ID or any commit of the run; default HEAD)';

export const builder = (y: Argv) =>
  y.positional('ref', { type: 'string', describe: 'record ID (prefix of 4+) or revision' });

export async function handler(argv: { ref?: string }, ctx: Context) {
  const found = await loadRecords(ctx, argv.ref);
  const repo = await ctx.repo();
  const template = loadTemplate(repo, 'pr.md');
  const bodies: string[] = [];
  for (const stored of found) {
    const commits = await runCommits(repo, stored);
    bodies.push(rendered(template, () => renderPrBody(stored.record, template.text, { commits })));
  }
  ctx.out.write(displayText(bodies.join('\n---\n\n')));
}
