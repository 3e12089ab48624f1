// Reading packed objects straight from the pack files: the .idx says where an object starts, we read
// just that slice (and its delta bases) and inflate it with node:zlib. isomorphic-git instead loads the
// whole pack into memory and SHA-1-verifies it once per process (O(pack size) before the first read,
// impossible past 2 GiB) and inflates with a pure-JS zlib (about 1.4 ms per object on a gc'd pack).
import { readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { constants as zlibConstants, inflateSync } from 'node:zlib';
import type { ObjectType, RawObject } from './object-store.js';

// node:fs/promises (and readline under it) loads at the first pack opened this way, not at start-up:
// the direct reader reads packs synchronously.
const fsp = () => process.getBuiltinModule('node:fs/promises');

const IDX_MAGIC = 0xff744f63; // "\377tOc"
export const TYPES: Record<number, ObjectType> = { 1: 'commit', 2: 'tree', 3: 'blob', 4: 'tag' };
const OFS_DELTA = 6;
const REF_DELTA = 7;
/** Delta bases kept in memory, by total size: long delta chains share most of their bases. */
const BASE_CACHE_BYTES = 32 * 1024 * 1024;

/**
 * Delta bases already inflated, by `pack:offset`, within a byte budget: an object over an eighth of it
 * is not kept, and the oldest entries go first when the total is over. Both pack readers use it.
 */
export class BaseCache<V extends { content: Buffer }> {
  private readonly entries = new Map<string, V>();
  private bytes = 0;
  constructor(private readonly budget: number) {}

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  remember(key: string, value: V): void {
    if (value.content.length > this.budget / 8) return;
    this.entries.set(key, value);
    this.bytes += value.content.length;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.budget) break;
      this.entries.delete(k);
      this.bytes -= v.content.length;
    }
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}

interface Pack {
  name: string;
  count: number;
  fanout: Uint32Array;
  ids: Buffer;
  /** Loaded on the first read from this pack. */
  offsets?: Float64Array;
  opening?: Promise<void>;
  /** Offsets in ascending order, to find where an object's compressed data ends. */
  sortedOffsets?: Float64Array;
  packPath: string;
  packSize?: number;
  handle?: FileHandle;
  idxPath: string;
  version: 1 | 2;
}

async function loadIdx(dir: string, name: string): Promise<Pack | null> {
  const idxPath = join(dir, name);
  const fh = await fsp()
    .open(idxPath, 'r')
    .catch(() => null);
  if (!fh) return null;
  try {
    const head = Buffer.alloc(8 + 1024);
    await fh.read(head, 0, head.length, 0);
    const version = head.readUInt32BE(0) === IDX_MAGIC ? 2 : 1;
    if (version === 2 && head.readUInt32BE(4) !== 2) return null;
    const base = version === 2 ? 8 : 0;
    const fanout = new Uint32Array(256);
    for (let i = 0; i < 256; i++) fanout[i] = head.readUInt32BE(base + i * 4);
    const count = fanout[255]!;
    const ids = Buffer.alloc(count * 20);
    if (version === 2) {
      await fh.read(ids, 0, ids.length, 8 + 1024);
    } else {
      const raw = Buffer.alloc(count * 24);
      await fh.read(raw, 0, raw.length, 1024);
      for (let i = 0; i < count; i++) raw.copy(ids, i * 20, i * 24 + 4, i * 24 + 24);
    }
    const packPath = join(dir, name.replace(/\.idx$/, '.pack'));
    return { name, count, fanout, ids, packPath, idxPath, version };
  } finally {
    await fh.close();
  }
}

/** Position of `oid` in the pack's sorted id table, or -1. */
function position(pack: Pack, oid: Buffer): number {
  const first = oid[0]!;
  let lo = first === 0 ? 0 : pack.fanout[first - 1]!;
  let hi = pack.fanout[first]!;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const cmp = pack.ids.compare(oid, 0, 20, mid * 20, mid * 20 + 20);
    if (cmp === 0) return mid;
    if (cmp > 0) hi = mid;
    else lo = mid + 1;
  }
  return -1;
}

function loadOffsets(pack: Pack): Promise<void> {
  pack.opening ??= openPack(pack);
  return pack.opening;
}

