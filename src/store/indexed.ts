// Records through the query index: the index finds them (by ID prefix, commit or filter) without
// reading every note; full records are then read from their note blobs in one bulk request.
import type { GitEngine } from '../git/engine.js';
import type { Repo } from '../git/repo.js';
import { entriesNewestFirst, type IndexData, type IndexEntry } from '../index/model.js';
import { indexWarnings, openIndex, type OpenIndexOptions } from '../index/open.js';
import { parseNote, pickWinner } from '../record/note-lines.js';
import type { LoadResult, StoredRecord } from './read.js';

/** The index for the current notes tip (updated or rebuilt as needed). */
export function openRecordIndex(engine: GitEngine, opts: OpenIndexOptions = {}): Promise<IndexData> {
  return openIndex(engine, opts);
}

/** Full records of index entries, read from their note blobs in one bulk request. Order is kept. */
export async function fullRecords(
  engine: GitEngine,
  entries: readonly IndexEntry[],
): Promise<StoredRecord[]> {
  const blobs = await engine.readBlobs([...new Set(entries.flatMap((e) => (e.blob ? [e.blob] : [])))]);
  const parsed = new Map<string, ReturnType<typeof parseNote>>();
  const out: StoredRecord[] = [];
  for (const e of entries) {
    if (!e.blob || !e.commit) continue;
    let lines = parsed.get(e.blob);
    if (!lines) {
      lines = parseNote(blobs.get(e.blob)?.toString('utf8') ?? '');
      parsed.set(e.blob, lines);
    }
    let best: { record: StoredRecord['record']; raw: string } | null = null;
    for (const l of lines) {
      if (l.type === 'record' && l.record.id === e.id) best = best ? pickWinner(best, l) : l;
    }
    if (!best) continue;
    const commits = [...new Set([e.commit, ...best.record.repo.commits, ...e.commits])];
    out.push({ record: best.record, commit: e.commit, commits, raw: best.raw });
  }
  return out;
}

/** Every sealed record, newest first, found through the index. */
export async function loadIndexedRecords(
  repo: Repo | GitEngine,
  opts: OpenIndexOptions = {},
): Promise<LoadResult> {
  const engine = 'engine' in repo ? repo.engine : repo;
  const data = await openIndex(engine, opts);
  const entries = [...data.entries.values()].filter((e) => e.json !== null);
  return {
    records: await fullRecords(engine, entriesNewestFirst(entries)),
    warnings: indexWarnings(data),
    tip: data.tip,
  };
}
