// Object reads and writes through isomorphic-git's low-level readObject/writeObject, always on the
// common dir, with one shared cache (it holds the parsed pack indexes and pack buffers).
import { createHash } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import * as git from 'isomorphic-git';
import { GitError } from '../../errors.js';
import { EMPTY_TREE } from '../engine.js';
import { atomicFs } from './atomic-fs.js';
import { isOid } from './objects.js';
import { PackIndex } from './pack-index.js';

export type ObjectType = 'blob' | 'tree' | 'commit' | 'tag';

export interface RawObject {
  type: ObjectType;
  content: Buffer;
}

function isNotFound(e: unknown): boolean {
  return (e as { code?: string }).code === 'NotFoundError';
}

export class ObjectStore {
  /** isomorphic-git's cache, shared by every call of this engine. */
  readonly cache = {};
  private readonly packs: PackIndex;

  constructor(readonly gitdir: string) {
    this.packs = new PackIndex(join(gitdir, 'objects'));
  }

  async tryRead(oid: string): Promise<RawObject | null> {
    if (!isOid(oid)) return null;
    if (oid === EMPTY_TREE) return { type: 'tree', content: Buffer.alloc(0) };
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
    const oid = createHash('sha1').update(`${type} ${content.byteLength}\0`).update(content).digest('hex');
    if (await this.has(oid)) return oid;
    return git.writeObject({ fs: atomicFs, gitdir: this.gitdir, type, object: content, format: 'content' });
  }

  private async has(oid: string): Promise<boolean> {
    if (oid === EMPTY_TREE) return false; // git knows it without storing it; we store it for other readers
    const loose = join(this.gitdir, 'objects', oid.slice(0, 2), oid.slice(2));
    if (
      await fsp.stat(loose).then(
        () => true,
        () => false,
      )
    )
      return true;
    return this.packs.has(oid);
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
