// The index on disk: one text file, written whole to a temporary name and renamed into place, so a
// reader sees the old or the new index, never half of one. Anything unexpected reads as "no index",
// and so does an index written by another build (format.ts indexHeaderLine).
//
//   {"format":"git-agent-log-index","version":6,"build":…,"tip":…,"notes":N,"entries":M}
//   n <TAB> commit <TAB> blob[,blob]                       N lines: the notes tree
//   w <TAB> commit <TAB> ["warning", …]                    unreadable lines per commit
//   r <TAB> id <TAB> date <TAB> commit|- <TAB> blob|- <TAB> commit,commit… <TAB> slim JSON|-
//   end
//
// Entries are written newest first, so `log -n` needs only the head of the file.
import { closeSync, mkdirSync, openSync, readFileSync, readSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { faultPoint } from '../store/fault.js';
import {
  compareEntries,
  deriveByCommit,
  INDEX_FORMAT_VERSION,
  type IndexData,
  type IndexEntry,
} from './model.js';
import { indexHeaderLine, isThisBuildsIndex } from './format.js';
import { factsNameIndex, factsPath } from './facts-file.js';
import { type LineWriter, writeLines } from './line-writer.js';
import { LineOffsets, parseRecordLine, readingFile, writeLookupFile } from './lookup-file.js';

export function serializeIndex(data: IndexData): string[] {
  const lines: string[] = [];
  eachIndexLine(
    data,
    (e) => e.json,
    (head, tail) => void lines.push(head + tail),
  );
  return lines;
}

/**
 * Record JSON a spilling build keeps in a scratch file instead of its entries (open.ts): decoded
 * for a visitor, else copied into the index as the bytes it is.
 */
export interface SpilledJson {
  /** The entry's JSON, from the file when it was spilled. */
  json(e: IndexEntry): string | null;
  /** Where the entry's JSON is in the file (a slot), or -1 when it was not spilled. */
  slot(e: IndexEntry): number;
  /** Its length in bytes. */
  length(slot: number): number;
  /** Reads its bytes into `buf` at `at`. */
  read(slot: number, buf: Buffer, at: number): void;
}

/**
 * The lines of the file in order, produced one at a time (a 100k-record index is never held whole):
 * `emit` gets each line as head + tail, and for an `r` line its entry and JSON (the tail); a `w`
 * line comes with its warnings. With `spilled`, an `r` line whose JSON is in its file comes with
 * its slot there instead of its JSON. Returns the annotated commits, sorted.
 */
function eachIndexLine(
  data: IndexData,
  jsonOf: (e: IndexEntry) => string | null,
  emit: (
    head: string,
    tail: string,
    entry?: IndexEntry,
    json?: string | null,
    warnings?: string[],
    slot?: number,
  ) => void,
  spilled?: SpilledJson,
): string[] {
  const entries = [...data.entries.values()].sort(compareEntries);
  emit(indexHeaderLine(data.tip, data.notes.size, entries.length), '');
  // Sorted, so the same notes always give the same bytes (an update equals a rebuild).
  const commits = [...data.notes.keys()].sort();
  for (const commit of commits) emit(`n\t${commit}\t${data.notes.get(commit)!.join(',')}`, '');
  for (const commit of [...data.warnings.keys()].sort()) {
    const list = data.warnings.get(commit)!;
    emit(`w\t${commit}\t${JSON.stringify(list)}`, '', undefined, undefined, list);
  }
  for (const e of entries) {
    const slot = spilled ? spilled.slot(e) : -1;
    if (slot >= 0) {
      emit(recordHead(e), '', e, undefined, undefined, slot);
      continue;
    }
    const json = jsonOf(e);
    emit(recordHead(e), json ?? '-', e, json);
  }
  emit('end', '');
  return commits;
}

/** An `r` line up to its JSON. */
export function recordHead(e: IndexEntry): string {
  return `r\t${e.id}\t${e.date}\t${e.commit ?? '-'}\t${e.blob ?? '-'}\t${e.commits.join(',')}\t`;
}

/** Parse an index file; null when it is not a complete index of the current format. */
export function parseIndex(text: string): IndexData | null {
  const firstNl = text.indexOf('\n');
  if (firstNl === -1) return null;
  let header: unknown;
  try {
    header = JSON.parse(text.slice(0, firstNl));
  } catch {
    return null;
  }
  if (!isThisBuildsIndex(header)) return null;
  if (header.tip !== null && typeof header.tip !== 'string') return null;
  const notes = new Map<string, string[]>();
  const warnings = new Map<string, string[]>();
  const entries = new Map<string, IndexEntry>();
  let pos = firstNl + 1;
  let ended = false;
  while (pos < text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl === -1) nl = text.length;
    const line = text.slice(pos, nl);
    pos = nl + 1;
    if (line === 'end') {
      ended = true;
      break;
    }
    // An `r` line is read as the scan and the lookup read it (lookup-file.ts parseRecordLine).
    if (line.startsWith('r\t')) {
      const entry = parseRecordLine(line);
      if (!entry) return null;
      entries.set(entry.id, entry);
      continue;
    }
    const f = line.split('\t');
    if (f[0] === 'n' && f.length === 3) notes.set(f[1]!, f[2]!.split(','));
    else if (f[0] === 'w' && f.length === 3) {
      try {
        warnings.set(f[1]!, JSON.parse(f[2]!));
      } catch {
        return null;
      }
    } else return null;
  }
  if (!ended || notes.size !== header.notes || entries.size !== header.entries) return null;
  return {
    version: INDEX_FORMAT_VERSION,
    tip: header.tip,
    notes,
    entries,
    byCommit: deriveByCommit(entries.values()),
    warnings,
  };
}

