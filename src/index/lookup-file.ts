// The lookup file beside the index (records.v1.at): where each record line starts, by ID and by
// commit, so `show ID|REV` and `blame` read the few record lines they need, by byte offset, instead
// of all of the index. Apart from file.ts so that these readers load neither the index model nor
// the record schema.
//
//   {"format":"git-agent-log-index-lookup","version":1,"build":…,"tip":…,"size":BYTES,"warnings":[START,END]}
//   i <TAB> id <TAB> offset                     sorted by ID
//   c <TAB> commit <TAB> offset[,offset…]        sorted by commit; offsets in ID order
//   end
//
// It names the index it describes by build, tip and byte size. A reader that finds a current index
// whose lookup file describes another (two updates raced, or one was killed between its two renames)
// or does not match it line by line writes it anew from the index (rewriteLookupFile), so the next
// read takes the short way again.
import { closeSync, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { BUILD_KEY } from './build-key.js';
import { isThisBuildsIndex } from './format.js';
import { writeLines } from './line-writer.js';
import type { IndexEntry } from './model.js';

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
  if ('commits' in key) {
    const looked = lookupCommitLines(indexFile, tip, key.commits);
    if (!looked) return null;
    const entries: IndexEntry[] = [];
    const byCommit = new Map<string, IndexEntry[]>();
    const decoded = new Map<RecordLine, IndexEntry>();
    for (const [commit, lines] of looked.byCommit) {
      const found: IndexEntry[] = [];
      for (const line of lines) {
        let e = decoded.get(line);
        if (!e) decoded.set(line, (e = line.entry()));
        found.push(e);
        entries.push(e);
      }
      byCommit.set(commit, found);
    }
    return { entries, byCommit, warnings: looked.warnings };
  }
  return withLookup(indexFile, tip, (fd, text, warnings) => {
    const entries: IndexEntry[] = [];
    const needle = `\ni\t${key.id}${key.exact ? '\t' : ''}`;
    let i = text.indexOf(needle);
    while (i >= 0) {
      const end = text.indexOf('\n', i + 1);
      const [, id, at] = text.slice(i + 1, end).split('\t') as [string, string, string];
      const line = readLineAt(fd, Number(at));
      const e = line === null ? null : parseRecordLine(line);
      if (!e || e.id !== id) return null;
      entries.push(e);
      i = text.startsWith(needle, end) ? end : -1;
    }
    return { entries, byCommit: new Map(), warnings };
  });
}

/**
 * An `r` line of the index as read: characters `start` to `end` (no newline) of `text`, which holds
 * many lines (one string per read: blame's 2,000 lines of ~2 KB each, as 2,000 strings kept alive
 * by the entries sliced from them, were most of its garbage collection). Fields are cut only when
 * asked for.
 */
export class RecordLine {
  constructor(
    readonly text: string,
    readonly start: number,
    readonly end: number,
    /** Where each of the line's six tabs is. */
    private readonly tabs: readonly number[],
  ) {}

  /** Field `n` (1 = the ID … 5 = the commits, 6 = the slim JSON). */
  field(n: number): string {
    return this.text.slice(this.tabs[n - 1]! + 1, n === 6 ? this.end : this.tabs[n]);
  }

  /** Whether the line holds a full record (commit, blob and slim JSON are not `-`). */
  get hasRecord(): boolean {
    return !this.isDash(3) && !this.isDash(4) && !this.isDash(6);
  }

  /** Where the slim JSON starts (it runs to `end`). */
  get jsonStart(): number {
    return this.tabs[5]! + 1;
  }

  /** The whole entry, every field decoded. */
  entry(): IndexEntry {
    return parseRecordLine(this.text.slice(this.start, this.end))!;
  }

  private isDash(n: number): boolean {
    const from = this.tabs[n - 1]! + 1;
    return (n === 6 ? this.end : this.tabs[n]!) === from + 1 && this.text.charCodeAt(from) === 45;
  }
}

/**
 * lookupEntries(indexFile, tip, { id, exact: true }) without reading the lookup file whole: a binary
 * search over its sorted `i` lines by positional reads of a few dozen bytes each. `show` of one
 * commit wants one line of a file of 730 KB at 10k records, and the string read whole was also the
 * one allocation that cost that small process a garbage collection.
 */
