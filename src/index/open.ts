// Open the query index for the current notes tip: load it, bring it up to date from the notes-tree
// diff, or rebuild it when it is missing, corrupt, of another format, or its tip is gone. Deleting the
// index loses nothing; it is always derived from refs/notes/agent-log.
import { closeSync, mkdirSync, openSync, readSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BlobText, BlobTextReader, GitEngine } from '../git/engine.js';
import { MAX_NOTE_BYTES } from '../record/json-bounds.js';
import { oversizedNoteBody } from '../record/note-lines.js';
import { indexDir } from '../journal/paths.js';
import { NOTES_REF, readNoteBlobs } from '../store/notes.js';
import {
  type IndexVisitor,
  readIndexFile,
  readIndexHeader,
  type SpilledJson,
  writeIndexFile,
} from './file.js';
import { INDEX_FILE } from './format.js';
import { writeAll } from './line-writer.js';
import { applyNoteChanges, emptyIndex, type IndexData, type IndexEntry, type NoteChange } from './model.js';
import { diffNotesTrees, listNotes } from './notes-diff.js';
import { coldBuildInWorker } from './worker-build.js';
import { ColdBuild } from './cold-build.js';
import { StoredIndex, writeSplicedIndex } from './splice.js';

/** Commits per batch of a build: bounds memory (blob contents of one batch at a time). */
const BATCH = 250;

/** What a build does after reading its notes (its progress is then total/total). */
export type BuildStage = 'writing';

