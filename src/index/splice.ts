// An index update that costs what changed, not what is stored. The old index and its lookup file are
// read as bytes and consulted only for the notes, entries and commits the update asks about (binary
// searches over their sorted lines); the new index copies the old bytes around the lines that changed
// and the new lookup file shifts the old offsets. Both are byte for byte what writing the updated
// index whole gives (test/e2e/index-splice.test.ts).
import { isUtf8 } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { type IndexVisitor, literalNeedles, recordHead, scanRecordBytes, writeIndexWith } from './file.js';
import { indexHeaderLine, isThisBuildsIndex } from './format.js';
import { writeLines } from './line-writer.js';
import { describesIndex, type LineOffsets, lookupHeader, lookupPath } from './lookup-file.js';
import { compareEntries, INDEX_FORMAT_VERSION, type IndexData, type IndexEntry } from './model.js';

/**
 * A Map over what the old index holds: a key is read from it the first time it is asked for, and
 * every key set or deleted afterwards is remembered. Only single-key access works (applyNoteChanges
 * uses no other); `size` and iteration see the keys read so far.
 */
class Overlay<V> extends Map<string, V> {
  /** Keys set or deleted, with what the old index held for them (undefined: nothing). */
  readonly changed = new Map<string, V | undefined>();
  private readonly read = new Set<string>();

  constructor(private readonly load: (key: string) => V | undefined) {
    super();
  }

  override get(key: string): V | undefined {
    this.fill(key);
    return super.get(key);
  }

  override has(key: string): boolean {
    this.fill(key);
    return super.has(key);
  }

  override set(key: string, value: V): this {
    this.remember(key);
    return super.set(key, value);
  }

  override delete(key: string): boolean {
    this.remember(key);
    return super.delete(key);
  }

  /** Keys changed, each with the value it had in the old index and has now. */
  *changes(): Generator<[key: string, old: V | undefined, now: V | undefined]> {
    for (const [key, old] of this.changed) yield [key, old, super.get(key)];
  }

  private remember(key: string): void {
    this.fill(key);
    if (!this.changed.has(key)) this.changed.set(key, super.get(key));
  }

  private fill(key: string): void {
    if (this.read.has(key)) return;
    this.read.add(key);
    const value = this.load(key);
    if (value !== undefined) super.set(key, value);
  }
}

/** Lines of a text (a Buffer or a string) sorted over a range: a binary search by line. */
interface Lines {
  /** Where the line holding byte/char `at` starts. */
  startOf(at: number): number;
  /** Where the line starting at `start` ends (after its newline). */
  endOf(start: number): number;
}

/** The lines of a Buffer. */
function bufferLines(bytes: Buffer): Lines {
  // (A negative offset would count from the end of a Buffer.)
  return {
    startOf: (i) => (i <= 0 ? 0 : bytes.lastIndexOf(10, i - 1) + 1),
    endOf: (s) => bytes.indexOf(10, s) + 1,
  };
}

/** The lines of a string. */
function stringLines(text: string): Lines {
  return { startOf: (i) => text.lastIndexOf('\n', i - 1) + 1, endOf: (s) => text.indexOf('\n', s) + 1 };
}

/** The first line in [from, to) (line starts) for which `before` is false; `to` when none. */
function firstNotBefore(lines: Lines, from: number, to: number, before: (start: number) => boolean): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const start = lines.startOf((lo + hi) >>> 1);
    if (before(start)) lo = lines.endOf(start);
    else hi = start;
  }
  return lo;
}

/** An index file and its lookup file as read for a splice. */
export class StoredIndex {
  readonly data: IndexData;
  /** Where each old entry read so far starts, by ID. */
  private readonly lineAt = new Map<string, number>();
  private readonly heads = new Map<number, IndexEntry>();
  private readonly index: Lines;
  private readonly look: Lines;