async function openPack(pack: Pack): Promise<void> {
  const offsets = new Float64Array(pack.count);
  const buf = await fsp().readFile(pack.idxPath);
  if (pack.version === 1) {
    for (let i = 0; i < pack.count; i++) offsets[i] = buf.readUInt32BE(1024 + i * 24);
  } else {
    const small = 8 + 1024 + pack.count * 24; // after ids (20) and crc32s (4)
    const large = small + pack.count * 4;
    for (let i = 0; i < pack.count; i++) {
      const v = buf.readUInt32BE(small + i * 4);
      offsets[i] = v & 0x80000000 ? Number(buf.readBigUInt64BE(large + (v & 0x7fffffff) * 8)) : v;
    }
  }
  pack.offsets = offsets;
  pack.sortedOffsets = Float64Array.from(offsets).sort();
  pack.handle = await fsp().open(pack.packPath, 'r');
  pack.packSize = (await pack.handle.stat()).size;
}

/** Where the entry starting at `offset` ends: the next entry's start, or the pack's trailing checksum. */
function entryEnd(pack: Pack, offset: number): number {
  const sorted = pack.sortedOffsets!;
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length ? sorted[lo]! : pack.packSize! - 20;
}

export interface ObjectHeader {
  type: ObjectType;
  size: number;
}

/**
 * What a pack entry's first bytes say: its type code and size (for a delta, the size of the delta
 * data), for an OFS_DELTA how far back its base starts, for a REF_DELTA its base's id, and where the
 * zlib data begins. `buf` must hold the whole header (at most 10 + 20 bytes).
 */
export interface EntryHead {
  typeCode: number;
  size: number;
  /** OFS_DELTA: the base entry is this many bytes before this one. */
  back?: number;
  /** REF_DELTA: the base object's id. */
  baseOid?: string;
  /** Offset in `buf` where the compressed data starts. */
  data: number;
}

export function entryHead(buf: Buffer): EntryHead {
  let at = 0;
  let byte = buf[at++]!;
  const typeCode = (byte >> 4) & 7;
  let size = byte & 15;
  let shift = 4;
  while (byte & 0x80) {
    byte = buf[at++]!;
    size += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  }
  if (typeCode === OFS_DELTA) {
    byte = buf[at++]!;
    let back = byte & 0x7f;
    while (byte & 0x80) {
      byte = buf[at++]!;
      back = (back + 1) * 128 + (byte & 0x7f);
    }
    return { typeCode, size, back, data: at };
  }
  if (typeCode === REF_DELTA)
    return { typeCode, size, baseOid: buf.toString('hex', at, at + 20), data: at + 20 };
  return { typeCode, size, data: at };
}

