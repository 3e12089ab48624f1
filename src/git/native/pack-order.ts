// The order in which git keeps objects in its packs, for reading many of them in one pass. A note
// blob is mostly stored as a delta against a neighbour in the pack, in chains up to 50 deep. Asked
// for in notes-tree (hash) order, `git cat-file` re-inflates each object's chain unless its bases
// are still in its delta base cache (96 MB by default). That cache holds a 10k-note history, but not
// a 100k one: there, cat-file cost 7 s of CPU in tree order and 2 s in pack order. Only the order
// depends on this module: an object it does not find (loose, in an alternate, in an index it
// does not read) keeps its place after the packed ones. A pack index it cannot read is skipped.
import { closeSync, fstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';

/** The first four bytes of a pack index of version 2 and later ("\377tOc"); version 1 has none. */
export const IDX_MAGIC = 0xff744f63;
const FANOUT_AT = 8;
const NAMES_AT = FANOUT_AT + 256 * 4;

/**
 * The pack indexes of `objectsDir`, sorted by name: those with their .pack beside them, as git counts
 * them (an .idx left without its .pack by an interrupted repack or a gc is garbage, its offsets
 * stale). Throws when the pack directory cannot be read.
 */
export function packIndexNames(objectsDir: string): string[] {
  const names = readdirSync(join(objectsDir, 'pack'));
  const packs = new Set(names.filter((n) => n.endsWith('.pack')));
  return names.filter((n) => n.endsWith('.idx') && packs.has(`${n.slice(0, -4)}.pack`)).sort();
}

function pread(fd: number, length: number, position: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, position + done);
    if (n === 0) throw new Error('pack index ends early');
    done += n;
  }
  return buf;
}

/**
 * Where the name at `want` in `names` sits among the `count` sorted names of `size` bytes in
 * `bucket`, or -1. The names of one bucket share their first byte: compared from the second.
 */
function search(bucket: Buffer, names: Buffer, want: number, count: number, size: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const at = mid * size;
    let d = 0;
    for (let k = 1; k < size && d === 0; k++) d = bucket[at + k]! - names[want + k]!;
    if (d === 0) return mid;
    if (d < 0) lo = mid + 1;
    else hi = mid;
  }
  return -1;
}

/** The wanted objects, grouped by the first byte of their names. */
interface Wanted {
  /** Every name, `size` bytes each, in the given order. */
  names: Buffer;
  size: number;
  /** Indexes into the given order, grouped by first byte: group b is [start[b], start[b + 1]). */
  byFirst: Int32Array;
  start: Int32Array;
  /** Per first byte, how many are not found yet. */
  left: Int32Array;
  /** Per object: its pack (+1) once found, and its offset there. */
  pack: Int32Array;
  offset: Float64Array;
}

/**
 * Finds, in one version-2 pack index, the wanted objects not found in an earlier one. Throws on
 * anything unexpected (the caller skips this pack).
 */
