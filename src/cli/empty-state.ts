// What `log` says on stderr when it has nothing to list: that no run is recorded here, and, when a
// remote's records are fetched but not merged, never fetched, or newer than the last fetch (commits
// here name runs with no record), the one command that brings them.
import type { GitEngine } from '../git/engine.js';
import { configGetAll, remotes } from '../git/setup.js';
import { trackingRef } from '../git/sync.js';
import type { Repo } from '../git/repo.js';
import { agentLogIds } from '../record/trailers.js';
import { NOTES_REF } from '../store/notes.js';
import type { Context } from './context.js';

/** How far back from HEAD (first parents) `log` looks for `Agent-Log:` trailers in its empty state. */
const TRAILER_DEPTH = 100;

export async function explainNoRuns(ctx: Context, repo: Repo): Promise<void> {
  ctx.err.write('no runs recorded in this repository\n');
  const ours = await repo.engine.readRef(NOTES_REF);
  const names = await remotes(repo.location);
  let hinted = false;
  const hint = (line: string) => {
    ctx.err.write(`hint: ${line}\n`);
    hinted = true;
  };
  for (const remote of names) {
    const tracking = trackingRef(remote, NOTES_REF);
    const theirs = await repo.engine.readRef(tracking);
    if (theirs) {
      if (!ours || !(await repo.engine.isAncestor(theirs, ours)))
        hint(`records fetched from ${remote} are not merged here: run \`git agent-log sync ${remote}\``);
      continue;
    }
    const fetches = await configGetAll(repo.location, `remote.${remote}.fetch`);
    if (fetches.some((f) => f.includes(NOTES_REF)))
      hint(`records on ${remote}, if any, are not fetched yet: run \`git fetch ${remote}\``);
    else
      hint(
        `records on ${remote}, if any, are not fetched: run \`git agent-log sync ${remote}\` ` +
          '(or `git agent-log init` to fetch them with every `git fetch`)',
      );
  }
  if (hinted) return;
  // Fetched and merged, yet commits here name runs: their records are newer than the last fetch,
  // or were sealed in a clone that never pushed them.
  const named = await commitsNamingRuns(repo.engine);
  if (!named) return;
  const what =
    named === 1
      ? '1 commit here names a run (Agent-Log: trailer) with no record'
      : `${named} commits here name runs (Agent-Log: trailers) with no record`;
  if (names.length === 1)
    hint(`${what}: run \`git fetch ${names[0]}\` or \`git agent-log sync ${names[0]}\``);
  else if (names.length) hint(`${what}: run \`git fetch --all\` or \`git agent-log sync REMOTE\``);
  else hint(`${what}: sealed in another clone and not shared with this one?`);
}

/** Recent commits (first parents from HEAD) whose message has an `Agent-Log:` trailer. */
async function commitsNamingRuns(engine: GitEngine): Promise<number> {
  let oid = (await engine.head()).commit;
  let count = 0;
  for (let i = 0; oid && i < TRAILER_DEPTH; i++) {
    const commit = await engine.readCommit(oid);
    if (agentLogIds(commit.message).length) count++;
    oid = commit.parents[0] ?? null;
  }
  return count;
}
