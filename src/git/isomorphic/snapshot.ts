// snapshotWorktree for the isomorphic engine: the tree `git add -A && git write-tree` would produce in a
// throwaway copy of the index (tracked files, plus untracked files .gitignore does not exclude), written
// without touching the user's index. Unchanged tracked files reuse the index's object id.
import type { BigIntStats, Dirent } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import * as git from 'isomorphic-git';
import type { TreeEntry } from '../engine.js';
import { atomicFs } from './atomic-fs.js';
import { type IndexEntry, type IndexFile, readIndex } from './index-file.js';
import type { ObjectStore } from './object-store.js';
import { serializeTree } from './objects.js';
import { readRef } from './refs.js';

export interface SnapshotOptions {
  worktree: string;
  /** This worktree's git dir (its index). */
  gitDir: string;
  /** Where objects, info/exclude and the config live. */
  commonDir: string;
  objects: ObjectStore;
  fileMode: boolean;
}

/** isomorphic-git's isIgnored re-reads every .gitignore on every call; memoise reads for one walk. */
function memoFs() {
  const reads = new Map<string, Promise<unknown>>();
  return {
    ...atomicFs,
    readFile: (path: string, options?: unknown) => {
      const key = `${path}\0${JSON.stringify(options ?? null)}`;
      let hit = reads.get(key);
      if (!hit) {
        hit = atomicFs.readFile(path, options as { encoding: null });
        reads.set(key, hit);
      }
      return hit;
    },
  };
}

export async function snapshotWorktree(opts: SnapshotOptions): Promise<string> {
  const index = await readIndex(join(opts.gitDir, 'index'));
  const walker = new Walker(opts, index);
  return walker.tree('', false);
}

class Walker {
  private readonly fs = memoFs();
  /** Every directory that holds a tracked path: its untracked content may be ignored, the rest not. */
  private readonly trackedDirs = new Set<string>();

  constructor(
    private readonly opts: SnapshotOptions,
    private readonly index: IndexFile,
  ) {
    for (const path of index.entries.keys()) {
      for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1))
        this.trackedDirs.add(path.slice(0, i));
    }
  }

  private ignored(rel: string): Promise<boolean> {
    return git.isIgnored({
      fs: this.fs,
      dir: this.opts.worktree,
      gitdir: this.opts.commonDir,
      filepath: rel,
    });
  }

  /** Write the tree of directory `rel` ('' = root); `insideIgnored` = a parent directory is ignored. */
  async tree(rel: string, insideIgnored: boolean): Promise<string> {
    const entries: TreeEntry[] = [];
    let dirents: Dirent[];
    try {
      dirents = await fsp.readdir(join(this.opts.worktree, rel), { withFileTypes: true });
    } catch {
      dirents = [];
    }
    for (const d of dirents) {
      if (d.name === '.git') continue;
      const path = rel ? `${rel}/${d.name}` : d.name;
      const entry = d.isDirectory()
        ? await this.directory(path, d.name, insideIgnored)
        : await this.file(path, d.name, insideIgnored);
      if (entry) entries.push(entry);
    }
    return this.opts.objects.write('tree', serializeTree(entries));
  }

  private async directory(path: string, name: string, insideIgnored: boolean): Promise<TreeEntry | null> {
    const full = join(this.opts.worktree, path);
    const tracked = this.trackedDirs.has(path);
    const gitlink = await nestedRepoHead(full);
    if (gitlink) {
      if (!tracked && !this.index.entries.has(path) && (insideIgnored || (await this.ignored(`${path}/`)))) {
        return null;
      }
      return { mode: '160000', type: 'commit', oid: gitlink, name };
    }
    const ignoredHere = insideIgnored || (await this.ignored(`${path}/`));
    if (ignoredHere && !tracked) return null;
    const oid = await this.tree(path, ignoredHere);
    return oid === EMPTY_TREE_OID ? null : { mode: '040000', type: 'tree', oid, name };
  }

  private async file(path: string, name: string, insideIgnored: boolean): Promise<TreeEntry | null> {
    const tracked = this.index.entries.get(path);
    if (!tracked && (insideIgnored || (await this.ignored(path)))) return null;
    const full = join(this.opts.worktree, path);
    let st: BigIntStats;
    try {
      st = await fsp.lstat(full, { bigint: true });
    } catch {
      return null; // vanished while we walked
    }
    if (st.isSymbolicLink()) {
      const target = await fsp.readlink(full, { encoding: 'buffer' });
      return { mode: '120000', type: 'blob', oid: await this.opts.objects.write('blob', target), name };
    }
    if (!st.isFile()) return null;
    const mode = this.modeOf(st, tracked);
    const oid = tracked && this.statClean(tracked, st) ? tracked.oid : await this.writeFile(full);
    return { mode, type: 'blob', oid, name };
  }

  private modeOf(st: BigIntStats, tracked: IndexEntry | undefined): string {
    if (!this.opts.fileMode) return tracked?.mode === 0o100755 ? '100755' : '100644';
    return st.mode & 0o100n ? '100755' : '100644';
  }

  /** git's racy-clean rule: trust the index's oid only if stat data match and the file predates the index. */
  private statClean(e: IndexEntry, st: BigIntStats): boolean {
    if (e.stage !== 0 || (e.mode & 0o170000) !== 0o100000) return false;
    const low32 = (n: bigint) => Number(n % 2n ** 32n);
    return (
      e.size === low32(st.size) &&
      e.mtimeSec === Number(st.mtimeNs / 1_000_000_000n) &&
      e.mtimeNsec === Number(st.mtimeNs % 1_000_000_000n) &&
      e.ino === low32(st.ino) &&
      Number(st.mtimeMs) < this.index.mtimeMs
    );
  }

  private async writeFile(full: string): Promise<string> {
    return this.opts.objects.write('blob', await fsp.readFile(full));
  }
}

const EMPTY_TREE_OID = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

/** A directory holding its own repository is recorded as a gitlink to that repository's HEAD. */
async function nestedRepoHead(dir: string): Promise<string | null> {
  let gitDir = join(dir, '.git');
  try {
    const st = await fsp.stat(gitDir);
    if (st.isFile()) {
      const pointer = (await fsp.readFile(gitDir, 'utf8')).match(/^gitdir:\s*(.+)$/m)?.[1]?.trim();
      if (!pointer) return null;
      gitDir = pointer.startsWith('/') ? pointer : join(dir, pointer);
    }
  } catch {
    return null;
  }
  const commonDir = await fsp
    .readFile(join(gitDir, 'commondir'), 'utf8')
    .then((c) => (c.trim().startsWith('/') ? c.trim() : join(gitDir, c.trim())))
    .catch(() => gitDir);
  return readRef({ gitDir, commonDir }, 'HEAD').catch(() => null);
}
