// The private store for working-tree snapshots. A snapshot hashes every untracked, non-ignored file
// (a `.env` dropped in the repository included); those objects must never land in the repository's
// own object store, where they would stay in clear and could be pushed. They go to
// <common dir>/agent-log/snapshots/objects (0700) instead; git reads the real store as an alternate,
// so tracked content is never copied. A persistent private index per worktree keeps the stat data of
// untracked files, so an unchanged file is not hashed again. The store is removed once no unsealed run
// or session needs a start tree from it (records keep tree ids only, never these objects).
// node:crypto loads when a snapshot is taken, not at every start (read commands never hash).
const createHash = (algorithm: string) => process.getBuiltinModule('node:crypto').createHash(algorithm);
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_LOG_DIR } from '../journal/paths.js';

export function snapshotStoreDir(commonDir: string): string {
  return join(commonDir, AGENT_LOG_DIR, 'snapshots');
}

export function snapshotObjectsDir(commonDir: string): string {
  return join(snapshotStoreDir(commonDir), 'objects');
}

/** The persistent private index of one worktree (keyed by its git dir). */
export function snapshotIndexPath(commonDir: string, gitDir: string): string {
  const key = createHash('sha256').update(gitDir).digest('hex').slice(0, 16);
  return join(snapshotStoreDir(commonDir), `index-${key}`);
}

/** Create the store (0700 down from agent-log/) and return its objects directory. */
export function ensureSnapshotStore(commonDir: string): string {
  const objects = snapshotObjectsDir(commonDir);
  mkdirSync(join(objects, 'info'), { recursive: true, mode: 0o700 });
  mkdirSync(join(objects, 'pack'), { recursive: true, mode: 0o700 });
  return objects;
}

/** `GIT_ALTERNATE_OBJECT_DIRECTORIES` for a reader that must see snapshot trees, if the store exists. */
export function snapshotReadEnv(commonDir: string): NodeJS.ProcessEnv | undefined {
  const objects = snapshotObjectsDir(commonDir);
  if (!existsSync(objects)) return undefined;
  const inherited = process.env.GIT_ALTERNATE_OBJECT_DIRECTORIES;
  return { GIT_ALTERNATE_OBJECT_DIRECTORIES: inherited ? `${objects}:${inherited}` : objects };
}

/** Remove the whole store: renamed first, so a snapshot running now fails cleanly instead of half-writing. */
export function removeSnapshotStore(commonDir: string): void {
  const dir = snapshotStoreDir(commonDir);
  if (!existsSync(dir)) return;
  const doomed = `${dir}.removing-${process.pid}-${Date.now()}`;
  try {
    renameSync(dir, doomed);
  } catch {
    return; // removed by another process
  }
  rmSync(doomed, { recursive: true, force: true });
}

interface RawEntry {
  /** The path's bytes as a latin1 string: byte order = git's order. */
  key: string;
  stage: number;
  extended: boolean;
  bytes: Buffer;
}

interface ParsedIndex {
  version: number;
  entries: RawEntry[];
}

/** Entries of an index (versions 2 and 3 only), or null for a shape we do not rewrite. */
function parseIndex(buf: Buffer, hashLen: number): ParsedIndex | null {
  if (buf.length < 12 + hashLen || buf.toString('latin1', 0, 4) !== 'DIRC') return null;
  const version = buf.readUInt32BE(4);
  if (version !== 2 && version !== 3) return null; // v4 prefix-compresses paths
  const count = buf.readUInt32BE(8);
  const entries: RawEntry[] = [];
  let at = 12;
  const fixed = 40 + hashLen;
  for (let i = 0; i < count; i++) {
    if (at + fixed + 2 > buf.length) return null;
    const flags = buf.readUInt16BE(at + fixed);
    const extended = version === 3 && (flags & 0x4000) !== 0;
    const nameAt = at + fixed + 2 + (extended ? 2 : 0);
    const end = buf.indexOf(0, nameAt);
    if (end < 0) return null;
    const size = (nameAt - at + (end - nameAt) + 8) & ~7;
    entries.push({
      key: buf.toString('latin1', nameAt, end),
      stage: (flags >> 12) & 3,
      extended,
      bytes: buf.subarray(at, at + size),
    });
    at += size;
  }
  // A split index ('link') or a sparse index ('sdir') holds entries we cannot see here.
  while (at + 8 <= buf.length - hashLen) {
    const sig = buf.toString('latin1', at, at + 4);
    if (sig === 'link' || sig === 'sdir') return null;
    at += 8 + buf.readUInt32BE(at + 4);
  }
  return { version, entries };
}

/**
 * The real index plus the private index's entries for paths the real one does not have (untracked
 * files, with the stat data that lets `git add` skip them when unchanged). Null when there is nothing
 * to carry over or a shape we do not rewrite: the caller then copies the real index as is.
 */
export function mergeIndexes(real: Buffer, priv: Buffer, hashLen: number): Buffer | null {
  const a = parseIndex(real, hashLen);
  const b = parseIndex(priv, hashLen);
  if (!a || !b) return null;
  const tracked = new Set(a.entries.map((e) => e.key));
  const carried = b.entries.filter((e) => e.stage === 0 && !tracked.has(e.key));
  if (!carried.length) return null;
  const all = [...a.entries, ...carried].sort((x, y) =>
    x.key < y.key ? -1 : x.key > y.key ? 1 : x.stage - y.stage,
  );
  const version = Math.max(a.version, b.version, all.some((e) => e.extended) ? 3 : 2);
  const head = Buffer.alloc(12);
  head.write('DIRC', 0, 'latin1');
  head.writeUInt32BE(version, 4);
  head.writeUInt32BE(all.length, 8);
  const body = Buffer.concat([head, ...all.map((e) => e.bytes)]);
  const sum = createHash(hashLen === 32 ? 'sha256' : 'sha1')
    .update(body)
    .digest();
  return Buffer.concat([body, sum]);
}
