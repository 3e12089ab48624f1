// `trailer FILE [SOURCE]`: add `Agent-Log: <id>` to a commit message (prepare-commit-msg hook).
import type { Argv } from 'yargs';
import { openSessionRunId } from '../../capture/claude-code/lazy.js';
import { addTrailer } from '../../git/setup.js';
import { activeRunId } from '../../store/runs.js';
import type { Context } from '../context.js';

export const command = 'trailer <file> [source]';
export const describe = false as unknown as string; // internal: the prepare-commit-msg hook calls it

export const builder = (y: Argv) =>
  y.positional('file', { type: 'string' }).positional('source', { type: 'string' });

export async function handler(argv: { file: string; source?: string }, ctx: Context) {
  try {
    const repo = await ctx.repo();
    const id = activeRunId(repo.location) ?? openSessionRunId(repo, ctx.env, ctx.now());
    if (id && argv.source !== 'merge') await addTrailer(repo.location, argv.file, `Agent-Log: ${id}`);
  } catch {
    // a commit must never fail because of us
  }
  return 0;
}