export function lookupEntryById(indexFile: string, tip: string | null, id: string): LookupResult | null {
  return currentIndex(indexFile, tip, (fd, size) =>
    readingFile(lookupPath(indexFile), (at) => {
      const end = endLineAt(at);
      if (end === null) return null;
      const head = readLineAt(at, 0);
      if (head === null) return null;
      const warnings = lookupWarnings(fd, head, tip, size);
      if (warnings === null) return null;
      // The `i` lines are sorted by ID; `c` lines and `end` follow.
      const lines = new SortedLines(at, Buffer.byteLength(head) + 1, end);
      const before = (line: string) => line.startsWith('i\t') && line.slice(2, line.indexOf('\t', 2)) < id;
      const entries: IndexEntry[] = [];
      let line = lines.firstNotBefore(before);
      const needle = `i\t${id}\t`;
      while (line && line.text.startsWith(needle)) {
        const offset = line.text.slice(needle.length);
        const text = readLineAt(fd, Number(offset));
        const e = text === null ? null : parseRecordLine(text);
        if (!e || e.id !== id) return null;
        entries.push(e);
        line = lines.from(line.start + line.text.length + 1);
      }
      return { entries, byCommit: new Map(), warnings };
    }),
  );
}

/**
 * `read` of the lookup file of the index at `indexFile`, open at `fd` (`size` bytes), when that index
 * is this build's and describes notes tip `tip`; null when it does not. When `read` gives nothing
 * (the lookup file describes another index, or none, or does not match this one line by line), the
 * lookup file is written anew from the index and read once more.
 */
function currentIndex<T>(
  indexFile: string,
  tip: string | null,
  read: (fd: number, size: number) => T | null,
): T | null {
  return readingFile(indexFile, (fd) => {
    if (!indexHeaderMatches(fd, tip)) return null;
    const size = fstatSync(fd).size;
    const attempt = () => {
      try {
        return read(fd, size);
      } catch {
        return null;
      }
    };
    return attempt() ?? (rewriteLookupFile(indexFile, fd, tip) ? attempt() : null);
  });
}

/**
 * The note blobs of `commit` as the index at `indexFile` lists them (its sorted `n` lines), when it
 * describes notes tip `tip`: what a walk of the notes tree at that tip would find, without reading
 * a tree. null when there is no such index or it lists no note on `commit`.
 */
export function lookupNoteBlobs(indexFile: string, tip: string | null, commit: string): string[] | null {
  return readingFile(indexFile, (fd) => {
    const head = readLineAt(fd, 0);
    const end = endLineAt(fd);
    if (head === null || end === null || !indexHeaderMatches(fd, tip)) return null;
    // `n` lines come first, sorted by commit; `r` lines and `end` follow.
    const lines = new SortedLines(fd, Buffer.byteLength(head) + 1, end);
    const line = lines.firstNotBefore((l) => l.startsWith('n\t') && l.slice(2, 42) < commit);
    if (!line?.text.startsWith(`n\t${commit}\t`)) return null;
    return line.text.slice(43).split('\t');
  });
}

/**
 * `read` of the file at `path` open for reading, closed after; null when it cannot be opened or
 * `read` throws (a reader of a derived file: the caller scans, rebuilds or asks git instead).
 */
export function readingFile<T>(path: string, read: (fd: number) => T | null): T | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    return read(fd);
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** Where the closing `end` line of the file open at `fd` starts; null when it does not end so (cut short). */
function endLineAt(fd: number): number | null {
  const end = fstatSync(fd).size - 4;
  const tail = Buffer.alloc(5);
  if (end < 1 || readSync(fd, tail, 0, 5, end - 1) !== 5 || tail.toString('latin1') !== '\nend\n')
    return null;
  return end;
}

/**
 * The lines of a file from byte `first` (a line start) to `end` (where its closing `end` line
 * starts), read positionally a few at a time: a binary search over sorted lines of any length.
 */
class SortedLines {
  constructor(
    private readonly fd: number,
    private readonly first: number,
    private readonly end: number,
  ) {}

  /** The first line that starts at or after byte `p` (`end` past the last). */
  from(p: number): { start: number; text: string } | null {
    const { fd, first, end } = this;
    const skipped = p <= first ? '' : readLineAt(fd, p - 1);
    if (skipped === null) return null;
    const start = p <= first ? first : p - 1 + Buffer.byteLength(skipped) + 1;
    const text = start >= end ? 'end' : readLineAt(fd, start);
    return text === null ? null : { start, text };
  }

  /** The first line for which `before` is false (it must hold for a prefix of the lines only). */
  firstNotBefore(before: (line: string) => boolean): { start: number; text: string } | null {
    let lo = this.first;
    let hi = this.end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const line = this.from(mid);
      if (line === null) return null;
      if (before(line.text)) lo = mid + 1;
      else hi = mid;
    }
    return this.from(lo);
  }
}

