// `pr [ID|REV]`: a pull-request body for the run (`gh pr create --body-file -`), ending with the
// record ID as a trailer line and an HTML comment so `adopt` finds the run after a squash merge.
import type { Argv } from 'yargs';
import { renderPrBody } from '../../report/packet.js';
import { NotFoundError } from '../../errors.js';
import type { Context } from '../context.js';
import { isRange, recordsInRange } from '../range.js';
import { loadRecords, loadTemplate, rendered, runCommits } from '../report-input.js';
import { displayText } from '../../record/display.js';

export const command = 'pr [ref]';
export const describe =
  'Print a pull-request body for a run (record ID or any commit of the run; default HEAD), or for every run in a range A..B';

export const builder = (y: Argv) =>
  y.positional('ref', {
    type: 'string',
    describe: 'record ID (prefix of 4+), revision, or range A..B (the runs of a pull request)',
  });

export async function handler(argv: { ref?: string }, ctx: Context) {
  const repo = await ctx.repo();
  let found;
  if (argv.ref && isRange(argv.ref)) {
    const range = await recordsInRange(repo, argv.ref);
    for (const w of range.warnings) ctx.warn(w);
    if (range.records.length === 0) throw new NotFoundError(`no agent runs in ${argv.ref}`);
    found = range.records;
  } else found = await loadRecords(ctx, argv.ref);
  const template = loadTemplate(repo, 'pr.md');
  const bodies: string[] = [];
  for (const stored of found) {
    const commits = await runCommits(repo, stored);
    bodies.push(rendered(template, () => renderPrBody(stored.record, template.text, { commits })));
  }
  ctx.out.write(displayText(bodies.join('\n---\n\n')));
}
