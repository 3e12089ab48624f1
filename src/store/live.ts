// Which copy of a record is the one to build on. After a rebase, notes.rewriteRef leaves the same
// full line on the orphaned commit and on the live one; facts added later must go to the live one,
// or `reflog expire` + `gc --prune=now` + `git notes prune` would take them with the orphan.
import type { GitEngine } from '../git/engine.js';
import { notesTree, readNoteBody } from './notes.js';
import type { StoredRecord } from './read.js';
import { fullLineIds } from './seal-plan.js';
import { notesTip } from './notes-tip.js';

/**
 * Point each record's `commit` at a live commit (reachable from HEAD, a branch or a tag) carrying its
 * full line, when the one the index chose (by hash order) is not live. One git call per record with
 * several commits whose chosen commit is live; more only after a rebase.
 */
export async function preferLiveCommits(engine: GitEngine, records: StoredRecord[]): Promise<StoredRecord[]> {
  let tree: string | null | undefined;
  for (const s of records) {
    if (!s.commit || s.commits.length < 2 || (await engine.isReachable(s.commit))) continue;
    tree ??= await notesTree(engine, await notesTip(engine));
    for (const c of s.commits) {
      if (c === s.commit || !(await engine.isReachable(c))) continue;
      if (fullLineIds(await readNoteBody(engine, tree, c)).has(s.record.id)) {
        s.commit = c;
        break;
      }
    }
  }
  return records;
}
