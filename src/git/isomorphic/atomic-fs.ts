// The fs client we hand to isomorphic-git. Its writeFile is atomic (temp file in the same directory,
// fsync, rename), so a crash or a concurrent reader never sees a torn ref or a truncated loose object;
// everything else is node:fs/promises.
import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

type WriteOptions = { encoding?: BufferEncoding | null; mode?: number } | BufferEncoding | undefined;

/**
 * The temp file is named `tmp_<name>_<random>.lock`: git ignores ref names ending in `.lock`, and `git prune`
 * removes `tmp_*` files it finds among loose objects, so a crash between open and rename leaves
 * nothing that either would mistake for data.
 */
export function tempPathFor(path: string): string {
  const tag = `${process.pid.toString(36)}${randomBytes(6).toString('hex')}`;
  return join(dirname(path), `tmp_${basename(path)}_${tag}.lock`);
}

export async function writeFileAtomic(path: string, data: string | Uint8Array, options?: WriteOptions) {
  const opts = typeof options === 'string' ? { encoding: options } : (options ?? {});
  const tmp = tempPathFor(path);
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(tmp, 'wx', opts.mode ?? 0o666);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    await fsp.mkdir(dirname(path), { recursive: true });
    handle = await fsp.open(tmp, 'wx', opts.mode ?? 0o666);
  }
  try {
    try {
      if (typeof data === 'string') await handle.writeFile(data, { encoding: opts.encoding ?? 'utf8' });
      else await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsp.rename(tmp, path);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
}

async function mkdirRecursive(path: string, options?: { mode?: number } | number) {
  const mode = typeof options === 'number' ? options : options?.mode;
  await fsp.mkdir(path, { recursive: true, ...(mode === undefined ? {} : { mode }) });
}

/** A promise-style fs client in the shape isomorphic-git expects (`fs` option of every call). */
export const atomicFs = {
  readFile: fsp.readFile,
  writeFile: writeFileAtomic,
  mkdir: mkdirRecursive,
  rmdir: fsp.rmdir,
  rm: fsp.rm,
  unlink: fsp.unlink,
  stat: fsp.stat,
  lstat: fsp.lstat,
  readdir: fsp.readdir,
  readlink: fsp.readlink,
  symlink: fsp.symlink,
  chmod: fsp.chmod,
};

export type AtomicFs = typeof atomicFs;
