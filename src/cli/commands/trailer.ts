// `trailer FILE [SOURCE]`: add `Agent-Log: <id>` to a commit message (prepare-commit-msg hook).
// The git hook itself runs the same logic through the fast path (../git-hook-entry.ts).
import type { Argv } from 'yargs';
import { commitRunIds } from '../../capture/commit-runs.js';
import { addTrailer, stagedPaths } from '../../git/setup.js';
import type { Context } from '../context.js';

export const command = 'trailer <file> [source]';
export const describe = false as unknown as string; // internal: the prepare-commit-msg hook calls it

export const builder = (y: Argv) =>
  y.positional('file', { type: 'string' }).positional('source', { type: 'string' });

export async function handler(argv: { file: string; source?: string }, ctx: Context) {
  try {
    if (argv.source === 'merge' || argv.source === 'commit') return 0;
    const loc = (await ctx.repo()).location;
    const staged = await stagedPaths(loc);
    for (const id of commitRunIds(loc, ctx.env, ctx.now(), () => staged))
      await addTrailer(loc, argv.file, `Agent-Log: ${id}`);
  } catch {
    // a commit must never fail because of us
  }
  return 0;
}
