// Files-backend refs, read and updated the way git does: loose file first, then packed-refs; updates
// under `<ref>.lock` (O_CREAT|O_EXCL) with the expected old value checked inside the lock, fsync,
// rename, and a reflog line. This is our compare-and-swap: isomorphic-git's writeRef has none.
import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { BrokenRefError, GitError } from '../../errors.js';
import { ZERO_OID } from '../engine.js';
import { isOid } from './objects.js';

/** A lock older than this whose owner is gone (or unknown) is removed. git holds its locks for ms. */
export const STALE_LOCK_MS = 10_000;
const OWNER_PREFIX = 'git-agent-log lock';

/** Refs that git keeps per worktree (in the worktree's own git dir, not the common dir). */
export function isPerWorktreeRef(ref: string): boolean {
  return (
    !ref.includes('/') ||
    ref.startsWith('refs/bisect/') ||
    ref.startsWith('refs/worktree/') ||
    ref.startsWith('refs/rewritten/')
  );
}

export function assertRefName(ref: string): void {
  const bad =
    !ref.startsWith('refs/') ||
    ref.endsWith('/') ||
    ref.endsWith('.') ||
    ref.includes('..') ||
    ref.includes('//') ||
    ref.includes('@{') ||
    /[\x00-\x20\x7f~^:?*[\\]/.test(ref) ||
    ref.split('/').some((c) => c.startsWith('.') || c.endsWith('.lock'));
  if (bad) throw new GitError(`invalid ref name ${JSON.stringify(ref)}`);
}

function isMissing(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

async function readText(path: string): Promise<string | null> {
  try {
    return await fsp.readFile(path, 'utf8');
  } catch (e) {
    if (isMissing(e)) return null;
    throw e;
  }
}

export async function readPackedRefs(dir: string): Promise<Map<string, string>> {
  const refs = new Map<string, string>();
  const text = await readText(join(dir, 'packed-refs'));
  if (!text) return refs;
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#') || line.startsWith('^')) continue;
    const sp = line.indexOf(' ');
    if (sp === 40) refs.set(line.slice(41), line.slice(0, 40));
  }
  return refs;
}

/** Every ref under the given prefixes (`refs/heads/` …) → its oid: loose files over packed-refs. */
export async function listRefs(dir: string, prefixes: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [ref, oid] of await readPackedRefs(dir)) {
    if (prefixes.some((p) => ref.startsWith(p))) out.set(ref, oid);
  }
  const walk = async (ref: string): Promise<void> => {
    let entries;
    try {
      entries = await fsp.readdir(join(dir, ref), { withFileTypes: true });
    } catch (e) {
      if (isMissing(e)) return;
      throw e;
    }
    for (const e of entries) {
      const name = `${ref}${e.name}`;
      if (e.isDirectory()) await walk(`${name}/`);
      else if (e.isFile() && !e.name.endsWith('.lock')) {
        const value = (await readText(join(dir, name)))?.trim() ?? '';
        if (isOid(value)) out.set(name, value);
      }
    }
  };
  for (const p of prefixes) await walk(p);
  return out;
}

type RawRef = { oid: string } | { symref: string } | null;

async function readRawRef(dir: string, ref: string): Promise<RawRef> {
  const loose = await readText(join(dir, ref));
  if (loose !== null) {
    const value = loose.trim();
    if (value.startsWith('ref:')) return { symref: value.slice(4).trim() };
    if (isOid(value)) return { oid: value };
    throw new BrokenRefError(
      `${ref} is broken: its file holds no object id (${JSON.stringify(value.slice(0, 60))})`,
    );
  }
  const packed = (await readPackedRefs(dir)).get(ref);
  return packed ? { oid: packed } : null;
}

export interface RefDirs {
  gitDir: string;
  commonDir: string;
}

function dirFor(dirs: RefDirs, ref: string): string {
  return isPerWorktreeRef(ref) ? dirs.gitDir : dirs.commonDir;
}

