// Open the query index for the current notes tip: load it, bring it up to date from the notes-tree
// diff, or rebuild it when it is missing, corrupt, of another format, or its tip is gone. Deleting the
// index loses nothing; it is always derived from refs/notes/agent-log.
import { closeSync, mkdirSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { GitEngine } from '../git/engine.js';
import { indexDir } from '../journal/paths.js';
import { NOTES_REF, readNoteBlobs } from '../store/notes.js';
import { readIndexFile, readIndexHeader, writeIndexFile } from './file.js';
import { INDEX_FILE } from './format.js';
import { applyNoteChanges, emptyIndex, type IndexData, type IndexEntry, type NoteChange } from './model.js';
import { diffNotesTrees } from './notes-diff.js';
import { coldBuildInWorker } from './worker-build.js';

export { INDEX_FILE };

/** Commits per batch of a build: bounds memory (blob contents of one batch at a time). */
const BATCH = 250;

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

/**
 * Bring the index file up to date without keeping it in memory: for read commands that then stream
 * the file. A cold build of many notes spills each batch's record JSON (most of an index's size) to
 * a scratch file and reads it back while writing, so memory holds only the small per-entry fields.
 * False when the file cannot be written (the caller works from openIndex in memory).
 */
export async function refreshIndexFile(engine: GitEngine, opts: OpenIndexOptions = {}): Promise<boolean> {
  const tip = await engine.readRef(opts.ref ?? NOTES_REF);
  const path = indexPath(engine);
  const head = readIndexHeader(path);
  if (head && head.tip === tip) return true;
  const stored = head ? readIndexFile(path) : null;
  if (stored || !tip) return writeIndexFile(path, await updateIndex(engine, stored, tip, opts));
  const inWorker = await coldBuildInWorker(engine, tip, opts);
  return inWorker ?? coldBuildFile(engine, tip, opts);
}

/** Build the index file of `tip` from nothing (no index, or one of another format). */
export async function coldBuildFile(
  engine: GitEngine,
  tip: string,
  opts: OpenIndexOptions = {},
): Promise<boolean> {
  const path = indexPath(engine);
  const newTree = (await engine.readCommit(tip)).tree;
  const changes = await diffNotesTrees(engine, null, newTree);
  if (changes.length < (Number(process.env.AGENT_LOG_INDEX_SPILL_FROM) || SPILL_FROM)) {
    const data = emptyIndex();
    await applyInBatches(engine, data, changes, opts.onProgress);
    data.tip = tip;
    return writeIndexFile(path, data);
  }
  const spill = openSpill(path);
  if (!spill) return false;
  try {
    const data = emptyIndex();
    data.entries = new TrackedMap();
    await applyInBatches(engine, data, changes, opts.onProgress, () => spill.put(data));
    data.tip = tip;
    return writeIndexFile(path, data, spill.json);
  } finally {
    spill.close();
  }
}

/** Cold builds of at least this many notes spill record JSON to disk (10k records: about 20 MB).
 * AGENT_LOG_INDEX_SPILL_FROM overrides it (tests). */
export const SPILL_FROM = 20_000;

/** A Map that remembers which keys were set since it was last asked. */
class TrackedMap<K, V> extends Map<K, V> {
  dirty = new Set<K>();
  override set(key: K, value: V): this {
    this.dirty?.add(key);
    return super.set(key, value);
  }
}

/** Stands for JSON that lives in the spill file (never a record's JSON, which is an object). */
const SPILLED = '';

function openSpill(indexFile: string) {
  const path = `${indexFile}.${process.pid}.spill`;
  let fd: number;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    fd = openSync(path, 'w+', 0o600);
  } catch {
    return null;
  }
  let end = 0;
  const where = new Map<string, [number, number]>();
  return {
    /** Move the JSON of entries set since the last call into the file. */
    put(data: IndexData) {
      const entries = data.entries as TrackedMap<string, IndexEntry>;
      const parts: Buffer[] = [];
      for (const id of entries.dirty) {
        const e = entries.get(id);
        if (!e || e.json === null || e.json === SPILLED) continue;
        const buf = Buffer.from(e.json, 'utf8');
        where.set(id, [end, buf.length]);
        end += buf.length;
        parts.push(buf);
        e.json = SPILLED;
      }
      entries.dirty.clear();
      if (parts.length) writeSync(fd, Buffer.concat(parts));
    },
    json(e: IndexEntry): string | null {
      if (e.json !== SPILLED) return e.json;
      const [at, len] = where.get(e.id)!;
      const buf = Buffer.allocUnsafe(len);
      readSync(fd, buf, 0, len, at);
      return buf.toString('utf8');
    },
    close() {
      closeSync(fd);
      try {
        unlinkSync(path);
      } catch {
        // already gone
      }
    },
  };
}

async function applyInBatches(
  engine: GitEngine,
  data: IndexData,
  changes: readonly NoteChange[],
  onProgress?: (done: number, total: number) => void,
  afterBatch?: () => void,
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
    afterBatch?.();
    done += batches[b]!.length;
    onProgress?.(done, changes.length);
  }
}

/** Every warning stored in the index (unreadable lines, by commit). */
export function indexWarnings(data: IndexData): string[] {
  return [...data.warnings.values()].flat();
}