export function readIndexFile(path: string): IndexData | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  return parseIndex(text);
}

/** What a build hands the command that asked for it, as the file is written (see writeIndexFile). */
export interface IndexVisitor {
  /** Each entry in file order (newest first) until it returns false. */
  visit(entry: IndexEntry): boolean | void;
  /** Set by writeIndexFile once it has visited: every warning stored in the index, in file order. */
  warnings?: string[];
  /**
   * The literal groups of scanIndexFile: an update that copies record lines as bytes visits only the
   * lines holding one literal of each group (without them it visits nothing: the caller scans).
   */
  literals?: readonly (readonly string[])[];
}

/**
 * Write atomically (temp file + fsync + rename). Returns false when the directory is not writable.
 * With `visitor`, the entries are also handed to it as they are written (the first query after a
 * build is answered from the build rather than from a scan of the file it just wrote).
 */
export function writeIndexFile(
  path: string,
  data: IndexData,
  jsonOf: SpilledJson | ((e: IndexEntry) => string | null) = (e) => e.json,
  visitor?: IndexVisitor,
): boolean {
  // A visitor is handed each entry's JSON as a string; without one, spilled JSON is copied as bytes.
  const spilled = typeof jsonOf === 'function' || visitor ? undefined : jsonOf;
  const jsonFor = typeof jsonOf === 'function' ? jsonOf : (e: IndexEntry) => jsonOf.json(e);
  const warnings: string[] = [];
  const written = writeIndexWith(path, data.tip, (out, where) => {
    let visiting = visitor !== undefined;
    const emit = (
      head: string,
      tail: string,
      entry?: IndexEntry,
      json?: string | null,
      lineWarnings?: string[],
      slot?: number,
    ) => {
      const at = slot === undefined ? out.line(head, tail) : out.lineFrom(head, spilled!, slot);
      if (lineWarnings) {
        where.warningLine(at, out.offset);
        warnings.push(...lineWarnings);
      } else if (entry) {
        where.entry(entry, at);
        if (visiting && visitor!.visit(json === entry.json ? entry : { ...entry, json: json! }) === false)
          visiting = false;
      }
    };
    where.commits = eachIndexLine(data, jsonFor, emit, spilled);
  });
  if (visitor) visitor.warnings = written ? warnings : undefined;
  return written;
}

/**
 * Write an index file atomically (temp file + fsync + rename) with `write`, which fills in where its
 * lines went; then the lookup file from that. Returns false when the directory is not writable.
 */
export function writeIndexWith(
  path: string,
  tip: string | null,
  write: (out: LineWriter, where: LineOffsets) => void,
  writeLookup: (where: LineOffsets) => void = (where) => writeLookupFile(path, tip, where),
): boolean {
  const where = new LineOffsets();
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  } catch {
    return false;
  }
  const written = writeLines(
    path,
    (out) => {
      write(out, where);
      where.size = out.offset;
    },
    { durable: true },
  );
  if (!written) return false;
  try {
    // (Crash and race tests stop here: the new index beside the old lookup file.)
    faultPoint('index-renamed');
    writeLookup(where);
    dropFactsFile(path, tip, where.size);
    return true;
  } catch {
    return false;
  }
}

/**
 * Blame's facts file described the index just replaced, so no reader takes it any more; left on disk
 * it would still hold the text of runs the new index no longer has (a purge a teammate fetched). One
 * that names the new index (the same notes tip and bytes: a rebuild of the same notes) stays valid.
 */
function dropFactsFile(indexFile: string, tip: string | null, size: number): void {
  if (factsNameIndex(indexFile, tip, size)) return;
  try {
    unlinkSync(factsPath(indexFile));
  } catch {
    // none, or not ours to remove: it names another index and is never read
  }
}

/** The header of an index file (first line), or null when it is not a current-format index of this build. */
export function readIndexHeader(path: string): { tip: string | null; entries: number } | null {
  return readingFile(path, (fd) => {
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const nl = buf.subarray(0, n).indexOf(10);
    if (nl < 0) return null;
    const header = JSON.parse(buf.subarray(0, nl).toString('utf8'));
    if (!isThisBuildsIndex(header)) return null;
    return { tip: (header.tip as string | null | undefined) ?? null, entries: Number(header.entries) };
  });
}

