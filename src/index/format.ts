// What names and versions the query index on disk (kept apart so that readers of the index file need
// not load the index model, the record schema or zod).
import { BUILD_KEY } from './build-key.js';

/**
 * 2: entries fold event lines (approvals, notes, status… added after sealing).
 * 3: lines nested too deep or too long are refused (an older index may hold one that overflows).
 * 4: only what git's notes code takes for a note is one (an older index may hold a record stored
 *    under a symbolic link's mode or a four-digit directory, which plain git never shows, and miss
 *    one under an upper-case name, which it does).
 * 5: a run's date is well-formed (model.ts indexDate): an older index may hold a lone surrogate from a
 *    hostile line, sorted as it was in memory and not as it reads back, and an update now copies the
 *    old lines and places new ones by binary search over them (splice.ts), so it must not meet one.
 * 6: the header names the build that wrote the file (indexHeaderLine). A file of version 5 may still
 *    hold such a date, sorted by the old rule.
 */
export const INDEX_FORMAT_VERSION = 6;

/** The index file, under the index directory (journal/paths.ts indexDir). */
export const INDEX_FILE = 'records.v1';

/** The `format` of the index file's header line. */
export const INDEX_FILE_FORMAT = 'git-agent-log-index';

/**
 * The header line of an index file. It names the build that wrote it (build-key.ts): a record's slim
 * JSON, its date and its warnings are what that code made of the notes, and an update copies the
 * lines it does not touch as bytes (splice.ts), so another build's file would keep its lines beside
 * this build's for ever. Another build's index reads as no index.
 */
export function indexHeaderLine(tip: string | null, notes: number, entries: number): string {
  return JSON.stringify({
    format: INDEX_FILE_FORMAT,
    version: INDEX_FORMAT_VERSION,
    build: BUILD_KEY,
    tip,
    notes,
    entries,
  });
}

/** Whether a parsed header line is that of an index of this format written by this build. */
export function isThisBuildsIndex(
  header: unknown,
): header is { tip?: unknown; notes?: unknown; entries?: unknown } {
  const h = header as { format?: unknown; version?: unknown; build?: unknown } | null;
  return (
    h !== null &&
    typeof h === 'object' &&
    h.format === INDEX_FILE_FORMAT &&
    h.version === INDEX_FORMAT_VERSION &&
    h.build === BUILD_KEY
  );
}
