// `sync [REMOTE]`: fetch and merge the remote's records, then push the records whose commits are
// published (on the remote); the others stay here and are listed.
import type { Argv } from 'yargs';
import { UsageError } from '../../errors.js';
import { defaultRemote } from '../../git/sync.js';
import { shareNotes } from '../../store/share.js';
import type { Context } from '../context.js';
import { jsonText } from '../../record/display.js';

export const command = 'sync [remote]';
export const describe = "Fetch and merge the remote's records; push those whose commits are published";

export const builder = (y: Argv) =>
  y
    .positional('remote', { type: 'string', describe: 'remote name (default: origin)' })
    .option('push', {
      type: 'boolean',
      default: true,
      describe: 'push after merging (--no-push to only fetch)',
    })
    .option('json', { type: 'boolean', default: false });

export async function handler(argv: { remote?: string; push: boolean; json: boolean }, ctx: Context) {
  const repo = await ctx.repo();
  const remote = argv.remote ?? (await defaultRemote(repo.location));
  if (!remote) throw new UsageError('this repository has no remote to sync with');
  const report = await shareNotes(repo, remote, { push: argv.push });
  if (argv.json) ctx.out.write(`${jsonText(report)}\n`);
  else {
    ctx.out.write(`agent-log: ${remote}: notes ${report.merge}, push ${report.push}\n`);
    if (report.held.length)
      ctx.out.write(
        `agent-log: not pushed (their commits are not on ${remote} yet): ${report.held.join(', ')}\n`,
      );
  }
}