/** The byte size of the index at `indexFile` when it is of this format and describes notes tip `tip`; else null. */
export function currentIndexSize(indexFile: string, tip: string | null): number | null {
  return readingFile(indexFile, (fd) => (indexHeaderMatches(fd, tip) ? fstatSync(fd).size : null));
}

/** Whether the index open at `fd` is of this format, written by this build, and describes notes tip `tip`. */
function indexHeaderMatches(fd: number, tip: string | null): boolean {
  const head = readLineAt(fd, 0);
  if (head === null) return false;
  const header = JSON.parse(head);
  return isThisBuildsIndex(header) && (header.tip ?? null) === tip;
}

/**
 * The record lines on each of `commits` (each commit's in ID order; a line on several commits is
 * one object), through a current index's lookup file; null as for lookupEntries.
 */
export function lookupCommitLines(
  indexFile: string,
  tip: string | null,
  commits: readonly string[],
): { byCommit: Map<string, RecordLine[]>; warnings: string[] } | null {
  return withLookup(indexFile, tip, (fd, text, warnings) => {
    const offsets = commitOffsets(text, commits);
    // Many lines (blame names a commit per line): read them in a few large reads, not one each.
    const lines = readLinesAt(fd, [...offsets.values()].flat());
    const byCommit = new Map<string, RecordLine[]>();
    for (const [commit, list] of offsets) {
      const found: RecordLine[] = [];
      for (const at of list) {
        const line = lines.get(at);
        if (!line || !line.field(5).split(',').includes(commit)) return null;
        found.push(line);
      }
      byCommit.set(commit, found);
    }
    return { byCommit, warnings };
  });
}

/**
 * `read` on the index at `indexFile` and the text of its lookup file, when the index is this build's
 * at notes tip `tip` and the lookup file describes it (one descriptor for the header and every line:
 * a rename over the index cannot mix two files); the lookup file is rewritten once when it does not,
 * or when `read` returns null (a line that does not match). null when there is no such index.
 */
