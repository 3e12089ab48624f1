// `rollback ID`: print a reviewable bash script that undoes the run's own change, deciding at run time
// the way `revert` does. Prints only; running it is the reader's decision.
import type { Argv } from 'yargs';
import { shComment } from '../../report/escape.js';
import { renderRollbackScript } from '../../report/rollback.js';
import type { Context } from '../context.js';
import { loadOneRecord, loadTemplate, rendered } from '../report-input.js';
import { commitSetsOf } from '../revert-facts.js';

export const command = 'rollback <ref>';
export const describe = 'Print a bash script that rolls the run back (record ID or a commit of the run)';

export const builder = (y: Argv) =>
  y.positional('ref', {
    type: 'string',
    demandOption: true,
    describe: 'record ID (prefix of 4+) or revision',
  });

export async function handler(argv: { ref: string }, ctx: Context) {
  const stored = await loadOneRecord(ctx, argv.ref);
  const repo = await ctx.repo();
  const template = loadTemplate(repo, 'rollback.sh');
  const sets = await commitSetsOf(repo, stored);
  const commits = sets?.own.length ? sets.own : undefined;
  const original = sets?.original;
  let script = rendered(template, () =>
    renderRollbackScript(stored.record, template.text, { commits, original }),
  );
  if (template.override) {
    // Say where the script's code came from: the repository's template, not this tool.
    const note = `# Template: ${shComment(template.override)} (this repository's override; review it)\n`;
    script = script.startsWith('#!') ? script.replace(/^(#![^\n]*\n)/, `$1${note}`) : note + script;
  }
  ctx.out.write(script);
}