  private constructor(
    readonly bytes: Buffer,
    /** The lookup file, as latin1 (it is ASCII). */
    readonly lookup: string,
    readonly header: { tip: string | null; notes: number; entries: number },
    /** Where the `n`, `w` and `r` lines and the `end` line start. */
    readonly at: { notes: number; warnings: number; records: number; end: number },
    /** Where the lookup file's `i` and `c` lines and its `end` line start. */
    readonly lookAt: { ids: number; commits: number; end: number },
    warnings: Map<string, string[]>,
  ) {
    this.index = bufferLines(bytes);
    this.look = stringLines(lookup);
    this.data = {
      version: INDEX_FORMAT_VERSION,
      tip: header.tip,
      notes: new Overlay((commit) => this.noteBlobs(commit)),
      entries: new Overlay((id) => this.entry(id)),
      byCommit: new Overlay((commit) => this.idsOn(commit)),
      warnings,
    };
  }

  /**
   * The index at `path` and its lookup file, when both are of this format and the lookup file
   * describes this index (same tip and size); else null (the caller reads the index whole).
   */
  static read(path: string): StoredIndex | null {
    let bytes: Buffer;
    let lookup: string;
    try {
      bytes = readFileSync(path);
      lookup = readFileSync(lookupPath(path), 'latin1');
    } catch {
      return null;
    }
    // parseIndex reads the file as UTF-8 text: bytes that are not would be rewritten, not copied.
    if (!isUtf8(bytes)) return null;
    const firstNl = bytes.indexOf(10);
    const lookNl = lookup.indexOf('\n');
    if (firstNl < 0 || lookNl < 0) return null;
    let header: unknown;
    let lookHeader: { [key: string]: unknown } | null;
    try {
      header = JSON.parse(bytes.toString('utf8', 0, firstNl));
      lookHeader = JSON.parse(lookup.slice(0, lookNl));
    } catch {
      return null;
    }
    // Another build's index is never spliced onto: its lines are what that code made of the notes.
    if (!isThisBuildsIndex(header)) return null;
    if (header.tip !== null && typeof header.tip !== 'string') return null;
    if (typeof header.notes !== 'number' || typeof header.entries !== 'number') return null;
    if (!describesIndex(lookHeader, header.tip, bytes.length)) return null;
    const w = lookHeader!.warnings;
    if (!Array.isArray(w) || w.length !== 2 || !w.every((n) => Number.isSafeInteger(n))) return null;
    if (!bytes.subarray(bytes.length - 5).equals(END) || !lookup.endsWith('\nend\n')) return null;
    // Its keys are compared as read: a lookup file that is not printable ASCII was not written by
    // this code (or was torn: unwritten blocks read as NULs).
    if (NOT_ASCII.test(lookup)) return null;

    const end = bytes.length - 4;
    const lines = bufferLines(bytes);
    // `n` lines, then `w` lines, then `r` lines.
    const records = firstNotBefore(lines, firstNl + 1, end, (s) => bytes[s] !== 0x72 /* r */);
    const warningsAt = w[1] === 0 ? records : (w[0] as number);
    if (warningsAt < firstNl + 1 || warningsAt > records || (w[1] !== 0 && w[1] !== records)) return null;
    const warnings = readWarnings(bytes.toString('utf8', warningsAt, records));
    if (!warnings) return null;
    const lookEnd = lookup.length - 4;
    const look = stringLines(lookup);
    const commits = firstNotBefore(look, lookNl + 1, lookEnd, (s) => lookup.charCodeAt(s) === 0x69 /* i */);
    if (!idLinesMatch(bytes, lookup, lookNl + 1, commits, header.entries)) return null;
    return new StoredIndex(
      bytes,
      lookup,
      { tip: header.tip, notes: header.notes, entries: header.entries },
      { notes: firstNl + 1, warnings: warningsAt, records, end },
      { ids: lookNl + 1, commits, end: lookEnd },
      warnings,
    );
  }

  /** The blobs of `commit`'s `n` line, if it has one. */
  private noteBlobs(commit: string): string[] | undefined {
    const s = this.noteLine(commit);
    if (s === this.at.warnings || this.commitOf(s) !== commit) return undefined;
    const end = this.bytes.indexOf(10, s);
    return this.bytes.toString('latin1', s + 3 + commit.length, end).split(',');
  }

  /** Where `commit`'s `n` line is, or would be. */
  noteLine(commit: string): number {
    return firstNotBefore(this.index, this.at.notes, this.at.warnings, (s) => this.commitOf(s) < commit);
  }

  /** The commit of the `n` line at `s`. */
  commitOf(s: number): string {
    return this.bytes.toString('latin1', s + 2, this.bytes.indexOf(9, s + 2));
  }