function headerLineIsThisBuilds(line: Buffer): boolean {
  try {
    return isThisBuildsIndex(JSON.parse(line.toString('utf8')));
  } catch {
    return false;
  }
}

export interface ScanResult {
  warnings: string[];
  /** False when the file ended early or held an unexpected line (the caller rebuilds). */
  complete: boolean;
}

const CHUNK = 8 << 20;

/**
 * Stream the entries of an index file in order (newest first) with bounded memory. Lines that do
 * not contain, for every group, one of its literals are skipped without being decoded — a memchr
 * scan, as fast as grep. `visit` returns false to stop early.
 */
export function scanIndexFile(
  path: string,
  groups: readonly (readonly string[])[],
  visit: (entry: IndexEntry) => boolean | void,
): ScanResult {
  const warnings: string[] = [];
  const needles = literalNeedles(groups);
  const fd = openSync(path, 'r');
  try {
    let carry = Buffer.alloc(0);
    let pos = 0;
    let first = true;
    // One read buffer for the whole scan (lines are decoded into strings before the next read).
    const chunk = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const n = readSync(fd, chunk, 0, CHUNK, pos);
      pos += n;
      const buf = carry.length ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
      const lastNl = buf.lastIndexOf(10);
      if (n === 0) return { warnings, complete: false };
      if (lastNl < 0) {
        carry = Buffer.from(buf); // a copy: the next read reuses the buffer
        continue;
      }
      const body = buf.subarray(0, lastNl + 1);
      carry = Buffer.from(buf.subarray(lastNl + 1));
      let start = 0;
      if (first) {
        start = body.indexOf(10) + 1;
        first = false;
        // The caller read the header before: the file may have been replaced since (by another build).
        if (!headerLineIsThisBuilds(body.subarray(0, start - 1))) return { warnings, complete: false };
      }
      const r = scanLines(body, start, needles, visit, warnings);
      if (r !== 'more') return { warnings, complete: r === 'end' || r === 'stopped' };
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Visit the record lines in `body` (whole `r` lines only) as scanIndexFile would: 'stopped' when
 * `visit` stopped, 'bad' at a line that does not read (the caller then trusts nothing it visited).
 */
export function scanRecordBytes(
  body: Buffer,
  needles: Buffer[][],
  visit: (entry: IndexEntry) => boolean | void,
): 'more' | 'stopped' | 'bad' {
  const r = scanLines(body, 0, needles, visit, []);
  return r === 'end' ? 'more' : r;
}

/** The literal groups of a scan as the bytes it looks for. */
export function literalNeedles(groups: readonly (readonly string[])[]): Buffer[][] {
  return groups.map((g) => g.map((l) => Buffer.from(l, 'utf8')));
}

function scanLines(
  body: Buffer,
  from: number,
  needles: Buffer[][],
  visit: (entry: IndexEntry) => boolean | void,
  warnings: string[],
): 'more' | 'end' | 'stopped' | 'bad' {
  let start = from;
  // With literals, jump from one occurrence of the first group to the next instead of visiting lines.
  while (start < body.length) {
    if (needles.length && body[start] === 0x72 /* r */) {
      const hit = nextHit(body, start, needles[0]!);
      // No candidate left in this chunk: done with it (or with the file, if it holds the end line).
      if (hit < 0) return body.subarray(body.length - 5).toString() === '\nend\n' ? 'end' : 'more';
      start = body.lastIndexOf(10, hit) + 1;
    }
    const nl = body.indexOf(10, start);
    const line = body.subarray(start, nl);
    start = nl + 1;
    const kind = line[0];
    if (kind === 0x6e /* n */) {
      // The notes section (a line per annotated commit) is never visited: jump to what follows it.
      const next = afterNotes(body, start - 1);
      if (next < 0) return 'more';
      start = next;
      continue;
    }
    if (kind === 0x72 /* r */) {
      if (!needles.every((g) => g.some((n) => line.indexOf(n) !== -1))) continue;
      const entry = parseRecordLine(line.toString('utf8'));
      if (!entry) return 'bad';
      if (visit(entry) === false) return 'stopped';
    } else if (kind === 0x77 /* w */) {
      const f = line.toString('utf8').split('\t');
      try {
        warnings.push(...(JSON.parse(f[2] ?? '[]') as string[]));
      } catch {
        return 'bad';
      }
    } else return line.toString() === 'end' ? 'end' : 'bad';
  }
  return 'more';
}

const SECTION_STARTS = ['\nr\t', '\nw\t', '\nend\n'].map((t) => Buffer.from(t));

/** Start of the first line after `from` that is not a notes line; -1 when the chunk ends first. */
function afterNotes(body: Buffer, from: number): number {
  const at = nextHit(body, from, SECTION_STARTS);
  return at < 0 ? -1 : at + 1;
}

function nextHit(body: Buffer, from: number, group: Buffer[]): number {
  let best = -1;
  for (const n of group) {
    const i = body.indexOf(n, from);
    if (i !== -1 && (best === -1 || i < best)) best = i;
  }
  return best;
}
