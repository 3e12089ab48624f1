// `trailer FILE [SOURCE]`: add `Agent-Log: <id>` to a commit message (prepare-commit-msg hook).
import type { Argv } from 'yargs';
import { openSessionRunId } from '../../capture/claude-code/lazy.js';
import { addTrailer } from '../../git/setup.js';
import { activeRunId, listRuns } from '../../store/runs.js';
import type { Context } from '../context.js';

export const command = 'trailer <file> [source]';
export const describe = false as unknown as string; // internal: the prepare-commit-msg hook calls it

export const builder = (y: Argv) =>
  y.positional('file', { type: 'string' }).positional('source', { type: 'string' });

export async function handler(argv: { file: string; source?: string }, ctx: Context) {
  try {
    if (argv.source === 'merge') return 0;
    const repo = await ctx.repo();
    const loc = repo.location;
    // the open run (or the Claude Code session's), and finished runs of this worktree that this
    // commit will carry (post-commit attach)
    const open = activeRunId(loc) ?? openSessionRunId(repo, ctx.env, ctx.now());
    const pending = listRuns(loc).filter((r) => r.state === 'pending' && r.worktreeKey === loc.worktreeKey);
    const ids = [open, ...pending.map((r) => r.id)].filter((id): id is string => !!id);
    for (const id of new Set(ids)) await addTrailer(loc, argv.file, `Agent-Log: ${id}`);
  } catch {
    // a commit must never fail because of us
  }
  return 0;
}