  /** The entry whose `r` line starts at `s` (JSON left unread). */
  head(s: number): IndexEntry {
    let e = this.heads.get(s);
    if (e) return e;
    const bytes = this.bytes;
    // The five tabs after the ID, date, commit, blob and commits.
    let p = s + 2;
    for (let tab = 0; tab < 5; tab++) {
      while (bytes[p] !== 9) {
        if (bytes[p] === 10 || p >= bytes.length) throw new Error('short index line');
        p++;
      }
      p++;
    }
    const [id, date, commit, blob, commits] = bytes.toString('utf8', s + 2, p - 1).split('\t') as [
      string,
      string,
      string,
      string,
      string,
    ];
    e = {
      id,
      date,
      commit: commit === '-' ? null : commit,
      blob: blob === '-' ? null : blob,
      commits: commits ? commits.split(',') : [],
      json: UNREAD,
    };
    this.heads.set(s, e);
    return e;
  }

  /** The old entry of `id`, if there is one. */
  private entry(id: string): IndexEntry | undefined {
    const l = this.lookupLine('i', id);
    if (l === null) return undefined;
    const at = Number(l);
    const e = this.head(at);
    if (e.id !== id) throw new Error('index lookup file out of step');
    this.lineAt.set(id, at);
    return e;
  }

  /** The IDs on `commit`, sorted (its `c` line's entries are in ID order). */
  private idsOn(commit: string): string[] | undefined {
    const l = this.lookupLine('c', commit);
    return l === null ? undefined : l.split(',').map((at) => this.head(Number(at)).id);
  }

  /** Where the old entry of `id` starts (it was read). */
  oldLine(id: string): number {
    return this.lineAt.get(id)!;
  }

  /** The last field of the lookup file's `i` or `c` line for `key`; null when it has none. */
  lookupLine(kind: 'i' | 'c', key: string): string | null {
    const [from, to] =
      kind === 'i' ? [this.lookAt.ids, this.lookAt.commits] : [this.lookAt.commits, this.lookAt.end];
    const s = firstNotBefore(this.look, from, to, (l) => this.lookupKey(l) < key);
    if (s >= to || this.lookupKey(s) !== key) return null;
    return this.lookup.slice(s + 3 + key.length, this.lookup.indexOf('\n', s));
  }

  /** The key (ID or commit) of the lookup line at `s`. */
  lookupKey(s: number): string {
    return this.lookup.slice(s + 2, this.lookup.indexOf('\t', s + 2));
  }
}

const END = Buffer.from('\nend\n');
const NOT_ASCII = /[^\t\n\x20-\x7e]/;

/**
 * The JSON of an entry read from the old file: not decoded (its line is copied as it is). An update
 * replaces every entry it touches with a new object, whose JSON is never this (JSON text never holds
 * a raw NUL).
 */
const UNREAD = '\u0000';

/**
 * Whether the lookup file's `i` lines (from `from` to `to`) are one per entry and each names the
 * `r` line at its offset: the splice trusts them for every line it does not decode (about 5 ms at
 * 10k entries, against a lookup file torn by a crash or written by another hand).
 */
function idLinesMatch(bytes: Buffer, lookup: string, from: number, to: number, entries: number): boolean {
  let n = 0;
  for (let s = from; s < to; n++) {
    const tab = lookup.indexOf('\t', s + 2);
    const nl = lookup.indexOf('\n', s);
    if (lookup.charCodeAt(s) !== 0x69 /* i */ || tab < 0 || tab > nl) return false;
    const at = Number(lookup.slice(tab + 1, nl));
    const head = lookup.slice(s, tab + 1); // `i<TAB>id<TAB>`, as the `r` line starts
    if (
      !Number.isSafeInteger(at) ||
      bytes[at] !== 0x72 /* r */ ||
      bytes.toString('latin1', at + 1, at + head.length) !== head.slice(1)
    )
      return false;
    s = nl + 1;
  }
  return n === entries;
}

/** The `w` lines of `text`, as parseIndex reads them; null on any other line. */
function readWarnings(text: string): Map<string, string[]> | null {
  const warnings = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const f = line.split('\t');
    if (f[0] !== 'w' || f.length !== 3) return null;
    try {
      warnings.set(f[1]!, JSON.parse(f[2]!));
    } catch {
      return null;
    }
  }
  return warnings;
}