/** The oid a ref points at, following symbolic refs; null if it (or its target) does not exist. */
export async function readRef(dirs: RefDirs, ref: string): Promise<string | null> {
  // git's cross-worktree names: main-worktree/HEAD, worktrees/<name>/HEAD (and their per-worktree refs).
  if (ref.startsWith('main-worktree/')) {
    return readRef({ gitDir: dirs.commonDir, commonDir: dirs.commonDir }, ref.slice('main-worktree/'.length));
  }
  const other = ref.match(/^worktrees\/([^/]+)\/(.+)$/);
  if (other) {
    const gitDir = join(dirs.commonDir, 'worktrees', other[1]!);
    return readRef({ gitDir, commonDir: dirs.commonDir }, other[2]!);
  }
  let name = ref;
  for (let depth = 0; depth < 6; depth++) {
    const raw = await readRawRef(dirFor(dirs, name), name);
    if (!raw) return null;
    if ('oid' in raw) return raw.oid;
    name = raw.symref;
  }
  throw new GitError(`symbolic ref loop at ${ref}`);
}

/** A ref's reflog (`logs/<ref>`), oldest entry first: each update's old and new value; null without one. */
export async function readReflog(dirs: RefDirs, ref: string): Promise<{ old: string; new: string }[] | null> {
  const text = await readText(join(dirFor(dirs, ref), 'logs', ref));
  if (text === null) return null;
  const entries: { old: string; new: string }[] = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{40}) ([0-9a-f]{40}) /.exec(line);
    if (m) entries.push({ old: m[1]!, new: m[2]! });
  }
  return entries;
}

/** HEAD of one worktree: its symbolic target, or the detached commit. */
export async function readHeadFile(gitDir: string): Promise<{ symref: string } | { oid: string }> {
  const raw = await readRawRef(gitDir, 'HEAD');
  if (!raw) throw new GitError(`no HEAD in ${gitDir}`);
  return raw;
}

// ---------------------------------------------------------------- locking

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove a lock left behind by a crashed process. The lock is first renamed aside and only deleted
 * if it is still the same file we judged stale; a fresh lock taken in between is put back.
 */
async function breakStaleLock(lockPath: string): Promise<boolean> {
  let st: Awaited<ReturnType<typeof fsp.stat>>;
  try {
    st = await fsp.stat(lockPath);
  } catch (e) {
    if (isMissing(e)) return true;
    throw e;
  }
  if (Date.now() - st.mtimeMs < STALE_LOCK_MS) return false;
  const owner = (await readText(lockPath))?.match(/^git-agent-log lock (\d+) (\S+)/);
  if (owner && owner[2] === hostname() && pidAlive(Number(owner[1]))) return false;
  const aside = join(dirname(lockPath), `tmp_stale_${randomBytes(6).toString('hex')}.lock`);
  try {
    await fsp.rename(lockPath, aside);
  } catch (e) {
    if (isMissing(e)) return true;
    throw e;
  }
  const moved = await fsp.stat(aside);
  if (moved.ino === st.ino && moved.dev === st.dev) {
    await fsp.rm(aside, { force: true });
    return true;
  }
  await fsp.link(aside, lockPath).catch(() => {});
  await fsp.rm(aside, { force: true });
  return false;
}

export interface HeldLock {
  path: string;
  handle: fsp.FileHandle;
}

