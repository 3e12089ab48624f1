// Folding parsed note lines into records: the lines of many commits (collectRecords), or the note of
// one index entry (entryRecord). Zod-free, so that the small `show` bundle folds exactly as the full
// readers (read.ts, indexed.ts) do.
import { fullObjectIds } from '../record/commit-id.js';
import { foldEvents, foldVersions, type StoredEvent } from '../record/events.js';
import type { NoteLine } from '../record/line-read.js';
import type { FullRecordEntry } from './indexed.js';
import type { StoredRecord } from './read.js';

/**
 * Fold parsed note lines of many commits into records, deduplicated by id: the record line (the
 * winning version, when older releases left several) with every event line of its id applied.
 */
export function collectRecords(notes: Iterable<[string, NoteLine[]]>, warnings: string[]): StoredRecord[] {
  const versions = new Map<string, StoredRecord[]>();
  const refs = new Map<string, Set<string>>();
  const events = new Map<string, StoredEvent[]>();
  const mention = (id: string, commit: string) => {
    if (!refs.has(id)) refs.set(id, new Set());
    refs.get(id)!.add(commit);
  };
  for (const [commit, lines] of notes) {
    for (const line of lines) {
      if (line.type === 'invalid')
        warnings.push(`skipped a malformed record in the note on ${commit.slice(0, 12)}: ${line.error}`);
      else if (line.type === 'ref') mention(line.id, commit);
      else if (line.type === 'event') {
        mention(line.event.id, commit);
        events.set(line.event.id, [...(events.get(line.event.id) ?? []), line]);
      } else if (line.type === 'record') {
        const cand: StoredRecord = { record: line.record, commit, commits: [], raw: line.raw };
        versions.set(line.record.id, [...(versions.get(line.record.id) ?? []), cand]);
      }
    }
  }
  const out: StoredRecord[] = [];
  for (const [id, list] of versions) {
    const best = foldVersions(list)!;
    const s: StoredRecord = { ...best, record: foldEvents(best.record, events.get(id) ?? []) };
    s.commits = fullObjectIds([s.commit, ...(refs.get(id) ?? [])]);
    out.push(s);
  }
  return out.sort(newestFirst);
}

export function newestFirst(a: StoredRecord, b: StoredRecord): number {
  const ta = a.record.ended_at ?? a.record.started_at ?? '';
  const tb = b.record.ended_at ?? b.record.started_at ?? '';
  return ta === tb ? a.record.id.localeCompare(b.record.id) : tb.localeCompare(ta);
}

/**
 * The record of index entry `e`, whose full line is on `commit`, from the parsed lines of that blob: the
 * winning version with its events, those of the note and those the index folded (`indexed`, asked
 * only when the note holds a version; they may live on other commits of the run). null when the
 * note holds no version of it.
 */
export function entryRecord(
  e: FullRecordEntry,
  commit: string,
  lines: readonly NoteLine[],
  indexed: () => StoredEvent[],
): StoredRecord | null {
  const versions: { record: StoredRecord['record']; raw: string }[] = [];
  const events: StoredEvent[] = [];
  for (const l of lines) {
    if (l.type === 'record' && l.record.id === e.id) versions.push(l);
    else if (l.type === 'event' && l.event.id === e.id) events.push(l);
  }
  const best = foldVersions(versions);
  if (!best) return null;
  events.push(...indexed());
  const record = foldEvents(best.record, events);
  // The commits that carry the record's lines now (see StoredRecord.commits).
  const commits = fullObjectIds([commit, ...e.commits]);
  return { record, commit, commits, raw: best.raw };
}

/** The event objects the index folded into an entry's slim copy (each still to be parsed). */
export function indexedEventObjects(e: FullRecordEntry): readonly unknown[] {
  let list = e.events;
  if (list === undefined && e.json) {
    try {
      list = (JSON.parse(e.json) as { events?: unknown[] }).events;
    } catch {
      list = undefined;
    }
  }
  return list ?? [];
}
