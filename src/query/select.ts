// Run a filter over the index: skip entries that cannot match by a plain substring test on their
// stored JSON (fast, like grep), then parse the rest and apply the real filters.
import { type IndexedRecord, indexedRecord } from '../index/lookup.js';
import { compareEntries, type IndexData, type IndexEntry } from '../index/model.js';
import { globLiteral } from '../record/glob.js';
import { type FilterSpec, matches, requiredLiterals } from './filters.js';

/** Entries newest first; the file keeps them sorted, so this is usually a check, not a sort. */
export function entriesNewestFirst(data: IndexData): IndexEntry[] {
  const list = [...data.entries.values()];
  for (let i = 1; i < list.length; i++) {
    if (compareEntries(list[i - 1]!, list[i]!) > 0) return list.sort(compareEntries);
  }
  return list;
}

export function selectRecords(
  data: IndexData,
  spec: FilterSpec,
  limit = Number.POSITIVE_INFINITY,
): IndexedRecord[] {
  const groups = requiredLiterals(spec, globLiteral);
  const out: IndexedRecord[] = [];
  if (limit <= 0) return out;
  for (const e of entriesNewestFirst(data)) {
    const json = e.json;
    if (json === null) continue;
    if (!groups.every((g) => g.some((lit) => json.includes(lit)))) continue;
    const rec = indexedRecord(e);
    if (rec && matches(rec, spec)) {
      out.push(rec);
      if (out.length >= limit) break;
    }
  }
  return out;
}
