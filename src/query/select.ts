// Run a filter over the index: skip entries that cannot match by a plain substring test on their
// stored JSON (fast, like grep), then parse the rest and apply the real filters.
import { type IndexedRecord, indexedRecord } from '../index/lookup.js';
import type { GitEngine } from '../git/engine.js';
import { type IndexVisitor, readIndexHeader, scanIndexFile } from '../index/file.js';
import { entriesNewestFirst, type IndexData, type IndexEntry } from '../index/model.js';
import {
  indexPath,
  indexWarnings,
  openIndex,
  type OpenIndexOptions,
  refreshIndexFile,
} from '../index/open.js';
import { globLiteral } from '../record/glob.js';
import { type FilterSpec, matches, requiredLiterals } from './filters.js';
import { notesTip } from '../store/notes-tip.js';

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

export interface Selection {
  records: IndexedRecord[];
  warnings: string[];
}

/**
 * Select records for a read command. When the index on disk is current, it is streamed (bounded
 * memory, undecoded lines skipped); otherwise it is brought up to date first.
 */
export async function selectFromIndex(
  engine: GitEngine,
  spec: FilterSpec,
  limit = Number.POSITIVE_INFINITY,
  opts: OpenIndexOptions = {},
): Promise<Selection> {
  const path = indexPath(engine);
  const head = readIndexHeader(path);
  // A missing or stale index is brought up to date on disk first (a cold build never holds the
  // whole index in memory); the build answers as it writes, or else the file is streamed.
  const groups = requiredLiterals(spec, globLiteral);
  let records: IndexedRecord[] = [];
  const visit = (entry: IndexEntry) => {
    const rec = indexedRecord(entry);
    if (rec && matches(rec, spec)) records.push(rec);
    return records.length < limit;
  };
  // The same entries in the same order as a scan of the file gives, the same literal test first.
  const fromBuild: IndexVisitor = {
    literals: groups,
    visit: (entry) => {
      const json = entry.json;
      if (json !== null && !groups.every((g) => g.some((lit) => json.includes(lit)))) return true;
      return visit(entry);
    },
  };
  // Checked before any index answers: a broken notes ref is an error, never an empty or stale list.
  const tip = await notesTip(engine);
  const current =
    (head && head.tip === tip) || (await refreshIndexFile(engine, opts, limit > 0 ? fromBuild : undefined));
  if (current && fromBuild.warnings) return { records, warnings: fromBuild.warnings };
  records = [];
  if (current) {
    const scan = scanIndexFile(path, groups, visit);
    if (scan.complete || records.length >= limit) return { records, warnings: scan.warnings };
  }
  const data = await openIndex(engine, opts);
  return { records: selectRecords(data, spec, limit), warnings: indexWarnings(data) };
}
