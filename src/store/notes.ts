// Our own notes-tree code on top of the engine's object calls. Reads any fanout depth and mixed
// layouts (git fans out below 100 notes; fast-import by count); writes a git-compatible layout,
// rewriting only the subtrees on the path of each touched note.
import { EMPTY_TREE, type GitEngine, type TreeEntry } from '../git/engine.js';
import { noteEntryKind } from '../git/objects.js';
import { MAX_NOTE_BYTES } from '../record/json-bounds.js';
import { oversizedNoteBody } from '../record/note-lines.js';
import { NOTES_REF } from './notes-ref.js';

export { NOTES_REF };

/** A flat level with more notes than this is split into 2-hex subdirectories. */
export const FANOUT_THRESHOLD = 256;

const HEX2 = /^[0-9a-f]{2}$/;
const isHex = (s: string) => /^[0-9a-f]+$/.test(s);

/** The tree of the notes commit `tip`, or null. */
export async function notesTree(engine: GitEngine, tip: string | null): Promise<string | null> {
  return tip ? (await engine.readCommit(tip)).tree : null;
}

/**
 * Every note in the tree: target object → blob oids (more than one when the same target appears at
 * two paths, which git shows concatenated).
 */
export async function readNotesTree(engine: GitEngine, tree: string | null): Promise<Map<string, string[]>> {
  const notes = new Map<string, string[]>();
  if (!tree) return notes;
  // What git takes for a note (noteEntryKind), the object names as long as the tree's own
  const full = tree.length;
  const walk = async (oid: string, prefix: string): Promise<void> => {
    const entries = await engine.readTree(oid);
    const subtrees: Promise<void>[] = [];
    for (const e of entries) {
      const kind = noteEntryKind(e, prefix.length, full);
      const path = prefix + e.name.toLowerCase();
      if (kind === 'fanout') subtrees.push(walk(e.oid, path));
      else if (kind === 'note') notes.set(path, [...(notes.get(path) ?? []), e.oid]);
    }
    await Promise.all(subtrees);
  };
  await walk(tree, '');
  return notes;
}

/** Blob oids of the note on one target, looking at every path it could have at every depth. */
export async function findNote(engine: GitEngine, tree: string | null, target: string): Promise<string[]> {
  const found: string[] = [];
  const visit = async (oid: string, depth: number): Promise<void> => {
    const rest = target.slice(depth);
    const entries = await engine.readTree(oid);
    for (const e of entries) {
      const kind = noteEntryKind(e, depth, target.length);
      if (kind === 'note' && e.name.toLowerCase() === rest) found.push(e.oid);
      else if (kind === 'fanout' && e.name.toLowerCase() === rest.slice(0, 2)) await visit(e.oid, depth + 2);
    }
  };
  if (tree) await visit(tree, 0);
  return found;
}

/** The note body on `target` (duplicates joined with a blank line, as git shows them), or null. */
export async function readNoteBody(
  engine: GitEngine,
  tree: string | null,
  target: string,
): Promise<string | null> {
  const blobs = await findNote(engine, tree, target);
  if (blobs.length === 0) return null;
  const bodies = await readNoteBlobs(engine, blobs);
  return blobs.map((b) => bodies.get(b) ?? '').join('\n');
}

/**
 * Note blobs as text, in bulk. Notes come from any clone: a blob over MAX_NOTE_BYTES is never read
 * into memory; its text is one line that every reader reports as an oversized note and skips.
 */
export async function readNoteBlobs(
  engine: GitEngine,
  oids: readonly string[],
): Promise<Map<string, string>> {
  const oversized = new Map<string, number>();
  const blobs = await engine.readBlobs(oids, { maxBytes: MAX_NOTE_BYTES, oversized });
  const out = new Map<string, string>();
  for (const [oid, buf] of blobs) out.set(oid, buf.toString('utf8'));
  for (const [oid, size] of oversized) out.set(oid, oversizedNoteBody(size));
  return out;
}

/**
 * Apply updates (target → new blob oid, or null to remove) to a notes tree and return the new root.
 * Every existing path of a touched target is removed first, so a flat duplicate never survives.
 */
export async function writeNotesTree(
  engine: GitEngine,
  tree: string | null,
  updates: ReadonlyMap<string, string | null>,
): Promise<string> {
  const root = await updateLevel(engine, tree, 0, updates);
  return root ?? (await engine.writeTree([]));
}

async function updateLevel(
  engine: GitEngine,
  tree: string | null,
  depth: number,
  updates: ReadonlyMap<string, string | null>,
): Promise<string | null> {
  const entries = tree && tree !== EMPTY_TREE ? await engine.readTree(tree) : [];
  const byName = new Map(entries.map((e) => [e.name, e]));
  const fanned = entries.some((e) => e.type === 'tree' && HEX2.test(e.name));

  const groups = new Map<string, Map<string, string | null>>();
  for (const [target, blob] of updates) {
    const rest = target.slice(depth);
    // a flat entry at this level, if any, in either case (git reads both as this target's note)
    for (const e of entries) if (e.name.toLowerCase() === rest) byName.delete(e.name);
    const key = rest.slice(0, 2);
    if (!groups.has(key)) groups.set(key, new Map());
    groups.get(key)!.set(target, blob);
  }

  for (const [key, group] of groups) {
    // A fanout subtree named in capitals holds this target's notes for git too: copies removed
    for (const e of entries) {
      if (e.type !== 'tree' || e.name === key || e.name.toLowerCase() !== key) continue;
      const removals = new Map([...group].map(([t]) => [t, null] as const));
      const next = await updateLevel(engine, e.oid, depth + 2, removals);
      if (next) byName.set(e.name, { ...e, oid: next });
      else byName.delete(e.name);
    }
    const sub = byName.get(key);
    const subTree = sub?.type === 'tree' ? sub.oid : null;
    if (fanned || subTree) {
      // Descend: removes copies deeper down; inserts there when this level is fanned out.
      const inserts = fanned ? group : new Map([...group].map(([t]) => [t, null] as const));
      const next = await updateLevel(engine, subTree, depth + 2, inserts);
      if (next) byName.set(key, { mode: '040000', type: 'tree', oid: next, name: key });
      else byName.delete(key);
    }
    if (!fanned) {
      for (const [target, blob] of group) {
        if (blob)
          byName.set(target.slice(depth), {
            mode: '100644',
            type: 'blob',
            oid: blob,
            name: target.slice(depth),
          });
      }
    }
  }

  let result = [...byName.values()];
  const flatNotes = result.filter((e) => e.type === 'blob' && isHex(e.name) && e.name.length > 2);
  if (!fanned && flatNotes.length > FANOUT_THRESHOLD && 40 - depth > 4)
    result = await fanOut(engine, result, depth);
  if (result.length === 0) return null;
  return engine.writeTree(result);
}

/** Split a flat level into 2-hex subdirectories (done once, when the level grows past the threshold). */
async function fanOut(engine: GitEngine, entries: TreeEntry[], depth: number): Promise<TreeEntry[]> {
  const keep: TreeEntry[] = [];
  const buckets = new Map<string, TreeEntry[]>();
  for (const e of entries) {
    if (e.type === 'blob' && isHex(e.name) && e.name.length > 2) {
      const key = e.name.slice(0, 2);
      if (!buckets.has(key)) buckets.set(key, []);
      buckets.get(key)!.push({ ...e, name: e.name.slice(2) });
    } else keep.push(e);
  }
  for (const [key, list] of buckets) {
    keep.push({ mode: '040000', type: 'tree', oid: await engine.writeTree(list), name: key });
  }
  void depth;
  return keep;
}
