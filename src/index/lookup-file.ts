// Reading the index through its lookup file (records.v1.at, written by file.ts beside the index): the
// few record lines `show ID|REV` and `blame` need, by byte offset, without reading the rest. Apart
// from file.ts so that these readers load neither the index model nor the record schema.
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { INDEX_FILE_FORMAT, INDEX_FORMAT_VERSION } from './format.js';
import type { IndexEntry } from './model.js';

const FORMAT = INDEX_FILE_FORMAT;
export const LOOKUP_FORMAT = 'git-agent-log-index-lookup';

export function lookupPath(indexFile: string): string {
  return `${indexFile}.at`;
}

export type LookupKey = { id: string; exact: boolean } | { commits: readonly string[] };

export interface LookupResult {
  /** By ID: the matching entries in ID order. By commits: each commit's entries in ID order. */
  entries: IndexEntry[];
  byCommit: Map<string, IndexEntry[]>;
  /** Every warning stored in the index. */
  warnings: string[];
}

/**
 * Entries of the index at `indexFile`, when it describes notes tip `tip`, found through its lookup
 * file without reading the rest. null when there is no index for that tip or no lookup file that
 * matches it: the caller scans or rebuilds.
 */
export function lookupEntries(indexFile: string, tip: string | null, key: LookupKey): LookupResult | null {
  let fd: number;
  try {
    fd = openSync(indexFile, 'r');
  } catch {
    return null;
  }
  try {
    // One descriptor for the header and every line: a rename over the index cannot mix two files.
    const size = fstatSync(fd).size;
    const head = readLineAt(fd, 0);
    if (head === null) return null;
    const header = JSON.parse(head);
    if (header.format !== FORMAT || header.version !== INDEX_FORMAT_VERSION || (header.tip ?? null) !== tip)
      return null;
    let text: string;
    try {
      text = readFileSync(lookupPath(indexFile), 'utf8');
    } catch {
      return null;
    }
    const nl = text.indexOf('\n');
    if (nl < 0 || !text.endsWith('\nend\n')) return null;
    const meta = JSON.parse(text.slice(0, nl));
    if (meta.format !== LOOKUP_FORMAT || meta.version !== 1 || meta.tip !== tip || meta.size !== size)
      return null;
    const warnings = readWarnings(fd, meta.warnings);
    if (warnings === null) return null;
    const entryAt = (at: number, check: (e: IndexEntry) => boolean): IndexEntry | null => {
      const line = readLineAt(fd, at);
      const e = line === null ? null : parseRecordLine(line);
      return e && check(e) ? e : null;
    };
    const byCommit = new Map<string, IndexEntry[]>();
    const entries: IndexEntry[] = [];
    if ('id' in key) {
      const needle = `\ni\t${key.id}${key.exact ? '\t' : ''}`;
      let i = text.indexOf(needle);
      while (i >= 0) {
        const end = text.indexOf('\n', i + 1);
        const [, id, at] = text.slice(i + 1, end).split('\t') as [string, string, string];
        const e = entryAt(Number(at), (x) => x.id === id);
        if (!e) return null;
        entries.push(e);
        i = text.startsWith(needle, end) ? end : -1;
      }
      return { entries, byCommit, warnings };
    }
    const offsets = commitOffsets(text, key.commits);
    // Many lines (blame names a commit per line): read them in a few large reads, not one each.
    const lines = readLinesAt(fd, [...offsets.values()].flat());
    const parsed = new Map<number, IndexEntry | null>();
    for (const [commit, list] of offsets) {
      const found: IndexEntry[] = [];
      for (const at of list) {
        let e = parsed.get(at);
        if (e === undefined) {
          const line = lines.get(at);
          e = line === undefined ? null : parseRecordLine(line);
          parsed.set(at, e);
        }
        if (!e || !e.commits.includes(commit)) return null;
        found.push(e);
        entries.push(e);
      }
      byCommit.set(commit, found);
    }
    return { entries, byCommit, warnings };
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** Offsets of the `c` lines for `commits` (a few: searched; many: the section is read into a map). */
function commitOffsets(text: string, commits: readonly string[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const parse = (list: string) => list.split(',').map(Number);
  if (commits.length <= 16) {
    for (const c of commits) {
      const i = text.indexOf(`\nc\t${c}\t`);
      if (i < 0) continue;
      const from = i + 4 + c.length;
      out.set(c, parse(text.slice(from, text.indexOf('\n', from))));
    }
    return out;
  }
  const want = new Set(commits);
  let i = text.indexOf('\nc\t');
  while (i >= 0) {
    const t = text.indexOf('\t', i + 3);
    const end = text.indexOf('\n', t);
    const c = text.slice(i + 3, t);
    if (want.has(c)) out.set(c, parse(text.slice(t + 1, end)));
    i = text.startsWith('\nc\t', end) ? end : -1;
  }
  return out;
}

function readWarnings(fd: number, range: unknown): string[] | null {
  if (!Array.isArray(range) || range.length !== 2) return null;
  const [start, end] = range as [number, number];
  if (end <= start) return [];
  const buf = Buffer.alloc(end - start);
  if (readSync(fd, buf, 0, buf.length, start) !== buf.length) return null;
  const out: string[] = [];
  for (const line of buf.toString('utf8').split('\n')) {
    if (!line) continue;
    const f = line.split('\t');
    if (f[0] !== 'w' || f.length !== 3) return null;
    out.push(...(JSON.parse(f[2]!) as string[]));
  }
  return out;
}

/** Reads of nearby lines are merged while the gap between them stays under this. */
const READ_GAP = 64 << 10;
const READ_MAX = 4 << 20;

/**
 * The lines that start at each of `offsets` (without their newlines), read in as few reads as
 * their spread allows; a line the file ends inside is left out.
 */
function readLinesAt(fd: number, offsets: readonly number[]): Map<number, string> {
  const out = new Map<number, string>();
  const sorted = [...new Set(offsets)].sort((a, b) => a - b);
  let i = 0;
  while (i < sorted.length) {
    const from = sorted[i]!;
    let j = i + 1;
    while (j < sorted.length && sorted[j]! - sorted[j - 1]! <= READ_GAP && sorted[j]! - from <= READ_MAX) j++;
    // Up to the last line's start, plus room for that line (read on its own if it is longer).
    const buf = Buffer.allocUnsafe(sorted[j - 1]! - from + 4096);
    const n = readSync(fd, buf, 0, buf.length, from);
    for (let k = i; k < j; k++) {
      const start = sorted[k]! - from;
      const nl = start < n ? buf.indexOf(10, start) : -1;
      const line = nl >= 0 && nl < n ? buf.toString('utf8', start, nl) : readLineAt(fd, sorted[k]!);
      if (line !== null) out.set(sorted[k]!, line);
    }
    i = j;
  }
  return out;
}

/** The line that starts at byte `at` (without its newline); null when the file ends first. */
function readLineAt(fd: number, at: number): string | null {
  let len = 4096;
  for (;;) {
    const buf = Buffer.allocUnsafe(len);
    const n = readSync(fd, buf, 0, len, at);
    const nl = buf.subarray(0, n).indexOf(10);
    if (nl >= 0) return buf.toString('utf8', 0, nl);
    if (n < len) return null;
    len *= 4;
  }
}

/** An `r` line of the index file; null when it is not one. */
export function parseRecordLine(line: string): IndexEntry | null {
  const f = line.split('\t');
  if (f.length !== 7 || f[0] !== 'r') return null;
  return {
    id: f[1]!,
    date: f[2]!,
    commit: f[3] === '-' ? null : f[3]!,
    blob: f[4] === '-' ? null : f[4]!,
    commits: f[5] ? f[5].split(',') : [],
    json: f[6] === '-' ? null : f[6]!,
  };
}
