// `session-snapshot`: record the working tree at a session's start (internal: the hook spawns it
// detached at SessionStart). Files that were already dirty then are not the agent's doing; without
// this snapshot the seal could only diff from the HEAD commit.
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { appendEvent, nowIso } from '../../journal/journal.js';
import { sessionsDir } from '../../journal/paths.js';
import type { Context } from '../context.js';

export const command = 'session-snapshot';
export const describe = false as unknown as string;

export const builder = (y: Argv) =>
  y
    .option('agent', { type: 'string', default: 'claude-code' })
    .option('session', { type: 'string', demandOption: true });

export async function handler(argv: { agent: string; session: string }, ctx: Context) {
  try {
    const repo = await ctx.repo();
    const head = await repo.engine.head();
    const tree = await repo.engine.snapshotWorktree();
    if (!tree) return 0;
    const file = join(
      sessionsDir(repo.location.commonDir, argv.agent),
      `${argv.session.replace(/[^A-Za-z0-9._-]/g, '_')}.jsonl`,
    );
    appendEvent(file, { v: 1, t: nowIso(), type: 'snapshot', tree, commit: head.commit });
  } catch {
    // best effort: the seal falls back to the start commit's tree
  }
  return 0;
}