/** The first `n` varints (7 bits a byte, little end first) of `buf`, or null when it is shorter. */
export function varints(buf: Buffer, n: number): number[] | null {
  const out: number[] = [];
  let at = 0;
  while (out.length < n) {
    let value = 0;
    let shift = 0;
    let byte: number;
    do {
      if (at >= buf.length) return null;
      byte = buf[at++]!;
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    out.push(value);
  }
  return out;
}

/** git's delta format: source size, target size, then copy-from-base and insert instructions. */
export function applyDelta(delta: Buffer, base: Buffer): Buffer {
  let at = 0;
  const varint = () => {
    let value = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = delta[at++]!;
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return value;
  };
  const baseSize = varint();
  if (baseSize !== base.length) throw new Error('delta base size mismatch');
  const out = Buffer.allocUnsafe(varint());
  let o = 0;
  while (at < delta.length) {
    const op = delta[at++]!;
    if (op & 0x80) {
      let offset = 0;
      let size = 0;
      for (let i = 0; i < 4; i++) if (op & (1 << i)) offset += delta[at++]! * 2 ** (8 * i);
      for (let i = 0; i < 3; i++) if (op & (1 << (4 + i))) size += delta[at++]! * 2 ** (8 * i);
      if (size === 0) size = 0x10000;
      o += base.copy(out, o, offset, offset + size);
    } else if (op > 0) {
      o += delta.copy(out, o, at, at + op);
      at += op;
    } else {
      throw new Error('invalid delta instruction');
    }
  }
  if (o !== out.length) throw new Error('delta result size mismatch');
  return out;
}

export class Packs {
  private packs: Pack[] = [];
  private known = new Set<string>();
  private readonly bases = new BaseCache<RawObject>(BASE_CACHE_BYTES);

  constructor(private readonly objectsDir: string) {}

  private scanning: Promise<boolean> | null = null;
  private scannedOnce: Promise<boolean> | null = null;

  /** Pick up packs that appeared since the last scan (a repack or fetch while we run). One at a time. */
  rescan(): Promise<boolean> {
    const previous = this.scanning ?? Promise.resolve(false);
    const next = previous.then(() => this.scan());
    this.scanning = next;
    return next;
  }

  private ready(): Promise<boolean> {
    this.scannedOnce ??= this.rescan();
    return this.scannedOnce;
  }

  private async scan(): Promise<boolean> {
    const dir = join(this.objectsDir, 'pack');
    const names = await fsp()
      .readdir(dir)
      .catch(() => [] as string[]);
    let added = false;
    for (const name of names.filter((n) => n.endsWith('.idx') && !this.known.has(n))) {
      this.known.add(name);
      const pack = await loadIdx(dir, name);
      if (pack) {
        this.packs.push(pack);
        added = true;
      }
    }
    return added;
  }

  private async locate(oid: string): Promise<{ pack: Pack; index: number } | null> {
    await this.ready();
    const bin = Buffer.from(oid, 'hex');
    for (let attempt = 0; attempt < 2; attempt++) {
      for (const pack of this.packs) {
        const index = position(pack, bin);
        if (index >= 0) return { pack, index };
      }
      if (attempt === 0 && !(await this.rescan())) break;
    }
    return null;
  }

  async has(oid: string): Promise<boolean> {
    await this.ready();
    const bin = Buffer.from(oid, 'hex');
    return this.packs.some((p) => position(p, bin) >= 0);
  }

  /** The object, or null when no pack holds it. `resolveRef` finds REF_DELTA bases outside the packs. */
  async read(oid: string, resolveRef: (oid: string) => Promise<RawObject | null>): Promise<RawObject | null> {
    const where = await this.locate(oid);
    if (!where) return null;
    await loadOffsets(where.pack);
    return this.readAt(where.pack, where.pack.offsets![where.index]!, resolveRef);
  }

  private async readAt(
    pack: Pack,
    offset: number,
    resolveRef: (oid: string) => Promise<RawObject | null>,
  ): Promise<RawObject> {
    const key = `${pack.name}:${offset}`;
    const cached = this.bases.get(key);
    if (cached) return cached;
    const end = entryEnd(pack, offset);
    const entry = Buffer.allocUnsafe(end - offset);
    // A positional read from the page cache: synchronous is several times faster than a thread-pool trip.
    readSync(pack.handle!.fd, entry, 0, entry.length, offset);
    const { typeCode, size, back, baseOid, data: at } = entryHead(entry);
    let base: RawObject | null = null;
    if (back !== undefined) {
      base = await this.readAt(pack, offset - back, resolveRef);
    } else if (baseOid !== undefined) {
      base = (await this.read(baseOid, resolveRef)) ?? (await resolveRef(baseOid));
      if (!base) throw new Error(`delta base ${baseOid} is missing`);
    } else if (!TYPES[typeCode]) {
      throw new Error(`unknown pack entry type ${typeCode}`);
    }
    const data = inflateSync(entry.subarray(at));
    if (data.length !== size) throw new Error('pack entry size mismatch');
    const obj: RawObject = base
      ? { type: base.type, content: applyDelta(data, base.content) }
      : { type: TYPES[typeCode]!, content: data };
    this.bases.remember(key, obj);
    return obj;
  }

  /**
   * Type and size of a packed object without inflating it: the entry header gives both for a whole
   * object; a delta's target size is the second number at the start of its (inflated) data, and its
   * type is its base's. Null when no pack holds it.
   */
  async header(oid: string): Promise<ObjectHeader | null> {
    const where = await this.locate(oid);
    if (!where) return null;
    await loadOffsets(where.pack);
    return this.headerAt(where.pack, where.pack.offsets![where.index]!, 0);
  }

  private async headerAt(pack: Pack, offset: number, depth: number): Promise<ObjectHeader | null> {
    if (depth > 64) return null;
    const end = entryEnd(pack, offset);
    const entry = Buffer.allocUnsafe(Math.min(end - offset, 512));
    readSync(pack.handle!.fd, entry, 0, entry.length, offset);
    const { typeCode, size, back, baseOid, data: at } = entryHead(entry);
    if (TYPES[typeCode]) return { type: TYPES[typeCode]!, size };
    let base: Promise<ObjectHeader | null>;
    if (back !== undefined) base = this.headerAt(pack, offset - back, depth + 1);
    else if (baseOid !== undefined) base = this.header(baseOid);
    else return null;
    // The delta's first bytes, inflated as far as the 512 bytes read allow: source size, target size.
    const head = inflateSync(entry.subarray(at), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    const sizes = varints(head, 2);
    const type = (await base)?.type;
    return sizes && type ? { type, size: sizes[1]! } : null;
  }

  async close(): Promise<void> {
    await Promise.all(this.packs.map((p) => p.handle?.close().catch(() => {})));
    for (const p of this.packs) {
      p.handle = undefined;
      p.offsets = undefined;
      p.opening = undefined;
    }
  }
}