export interface OpenIndexOptions {
  /**
   * Called as notes are read during a build or update: (done, total); and once more by a build
   * that spills, when it starts writing the index (a 100k build: seconds).
   */
  onProgress?: (done: number, total: number, stage?: BuildStage) => void;
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

/**
 * Bring `stored` (or nothing) to `tip`. Falls back to a cold build when the old tip is unreadable.
 * `diffed`: the notes trees' diff when it is known already (refreshIndexFile), used when `stored`
 * is at the tip it starts from.
 */
export async function updateIndex(
  engine: GitEngine,
  stored: IndexData | null,
  tip: string | null,
  opts: OpenIndexOptions = {},
  diffed?: NotesDiff | null,
): Promise<IndexData> {
  let data = stored ?? emptyIndex();
  let found = diffed?.from === data.tip ? diffed : await notesDiff(engine, data.tip, tip);
  if (!found) {
    data = emptyIndex();
    found = (await notesDiff(engine, null, tip))!;
  }
  await applyInBatches(engine, data, found.changes, opts.onProgress);
  data.tip = tip;
  return data;
}

/** The note changes from the notes tree of tip `from` to that of the current tip. */
interface NotesDiff {
  from: string | null;
  changes: NoteChange[];
}

/**
 * The note changes from the notes tree of tip `from` (null: none) to that of `tip`; null when the
 * old tip, or a tree under it, can no longer be read: the index then starts over.
 */
async function notesDiff(
  engine: GitEngine,
  from: string | null,
  tip: string | null,
): Promise<NotesDiff | null> {
  const newTree = tip ? (await engine.readCommit(tip)).tree : null;
  let oldTree: string | null = null;
  if (from) {
    try {
      oldTree = (await engine.readCommit(from)).tree;
    } catch {
      // The old notes commit was pruned (a forced update and gc).
      return null;
    }
  }
  try {
    return { from, changes: await diffNotesTrees(engine, oldTree, newTree) };
  } catch (e) {
    // The old tip's commit is there but a tree under it is not (an object store pruned or damaged
    // by hand): the index cannot say what changed. (Without an old tree the failure is the new
    // tree's own: reported as before.)
    if (oldTree === null) throw e;
    return null;
  }
}

/**
 * Bring the index file up to date without keeping it in memory: for read commands that then stream
 * the file. A cold build of many notes spills each batch's record JSON (most of an index's size) to
 * a scratch file and reads it back while writing, so memory holds only the small per-entry fields.
 * False when the file cannot be written (the caller works from openIndex in memory).
 *
 * A `visitor` is handed the entries as a build or update writes them, newest first; when it was
 * (its `warnings` are set on return) the caller has its answer without reading the file.
 */
export async function refreshIndexFile(
  engine: GitEngine,
  opts: OpenIndexOptions = {},
  visitor?: IndexVisitor,
): Promise<boolean> {
  const tip = await engine.readRef(opts.ref ?? NOTES_REF);
  const path = indexPath(engine);
  const head = readIndexHeader(path);
  if (head && head.tip === tip) return true;
  // The notes trees are diffed once, for the spliced update or the whole one. (A failure of git's
  // recurs on the whole path, and is reported there.)
  const diffed = head ? await notesDiff(engine, head.tip, tip).catch(() => null) : null;
  // An index with its lookup file is updated from them by copying what the change leaves alone;
  // many changed notes (a first fetch of a team's notes) take the whole path, without reading them.
  if (diffed && diffed.changes.length <= SPLICE_UP_TO) {
    const spliced = await spliceUpdate(engine, path, tip, diffed, opts, visitor);
    if (spliced !== null) return spliced;
  }
  const stored = head ? readIndexFile(path) : null;
  if (stored || !tip)
    return writeIndexFile(path, await updateIndex(engine, stored, tip, opts, diffed), undefined, visitor);
  // (A worker's entries stay in the worker: the caller reads the file it wrote.)
  const inWorker = await coldBuildInWorker(engine, tip, opts);
  return inWorker ?? coldBuildFile(engine, tip, opts, visitor);
}

/**
 * Update the index file at `path` to `tip` by splicing (splice.ts) the changes of `diffed`; null when
 * it cannot be (no lookup file that matches, an unexpected line, an index of another tip than the
 * diff's): the caller updates it whole.
 */
async function spliceUpdate(
  engine: GitEngine,
  path: string,
  tip: string | null,
  diffed: NotesDiff,
  opts: OpenIndexOptions,
  visitor?: IndexVisitor,
): Promise<boolean | null> {
  const stored = StoredIndex.read(path);
  if (!stored || stored.header.tip !== diffed.from) return null;
  try {
    await applyInBatches(engine, stored.data, diffed.changes, opts.onProgress);
    stored.data.tip = tip;
    return writeSplicedIndex(path, stored, visitor);
  } catch {
    // Anything unexpected in the old files (a failure of git's recurs on the whole path, and is
    // reported there).
    return null;
  }
}

/** An update of at most this many changed notes is spliced. */
const SPLICE_UP_TO = 1000;

/** Build the index file of `tip` from nothing (no index, or one of another format). */
export async function coldBuildFile(
  engine: GitEngine,
  tip: string,
  opts: OpenIndexOptions = {},
  visitor?: IndexVisitor,
): Promise<boolean> {
  const path = indexPath(engine);
  const newTree = (await engine.readCommit(tip)).tree;
  const changes = await listNotes(engine, newTree);
  if (changes.length < (Number(process.env.AGENT_LOG_INDEX_SPILL_FROM) || SPILL_FROM)) {
    const data = emptyIndex();
    await applyInBatches(engine, data, changes, opts.onProgress, undefined, true);
    data.tip = tip;
    return writeIndexFile(path, data, undefined, visitor);
  }
  const spill = openSpill(path);
  if (!spill) return false;
  try {
    const data = emptyIndex();
    data.entries = new TrackedMap();
    await applyInBatches(engine, data, changes, opts.onProgress, () => spill.put(data), true);
    opts.onProgress?.(changes.length, changes.length, 'writing');
    data.tip = tip;
    return writeIndexFile(path, data, spill, visitor);
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
  /** ID → slot; each slot's offset and length in the file. */
  const slots = new Map<string, number>();
  const starts: number[] = [];
  const lengths: number[] = [];
  // Each batch's JSON is encoded into one buffer and written with one call (a Buffer per entry and
  // a concat of them cost about 0.15 s of a 100k build).
  const buf = Buffer.allocUnsafe(1 << 20);
  const file: SpilledJson & { put(data: IndexData): void; close(): void } = {
    /** Move the JSON of entries set since the last call into the file. */
    put(data: IndexData) {
      const entries = data.entries as TrackedMap<string, IndexEntry>;
      let used = 0;
      for (const id of entries.dirty) {
        const e = entries.get(id);
        if (!e || e.json === null || e.json === SPILLED) continue;
        const most = e.json.length * 3;
        if (used + most > buf.length) {
          writeAll(fd, buf, used);
          used = 0;
        }
        let n: number;
        if (most > buf.length) {
          const big = Buffer.from(e.json, 'utf8');
          writeAll(fd, big, big.length);
          n = big.length;
        } else {
          n = buf.write(e.json, used, 'utf8');
          used += n;
        }
        slots.set(id, starts.length);
        starts.push(end);
        lengths.push(n);
        end += n;
        e.json = SPILLED;
      }
      entries.dirty.clear();
      writeAll(fd, buf, used);
    },
    slot(e: IndexEntry): number {
      return e.json === SPILLED ? slots.get(e.id)! : -1;
    },
    length(slot: number): number {
      return lengths[slot]!;
    },
    read(slot: number, into: Buffer, at: number): void {
      const length = lengths[slot]!;
      for (let done = 0; done < length;) {
        const n = readSync(fd, into, at + done, length - done, starts[slot]! + done);
        if (n === 0) throw new Error('spill file ends early');
        done += n;
      }
    },
    json(e: IndexEntry): string | null {
      if (e.json !== SPILLED) return e.json;
      const slot = slots.get(e.id)!;
      const out = Buffer.allocUnsafe(lengths[slot]!);
      file.read(slot, out, 0);
      return out.toString('utf8');
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
  return file;
}

async function applyInBatches(
  engine: GitEngine,
  data: IndexData,
  changes: readonly NoteChange[],
  onProgress?: (done: number, total: number) => void,
  afterBatch?: () => void,
  cold = false,
): Promise<void> {
  const load = (oids: readonly string[]) => readNoteBlobs(engine, oids);
  const many = changes.length >= (Number(process.env.AGENT_LOG_INDEX_BULK_FROM) || BULK_FROM);
  // A cold build of many notes: every note is new, each ID's entry is made the short way.
  const coldBuild = cold && many ? new ColdBuild(data) : null;
  // Every note is new and the build does not depend on their order: many are read in pack order.
  // The notes map keeps the listing's order (a notes tree lists its commits sorted), so sorting its
  // keys for the index stays cheap: from pack order, it cost a 100k build about 0.15 s.
  if (
    coldBuild &&
    changes.length >= (Number(process.env.AGENT_LOG_INDEX_PACK_ORDER_FROM) || PACK_ORDER_FROM)
  ) {
    for (const c of changes) data.notes.set(c.commit, EMPTY);
    changes = inPackOrder(engine, changes);
  }
  const batches: NoteChange[][] = [];
  for (let i = 0; i < changes.length; i += BATCH) batches.push(changes.slice(i, i + BATCH));
  // Each batch's added blobs, in order (a loop: flatMap over 10k one-blob changes cost ~10 ms).
  const addedBy = batches.map(addedBlobs);
  const added = (b: number) => addedBy[b]!;
  // Many notes (a cold build): every added blob is read ahead in one pass, in batch order.
  const bulk = many ? bulkReader(engine, addedBy.flat()) : null;
  try {
    // Otherwise the next batch's blobs are requested before this batch is parsed: git reads while we parse.
    let next = bulk || !batches.length ? null : load(added(0));
    let done = 0;
    for (let b = 0; b < batches.length; b++) {
      let ready: Map<string, string>;
      if (bulk) {
        const oids = added(b);
        ready = noteTexts(oids, await bulk.next(oids.length));
      } else {
        ready = await next!;
        next = b + 1 < batches.length ? load(added(b + 1)) : null;
      }
      if (coldBuild) {
        // As the loader below: a blob the bulk read did not give is asked for once more.
        if (ready.size < added(b).length) {
          const missing = added(b).filter((o) => !ready.has(o));
          if (missing.length) for (const [o, body] of await load(missing)) ready.set(o, body);
        }
        coldBuild.apply(batches[b]!, ready);
      } else
        await applyNoteChanges(data, batches[b]!, async (oids) => {
          const missing = oids.filter((o) => !ready.has(o));
          if (missing.length) for (const [o, body] of await load(missing)) ready.set(o, body);
          return ready;
        });
      afterBatch?.();
      done += batches[b]!.length;
      onProgress?.(done, changes.length);
    }
    if (coldBuild) {
      await coldBuild.finish(load);
      afterBatch?.();
    }
  } finally {
    await bulk?.close();
  }
}

/** A notes map entry about to be set. */
const EMPTY: string[] = [];

/** From this many changed notes on, they are read through the engine's one-pass bulk reader, if it
 * has one (it costs a process of its own). AGENT_LOG_INDEX_BULK_FROM overrides it (tests). */
const BULK_FROM = 1000;

/**
 * From this many notes on, a cold build reads them in pack order. At 10k notes of 2.4 KB, git's
 * delta base cache (96 MB) holds every base and tree order costs git no more, while finding the
 * order costs 20-40 ms; at 100k, tree order cost git 7 s of CPU and pack order 2 s. (What fills the
 * cache is bytes, not notes: a history of larger notes would gain below this count.)
 * AGENT_LOG_INDEX_PACK_ORDER_FROM overrides it (tests).
 */
const PACK_ORDER_FROM = 20_000;

/**
 * The changes in the order their notes sit in the packs (each by its first note blob there), so
 * `git cat-file` finds each delta's base in its cache: reading a 100k-note history in notes-tree
 * order re-inflated most delta chains. The changes as given when the engine cannot tell.
 */
function inPackOrder(engine: GitEngine, changes: readonly NoteChange[]): readonly NoteChange[] {
  if (!engine.packOrder) return changes;
  const blobs = addedBlobs(changes);
  let order: number[] | null;
  try {
    order = engine.packOrder(blobs);
  } catch {
    order = null;
  }
  if (!order || order.length !== blobs.length) return changes;
  // Blob → change, then each change at the first place one of its blobs is read.
  const changeOf = new Int32Array(blobs.length);
  for (let c = 0, b = 0; c < changes.length; c++)
    for (let k = 0; k < changes[c]!.added.length; k++) changeOf[b++] = c;
  const taken = new Uint8Array(changes.length);
  const out: NoteChange[] = [];
  for (const b of order) {
    const c = changeOf[b]!;
    if (taken[c]) continue;
    taken[c] = 1;
    out.push(changes[c]!);
  }
  return out.length === changes.length ? out : changes;
}

/** The changes' added blobs, in order. */
function addedBlobs(changes: readonly NoteChange[]): string[] {
  const out: string[] = [];
  for (const c of changes) for (const oid of c.added) out.push(oid);
  return out;
}

/** The engine's one-pass reader of these blobs; null when it has none or cannot start one
 * (a directory it cannot write its scratch file to: the blobs are then read batch by batch). */
function bulkReader(engine: GitEngine, oids: readonly string[]): BlobTextReader | null {
  if (!engine.readBlobTexts) return null;
  try {
    return engine.readBlobTexts(oids, {
      maxBytes: MAX_NOTE_BYTES,
      scratchDir: indexDir(engine.location.commonDir),
    });
  } catch {
    return null;
  }
}

/** Blob texts as readNoteBlobs gives them: missing ones absent, oversized ones as one invalid line. */
function noteTexts(oids: readonly string[], texts: readonly BlobText[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < oids.length; i++) {
    const t = texts[i];
    if (typeof t === 'string') out.set(oids[i]!, t);
    else if (t) out.set(oids[i]!, oversizedNoteBody(t.oversized));
  }
  return out;
}

/** Every warning stored in the index (unreadable lines, by commit). */
export function indexWarnings(data: IndexData): string[] {
  return [...data.warnings.values()].flat();
}
