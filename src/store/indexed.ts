// Records through the query index: the index finds them (by ID prefix, commit or filter) without
// reading every note; full records are then read from their note blobs in one bulk request.
import type { GitEngine } from '../git/engine.js';
import type { Repo } from '../git/repo.js';
import { entriesNewestFirst, type IndexData, type IndexEntry } from '../index/model.js';
import { readIndexHeader, scanIndexFile } from '../index/file.js';
import { type LookupKey, lookupEntries, type LookupResult } from '../index/lookup-file.js';
import { entriesOnCommit, entriesWithPrefix } from '../index/lookup.js';
import {
  indexPath,
  indexWarnings,
  openIndex,
  type OpenIndexOptions,
  refreshIndexFile,
} from '../index/open.js';
import { readNoteBlobs } from './notes.js';
import type { StoredEvent } from '../record/events.js';
import { canonicalJson, parseNote } from '../record/note-lines.js';
import { RunEventLine } from '../record/schema.js';
import { entryRecord, indexedEventObjects } from './collect.js';
import type { LoadResult, StoredRecord } from './read.js';
import { notesTip } from './notes-tip.js';

/** The index for the current notes tip (updated or rebuilt as needed). */
export async function openRecordIndex(engine: GitEngine, opts: OpenIndexOptions = {}): Promise<IndexData> {
  await notesTip(engine); // a broken notes ref is an error here, not an index of nothing
  return openIndex(engine, opts);
}

/** What fullRecords needs of an entry; `events` are the folded events the index already knows. */
export type FullRecordEntry = Pick<IndexEntry, 'id' | 'blob' | 'commit' | 'commits'> & {
  events?: readonly unknown[] | undefined;
  json?: string | null;
};

/**
 * Full records of index entries, read from their note blobs in one bulk request. Order is kept.
 * Events come from the record's own note and from the index (which saw every commit of the ID).
 */
export async function fullRecords(
  engine: GitEngine,
  entries: readonly FullRecordEntry[],
): Promise<StoredRecord[]> {
  const blobs = await readNoteBlobs(engine, [...new Set(entries.flatMap((e) => (e.blob ? [e.blob] : [])))]);
  const parsed = new Map<string, ReturnType<typeof parseNote>>();
  const out: StoredRecord[] = [];
  for (const e of entries) {
    if (!e.blob || !e.commit) continue;
    let lines = parsed.get(e.blob);
    if (!lines) {
      lines = parseNote(blobs.get(e.blob) ?? '');
      parsed.set(e.blob, lines);
    }
    const s = entryRecord(e, e.commit, lines, () => indexedEvents(e));
    if (s) out.push(s);
  }
  return out;
}

/** Events the index folded into its slim copy (they may live on other commits of the run). */
function indexedEvents(e: FullRecordEntry): StoredEvent[] {
  const out: StoredEvent[] = [];
  for (const obj of indexedEventObjects(e)) {
    const parsed = RunEventLine.safeParse(obj);
    if (parsed.success) out.push({ event: parsed.data, raw: canonicalJson(obj) });
  }
  return out;
}

/** Every sealed record, newest first, found through the index. */
export async function loadIndexedRecords(
  repo: Repo | GitEngine,
  opts: OpenIndexOptions = {},
): Promise<LoadResult> {
  const engine = 'engine' in repo ? repo.engine : repo;
  const data = await openRecordIndex(engine, opts);
  const entries = [...data.entries.values()].filter((e) => e.json !== null);
  return {
    records: await fullRecords(engine, entriesNewestFirst(entries)),
    warnings: indexWarnings(data),
    tip: data.tip,
  };
}

/**
 * The lines of `key` through the lookup file of a current index. A stale index file (the notes moved:
 * a seal, a fetch) is updated on disk first, which copies what did not change, and then looked up.
 * `head` is the index file's header when the lookup file did not answer at first (null: no index).
 */
async function lookupCurrent(
  engine: GitEngine,
  path: string,
  tip: string | null,
  key: LookupKey,
  opts: OpenIndexOptions = {},
): Promise<{ looked: LookupResult | null; head: ReturnType<typeof readIndexHeader> }> {
  const looked = lookupEntries(path, tip, key);
  if (looked) return { looked, head: null };
  const head = readIndexHeader(path);
  if (head && head.tip !== tip && (await refreshIndexFile(engine, opts)))
    return { looked: lookupEntries(path, tip, key), head };
  return { looked: null, head };
}

/**
 * Index entries whose ID starts with `prefix` (exactly `prefix` when `exact`). A current index is
 * streamed: only lines starting with the ID are decoded, so `show <id>` stays fast on 100k records.
 */
export async function entriesById(
  engine: GitEngine,
  prefix: string,
  exact = false,
): Promise<{ entries: IndexEntry[]; warnings: string[] }> {
  const p = prefix.toLowerCase();
  const path = indexPath(engine);
  const tip = await notesTip(engine);
  const { looked, head } = await lookupCurrent(engine, path, tip, { id: p, exact });
  if (looked) return { entries: looked.entries.filter((e) => e.json !== null), warnings: looked.warnings };
  if (head && head.tip === tip) {
    const entries: IndexEntry[] = [];
    // Record lines start `r<TAB>id<TAB>`; JSON never holds a raw tab, so this needle only hits there.
    const scan = scanIndexFile(path, [[`r\t${p}${exact ? '\t' : ''}`]], (e) => {
      if (exact ? e.id === p : e.id.startsWith(p)) entries.push(e);
    });
    if (scan.complete) return { entries: entries.filter((e) => e.json !== null), warnings: scan.warnings };
  }
  const data = await openIndex(engine);
  const entries = exact ? [data.entries.get(p)].filter((e) => e !== undefined) : entriesWithPrefix(data, p);
  return { entries: entries.filter((e) => e.json !== null), warnings: indexWarnings(data) };
}

/**
 * The index entries on each of `commits` (IDs in order), and the index's warnings. A current index
 * is read through its lookup file (only these lines); otherwise it is updated or rebuilt first.
 */
export async function entriesOnCommits(
  engine: GitEngine,
  commits: readonly string[],
  opts: OpenIndexOptions = {},
): Promise<{ byCommit: Map<string, IndexEntry[]>; warnings: string[] }> {
  const path = indexPath(engine);
  const tip = await notesTip(engine);
  const { looked } = await lookupCurrent(engine, path, tip, { commits }, opts);
  if (looked) return looked;
  const data = await openIndex(engine, opts);
  const byCommit = new Map<string, IndexEntry[]>();
  for (const c of commits) byCommit.set(c, entriesOnCommit(data, c));
  return { byCommit, warnings: indexWarnings(data) };
}
