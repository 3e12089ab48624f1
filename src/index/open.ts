// Open the query index for the current notes tip: load it, bring it up to date from the notes-tree
// diff, or rebuild it when it is missing, corrupt, of another format, or its tip is gone. Deleting the
// index loses nothing; it is always derived from refs/notes/agent-log.
import { join } from 'node:path';
import type { GitEngine } from '../git/engine.js';
import { indexDir } from '../journal/paths.js';
import { NOTES_REF, readNoteBlobs } from '../store/notes.js';
import { readIndexFile, writeIndexFile } from './file.js';
import { applyNoteChanges, emptyIndex, type IndexData, type NoteChange } from './model.js';
import { diffNotesTrees } from './notes-diff.js';

export const INDEX_FILE = 'records.v1';

/** Commits per batch of a build: bounds memory (blob contents of one batch at a time). */
const BATCH = 2000;

export interface OpenIndexOptions {
  /** Called as notes are read during a build or update: (done, total). */
  onProgress?: (done: number, total: number) => void;
  /** Notes ref to index (tests); default refs/notes/agent-log. */
  ref?: string;
}

export function indexPath(engine: Pick<GitEngine, 'location'>): string {
  return join(indexDir(engine.location.commonDir), INDEX_FILE);
}

export async function openIndex(engine: GitEngine, opts: OpenIndexOptions = {}): Promise<IndexData> {
  const tip = await engine.readRef(opts.ref ?? NOTES_REF);
  const path = indexPath(engine);
  const stored = readIndexFile(path);
  if (stored && stored.tip === tip) return stored;
  const data = await updateIndex(engine, stored, tip, opts);
  writeIndexFile(path, data);
  return data;
}

/** Bring `stored` (or nothing) to `tip`. Falls back to a cold build when the old tip is unreadable. */
export async function updateIndex(
  engine: GitEngine,
  stored: IndexData | null,
  tip: string | null,
  opts: OpenIndexOptions = {},
): Promise<IndexData> {
  const newTree = tip ? (await engine.readCommit(tip)).tree : null;
  let data = stored ?? emptyIndex();
  let oldTree: string | null = null;
  if (data.tip) {
    try {
      oldTree = (await engine.readCommit(data.tip)).tree;
    } catch {
      // The old notes commit was pruned (a forced update and gc): start over.
      data = emptyIndex();
    }
  }
  const changes = await diffNotesTrees(engine, oldTree, newTree);
  await applyInBatches(engine, data, changes, opts.onProgress);
  data.tip = tip;
  return data;
}

async function applyInBatches(
  engine: GitEngine,
  data: IndexData,
  changes: readonly NoteChange[],
  onProgress?: (done: number, total: number) => void,
): Promise<void> {
  const load = (oids: readonly string[]) => readNoteBlobs(engine, oids);
  const batches: NoteChange[][] = [];
  for (let i = 0; i < changes.length; i += BATCH) batches.push(changes.slice(i, i + BATCH));
  // The next batch's blobs are requested before this batch is parsed: git reads while we parse.
  let next = batches.length ? load(batches[0]!.flatMap((c) => c.added)) : null;
  let done = 0;
  for (let b = 0; b < batches.length; b++) {
    const ready = await next!;
    next = b + 1 < batches.length ? load(batches[b + 1]!.flatMap((c) => c.added)) : null;
    await applyNoteChanges(data, batches[b]!, async (oids) => {
      const missing = oids.filter((o) => !ready.has(o));
      if (missing.length) for (const [o, body] of await load(missing)) ready.set(o, body);
      return ready;
    });
    done += batches[b]!.length;
    onProgress?.(done, changes.length);
  }
}

/** Every warning stored in the index (unreadable lines, by commit). */
export function indexWarnings(data: IndexData): string[] {
  return [...data.warnings.values()].flat();
}
