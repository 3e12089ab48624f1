// Run a filter over the index: skip entries that cannot match by a plain substring test on their
// stored JSON (fast, like grep), then parse the rest and apply the real filters.
import { type IndexedRecord, indexedRecord } from '../index/lookup.js';
import { entriesNewestFirst, type IndexData } from '../index/model.js';
import { globLiteral } from '../record/glob.js';
import { type FilterSpec, matches, requiredLiterals } from './filters.js';

export function selectRecords(
  data: IndexData,
  spec: FilterSpec,
  limit = Number.POSITIVE_INFINITY,
): IndexedRecord[] {
  const groups = requiredLiterals(spec, globLiteral);
  const out: IndexedRecord[] = [];
  if (limit <= 0) return out;
  for (const e of entriesNewestFirst(data.entries.values())) {
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
