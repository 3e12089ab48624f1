// What names and versions the query index on disk (kept apart so that readers of the index file need
// not load the index model, the record schema or zod).

/**
 * 2: entries fold event lines (approvals, notes, status… added after sealing).
 * 3: lines nested too deep or too long are refused (an older index may hold one that overflows).
 * 4: only what git's notes code takes for a note is one (an older index may hold a record stored
 *    under a symbolic link's mode or a four-digit directory, which plain git never shows, and miss
 *    one under an upper-case name, which it does).
 * 5: a run's date is well-formed (model.ts indexDate): an older index may hold a lone surrogate from a
 *    hostile line, sorted as it was in memory and not as it reads back, and an update now copies the
 *    old lines and places new ones by binary search over them (splice.ts), so it must not meet one.
 */
export const INDEX_FORMAT_VERSION = 5;

/** The index file, under the index directory (journal/paths.ts indexDir). */
export const INDEX_FILE = 'records.v1';

/** The `format` of the index file's header line. */
export const INDEX_FILE_FORMAT = 'git-agent-log-index';
