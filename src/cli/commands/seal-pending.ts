// `seal-pending`: seal agent sessions that ended (internal: the SessionEnd hook spawns it detached,
// with stdio ignored, so the hook itself returns at once). Quiet mode never fails: errors go to the log.
import { appendFileSync } from 'node:fs';
import type { Argv } from 'yargs';
import { sealPendingSessions } from '../../capture/session/seal.js';
import { refreshMarks } from '../../capture/commit-runs.js';
import { errorLogPath } from '../../journal/paths.js';
import type { Context } from '../context.js';

export const command = 'seal-pending';
export const describe = false as unknown as string;

export const builder = (y: Argv) =>
  y
    .option('agent', { type: 'string', default: 'claude-code' })
    .option('session', { type: 'string', describe: 'only this session' })
    .option('quiet', { type: 'boolean', default: false });

interface Args {
  agent: string;
  session?: string;
  quiet: boolean;
}

export async function handler(argv: Args, ctx: Context) {
  let commonDir: string | null = null;
  try {
    const repo = await ctx.repo();
    commonDir = repo.location.commonDir;
    const done = await sealPendingSessions(repo, {
      sessionId: argv.session,
      agent: argv.agent,
      now: ctx.now(),
    });
    refreshMarks(repo.location, ctx.now());
    if (!argv.quiet)
      for (const o of done)
        ctx.err.write(o.sealed ? `sealed ${o.record.id}\n` : `${o.record.id} has no commit yet: pending\n`);
  } catch (e) {
    if (!argv.quiet) throw e;
    try {
      if (commonDir)
        appendFileSync(
          errorLogPath(commonDir),
          `${new Date().toISOString()} seal-pending: ${(e as Error).message}\n`,
        );
    } catch {
      // nowhere to write
    }
  }
  return 0;
}
