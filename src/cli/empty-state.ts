// What `log` says on stderr when it has nothing to list: that no run is recorded here, and, when a
// remote's records are fetched but not merged (or never fetched), the one command that brings them.
import { configGetAll, remotes } from '../git/setup.js';
import { trackingRef } from '../git/sync.js';
import type { Repo } from '../git/repo.js';
import { NOTES_REF } from '../store/notes.js';
import type { Context } from './context.js';

export async function explainNoRuns(ctx: Context, repo: Repo): Promise<void> {
  ctx.err.write('no runs recorded in this repository\n');
  const ours = await repo.engine.readRef(NOTES_REF);
  for (const remote of await remotes(repo.location)) {
    const tracking = trackingRef(remote, NOTES_REF);
    const theirs = await repo.engine.readRef(tracking);
    if (theirs) {
      if (!ours || !(await repo.engine.isAncestor(theirs, ours)))
        ctx.err.write(
          `hint: records fetched from ${remote} are not merged here: run \`git agent-log sync ${remote}\`\n`,
        );
      continue;
    }
    const fetches = await configGetAll(repo.location, `remote.${remote}.fetch`);
    if (!fetches.some((f) => f.includes(NOTES_REF)))
      ctx.err.write(
        `hint: records on ${remote}, if any, are not fetched: run \`git agent-log sync ${remote}\` ` +
          '(or `git agent-log init` to fetch them with every `git fetch`)\n',
      );
  }
}
