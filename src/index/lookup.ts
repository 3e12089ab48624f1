// Lookups on an opened index: ID prefixes, the runs on a commit, and the slim records of entries.
import { AmbiguousIdError, NotFoundError } from '../errors.js';
import type { RunRecord } from '../record/schema.js';
import type { IndexData, IndexEntry } from './model.js';

export interface IndexedRecord {
  /** The slim record (no command output tails); read the note for the full one. */
  record: RunRecord;
  commit: string;
  commits: string[];
  /** The note blob holding the full line. */
  blob: string;
}

/** Entries whose ID starts with `prefix` (IDs are lowercase). */
export function entriesWithPrefix(data: IndexData, prefix: string): IndexEntry[] {
  const p = prefix.toLowerCase();
  const exact = data.entries.get(p);
  if (exact) return [exact];
  const out: IndexEntry[] = [];
  for (const [id, e] of data.entries) if (id.startsWith(p)) out.push(e);
  return out;
}

/** The one record an ID prefix names; NotFoundError / AmbiguousIdError otherwise. */
export function resolveIdPrefix(data: IndexData, prefix: string): IndexEntry {
  const found = entriesWithPrefix(data, prefix).filter((e) => e.json !== null);
  if (found.length === 1) return found[0]!;
  if (found.length === 0) throw new NotFoundError(`no run record with ID '${prefix}'`);
  const shown = found
    .slice(0, 5)
    .map((e) => e.id)
    .join(', ');
  throw new AmbiguousIdError(
    `ID prefix '${prefix}' is ambiguous: ${shown}${found.length > 5 ? ', …' : ''}`,
    'give more characters of the ID',
  );
}

/** Runs whose notes mention `commit` (full or pointer line), newest first. */
export function entriesOnCommit(data: IndexData, commit: string): IndexEntry[] {
  return (data.byCommit.get(commit) ?? [])
    .map((id) => data.entries.get(id))
    .filter((e): e is IndexEntry => e !== undefined);
}

export function indexedRecord(entry: IndexEntry): IndexedRecord | null {
  if (entry.json === null || entry.commit === null || entry.blob === null) return null;
  return {
    record: JSON.parse(entry.json) as RunRecord,
    commit: entry.commit,
    commits: entry.commits,
    blob: entry.blob,
  };
}
