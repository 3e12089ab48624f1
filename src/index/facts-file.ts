// The facts file beside the index (records.v1.facts): a line of JSON per record, written by a
// caller's projection of its slim record and named by `kind` (blame's: each run rendered ahead, in
// query/blame.ts), found by commit. `blame` of many lines reads it and parses a short line per run,
// where through the lookup file it read every run's index line and cut its slim record. The second
// such blame at a notes tip writes it (file.ts writeFactsFile); index writes do not (it would cost
// every build and update).
//
//   <JSON>                                       a record's line (`null`: none), in index order
//   c <TAB> commit <TAB> offset|-[,offset|-…]    sorted by commit: an item per ID on it, in ID
//                                                order; `-` for an ID with no record line
//   {"format":"git-agent-log-index-facts","version":2,"kind":…,"tip":…,"size":BYTES,"warnings":[…],"fanout":[…]}
//
// A file of the trailer alone, with `"wanted":true` and no lines, marks a first use at this tip:
// writing the whole file costs several blames' worth of CPU, so it is written at the second.
//
// ASCII only (JSON with \u escapes): read as latin1, its offsets are character offsets. The trailer
// names the index it belongs to by tip and byte size (as the lookup file does) and holds its
// warnings. `fanout[b]` is where the commit lines whose first hex digits are `b` start (16, 256 or
// 4,096 buckets, by the number of commits); its last item, where the trailer starts.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { INDEX_FILE_FORMAT, INDEX_FORMAT_VERSION } from './format.js';
import { readLineAt } from './lookup-file.js';

export const FACTS_FORMAT = 'git-agent-log-index-facts';

export function factsPath(indexFile: string): string {
  return `${indexFile}.facts`;
}

/** Hex digits of a commit that pick its fanout bucket: about a commit or fewer per bucket. */
export function fanoutDigits(commits: number): number {
  return commits < 64 ? 1 : commits < 4096 ? 2 : 3;
}

export interface CommitFacts {
  /** Each commit's records' lines, parsed, in ID order (absent: none). */
  facts: Map<string, unknown[]>;
  /** How many runs each commit's notes name (absent: none), with or without a record. */
  runs: Map<string, number>;
  /** Every warning stored in the index. */
  warnings: string[];
  /** False when a record on the commits has no line (the file is current: its projection gave none). */
  complete: boolean;
}

/**
 * The lines of the records on each of `commits`, from the facts file of kind `kind` of the index at
 * `indexFile`, when both describe notes tip `tip`; null when they do not, or when anything in it is
 * not as written (the caller reads the records through the lookup file, and may write it anew);
 * 'wanted' when it is only the mark of a first use at this tip (markFactsWanted).
 * Reads the trailer, the commits' buckets and their records' lines.
 */
export function lookupCommitFacts(
  indexFile: string,
  tip: string | null,
  commits: readonly string[],
  kind: string,
): CommitFacts | 'wanted' | null {
  let fd: number;
  try {
    fd = openSync(indexFile, 'r');
  } catch {
    return null;
  }
  let facts: number | null = null;
  try {
    const size = fstatSync(fd).size;
    const head = readLineAt(fd, 0);
    if (head === null) return null;
    const header = JSON.parse(head);
    if (
      header.format !== INDEX_FILE_FORMAT ||
      header.version !== INDEX_FORMAT_VERSION ||
      (header.tip ?? null) !== tip
    )
      return null;
    facts = openSync(factsPath(indexFile), 'r');
    const file = new Ranges(facts);
    const trailerAt = file.trailer();
    const meta = trailerAt < 0 ? null : JSON.parse(file.text(trailerAt, file.size - 1));
    if (meta?.format !== FACTS_FORMAT || meta.version !== 2 || meta.kind !== kind) return null;
    if (meta.tip !== tip || meta.size !== size) return null;
    if (meta.wanted === true) return 'wanted';
    const fanout = meta.fanout as number[];
    const digits = [16, 256, 4096].indexOf(Array.isArray(fanout) ? fanout.length - 1 : 0) + 1;
    if (digits === 0 || fanout[fanout.length - 1] !== trailerAt) return null;
    const warnings = meta.warnings as string[];
    if (!Array.isArray(warnings) || !warnings.every((w) => typeof w === 'string')) return null;
    return factsOf(file, fanout, digits, commits, warnings);
  } catch {
    return null;
  } finally {
    closeSync(fd);
    if (facts !== null) closeSync(facts);
  }
}

/**
 * The facts of `commits`: their buckets of commit lines, then the facts lines these name, each read
 * in as few reads as their spread allows.
 */
