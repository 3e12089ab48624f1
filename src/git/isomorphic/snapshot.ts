// snapshotWorktree for the isomorphic engine: the tree `git add -A && git write-tree` would produce in a
// throwaway copy of the index (tracked files, plus untracked files .gitignore does not exclude), written
// without touching the user's index. Unchanged tracked files reuse the index's object id.
import type { BigIntStats, Dirent } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { dirname, join } from 'node:path';
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
  /** Where the snapshot's new objects go (the private snapshot store, see snapshot-store.ts). */
  objects: Pick<ObjectStore, 'write'>;
  fileMode: boolean;
  /** Contents of core.excludesFile (or its default), if any. */
  globalExcludes: string | null;
}

/**
 * The fs isIgnored reads through. isomorphic-git re-reads every .gitignore on every call, so reads are
 * memoised for one walk; and it knows only info/exclude, so the user's core.excludesFile (lower
 * precedence, hence first) is served as part of that file.
 */
function ignoreFs(excludePath: string, globalExcludes: string | null) {
  const reads = new Map<string, Promise<unknown>>();
  const localExcludes = () => atomicFs.readFile(excludePath, 'utf8').catch(() => '');
  return {
    ...atomicFs,
    readFile: (path: string, options?: unknown) => {
      const key = `${path}\0${JSON.stringify(options ?? null)}`;
      let hit = reads.get(key);
      if (!hit) {
        hit =
          path === excludePath && globalExcludes
            ? localExcludes().then((local) => `${globalExcludes}\n${local}`)
            : atomicFs.readFile(path, options as { encoding: null });
        reads.set(key, hit);
      }
      return hit;
    },
    stat: (path: string, options?: unknown) =>
      path === excludePath && globalExcludes
        ? atomicFs.stat(dirname(excludePath)).catch(() => atomicFs.stat('/'))
        : atomicFs.stat(path, options as { bigint: false }),
  };
}

export async function snapshotWorktree(opts: SnapshotOptions): Promise<string> {
  const index = await readIndex(join(opts.gitDir, 'index'));
  const walker = new Walker(opts, index);
  return walker.tree('', false);
}

class Walker {
  private readonly fs: ReturnType<typeof ignoreFs>;
  /** Every directory that holds a tracked path: its untracked content may be ignored, the rest not. */
  private readonly trackedDirs = new Set<string>();
  /** Directory → names of children kept from the index whatever the disk says (sparse checkout). */
  private readonly sparse = new Map<string, Set<string>>();

  constructor(
    private readonly opts: SnapshotOptions,
    private readonly index: IndexFile,
  ) {
    this.fs = ignoreFs(join(opts.commonDir, 'info', 'exclude'), opts.globalExcludes);
    for (const [path, entry] of index.entries) {
      for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1))
        this.trackedDirs.add(path.slice(0, i));
      if (!entry.skipWorktree) continue;
      // git add -A leaves skip-worktree entries alone, and their directories may not exist on disk.
      const parts = path.split('/');
      for (let depth = 0; depth < parts.length; depth++) {
        const dir = parts.slice(0, depth).join('/');
        if (!this.sparse.has(dir)) this.sparse.set(dir, new Set());
        this.sparse.get(dir)!.add(parts[depth]!);
      }
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
    const sparse = this.sparse.get(rel) ?? new Set<string>();
    const onDisk = dirents.filter((d) => d.name !== '.git');
    const names = new Set(onDisk.map((d) => d.name));
    const indexOnly = [...sparse].filter((n) => !names.has(n));
    // Siblings are independent: stat, hash and recurse into them concurrently (the walk is I/O bound).
    const found = await Promise.all([
      ...onDisk.map((d) => this.child(rel, d.name, d.isDirectory(), insideIgnored)),
      ...indexOnly.map((n) =>
        this.child(rel, n, !this.index.entries.has(rel ? `${rel}/${n}` : n), insideIgnored),
      ),
    ]);
    for (const entry of found) if (entry) entries.push(entry);
    return this.opts.objects.write('tree', serializeTree(entries));
  }

  private child(
    rel: string,
    name: string,
    isDir: boolean,
    insideIgnored: boolean,
  ): Promise<TreeEntry | null> {
    const path = rel ? `${rel}/${name}` : name;
    const entry = this.index.entries.get(path);
    if (entry?.skipWorktree) return Promise.resolve(fromIndex(entry, name));
    return isDir ? this.directory(path, name, insideIgnored) : this.file(path, name, insideIgnored);
  }

  private async directory(path: string, name: string, insideIgnored: boolean): Promise<TreeEntry | null> {
    const full = join(this.opts.worktree, path);
    const tracked = this.trackedDirs.has(path);
    const indexed = this.index.entries.get(path);
    // A submodule that is not checked out (empty directory) keeps the commit the index records.
    const gitlink = (await nestedRepoHead(full)) ?? (indexed?.mode === 0o160000 ? indexed.oid : null);
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

function fromIndex(e: IndexEntry, name: string): TreeEntry {
  const mode = e.mode.toString(8).padStart(6, '0');
  return { mode, type: mode === '160000' ? 'commit' : 'blob', oid: e.oid, name };
}

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
