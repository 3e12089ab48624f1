// The order in which git keeps objects in its packs, for reading many of them in one pass. A note
// blob is mostly stored as a delta against a neighbour in the pack, in chains up to 50 deep. Asked
// for in notes-tree (hash) order, `git cat-file` re-inflates each object's chain unless its bases
// are still in its delta base cache (96 MB by default). That cache holds a 10k-note history, but not
// a 100k one: there, cat-file cost 7 s of CPU in tree order and 2 s in pack order. Only the order
// depends on this module: an object it does not find (loose, in an alternate, in an index it
// does not read) keeps its place after the packed ones. A pack index it cannot read is skipped.
import { closeSync, fstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';

const IDX_MAGIC = 0xff744f63; // "\377tOc", version 2 and later
const FANOUT_AT = 8;
const NAMES_AT = FANOUT_AT + 256 * 4;

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

/** Index of `want` among `count` sorted names of `size` bytes in `names`, or -1. */
function search(names: Buffer, want: Buffer, count: number, size: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const at = mid * size;
    let d = 0;
    for (let k = 0; k < size && d === 0; k++) d = names[at + k]! - want[k]!;
    if (d === 0) return mid;
    if (d < 0) lo = mid + 1;
    else hi = mid;
  }
  return -1;
}

/**
 * Finds the objects of `wanted` (by first byte of their name) that one version-2 pack index holds,
 * calling `found(i, offset)` for each; objects already found in an earlier pack are skipped.
 * Throws on anything unexpected (the caller skips this pack).
 */
function lookInIndex(
  path: string,
  size: number,
  byFirst: Map<number, number[]>,
  names: readonly Buffer[],
  done: Uint8Array,
  found: (i: number, offset: number) => void,
): void {
  const fd = openSync(path, 'r');
  try {
    const head = pread(fd, NAMES_AT, 0);
    if (head.readUInt32BE(0) !== IDX_MAGIC || head.readUInt32BE(4) !== 2) throw new Error('not a v2 index');
    const count = head.readUInt32BE(FANOUT_AT + 255 * 4);
    // Names, CRCs, 4-byte offsets, 8-byte offsets, two checksums: the file's size says the name size.
    const large = fstatSync(fd).size - NAMES_AT - count * (size + 8) - 2 * size;
    if (large < 0 || large % 8 !== 0) throw new Error('not an index of this hash size');
    const offsetsAt = NAMES_AT + count * (size + 4);
    for (const [first, wanted] of byFirst) {
      const lo = first === 0 ? 0 : head.readUInt32BE(FANOUT_AT + (first - 1) * 4);
      const hi = head.readUInt32BE(FANOUT_AT + first * 4);
      if (hi <= lo || hi > count) continue;
      const bucket = pread(fd, (hi - lo) * size, NAMES_AT + lo * size);
      const offsets = pread(fd, (hi - lo) * 4, offsetsAt + lo * 4);
      for (const i of wanted) {
        if (done[i]) continue;
        const at = search(bucket, names[i]!, hi - lo, size);
        if (at < 0) continue;
        const small = offsets.readUInt32BE(at * 4);
        const offset =
          small & 0x80000000
            ? Number(pread(fd, 8, offsetsAt + count * 4 + (small & 0x7fffffff) * 8).readBigUInt64BE(0))
            : small;
        done[i] = 1;
        found(i, offset);
      }
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * A permutation of `oids` (indexes into it) that reads them in pack order: by pack (the indexes'
 * names sorted), then by offset; the objects not found in a pack follow in their given order.
 * Null when no pack could be read at all.
 */
export function packOrder(objectsDir: string, oids: readonly string[]): number[] | null {
  let idxNames: string[];
  try {
    idxNames = readdirSync(join(objectsDir, 'pack'))
      .filter((n) => n.endsWith('.idx'))
      .sort();
  } catch {
    return null;
  }
  const size = oids.length ? oids[0]!.length / 2 : 20;
  const names: Buffer[] = [];
  const byFirst = new Map<number, number[]>();
  for (let i = 0; i < oids.length; i++) {
    const name = Buffer.from(oids[i]!, 'hex');
    if (name.length !== size) return null;
    names.push(name);
    const list = byFirst.get(name[0]!);
    if (list) list.push(i);
    else byFirst.set(name[0]!, [i]);
  }
  const done = new Uint8Array(oids.length);
  const where: { i: number; pack: number; offset: number }[] = [];
  let readAny = false;
  idxNames.forEach((name, pack) => {
    try {
      lookInIndex(join(objectsDir, 'pack', name), size, byFirst, names, done, (i, offset) =>
        where.push({ i, pack, offset }),
      );
      readAny = true;
    } catch {
      // an index of another version or hash, damaged, or gone since listed: not used for the order
    }
  });
  if (!readAny) return null;
  where.sort((a, b) => a.pack - b.pack || a.offset - b.offset);
  const order = where.map((w) => w.i);
  for (let i = 0; i < oids.length; i++) if (!done[i]) order.push(i);
  return order;
}