/** A stretch of old bytes copied into the new index: from, to, and where it went. */
interface Run {
  from: number;
  to: number;
  at: number;
}

/**
 * Write `stored.data`, after an update, to `path` (and its lookup file) from the old bytes. With a
 * visitor that has literals, it visits the entries in file order. False when it cannot be written.
 */
export function writeSplicedIndex(path: string, stored: StoredIndex, visitor?: IndexVisitor): boolean {
  const data = stored.data;
  const notes = data.notes as Overlay<string[]>;
  const entries = data.entries as Overlay<IndexEntry>;
  const noteChanges = [...notes.changes()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const entryChanges = [...entries.changes()];
  let notesCount = stored.header.notes;
  for (const [, old, now] of noteChanges) notesCount += Number(now !== undefined) - Number(old !== undefined);
  let entriesCount = stored.header.entries;
  for (const [, old, now] of entryChanges)
    entriesCount += Number(now !== undefined) - Number(old !== undefined);

  // The record lines: old ones removed, new ones inserted where they sort.
  const bytes = stored.bytes;
  const { records, end } = stored.at;
  const removed: [from: number, to: number][] = [];
  const fresh: IndexEntry[] = [];
  for (const [id, old, now] of entryChanges) {
    if (old) {
      const s = stored.oldLine(id);
      removed.push([s, bytes.indexOf(10, s) + 1]);
    }
    if (now) fresh.push(now);
  }
  fresh.sort(compareEntries);
  const lines = bufferLines(bytes);
  const insertAt = fresh.map((e) =>
    firstNotBefore(lines, records, end, (s) => compareEntries(stored.head(s), e) < 0),
  );
  removed.sort((a, b) => a[0] - b[0]);

  const literals = visitor?.literals;
  const needles = literals && literalNeedles(literals);
  let visiting = literals !== undefined;
  // A copied line that does not read: the visitor's answer is not trusted (the caller scans the file,
  // meets the line, and rebuilds, as it would have).
  let bad = false;
  const warnings: string[] = [];
  const runs: Run[] = [];
  const freshAt = new Map<string, number>();
  const written = writeIndexWith(
    path,
    data.tip,
    (out, where) => {
      out.line(indexHeaderLine(data.tip, notesCount, entriesCount));
      // `n` lines: the old ones, each changed commit's replaced, inserted or dropped.
      let from = stored.at.notes;
      for (const [commit, old, now] of noteChanges) {
        const s = stored.noteLine(commit);
        out.bytes(bytes, from, s);
        from = old ? bytes.indexOf(10, s) + 1 : s;
        if (now) out.line(`n\t${commit}\t${now.join(',')}`);
      }
      out.bytes(bytes, from, stored.at.warnings);
      // `w` lines: few; written whole.
      for (const commit of [...data.warnings.keys()].sort()) {
        const list = data.warnings.get(commit)!;
        const at = out.line(`w\t${commit}\t${JSON.stringify(list)}`);
        where.warningLine(at, out.offset);
        warnings.push(...list);
      }
      // `r` lines.
      const copy = (to: number) => {
        if (to <= from) return;
        runs.push({ from, to, at: out.offset });
        out.bytes(bytes, from, to);
        if (visiting) {
          const r = scanRecordBytes(bytes.subarray(from, to), needles!, visitor!.visit);
          visiting = r === 'more';
          bad ||= r === 'bad';
        }
        from = to;
      };
      from = records;
      let r = 0;
      for (let f = 0; f <= fresh.length; f++) {
        const at = f < fresh.length ? insertAt[f]! : end;
        // Removed lines before the insertion point (or at it: the new line goes before them).
        while (r < removed.length && removed[r]![0] < at) {
          copy(removed[r]![0]);
          from = removed[r++]![1];
        }
        if (f === fresh.length) break;
        copy(Math.max(at, from));
        const e = fresh[f]!;
        freshAt.set(e.id, out.line(recordHead(e), e.json ?? '-'));
        if (visiting && visitor!.visit(e) === false) visiting = false;
      }
      copy(end);
      out.line('end');
    },
    (where) => writeSplicedLookup(path, stored, where, runs, freshAt, entryChanges),
  );
  if (visitor) visitor.warnings = written && literals && !bad ? warnings : undefined;
  return written;
}

/** The lookup file of the spliced index: the old one, its offsets shifted, the changed entries' lines redone. */
function writeSplicedLookup(
  path: string,
  stored: StoredIndex,
  where: LineOffsets,
  runs: readonly Run[],
  freshAt: ReadonlyMap<string, number>,
  entryChanges: readonly [id: string, old: IndexEntry | undefined, now: IndexEntry | undefined][],
): void {
  /** Where the old line at `s` went (it was copied). */
  const moved = (s: number) => {
    let lo = 0;
    let hi = runs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (runs[mid]!.from <= s) lo = mid;
      else hi = mid - 1;
    }
    const run = runs[lo]!;
    if (s < run.from || s >= run.to) throw new Error('index line not copied');
    return s - run.from + run.at;
  };
  const changedIds = new Set(entryChanges.map(([id]) => id));
  const freshIds = entryChanges
    .filter(([, , now]) => now)
    .map(([id]) => id)
    .sort();
  // Commits whose `c` line changes: every commit an old or new version of a changed entry names.
  const touched = new Set<string>();
  for (const [, old, now] of entryChanges)
    for (const c of [...(old?.commits ?? []), ...(now?.commits ?? [])]) touched.add(c);
  const touchedCommits = [...touched].sort();
  /** Commit → the changed entries that name it now, with where their lines went. */
  const freshOn = new Map<string, [id: string, at: number][]>();
  for (const [id, , now] of entryChanges)
    for (const c of now?.commits ?? []) {
      const list = freshOn.get(c) ?? [];
      list.push([id, freshAt.get(id)!]);
      freshOn.set(c, list);
    }
  const text = stored.lookup;
  const { ids, commits, end } = stored.lookAt;

  writeLines(lookupPath(path), (out) => {
    out.line(lookupHeader(stored.data.tip, where));
    // `i` lines by ID: old ones shifted, changed ones dropped, new ones merged in.
    let lines = '';
    let f = 0;
    for (let s = ids; s < commits;) {
      const nl = text.indexOf('\n', s);
      const tab = text.indexOf('\t', s + 2);
      const id = text.slice(s + 2, tab);
      for (; f < freshIds.length && freshIds[f]! < id; f++)
        lines += `i\t${freshIds[f]}\t${freshAt.get(freshIds[f]!)}\n`;
      if (!changedIds.has(id)) lines += `i\t${id}\t${moved(Number(text.slice(tab + 1, nl)))}\n`;
      s = nl + 1;
    }
    for (; f < freshIds.length; f++) lines += `i\t${freshIds[f]}\t${freshAt.get(freshIds[f]!)}\n`;
    out.text(lines);
    // `c` lines by commit: old ones shifted; those of touched commits made anew.
    lines = '';
    let t = 0;
    const redo = (commit: string, old: string | null) => {
      const on: [id: string, at: number][] = [];
      for (const at of old ? old.split(',') : []) {
        const id = stored.head(Number(at)).id;
        if (!changedIds.has(id)) on.push([id, moved(Number(at))]);
      }
      on.push(...(freshOn.get(commit) ?? []));
      if (!on.length) return;
      on.sort((a, b) => (a[0] < b[0] ? -1 : 1));
      lines += `c\t${commit}\t${on.map((o) => o[1]).join(',')}\n`;
    };
    for (let s = commits; s < end;) {
      const nl = text.indexOf('\n', s);
      const tab = text.indexOf('\t', s + 2);
      const commit = text.slice(s + 2, tab);
      for (; t < touchedCommits.length && touchedCommits[t]! < commit; t++) redo(touchedCommits[t]!, null);
      const list = text.slice(tab + 1, nl);
      if (touchedCommits[t] === commit) {
        redo(commit, list);
        t++;
      } else
        lines += `c\t${commit}\t${list
          .split(',')
          .map((at) => moved(Number(at)))
          .join(',')}\n`;
      s = nl + 1;
    }
    for (; t < touchedCommits.length; t++) redo(touchedCommits[t]!, null);
    out.text(lines);
    out.line('end');
  });
}