function factsOf(
  file: Ranges,
  fanout: number[],
  digits: number,
  commits: readonly string[],
  warnings: string[],
): CommitFacts | null {
  const bucketOf = (commit: string) => {
    const b = Number.parseInt(commit.slice(0, digits), 16);
    return b >= 0 && b < fanout.length - 1 && fanout[b]! < fanout[b + 1]! ? b : -1;
  };
  const buckets = new Set(commits.map(bucketOf).filter((b) => b >= 0));
  const text = file.read([...buckets].map((b) => [fanout[b]!, fanout[b + 1]!]));
  const runs = new Map<string, number>();
  /** Per commit: the offsets of its facts lines. */
  const listed = new Map<string, number[]>();
  for (const commit of commits) {
    const bucket = bucketOf(commit);
    // The bucket's commit lines, one after another.
    const lines = bucket < 0 ? undefined : text.get(fanout[bucket]!);
    if (lines === undefined) continue;
    let i = 0;
    while (!(lines.startsWith(commit, i + 2) && lines.charCodeAt(i + 2 + commit.length) === 9)) {
      const nl = lines.indexOf('\n', i);
      i = nl < 0 ? lines.length : nl + 1;
      if (i >= lines.length) break;
    }
    if (i >= lines.length) continue;
    if (lines.charCodeAt(i) !== 99) return null; // `c`
    const from = i + 3 + commit.length;
    const items = lines.slice(from, lines.indexOf('\n', from)).split(',');
    runs.set(commit, items.length);
    const offsets: number[] = [];
    for (const item of items) if (item !== '-') offsets.push(Number(item));
    if (offsets.length) listed.set(commit, offsets);
  }
  const wanted = [...new Set([...listed.values()].flat())];
  const found = file.read(wanted.map((at) => [at, -1]));
  const pieces: string[] = [];
  const slot = new Map<number, number>();
  for (const at of wanted) {
    const line = found.get(at);
    if (line === undefined) return null;
    if (line === 'null') return { facts: new Map(), runs, warnings, complete: false };
    slot.set(at, pieces.length);
    pieces.push(line);
  }
  // One parse for them all.
  const parsed = JSON.parse(`[${pieces.join(',')}]`) as unknown[];
  const facts = new Map<string, unknown[]>();
  for (const [commit, offsets] of listed)
    facts.set(
      commit,
      offsets.map((o) => parsed[slot.get(o)!]),
    );
  return { facts, runs, warnings, complete: true };
}

/** Reads of nearby ranges are merged while the gap between them stays under this. */
const READ_GAP = 64 << 10;

/** Parts of the facts file, read as latin1 (it is ASCII). */
class Ranges {
  readonly size: number;

  constructor(private readonly fd: number) {
    this.size = fstatSync(fd).size;
  }

  /** Characters `from` to `to` of the file. */
  text(from: number, to: number): string {
    const buf = Buffer.allocUnsafe(to - from);
    const n = readSync(this.fd, buf, 0, buf.length, from);
    return buf.toString('latin1', 0, n);
  }

  /** Where the last line (the trailer) starts; -1 when the file does not end in a line. */
  trailer(): number {
    for (let back = 64 << 10; ; back *= 4) {
      const from = Math.max(0, this.size - back);
      const tail = this.text(from, this.size);
      if (!tail.endsWith('\n')) return -1;
      const nl = tail.lastIndexOf('\n', tail.length - 2);
      if (nl >= 0) return from + nl + 1;
      if (from === 0) return 0;
    }
  }

  /**
   * The text of each range [start, end) (end -1: to the end of the line at start, newline included),
   * keyed by start, in as few reads as the gaps between them allow. A line the file ends inside is
   * left out.
   */
  read(ranges: readonly (readonly [number, number])[]): Map<number, string> {
    const out = new Map<number, string>();
    const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
    let i = 0;
    while (i < sorted.length) {
      const from = sorted[i]![0];
      let to = 0;
      let j = i;
      do {
        const [start, end] = sorted[j]!;
        to = Math.max(to, end < 0 ? start + 4096 : end);
        j++;
      } while (j < sorted.length && sorted[j]![0] - sorted[j - 1]![0] <= READ_GAP);
      let text = this.text(from, Math.min(this.size, to));
      for (let k = i; k < j; k++) {
        const [start, end] = sorted[k]!;
        let stop = end < 0 ? text.indexOf('\n', start - from) + 1 : end - from;
        if (stop <= 0 || stop > text.length) {
          text = this.text(from, this.size); // a long line: the rest of the file
          stop = end < 0 ? text.indexOf('\n', start - from) + 1 : end - from;
          if (stop <= 0 || stop > text.length) continue;
        }
        out.set(start, text.slice(start - from, end < 0 ? stop - 1 : stop));
      }
      i = j;
    }
    return out;
  }
}

const NON_ASCII = /[\u0080-\uffff]/;

/** JSON text with every character outside ASCII as a \u escape (it parses to the same value). */
export function asciiJson(json: string): string {
  if (!NON_ASCII.test(json)) return json;
  return json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