function lookInIndex(path: string, packNo: number, w: Wanted): void {
  const { size } = w;
  const fd = openSync(path, 'r');
  try {
    const head = pread(fd, NAMES_AT, 0);
    if (head.readUInt32BE(0) !== IDX_MAGIC || head.readUInt32BE(4) !== 2) throw new Error('not a v2 index');
    const count = head.readUInt32BE(FANOUT_AT + 255 * 4);
    // Names, CRCs, 4-byte offsets, 8-byte offsets, two checksums: the file's size says the name size.
    const large = fstatSync(fd).size - NAMES_AT - count * (size + 8) - 2 * size;
    if (large < 0 || large % 8 !== 0) throw new Error('not an index of this hash size');
    const offsetsAt = NAMES_AT + count * (size + 4);
    for (let first = 0; first < 256; first++) {
      if (w.left[first] === 0) continue;
      const lo = first === 0 ? 0 : head.readUInt32BE(FANOUT_AT + (first - 1) * 4);
      const hi = head.readUInt32BE(FANOUT_AT + first * 4);
      if (hi <= lo || hi > count) continue;
      const bucket = pread(fd, (hi - lo) * size, NAMES_AT + lo * size);
      const offsets = pread(fd, (hi - lo) * 4, offsetsAt + lo * 4);
      for (let k = w.start[first]!; k < w.start[first + 1]!; k++) {
        const i = w.byFirst[k]!;
        if (w.pack[i] !== 0) continue;
        const at = search(bucket, w.names, i * size, hi - lo, size);
        if (at < 0) continue;
        const small = offsets.readUInt32BE(at * 4);
        w.offset[i] =
          small & 0x80000000
            ? Number(pread(fd, 8, offsetsAt + count * 4 + (small & 0x7fffffff) * 8).readBigUInt64BE(0))
            : small;
        w.pack[i] = packNo + 1;
        w.left[first]!--;
      }
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * A permutation of `oids` (indexes into it) that reads them in pack order: by pack (the indexes'
 * names sorted), then by offset; the objects not found in a pack follow in their given order.
 * Null when no pack could be read at all, or `oids` are not all full hexadecimal names of one size.
 */
export function packOrder(objectsDir: string, oids: readonly string[]): number[] | null {
  let idxNames: string[];
  try {
    idxNames = packIndexNames(objectsDir);
  } catch {
    return null;
  }
  const n = oids.length;
  const size = n ? oids[0]!.length / 2 : 20;
  const hex = oids.join('');
  const names = Buffer.from(hex, 'hex');
  // (Buffer.from stops at the first character that is not hexadecimal.)
  if (hex.length !== n * size * 2 || names.length !== n * size) return null;
  const start = new Int32Array(257);
  for (let i = 0; i < n; i++) start[names[i * size]! + 1]!++;
  for (let b = 0; b < 256; b++) start[b + 1]! += start[b]!;
  const left = new Int32Array(256);
  for (let b = 0; b < 256; b++) left[b] = start[b + 1]! - start[b]!;
  const byFirst = new Int32Array(n);
  const fill = start.slice(0, 256);
  for (let i = 0; i < n; i++) byFirst[fill[names[i * size]!]!++] = i;
  const w: Wanted = {
    names,
    size,
    byFirst,
    start,
    left,
    pack: new Int32Array(n),
    offset: new Float64Array(n),
  };
  let readAny = false;
  for (let p = 0; p < idxNames.length; p++) {
    try {
      lookInIndex(join(objectsDir, 'pack', idxNames[p]!), p, w);
      readAny = true;
    } catch {
      // an index of another version or hash, damaged, or gone since listed: not used for the order
    }
  }
  if (!readAny) return null;
  const order: number[] = [];
  for (let p = 1; p <= idxNames.length; p++) inOffsetOrder(w, p, order);
  for (let i = 0; i < n; i++) if (w.pack[i] === 0) order.push(i);
  return order;
}

/** Appends the objects found in pack `p` (+1), by offset. */
function inOffsetOrder(w: Wanted, p: number, order: number[]): void {
  const found: number[] = [];
  let most = 0;
  for (let i = 0; i < w.pack.length; i++)
    if (w.pack[i] === p) {
      found.push(i);
      if (w.offset[i]! > most) most = w.offset[i]!;
    }
  // Offset and index in one float sorted natively (a comparator costs ~5× more), when both fit.
  const shift = 2 ** 21;
  if (w.pack.length <= shift && most < 2 ** 31) {
    const keys = new Float64Array(found.length);
    for (let k = 0; k < found.length; k++) keys[k] = w.offset[found[k]!]! * shift + found[k]!;
    keys.sort();
    for (let k = 0; k < keys.length; k++) order.push(keys[k]! % shift);
  } else {
    found.sort((a, b) => w.offset[a]! - w.offset[b]!);
    for (const i of found) order.push(i);
  }
}
