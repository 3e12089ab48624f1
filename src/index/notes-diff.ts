// Which notes changed between two notes trees. Subtrees with the same oid on both sides are skipped,
// so after one seal only the root and one or two fanout subtrees are read, whatever the history size.
// Handles any fanout depth and mixed layouts (a note moving from a flat path to a fanout path shows
// up as a removal and an addition for the same commit).
import type { GitEngine, TreeEntry } from '../git/engine.js';
import { noteEntryKind, notePathTarget } from '../git/objects.js';
import type { NoteChange } from './model.js';

type TreeReader = Pick<GitEngine, 'readTree'> & Partial<Pick<GitEngine, 'listBlobs'>>;

/**
 * Every note of a notes tree, as changes from nothing (a cold build): from one listing of the whole
 * tree when the engine has it, else by walking it. Same notes either way, the ones git's notes code
 * reads (noteEntryKind: two-digit fanout trees, regular files named by the rest of the object name).
 */
export async function listNotes(engine: TreeReader, tree: string): Promise<NoteChange[]> {
  let blobs: { path: string; oid: string; mode: string }[] | undefined;
  try {
    blobs = await engine.listBlobs?.(tree);
  } catch {
    // a tree git cannot list (damaged): the walk reads what it can
  }
  if (!blobs) return diffNotesTrees(engine, null, tree);
  const changes = new Map<string, NoteChange>();
  for (const { path, oid, mode } of blobs) {
    const commit = notePathTarget(path, mode, tree.length);
    if (commit === null) continue;
    const ch = changes.get(commit);
    if (ch) ch.added.push(oid);
    else changes.set(commit, { commit, removed: [], added: [oid] });
  }
  return [...changes.values()];
}

export async function diffNotesTrees(
  engine: TreeReader,
  oldTree: string | null,
  newTree: string | null,
): Promise<NoteChange[]> {
  const changes = new Map<string, NoteChange>();
  const note = (commit: string) => {
    let ch = changes.get(commit);
    if (!ch) {
      ch = { commit, removed: [], added: [] };
      changes.set(commit, ch);
    }
    return ch;
  };
  await walk(engine, oldTree, newTree, '', note);
  return [...changes.values()];
}

async function walk(
  engine: TreeReader,
  a: string | null,
  b: string | null,
  prefix: string,
  note: (commit: string) => NoteChange,
): Promise<void> {
  if (a === b) return;
  const [ea, eb] = await Promise.all([a ? engine.readTree(a) : [], b ? engine.readTree(b) : []]);
  const left = byName(ea);
  const right = byName(eb);
  // What git takes for a note or a fanout subtree (noteEntryKind), object names as long as tree ids
  const full = (a ?? b)!.length;
  const subtrees: Promise<void>[] = [];
  for (const name of new Set([...left.keys(), ...right.keys()])) {
    const x = left.get(name);
    const y = right.get(name);
    if (x && y && x.oid === y.oid && x.mode === y.mode) continue;
    const path = prefix + name.toLowerCase();
    const kx = x ? noteEntryKind(x, prefix.length, full) : null;
    const ky = y ? noteEntryKind(y, prefix.length, full) : null;
    const xt = kx === 'fanout' ? x!.oid : null;
    const yt = ky === 'fanout' ? y!.oid : null;
    if (xt || yt) subtrees.push(walk(engine, xt, yt, path, note));
    if (kx === 'note') note(path).removed.push(x!.oid);
    if (ky === 'note') note(path).added.push(y!.oid);
  }
  await Promise.all(subtrees);
}

function byName(entries: readonly TreeEntry[]): Map<string, TreeEntry> {
  // (noteEntryKind tells notes and fanout subtrees from everything else in the tree)
  return new Map(entries.map((e) => [e.name, e]));
}
