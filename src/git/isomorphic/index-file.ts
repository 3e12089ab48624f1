// A read-only parser for git's index (versions 2, 3 and 4): paths, modes, object ids and the stat data
// needed to reuse an entry's object id for an unchanged file, as `git add` does.
import * as fsp from 'node:fs/promises';

export interface IndexEntry {
  path: string;
  mode: number;
  oid: string;
  mtimeSec: number;
  mtimeNsec: number;
  ino: number;
  size: number;
  stage: number;
  skipWorktree: boolean;
}

export interface IndexFile {
  entries: Map<string, IndexEntry>;
  /** mtime of the index file (ms): entries for files modified at or after it may be racily clean. */
  mtimeMs: number;
}

function readVarint(buf: Buffer, at: number): [number, number] {
  // git's offset varint (varint.c): 7 bits per byte, +1 per continuation.
  let byte = buf[at++]!;
  let value = byte & 0x7f;
  while (byte & 0x80) {
    byte = buf[at++]!;
    value = ((value + 1) << 7) | (byte & 0x7f);
  }
  return [value, at];
}

export async function readIndex(path: string): Promise<IndexFile> {
  let buf: Buffer;
  let mtimeMs: number;
  try {
    [buf, { mtimeMs }] = await Promise.all([fsp.readFile(path), fsp.stat(path)]);
  } catch {
    return { entries: new Map(), mtimeMs: 0 };
  }
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'DIRC') return { entries: new Map(), mtimeMs };
  const version = buf.readUInt32BE(4);
  const count = buf.readUInt32BE(8);
  const entries = new Map<string, IndexEntry>();
  let at = 12;
  let previous = '';
  for (let i = 0; i < count; i++) {
    const start = at;
    const flags = buf.readUInt16BE(start + 60);
    let extended = 0;
    at = start + 62;
    if (version >= 3 && flags & 0x4000) {
      extended = buf.readUInt16BE(at);
      at += 2;
    }
    let path: string;
    if (version === 4) {
      const [strip, next] = readVarint(buf, at);
      const end = buf.indexOf(0, next);
      const prefix = Buffer.from(previous, 'utf8');
      path = Buffer.concat([prefix.subarray(0, prefix.length - strip), buf.subarray(next, end)]).toString(
        'utf8',
      );
      at = end + 1;
    } else {
      const end = buf.indexOf(0, at);
      path = buf.toString('utf8', at, end);
      // Entries are padded with 1..8 NULs to a multiple of 8 bytes.
      at = start + Math.ceil((end - start + 1) / 8) * 8;
    }
    previous = path;
    const entry: IndexEntry = {
      path,
      mtimeSec: buf.readUInt32BE(start + 8),
      mtimeNsec: buf.readUInt32BE(start + 12),
      ino: buf.readUInt32BE(start + 20),
      mode: buf.readUInt32BE(start + 24),
      size: buf.readUInt32BE(start + 36),
      oid: buf.toString('hex', start + 40, start + 60),
      stage: (flags >> 12) & 3,
      skipWorktree: (extended & 0x4000) !== 0,
    };
    if (!entries.has(path) || entry.stage === 0) entries.set(path, entry);
  }
  return { entries, mtimeMs };
}
