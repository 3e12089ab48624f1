// A few objects read from pack files with positional reads only: the .idx fanout, the one bucket of
// ids the object's first byte names, its offset, then the entry (and its delta bases). A read command
// wants two or three objects; loading and sorting a whole 50k-object index first cost more than git.
import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { applyDelta, BaseCache, entryHead, TYPES, varints } from '../isomorphic/packs.js';
import { IDX_MAGIC, packIndexNames } from './pack-order.js';

const MAX_CHAIN = 64;
/** Delta bases kept, by total size (a note blob rarely has a delta; a long chain shares its bases). */
const BASE_CACHE_BYTES = 8 * 1024 * 1024;

export interface PackedObject {
  type: string;
  content: Buffer;
}

interface PackFile {
  name: string;
  idx: number;
  pack: number | null;
  version: 1 | 2;
  /** The .idx head as read: the fanout table (256 big-endian counts) at `fanoutAt`. */
  head: Buffer;
  fanoutAt: number;
  count: number;
}

/**
 * Where `want` (20 bytes) sits among `count` sorted ids in `bucket` (each `stride` bytes, the id at
 * `skip`), or -1: a binary search comparing bytes in place (Buffer.compare with offsets validates its
 * arguments at every call, which cost more than the search when it scanned a bucket of ~150 ids).
 */
function search(bucket: Buffer, want: Buffer, count: number, stride: number, skip: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const at = mid * stride + skip;
    let d = 0;
    for (let k = 0; k < 20 && d === 0; k++) d = bucket[at + k]! - want[k]!;
    if (d === 0) return mid;
    if (d < 0) lo = mid + 1;
    else hi = mid;
  }
  return -1;
}

function pread(fd: number, length: number, position: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  const n = readSync(fd, buf, 0, length, position);
  return n === length ? buf : buf.subarray(0, n);
}

export class PackReader {
  private packs: PackFile[] | null = null;
  /** The packs were listed again once (relisting): a second miss is not a race, and throws. */
  private relisted = false;
  private readonly bases = new BaseCache<PackedObject>(BASE_CACHE_BYTES);

  constructor(private readonly objectsDir: string) {}

  private list(): PackFile[] {
    if (this.packs) return this.packs;
    this.packs = [];
    let indexes: string[];
    try {
      indexes = packIndexNames(this.objectsDir);
    } catch {
      return this.packs;
    }
    for (const name of indexes) {
      const fd = openSync(join(this.objectsDir, 'pack', name), 'r');
      const head = pread(fd, 8 + 1024, 0);
      const version = head.readUInt32BE(0) === IDX_MAGIC ? 2 : 1;
      if (version === 2 && head.readUInt32BE(4) !== 2)
        throw new Error(`unknown pack index version in ${name}`);
      const base = version === 2 ? 8 : 0;
      // Only the two counts around a lookup's first byte are ever needed: decoded then, not all 256.
      const count = head.readUInt32BE(base + 255 * 4);
      this.packs.push({ name, idx: fd, pack: null, version, head, fanoutAt: base, count });
    }
    return this.packs;
  }

  /** The pack and offset holding `oid`, or null. */
  private find(oid: string): { pack: PackFile; offset: number } | null {
    const want = Buffer.from(oid, 'hex');
    const first = want[0]!;
    for (const p of this.list()) {
      const lo = first === 0 ? 0 : p.head.readUInt32BE(p.fanoutAt + (first - 1) * 4);
      const hi = p.head.readUInt32BE(p.fanoutAt + first * 4);
      if (hi <= lo) continue;
      const stride = p.version === 2 ? 20 : 24;
      const skip = p.version === 2 ? 0 : 4;
      const bucket = pread(p.idx, (hi - lo) * stride, (p.version === 2 ? 8 + 1024 : 1024) + lo * stride);
      const i = search(bucket, want, hi - lo, stride, skip);
      if (i >= 0) {
        const pos = lo + i;
        if (p.version === 1) return { pack: p, offset: bucket.readUInt32BE(i * stride) };
        const small = pread(p.idx, 4, 8 + 1024 + p.count * 24 + pos * 4).readUInt32BE(0);
        if (!(small & 0x80000000)) return { pack: p, offset: small };
        const large = pread(p.idx, 8, 8 + 1024 + p.count * 28 + (small & 0x7fffffff) * 8);
        return { pack: p, offset: Number(large.readBigUInt64BE(0)) };
      }
    }
    return null;
  }

