// Which objects the packs already hold, from their .idx files alone (fanout table + sorted ids): lets
// the engine skip writing a loose copy (and its fsync) of an object git has packed, without loading the
// pack itself, which isomorphic-git reads whole.
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';

interface Idx {
  fanout: Uint32Array;
  ids: Buffer;
}

const MAGIC = 0xff744f63; // "\377tOc"

async function readIdx(path: string): Promise<Idx | null> {
  const fh = await fsp.open(path, 'r').catch(() => null);
  if (!fh) return null;
  try {
    const head = Buffer.alloc(8 + 256 * 4);
    await fh.read(head, 0, head.length, 0);
    let base = 0;
    if (head.readUInt32BE(0) === MAGIC) {
      if (head.readUInt32BE(4) !== 2) return null;
      base = 8;
    }
    const fanout = new Uint32Array(256);
    for (let i = 0; i < 256; i++) fanout[i] = head.readUInt32BE(base + i * 4);
    const count = fanout[255]!;
    if (base === 0) {
      // Version 1: 24-byte entries (offset + id) after the fanout table; keep just the ids.
      const raw = Buffer.alloc(count * 24);
      await fh.read(raw, 0, raw.length, 1024);
      const ids = Buffer.alloc(count * 20);
      for (let i = 0; i < count; i++) raw.copy(ids, i * 20, i * 24 + 4, i * 24 + 24);
      return { fanout, ids };
    }
    const ids = Buffer.alloc(count * 20);
    await fh.read(ids, 0, ids.length, 8 + 1024);
    return { fanout, ids };
  } finally {
    await fh.close();
  }
}

function contains(idx: Idx, oid: Buffer): boolean {
  const first = oid[0]!;
  let lo = first === 0 ? 0 : idx.fanout[first - 1]!;
  let hi = idx.fanout[first]!;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const cmp = idx.ids.compare(oid, 0, 20, mid * 20, mid * 20 + 20);
    if (cmp === 0) return true;
    if (cmp > 0) hi = mid;
    else lo = mid + 1;
  }
  return false;
}

export class PackIndex {
  private packs = new Map<string, Idx>();
  private scanned = false;

  constructor(private readonly objectsDir: string) {}

  private async scan(): Promise<void> {
    const dir = join(this.objectsDir, 'pack');
    const names = await fsp.readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      if (!name.endsWith('.idx') || this.packs.has(name)) continue;
      const idx = await readIdx(join(dir, name));
      if (idx) this.packs.set(name, idx);
    }
    this.scanned = true;
  }

  /** Whether a pack holds `oid`. Packs made after the first call are not seen: at worst we write a loose copy. */
  async has(oid: string): Promise<boolean> {
    if (!this.scanned) await this.scan();
    const bin = Buffer.from(oid, 'hex');
    for (const idx of this.packs.values()) if (contains(idx, bin)) return true;
    return false;
  }
}