/** Take `<path>.lock`; null when another process holds it. */
export async function acquireLock(path: string): Promise<HeldLock | null> {
  const lockPath = `${path}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await fsp.open(lockPath, 'wx', 0o644);
      await handle.write(`${OWNER_PREFIX} ${process.pid} ${hostname()}\n`);
      // Crash tests (see src/store/fault.ts): die holding the lock, as a killed process would.
      if (process.env.AGENT_LOG_FAULT === 'holding-lock') process.kill(process.pid, 'SIGKILL');
      return { path: lockPath, handle };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        await fsp.mkdir(dirname(lockPath), { recursive: true });
        continue;
      }
      if (code !== 'EEXIST') throw e;
      if (attempt === 0 && (await breakStaleLock(lockPath))) continue;
      return null;
    }
  }
  return null;
}

export async function releaseLock(lock: HeldLock): Promise<void> {
  const ours = await stillOurs(lock);
  await lock.handle.close().catch(() => {});
  if (ours) await fsp.rm(lock.path, { force: true });
}

async function stillOurs(lock: HeldLock): Promise<boolean> {
  try {
    const [mine, onDisk] = await Promise.all([lock.handle.stat(), fsp.stat(lock.path)]);
    return mine.ino === onDisk.ino && mine.dev === onDisk.dev;
  } catch {
    return false;
  }
}

/** Replace the lock's content with `content`, fsync, and rename it over `path`. */
async function commitLock(lock: HeldLock, target: string, content: string): Promise<boolean> {
  await lock.handle.truncate(0);
  await lock.handle.write(content, 0);
  await lock.handle.sync();
  if (!(await stillOurs(lock))) {
    await lock.handle.close().catch(() => {});
    return false;
  }
  await lock.handle.close();
  try {
    await fsp.rename(lock.path, target);
  } catch (e) {
    await fsp.rm(lock.path, { force: true });
    throw new GitError(`cannot update ${target}: ${(e as Error).message}`);
  }
  return true;
}

// ---------------------------------------------------------------- updates

export interface RefUpdate {
  ref: string;
  next: string;
  expected: string | null;
  /** Reflog line fields; null = do not write a reflog line. */
  reflog: { ident: string; message: string } | null;
}

/** Compare-and-swap of one loose ref in `dir`. false if the ref moved or is locked by someone else. */
export async function casRef(dir: string, update: RefUpdate): Promise<boolean> {
  const { ref, next, expected } = update;
  assertRefName(ref);
  if (!isOid(next) || next === ZERO_OID) throw new GitError(`invalid new value for ${ref}: ${next}`);
  const refPath = join(dir, ref);
  const lock = await acquireLock(refPath);
  if (!lock) return false;
  try {
    const current = await readRawRef(dir, ref);
    if (current && 'symref' in current) throw new GitError(`${ref} is a symbolic ref`);
    const currentOid = current?.oid ?? null;
    if (currentOid !== expected) {
      await releaseLock(lock);
      return false;
    }
    if (update.reflog) await appendReflog(dir, ref, currentOid ?? ZERO_OID, next, update.reflog);
    return await commitLock(lock, refPath, `${next}\n`);
  } catch (e) {
    await releaseLock(lock);
    throw e;
  }
}

/** Delete a ref (loose and packed) if it points at `expected`; its reflog goes too, as in git. */
export async function deleteRef(dir: string, ref: string, expected: string): Promise<boolean> {
  assertRefName(ref);
  const refPath = join(dir, ref);
  const lock = await acquireLock(refPath);
  if (!lock) return false;
  try {
    const current = await readRawRef(dir, ref);
    if (!current || !('oid' in current) || current.oid !== expected) return false;
    if ((await readPackedRefs(dir)).has(ref) && !(await removePackedRef(dir, ref))) return false;
    await fsp.rm(refPath, { force: true });
    await fsp.rm(join(dir, 'logs', ref), { force: true });
    return true;
  } finally {
    await releaseLock(lock);
  }
}

async function removePackedRef(dir: string, ref: string): Promise<boolean> {
  const path = join(dir, 'packed-refs');
  const lock = await acquireLock(path);
  if (!lock) return false;
  try {
    const text = (await readText(path)) ?? '';
    const out: string[] = [];
    let dropPeel = false;
    for (const line of text.split('\n')) {
      if (line.startsWith('^') && dropPeel) continue;
      dropPeel = line.slice(41) === ref && line[40] === ' ';
      if (!dropPeel) out.push(line);
    }
    return await commitLock(lock, path, out.join('\n'));
  } catch (e) {
    await releaseLock(lock);
    throw e;
  }
}

export type ReflogPolicy = 'always' | 'default' | 'never';

/** git's should_autocreate_reflog for core.logAllRefUpdates=true. */
export function autocreatesReflog(ref: string): boolean {
  return (
    ref === 'HEAD' ||
    ref.startsWith('refs/heads/') ||
    ref.startsWith('refs/remotes/') ||
    ref.startsWith('refs/notes/')
  );
}

async function appendReflog(
  dir: string,
  ref: string,
  old: string,
  next: string,
  entry: { ident: string; message: string },
): Promise<void> {
  const path = join(dir, 'logs', ref);
  const message = entry.message.replace(/\s+/g, ' ').trim();
  const line = `${old} ${next} ${entry.ident}${message ? `\t${message}` : ''}\n`;
  await fsp.mkdir(dirname(path), { recursive: true });
  await fsp.appendFile(path, line, { mode: 0o644 });
}

export async function reflogExists(dir: string, ref: string): Promise<boolean> {
  return (await readText(join(dir, 'logs', ref))) !== null;
}
