// `attach`: attach finished runs waiting for a commit (called by the post-commit hook; quiet, never fails).
import type { Argv } from 'yargs';
import { sealPendingSessions } from '../../capture/session/seal.js';
import { refreshMarks } from '../../capture/commit-runs.js';
import { attachPending } from '../../capture/manual/session.js';
import { recordingOff } from '../../store/pause.js';
import type { Context } from '../context.js';

export const command = 'attach';
export const describe = false as unknown as string; // internal: the post-commit hook calls it

export const builder = (y: Argv) => y.option('quiet', { type: 'boolean', default: false });

export async function handler(argv: { quiet: boolean }, ctx: Context) {
  try {
    if (recordingOff((await ctx.repo()).location, ctx.env)) return 0;
    const done = await attachPending(await ctx.repo(), ctx.now());
    if (!argv.quiet) for (const o of done) ctx.err.write(`attached ${o.record.id}\n`);
    const sessions = await sealPendingSessions(await ctx.repo(), { now: ctx.now() });
    if (!argv.quiet) for (const o of sessions) if (o.sealed) ctx.err.write(`attached ${o.record.id}\n`);
  } catch (e) {
    if (!argv.quiet) throw e;
  } finally {
    // what is left waiting decides whether the next commit starts Node at all
    await ctx.repo().then(
      (r) => refreshMarks(r.location, ctx.now()),
      () => {},
    );
  }
  return 0;
}
