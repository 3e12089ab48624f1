// Whether the notes a `git fetch` brought are in our notes ref already, decided from the git
// directory alone: after the first fetch every clone of a team has refs/notes/remotes/…/agent-log,
// and the small read bundles would otherwise hand every read over to the full path (two git
// processes: for-each-ref and merge-base) only to learn that there is nothing to merge.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RepoLocation } from '../engine.js';
import { FETCHED_NOTES_REF } from '../sync.js';
import type { DirectReader } from './direct.js';

const PREFIX = 'refs/notes/remotes/';

/**
 * True when every fetched agent-log notes ref names `ours` or one of its ancestors within `limit`
 * commits (mergeFetchedNotes would find each up to date); false when one may not (not found in
 * that walk, a ref or object not read here): the caller takes the full path, which merges.
 */
export async function fetchedNotesMerged(
  reader: DirectReader,
  location: RepoLocation,
  ours: string | null | undefined,
  limit = 64,
): Promise<boolean> {
  const refs = fetchedRefNames(location.commonDir);
  if (refs === null) return false;
  const tips = new Set<string>();
  for (const ref of refs) {
    const tip = reader.readRef(ref);
    if (tip === undefined) return false;
    if (tip !== null) tips.add(tip);
  }
  if (tips.size === 0) return true;
  if (!ours) return false;
  // A walk back from ours, breadth first (a sync's merge names the fetched tip as a parent).
  tips.delete(ours);
  const seen = new Set([ours]);
  const queue = [ours];
  while (tips.size && queue.length && seen.size <= limit) {
    const obj = await reader.readObject(queue.shift()!);
    if (obj?.type !== 'commit') return false;
    const head = obj.content.toString('latin1', 0, obj.content.indexOf('\n\n'));
    for (const m of head.matchAll(/^parent ([0-9a-f]{40})$/gm)) {
      const parent = m[1]!;
      tips.delete(parent);
      if (!seen.has(parent)) {
        seen.add(parent);
        queue.push(parent);
      }
    }
  }
  return tips.size === 0;
}

/** Names of the fetched agent-log notes refs, loose and packed; null when they cannot be listed here. */
function fetchedRefNames(commonDir: string): string[] | null {
  const names = new Set<string>();
  const walk = (dir: string, prefix: string): boolean => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'ENOENT';
    }
    for (const e of entries) {
      const name = `${prefix}${e.name}`;
      if (e.isDirectory()) {
        if (!walk(join(dir, e.name), `${name}/`)) return false;
      } else if (!e.isFile())
        return false; // a symbolic link or anything odd: git decides
      else if (FETCHED_NOTES_REF.test(name)) names.add(name);
    }
    return true;
  };
  if (!walk(join(commonDir, 'refs', 'notes', 'remotes'), PREFIX)) return null;
  let packed = '';
  try {
    packed = readFileSync(join(commonDir, 'packed-refs'), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return null;
  }
  for (const line of packed.split('\n')) {
    const name = line.slice(41);
    if (line[40] === ' ' && name.startsWith(PREFIX) && FETCHED_NOTES_REF.test(name)) names.add(name);
  }
  return [...names];
}