function withLookup<T>(
  indexFile: string,
  tip: string | null,
  read: (fd: number, text: string, warnings: string[]) => T | null,
): T | null {
  return currentIndex(indexFile, tip, (fd, size) => {
    let text: string;
    try {
      // latin1: IDs, offsets and commits are ASCII, so no UTF-8 decoding of the whole file (a byte
      // outside ASCII, which no valid line holds, can only fail to match and send the caller to scan).
      text = readFileSync(lookupPath(indexFile), 'latin1');
    } catch {
      return null;
    }
    const nl = text.indexOf('\n');
    if (nl < 0 || !text.endsWith('\nend\n')) return null;
    const warnings = lookupWarnings(fd, text.slice(0, nl), tip, size);
    if (warnings === null) return null;
    return read(fd, text, warnings);
  });
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

/**
 * The index's warnings when the lookup file's header line `head` describes the index open at `fd`
 * (`size` bytes, notes tip `tip`); null when it describes another.
 */
function lookupWarnings(fd: number, head: string, tip: string | null, size: number): string[] | null {
  const meta = JSON.parse(head);
  return describesIndex(meta, tip, size) ? readWarnings(fd, meta.warnings) : null;
}

/** Whether a lookup file's parsed header line describes this build's index of `size` bytes at notes tip `tip`. */
export function describesIndex(
  meta: { [key: string]: unknown } | null,
  tip: string | null,
  size: number,
): boolean {
  return (
    meta?.format === LOOKUP_FORMAT &&
    meta.version === 1 &&
    meta.build === BUILD_KEY &&
    meta.tip === tip &&
    meta.size === size
  );
}

/**
 * The warnings of the index at `indexFile` when it describes notes tip `tip` and its lookup file
 * describes that index, read from their header lines (and the warnings' own lines) only; null when
 * either does not: a reader then cannot answer from them without updating the index.
 */
export function currentIndexWarnings(indexFile: string, tip: string | null): string[] | null {
  return currentIndex(indexFile, tip, (fd, size) =>
    readingFile(lookupPath(indexFile), (at) => {
      const head = readLineAt(at, 0);
      return head === null ? null : lookupWarnings(fd, head, tip, size);
    }),
  );
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
 * The `r` lines that start at each of `offsets`, read in as few reads as their spread allows; a line
 * the file ends inside, or that is not an `r` line of seven fields, is left out.
 */
function readLinesAt(fd: number, offsets: readonly number[]): Map<number, RecordLine> {
  const out = new Map<number, RecordLine>();
  const sorted = [...new Set(offsets)].sort((a, b) => a - b);
  let i = 0;
  while (i < sorted.length) {
    const from = sorted[i]!;
    let j = i + 1;
    while (j < sorted.length && sorted[j]! - sorted[j - 1]! <= READ_GAP && sorted[j]! - from <= READ_MAX) j++;
    // Up to the last line's start, plus room for that line (read on its own if it is longer).
    const buf = Buffer.allocUnsafe(sorted[j - 1]! - from + 4096);
    const n = readSync(fd, buf, 0, buf.length, from);
    // One string for the whole read; its character offsets are its byte offsets when it is ASCII.
    const text = buf.toString('utf8', 0, n);
    const ascii = text.length === n;
    for (let k = i; k < j; k++) {
      const start = sorted[k]! - from;
      const nl = start >= n ? -1 : ascii ? text.indexOf('\n', start) : buf.subarray(0, n).indexOf(10, start);
      let line: RecordLine | null = null;
      if (nl >= 0 && ascii) line = recordLine(text, start, nl);
      else {
        const one = nl >= 0 ? buf.toString('utf8', start, nl) : readLineAt(fd, sorted[k]!);
        if (one !== null) line = recordLine(one, 0, one.length);
      }
      if (line) out.set(sorted[k]!, line);
    }
    i = j;
  }
  return out;
}

/** The `r` line at `start`-`end` of `text`; null when it is not one (as for parseRecordLine). */
function recordLine(text: string, start: number, end: number): RecordLine | null {
  if (text.charCodeAt(start) !== 114 || text.charCodeAt(start + 1) !== 9) return null;
  const tabs = [start + 1];
  for (let k = 0; k < 5; k++) {
    const t = text.indexOf('\t', tabs[k]! + 1);
    if (t < 0 || t >= end) return null;
    tabs.push(t);
  }
  const extra = text.indexOf('\t', tabs[5]! + 1);
  return extra >= 0 && extra < end ? null : new RecordLine(text, start, end, tabs);
}

/** The line that starts at byte `at` (without its newline); null when the file ends first. */
export function readLineAt(fd: number, at: number): string | null {
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

/** Where each record line of an index file starts, by ID and by commit, as it is written. */
export class LineOffsets {
  size = 0;
  warnings: [number, number] = [0, 0];
  /** Each record line written: its entry (the ID and commits are read) and offset. */
  lines: { entry: Pick<IndexEntry, 'id' | 'commits'>; at: number }[] = [];
  /** The annotated commits, sorted (the notes lines). */
  commits: string[] = [];

  entry(entry: Pick<IndexEntry, 'id' | 'commits'>, at: number): void {
    this.lines.push({ entry, at });
  }

  /** A `w` line was written from `at` to `end`. */
  warningLine(at: number, end: number): void {
    if (this.warnings[1] === 0) this.warnings[0] = at;
    this.warnings[1] = end;
  }
}

/** The first line of a lookup file. */
export function lookupHeader(tip: string | null, where: LineOffsets): string {
  return JSON.stringify({
    format: LOOKUP_FORMAT,
    version: 1,
    build: BUILD_KEY,
    tip,
    size: where.size,
    warnings: where.warnings,
  });
}

/** Write the lookup file of the index at `indexFile` (notes tip `tip`) from where its lines went; false when it cannot be. */
export function writeLookupFile(indexFile: string, tip: string | null, where: LineOffsets): boolean {
  const header = lookupHeader(tip, where);
  // without it, readers rewrite it from the index, or scan the index
  return writeLines(lookupPath(indexFile), (out) => {
    out.line(header);
    // (IDs are unique: an index has one entry per ID.)
    const lines = where.lines.sort((a, b) =>
      a.entry.id < b.entry.id ? -1 : a.entry.id > b.entry.id ? 1 : 0,
    );
    /** Commit → offsets of the lines naming it, in ID order (the lines are visited in that order). */
    const byCommit = new Map<string, number[]>();
    // Each section is one string written at once, and each commit looked up once: a write per line
    // and a second pass over the commits cost about 9 ms more of a 10k build.
    let ids = '';
    for (const { entry, at } of lines) {
      ids += `i\t${entry.id}\t${at}\n`;
      for (const c of entry.commits) {
        const list = byCommit.get(c);
        if (list) list.push(at);
        else byCommit.set(c, [at]);
      }
    }
    out.text(ids);
    // The commits named by entries are annotated ones: in the notes lines' order, with no sort of
    // their own (unless one is not, which no build makes).
    let named = 0;
    let commits = '';
    for (const c of where.commits) {
      const list = byCommit.get(c);
      if (!list) continue;
      named++;
      commits += `c\t${c}\t${list.join(',')}\n`;
    }
    if (named !== byCommit.size) {
      commits = '';
      for (const c of [...byCommit.keys()].sort()) commits += `c\t${c}\t${byCommit.get(c)!.join(',')}\n`;
    }
    out.text(commits);
    out.line('end');
  });
}

/**
 * Write the lookup file of the index open at `fd` (checked: this build's, at notes tip `tip`) from
 * the index's own lines, the same bytes as its writer wrote (one pass over the file in large reads,
 * the record lines' IDs and commits cut out). False when the index does not read as one this code
 * writes (the caller scans it, meets the line and rebuilds) or the file cannot be written.
 */
function rewriteLookupFile(indexFile: string, fd: number, tip: string | null): boolean {
  const where = new LineOffsets();
  let header: { notes?: unknown; entries?: unknown } | undefined;
  let notes = 0;
  let ended = false;
  /** The section being read: `n` lines, then `w` lines, then `r` lines. */
  let section = 0;
  const ids = new Set<string>();
  const read = eachLine(fd, (buf, start, end, at) => {
    if (ended) return false;
    if (header === undefined) {
      header = JSON.parse(buf.toString('utf8', start, end)) as { notes?: unknown; entries?: unknown };
      return true;
    }
    const kind = buf[start];
    if (buf[start + 1] !== 9)
      return (ended = end - start === 3 && buf.toString('latin1', start, end) === 'end');
    /** The first tab after `from` in the line; -1 when it has none. */
    const tab = (from: number) => {
      const t = buf.indexOf(9, from);
      return t >= end ? -1 : t;
    };
    if (kind === 0x6e /* n */ && section === 0) {
      const t = tab(start + 2);
      if (t < 0) return false;
      where.commits.push(buf.toString('latin1', start + 2, t));
      notes++;
    } else if (kind === 0x77 /* w */ && section <= 1) {
      section = 1;
      where.warningLine(at, at + end - start + 1);
    } else if (kind === 0x72 /* r */) {
      section = 2;
      // Seven fields (JSON never holds a raw tab): the ID is the second, the commits the sixth.
      const tabs = [start + 1];
      for (let k = 0; k < 5; k++) {
        const t = tab(tabs[k]! + 1);
        if (t < 0) return false;
        tabs.push(t);
      }
      if (tab(tabs[5]! + 1) >= 0) return false;
      const id = buf.toString('latin1', start + 2, tabs[1]);
      if (ids.has(id)) return false;
      ids.add(id);
      const commits = buf.toString('latin1', tabs[4]! + 1, tabs[5]);
      where.entry({ id, commits: commits ? commits.split(',') : [] }, at);
    } else return false;
    return true;
  });
  if (!read || !ended || header?.notes !== notes || header.entries !== where.lines.length) return false;
  const open = fstatSync(fd);
  // Replaced meanwhile (the notes moved): its writer writes its lookup file, which this must not undo.
  const now = statSync(indexFile);
  if (now.ino !== open.ino || now.dev !== open.dev) return false;
  where.size = open.size;
  return writeLookupFile(indexFile, tip, where);
}

/** Bytes read at a time by eachLine. */
const CHUNK = 8 << 20;

/**
 * `visit` each line of the file open at `fd`: bytes `start` to `end` (its newline) of `buf`, valid
 * during the call, and the offset in the file where it starts; until `visit` returns false. True when
 * every line was visited and the file ends with a newline. One buffer for the whole file (a line
 * longer than it grows it): the part line at the end of a read moves to its start.
 */
function eachLine(
  fd: number,
  visit: (buf: Buffer, start: number, end: number, at: number) => boolean,
): boolean {
  let buf = Buffer.allocUnsafe(CHUNK);
  /** Bytes held, where the next read starts, and where the first byte held is in the file. */
  let used = 0;
  let pos = 0;
  let base = 0;
  for (;;) {
    if (used === buf.length) {
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger, 0, 0, used);
      buf = bigger;
    }
    const n = readSync(fd, buf, used, buf.length - used, pos);
    if (n === 0) return used === 0;
    pos += n;
    used += n;
    const held = buf.subarray(0, used);
    let s = 0;
    for (let nl = held.indexOf(10); nl >= 0; nl = held.indexOf(10, s)) {
      if (!visit(held, s, nl, base + s)) return false;
      s = nl + 1;
    }
    buf.copyWithin(0, s, used);
    used -= s;
    base += s;
  }
}