  /**
   * The size of a packed object without building it: a whole object's from its entry header, a
   * delta's target size from the head of its delta (inflated only when the delta itself is at most
   * `limit` bytes). undefined when no pack holds it or that would cost more.
   */
  sizeOf(oid: string, limit: number): number | undefined {
    return this.relisting(() => this.sizeAt(oid, limit));
  }

  private sizeAt(oid: string, limit: number): number | undefined {
    const found = this.find(oid);
    if (!found) return undefined;
    const fd = this.packFd(found.pack);
    const { typeCode, size, back, baseOid, data: at } = entryHead(pread(fd, 64, found.offset));
    if (TYPES[typeCode]) return size;
    if (size > limit || (back === undefined && baseOid === undefined)) return undefined;
    const entry = pread(fd, size + 64 + (size >> 6) + 4096, found.offset + at);
    const sizes = varints(inflateSync(entry), 2);
    return sizes ? sizes[1] : undefined; // the second varint: the target's size
  }

  /**
   * The type of an object from pack entry headers alone (a delta's is its base's: nothing inflated),
   * or null when no pack here holds it.
   */
  typeOf(oid: string): string | null {
    return this.relisting(() => this.typeIn(oid, 0));
  }

  private typeIn(oid: string, depth: number): string | null {
    const at = this.find(oid);
    return at ? this.typeAt(at.pack, at.offset, depth) : null;
  }

  private typeAt(p: PackFile, offset: number, depth: number): string {
    if (depth > MAX_CHAIN) throw new Error('delta chain too long');
    const { typeCode, back, baseOid } = entryHead(pread(this.packFd(p), 64, offset));
    if (TYPES[typeCode]) return TYPES[typeCode]!;
    if (back !== undefined) return this.typeAt(p, offset - back, depth + 1);
    const base = baseOid === undefined ? null : this.typeIn(baseOid, depth + 1);
    if (!base) throw new Error(`cannot tell the type of pack entry ${typeCode}`);
    return base;
  }

  private packFd(p: PackFile): number {
    return (p.pack ??= openSync(join(this.objectsDir, 'pack', p.name.replace(/\.idx$/, '.pack')), 'r'));
  }

  /** The object, or null when no pack here holds it. Throws on anything it cannot read. */
  read(oid: string): PackedObject | null {
    return this.relisting(() => this.readIn(oid, 0));
  }

  /**
   * `f`, and once more over a fresh listing when a pack listed here was gone when it came to be read
   * (a gc or repack since: its objects are in the packs that replaced it).
   */
  private relisting<T>(f: () => T): T {
    try {
      return f();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || this.relisted) throw e;
      this.relisted = true;
      this.close();
      return f();
    }
  }

  private readIn(oid: string, depth: number): PackedObject | null {
    const at = this.find(oid);
    return at ? this.readAt(at.pack, at.offset, depth) : null;
  }

  private readAt(p: PackFile, offset: number, depth: number): PackedObject {
    if (depth > MAX_CHAIN) throw new Error('delta chain too long');
    const key = `${p.name}:${offset}`;
    const cached = this.bases.get(key);
    if (cached) return cached;
    const fd = this.packFd(p);
    let head = pread(fd, 64, offset);
    const { typeCode, size, back, baseOid, data: at } = entryHead(head);
    let base: PackedObject | null = null;
    if (back !== undefined) {
      base = this.readAt(p, offset - back, depth + 1);
    } else if (baseOid !== undefined) {
      base = this.readIn(baseOid, depth + 1);
      if (!base) throw new Error(`delta base ${baseOid} is not in a pack`);
    } else if (!TYPES[typeCode]) {
      throw new Error(`unknown pack entry type ${typeCode}`);
    }
    // zlib may grow incompressible data a little; read more until the stream ends inside what we have.
    let want = size + 64 + (size >> 6);
    let data: Buffer;
    for (;;) {
      head = pread(fd, at + want, offset);
      try {
        data = inflateSync(head.subarray(at));
        break;
      } catch (e) {
        if (head.length < at + want || want > size * 4 + 4096) throw e;
        want *= 2;
      }
    }
    if (data.length !== size) throw new Error('pack entry size mismatch');
    const obj = base
      ? { type: base.type, content: applyDelta(data, base.content) }
      : { type: TYPES[typeCode]!, content: data };
    this.bases.remember(key, obj);
    return obj;
  }

  close(): void {
    for (const p of this.packs ?? []) {
      closeSync(p.idx);
      if (p.pack !== null) closeSync(p.pack);
    }
    this.packs = null;
    this.bases.clear();
  }
}
