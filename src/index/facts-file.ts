// The facts file beside the index (records.v1.facts): the runs a reader rendered, by commit, kept
// for the next read of those commits at the same notes tip. `blame` of many lines fills it from
// what it rendered anyway (so writing it costs little: no pass over the index), and the next blame
// of those lines copies the runs' text out of it as bytes, without reading the index's records or
// parsing a string per run. A blame that names commits the file lacks reads those from the index,
// renders them, and writes the file again with them added.
//
//   {"format":"git-agent-log-index-facts","version":3,"build":…,"kind":…,"tip":…,"size":BYTES,"warnings":[…],"table":BYTES,"text":BYTES}
//   [[commit,lines,[[id,date,start,length,plain],…]],…]        the table: ASCII JSON, one line
//   the runs' text, UTF-8, back to back                        `text` bytes, no separator
//
// Per commit: `lines`, how many index lines name it (0: none, and the reader knows that too), and
// its rendered runs in the reader's order. Per run: its ID, its date, where its text is (bytes from
// the start of the text part) and `plain`, 1 when the reader's display cleaning leaves that text as
// it is. The header names the index it belongs to by tip and byte size (as the lookup file does) and
// holds its warnings; a file that does not match, or does not parse exactly, is not read. It names
// the build that wrote it too (build-key.ts): its text is what that code rendered, which another
// release, or a local build of changed sources, may render otherwise with the same format.
import { closeSync, openSync, readFileSync, readSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { BUILD_KEY } from './build-key.js';
import { currentIndexSize } from './lookup-file.js';

export const FACTS_FORMAT = 'git-agent-log-index-facts';
const VERSION = 3;

export function factsPath(indexFile: string): string {
  return `${indexFile}.facts`;
}

/** A run as the facts file holds it: its text is bytes `start` to `start + length` of the text part. */
export interface StoredRun {
  id: string;
  date: string | null;
  start: number;
  length: number;
  /** The reader's display cleaning leaves its text as it is. */
  plain: boolean;
}

export interface StoredCommit {
  /** How many index lines name the commit (with a record or not). */
  lines: number;
  runs: StoredRun[];
}

export interface StoredFacts {
  commits: Map<string, StoredCommit>;
  /** Every warning stored in the index. */
  warnings: string[];
  /** The runs' text (UTF-8). */
  text: Buffer;
}

/** A run to store: its text as the reader rendered it. */
export interface NewRun {
  id: string;
  date: string | null;
  text: string;
  plain: boolean;
}

export interface NewCommit {
  lines: number;
  runs: NewRun[];
}

/**
 * The facts file of kind `kind` of the index at `indexFile`, when both describe notes tip `tip`;
 * null when they do not, or when anything in it is not as written (the caller reads the index).
 */
export function readFacts(indexFile: string, tip: string | null, kind: string): StoredFacts | null {
  const size = currentIndexSize(indexFile, tip);
  if (size === null) return null;
  let bytes: Buffer;
  try {
    bytes = readFileSync(factsPath(indexFile));
  } catch {
    return null;
  }
  try {
    return parseFacts(bytes, tip, size, kind);
  } catch {
    return null;
  }
}

/**
 * Whether the facts file beside `indexFile` names the index of notes tip `tip` and `size` bytes (any
 * kind), read from its header alone; false when there is none, or it cannot be read.
 */
export function factsNameIndex(indexFile: string, tip: string | null, size: number): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(factsPath(indexFile), 'r');
    const head = Buffer.alloc(64 << 10);
    const n = readSync(fd, head, 0, head.length, 0);
    const nl = head.subarray(0, n).indexOf(10);
    if (nl < 0) return false;
    const meta = JSON.parse(head.toString('latin1', 0, nl));
    return (
      meta?.format === FACTS_FORMAT &&
      meta.version === VERSION &&
      meta.build === BUILD_KEY &&
      meta.tip === tip &&
      meta.size === size
    );
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The facts file's bytes, read; null when they are not a file of this kind for that index. */
function parseFacts(bytes: Buffer, tip: string | null, size: number, kind: string): StoredFacts | null {
  const nl = bytes.indexOf(10);
  if (nl < 0) return null;
  const meta = JSON.parse(bytes.toString('latin1', 0, nl));
  if (meta?.format !== FACTS_FORMAT || meta.version !== VERSION || meta.build !== BUILD_KEY) return null;
  if (meta.kind !== kind) return null;
  if (meta.tip !== tip || meta.size !== size) return null;
  const { warnings, table: tableBytes, text: textBytes } = meta;
  if (!Array.isArray(warnings) || !warnings.every((w) => typeof w === 'string')) return null;
  if (!Number.isSafeInteger(tableBytes) || !Number.isSafeInteger(textBytes)) return null;
  const textAt = nl + 1 + tableBytes + 1;
  if (tableBytes < 2 || bytes.length !== textAt + textBytes || bytes[textAt - 1] !== 10) return null;
  const table = JSON.parse(bytes.toString('latin1', nl + 1, textAt - 1)) as unknown;
  if (!Array.isArray(table)) return null;
  const commits = new Map<string, StoredCommit>();
  for (const row of table) {
    if (!Array.isArray(row) || row.length !== 3) return null;
    const [commit, lines, runs] = row as unknown[];
    if (typeof commit !== 'string' || commits.has(commit) || !Array.isArray(runs)) return null;
    if (!Number.isSafeInteger(lines) || (lines as number) < runs.length) return null;
    const stored: StoredRun[] = [];
    for (const run of runs) {
      if (!Array.isArray(run) || run.length !== 5) return null;
      const [id, date, start, length, plain] = run as unknown[];
      if (typeof id !== 'string' || (date !== null && typeof date !== 'string')) return null;
      if (!Number.isSafeInteger(start) || !Number.isSafeInteger(length) || (plain !== 0 && plain !== 1))
        return null;
      const from = start as number;
      const n = length as number;
      if (from < 0 || n < 0 || from + n > textBytes) return null;
      stored.push({ id, date: date as string | null, start: from, length: n, plain: plain === 1 });
    }
    commits.set(commit, { lines: lines as number, runs: stored });
  }
  return { commits, warnings, text: bytes.subarray(textAt) };
}

/** A facts file larger than this is started over (from the runs of the blame writing it). */
const MAX_BYTES = Number(process.env.AGENT_LOG_FACTS_MAX_BYTES) || 16 << 20;

/**
 * Write the facts file of kind `kind` for the index at `indexFile` at notes tip `tip` with its
 * `warnings`: the commits of `added` and those of `kept` (the current file, read; null for none).
 * When that would pass the size limit, of the kept commits only those in `used` (the commits the
 * reader read from it) stay. Nothing when the index on disk is not of that tip (it changed
 * meanwhile) or the file cannot be written: the next reader reads the index again.
 */
export function writeFacts(
  indexFile: string,
  tip: string | null,
  kind: string,
  warnings: readonly string[],
  kept: StoredFacts | null,
  added: ReadonlyMap<string, NewCommit>,
  used: readonly string[],
): void {
  const path = factsPath(indexFile);
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    const size = currentIndexSize(indexFile, tip);
    if (size === null) return;
    // The new runs' text after the kept text; a run on several commits once.
    const pieces: Buffer[] = [];
    const at = new Map<string, [number, number]>();
    let end = 0;
    const rows: [string, number, [string, string | null, number, number, number][]][] = [];
    for (const [commit, { lines, runs }] of added) {
      const row: [string, string | null, number, number, number][] = [];
      for (const run of runs) {
        let where = at.get(run.id);
        if (!where) {
          const bytes = Buffer.from(run.text, 'utf8');
          where = [end, bytes.length];
          at.set(run.id, where);
          pieces.push(bytes);
          end += bytes.length;
        }
        row.push([run.id, run.date, where[0], where[1], run.plain ? 1 : 0]);
      }
      rows.push([commit, lines, row]);
    }
    let base = 0;
    if (kept && kept.text.length + end <= MAX_BYTES) {
      // The new text goes after the kept text, which keeps its place.
      base = kept.text.length;
      for (const [, , runs] of rows) for (const r of runs) r[2] += base;
      pieces.unshift(kept.text);
      for (const [commit, { lines, runs }] of kept.commits)
        if (!added.has(commit))
          rows.push([commit, lines, runs.map((r) => [r.id, r.date, r.start, r.length, r.plain ? 1 : 0])]);
    } else if (kept) {
      // Too large: the file starts over, with the kept runs this reader used copied after the new.
      for (const commit of used) {
        const stored = kept.commits.get(commit);
        if (!stored || added.has(commit)) continue;
        const row: [string, string | null, number, number, number][] = [];
        for (const r of stored.runs) {
          let where = at.get(r.id);
          if (!where) {
            where = [end, r.length];
            at.set(r.id, where);
            pieces.push(kept.text.subarray(r.start, r.start + r.length));
            end += r.length;
          }
          row.push([r.id, r.date, where[0], where[1], r.plain ? 1 : 0]);
        }
        rows.push([commit, stored.lines, row]);
      }
    }
    const table = asciiJson(JSON.stringify(rows));
    const text = base + end;
    const meta = {
      format: FACTS_FORMAT,
      version: VERSION,
      build: BUILD_KEY,
      kind,
      tip,
      size,
      warnings,
      table: table.length,
      text,
    };
    const head = Buffer.from(`${asciiJson(JSON.stringify(meta))}\n${table}\n`, 'latin1');
    writeFileSync(tmp, Buffer.concat([head, ...pieces]), { mode: 0o600 });
    renameSync(tmp, path);
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing to clean up
    }
  }
}

const NON_ASCII = /[\u0080-\uffff]/;

/** JSON text with every character outside ASCII as a \u escape (it parses to the same value). */
export function asciiJson(json: string): string {
  if (!NON_ASCII.test(json)) return json;
  return json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
