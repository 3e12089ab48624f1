// Which notes changed between two notes trees. Subtrees with the same oid on both sides are skipped,
// so after one seal only the root and one or two fanout subtrees are read, whatever the history size.
// Handles any fanout depth and mixed layouts (a note moving from a flat path to a fanout path shows
// up as a removal and an addition for the same commit).
import type { GitEngine, TreeEntry } from '../git/engine.js';
import { isNoteMode } from '../git/objects.js';
import type { NoteChange } from './model.js';

const HEX = /^[0-9a-f]+$/;
/** Object name lengths: SHA-1 and SHA-256. */
const FULL = new Set([40, 64]);

type TreeReader = Pick<GitEngine, 'readTree'> & Partial<Pick<GitEngine, 'listBlobs'>>;

/**
 * Every note of a notes tree, as changes from nothing (a cold build): from one listing of the whole
 * tree when the engine has it, else by walking it. Same notes either way: hex names at every level,
 * full-length paths, regular files only (isNoteMode).
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
    if (!isNoteMode(mode)) continue;
    const commit = path.replaceAll('/', '');
    if (!FULL.has(commit.length) || !HEX.test(commit)) continue;
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
  const subtrees: Promise<void>[] = [];
  for (const name of new Set([...left.keys(), ...right.keys()])) {
    const x = left.get(name);
    const y = right.get(name);
    if (x && y && x.oid === y.oid && x.mode === y.mode) continue;
    const path = prefix + name;
    const xt = x?.type === 'tree' ? x.oid : null;
    const yt = y?.type === 'tree' ? y.oid : null;
    if (xt || yt) subtrees.push(walk(engine, xt, yt, path, note));
    if (FULL.has(path.length)) {
      if (x && isNoteMode(x.mode)) note(path).removed.push(x.oid);
      if (y && isNoteMode(y.mode)) note(path).added.push(y.oid);
    }
  }
  await Promise.all(subtrees);
}

function byName(entries: readonly TreeEntry[]): Map<string, TreeEntry> {
  const map = new Map<string, TreeEntry>();
  // Only hex names belong to the notes layout; anything else in the tree is not a note.
  for (const e of entries) if (HEX.test(e.name)) map.set(e.name, e);
  return map;
}
