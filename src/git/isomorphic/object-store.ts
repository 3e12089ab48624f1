// Objects of the common dir. Writes go through isomorphic-git's writeObject (atomic fs). Reads go to the
// loose file or the pack slice directly (packs.ts) and are SHA-1 checked; anything our reader cannot
// parse falls back to isomorphic-git's readObject, with one shared cache.
import { createHash } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import { constants as zlibConstants, inflateSync } from 'node:zlib';
import * as git from 'isomorphic-git';
import { GitError } from '../../errors.js';
import { EMPTY_TREE } from '../engine.js';
import { atomicFs } from './atomic-fs.js';
import { isOid } from './objects.js';
import { type ObjectHeader, Packs } from './packs.js';
import { replaced, type Replacements } from './replace.js';

export type ObjectType = 'blob' | 'tree' | 'commit' | 'tag';

export interface RawObject {
  type: ObjectType;
  content: Buffer;
}

function isNotFound(e: unknown): boolean {
  return (e as { code?: string }).code === 'NotFoundError';
}

function hashOf(type: ObjectType, content: Uint8Array): string {
  return createHash('sha1').update(`${type} ${content.byteLength}\0`).update(content).digest('hex');
}

export class ObjectStore {
  /** isomorphic-git's cache, shared by every call of this engine. */
  readonly cache = {};
  private readonly packs: Packs;

  /**
   * @param gitdir where `objects/` is
   * @param fallback a store read when this one lacks an object (the private snapshot store); never
   *   consulted before a write, so nothing written here can lean on an object only it holds
   * @param replacements git's replace refs: a read of an object gives its replacement's content (see
   *   replace.ts); whether an object is here (`has`) and delta bases are asked of the stored objects
   */
  constructor(
    readonly gitdir: string,
    private readonly fallback?: () => ObjectStore | null,
    private readonly replacements: Replacements | null = null,
  ) {
    this.packs = new Packs(join(gitdir, 'objects'));
  }

  private loosePath(oid: string): string {
    return join(this.gitdir, 'objects', oid.slice(0, 2), oid.slice(2));
  }

  /**
   * The object git reads for `oid` (its replacement's content when it is replaced), or null. A
   * replacement that is not here is an error, as in git, not a missing object.
   */
  async tryRead(oid: string): Promise<RawObject | null> {
    const target = replaced(this.replacements, oid);
    const obj = await this.readStored(target);
    if (!obj && target !== oid) throw new GitError(`replacement ${target} not found for ${oid}`);
    return obj;
  }

  private async readStored(oid: string): Promise<RawObject | null> {
    if (!isOid(oid)) return null;
    if (oid === EMPTY_TREE) return { type: 'tree', content: Buffer.alloc(0) };
    let obj: RawObject | null;
    try {
      // Packs first: their index is in memory, while a loose lookup costs a failed open per packed object.
      obj = (await this.packs.read(oid, (base) => this.readStored(base))) ?? (await this.readLoose(oid));
    } catch {
      return this.readWithIsomorphicGit(oid); // a shape our reader does not know
    }
    if (!obj) return (await this.fallback?.()?.tryRead(oid)) ?? null;
    if (hashOf(obj.type, obj.content) !== oid) return this.readWithIsomorphicGit(oid);
    return obj;
  }

  /**
   * Type and size of an object without reading its content (a pack entry's header, a loose file's
   * first bytes), so an oversized note is refused before it is inflated. Null when unknown here:
   * the caller then reads the object whole.
   */
  async tryHeader(asked: string): Promise<ObjectHeader | null> {
    const oid = replaced(this.replacements, asked);
    if (!isOid(oid)) return null;
    try {
      const h = (await this.packs.header(oid)) ?? (await this.looseHeader(oid));
      if (h) return h;
    } catch {
      return null; // a shape our reader does not know: read it whole
    }
    return (await this.fallback?.()?.tryHeader(oid)) ?? null;
  }

  private async looseHeader(oid: string): Promise<ObjectHeader | null> {
    let fh: fsp.FileHandle;
    try {
      fh = await fsp.open(this.loosePath(oid), 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    try {
      const buf = Buffer.alloc(256);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      const head = inflateSync(buf.subarray(0, bytesRead), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
      const nul = head.indexOf(0);
      if (nul < 0) return null;
      const m = /^(blob|tree|commit|tag) (\d+)$/.exec(head.toString('latin1', 0, nul));
      return m ? { type: m[1] as ObjectType, size: Number(m[2]) } : null;
    } finally {
      await fh.close();
    }
  }

  private async readLoose(oid: string): Promise<RawObject | null> {
    let raw: Buffer;
    try {
      raw = inflateSync(await fsp.readFile(this.loosePath(oid)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    const nul = raw.indexOf(0);
    const [type, size] = raw.toString('latin1', 0, nul).split(' ');
    const content = raw.subarray(nul + 1);
    if (Number(size) !== content.length) throw new Error('loose object size mismatch');
    return { type: type as ObjectType, content };
  }

  private async readWithIsomorphicGit(oid: string): Promise<RawObject | null> {
    try {
      const res = await git.readObject({
        fs: atomicFs,
        gitdir: this.gitdir,
        oid,
        format: 'content',
        cache: this.cache,
      });
      const bytes = res.object as Uint8Array;
      return {
        type: res.type as ObjectType,
        content: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      };
    } catch (e) {
      if (isNotFound(e)) return null;
      throw new GitError(`cannot read object ${oid}: ${(e as Error).message}`);
    }
  }

  async read(oid: string, want?: ObjectType): Promise<RawObject> {
    const obj = await this.tryRead(oid);
    if (!obj) throw new GitError(`object ${oid} is missing`);
    if (want && obj.type !== want) throw new GitError(`object ${oid} is a ${obj.type}, not a ${want}`);
    return obj;
  }

  /** Store an object unless git already has it (loose or packed): no duplicate loose copy, no fsync. */
  async write(type: ObjectType, content: Buffer | Uint8Array): Promise<string> {
    const oid = hashOf(type, content);
    if (await this.has(oid)) return oid;
    return git.writeObject({ fs: atomicFs, gitdir: this.gitdir, type, object: content, format: 'content' });
  }

  /** The id `write` would give this content. */
  hashOf(type: ObjectType, content: Buffer | Uint8Array): string {
    return hashOf(type, content);
  }

  async has(oid: string): Promise<boolean> {
    if (oid === EMPTY_TREE) return false; // git knows it without storing it; we store it for other readers
    if (
      await fsp.stat(this.loosePath(oid)).then(
        () => true,
        () => false,
      )
    )
      return true;
    return this.packs.has(oid);
  }

  /** Close the pack files we hold open. */
  close(): Promise<void> {
    return this.packs.close();
  }

  /** Follow tags until a commit, tree or blob. */
  async peel(oid: string): Promise<{ oid: string; obj: RawObject } | null> {
    let current = oid;
    for (let depth = 0; depth < 20; depth++) {
      const obj = await this.tryRead(current);
      if (!obj) return null;
      if (obj.type !== 'tag') return { oid: current, obj };
      const target = obj.content.toString('utf8').match(/^object ([0-9a-f]{40})$/m)?.[1];
      if (!target) throw new GitError(`corrupt tag object ${current}`);
      current = target;
    }
    throw new GitError(`tag chain too deep at ${oid}`);
  }
}
