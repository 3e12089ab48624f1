// The isomorphic engine: pure JavaScript git, no git binary. isomorphic-git's low-level calls only
// (writeObject, readObject as a fallback, isIgnored, getConfig, expandOid; never its notes API, writeRef
// or merge: they ignore fanout and lose concurrent writes), always on the common dir, through an atomic
// fs; our own refs and compare-and-swap, history walks, diffs, snapshots and pack-slice reads.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { GitError } from '../../errors.js';
import type {
  CommitInfo,
  FileChange,
  GitEngine,
  HeadInfo,
  Identity,
  RepoLocation,
  TreeEntry,
  WriteCommitInput,
  ReadBlobsOptions,
} from '../engine.js';
import { ensureSnapshotStore, snapshotObjectsDir, snapshotStoreDir } from '../snapshot-store.js';
import { ConfigReader, identLine, resolveIdentity } from './config.js';
import { TreeDiff } from './diff.js';
import { History } from './history.js';
import { ObjectStore, type ObjectType } from './object-store.js';
import { isOid, parseCommit, parseTree, serializeCommit, serializeTree } from './objects.js';
import * as refs from './refs.js';
import { readReplacements, type Replacements } from './replace.js';
import { assertSafeDirectory, assertSupportedShape } from './repo-shape.js';
import { resolveRevision } from './revision.js';
import { snapshotWorktree } from './snapshot.js';

/** core.excludesFile, or git's default `$XDG_CONFIG_HOME/git/ignore`. */
async function readGlobalExcludes(config: ConfigReader, env: NodeJS.ProcessEnv): Promise<string | null> {
  const home = env.HOME ?? homedir();
  const configured = await config.get('core.excludesFile');
  const path = configured
    ? configured.replace(/^~(?=\/|$)/, home)
    : join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'git', 'ignore');
  return readFile(path, 'utf8').catch(() => null);
}

/** Objects read concurrently by readBlobs (loose reads overlap; packed ones are cheap either way). */
const READ_BATCH = 64;
/** Refs whose commits `gc` keeps (besides HEAD and reflogs). */
const LIVE_REFS = ['refs/heads/', 'refs/remotes/', 'refs/tags/'];

export interface IsomorphicEngineOptions {
  env?: NodeJS.ProcessEnv;
}

export async function createIsomorphicEngine(
  location: RepoLocation,
  options: IsomorphicEngineOptions = {},
): Promise<GitEngine> {
  const env = options.env ?? process.env;
  const config = new ConfigReader(location.commonDir, env, location.gitDir);
  await assertSafeDirectory(location, config, env);
  await assertSupportedShape(location.commonDir, config, env);
  return new IsomorphicEngine(location, config, env, await readReplacements(location.commonDir, config, env));
}

class IsomorphicEngine implements GitEngine {
  readonly name = 'isomorphic' as const;
  private readonly objects: ObjectStore;
  private readonly history: History;
  private readonly dirs: refs.RefDirs;
  private ident: Promise<Identity> | undefined;

  constructor(
    readonly location: RepoLocation,
    private readonly config: ConfigReader,
    private readonly env: NodeJS.ProcessEnv,
    replacements: Replacements | null,
  ) {
    this.objects = new ObjectStore(location.commonDir, () => this.snapshotObjects(false), replacements);
    const graftFile = env.GIT_GRAFT_FILE ? resolve(env.GIT_GRAFT_FILE) : undefined;
    this.history = new History(this.objects, location.commonDir, graftFile);
    this.dirs = { gitDir: location.gitDir, commonDir: location.commonDir };
  }

  async head(): Promise<HeadInfo> {
    const head = await refs.readHeadFile(this.location.gitDir);
    if ('oid' in head) return { commit: head.oid, branch: null };
    const branch = head.symref.startsWith('refs/heads/')
      ? head.symref.slice('refs/heads/'.length)
      : head.symref;
    return { commit: await refs.readRef(this.dirs, head.symref), branch };
  }

  resolve(rev: string): Promise<string | null> {
    return resolveRevision(rev, {
      objects: this.objects,
      readRef: (ref) => refs.readRef(this.dirs, ref),
      history: this.history,
      reflog: (ref) => refs.readReflog(this.dirs, ref),
      headBranch: async () => {
        const head = await refs.readHeadFile(this.location.gitDir);
        return 'symref' in head && head.symref.startsWith('refs/heads/') ? head.symref : null;
      },
    });
  }

  readRef(ref: string): Promise<string | null> {
    return refs.readRef(this.dirs, ref);
  }

  async casRef(ref: string, next: string, expected: string | null, reflogMessage: string): Promise<boolean> {
    const dir = refs.isPerWorktreeRef(ref) ? this.location.gitDir : this.location.commonDir;
    const reflog = (await this.wantsReflog(dir, ref))
      ? { ident: identLine(await this.committer(), this.env, 'committer'), message: reflogMessage }
      : null;
    return refs.casRef(dir, { ref, next, expected, reflog });
  }

  private async wantsReflog(dir: string, ref: string): Promise<boolean> {
    if (await refs.reflogExists(dir, ref)) return true;
    const setting = (await this.config.get('core.logAllRefUpdates'))?.toLowerCase();
    if (setting === 'always') return true;
    const on =
      setting === undefined || setting === null ? !this.location.bare : /^(true|yes|on|1)$/.test(setting);
    return on && refs.autocreatesReflog(ref);
  }

  deleteRef(ref: string, expected: string): Promise<boolean> {
    const dir = refs.isPerWorktreeRef(ref) ? this.location.gitDir : this.location.commonDir;
    return refs.deleteRef(dir, ref, expected);
  }

  async readBlob(oid: string): Promise<Buffer> {
    return (await this.objects.read(oid, 'blob')).content;
  }

  /**
   * Reads whole objects; with `maxBytes`, an object's size is learnt first from its pack entry or loose
   * header, so an oversized one is reported without being inflated (one whose header we cannot read
   * is read, then dropped).
   */
  async readBlobs(oids: readonly string[], opts: ReadBlobsOptions = {}): Promise<Map<string, Buffer>> {
    const out = new Map<string, Buffer>();
    const unique = [...new Set(oids)];
    const max = opts.maxBytes ?? Number.POSITIVE_INFINITY;
    for (let i = 0; i < unique.length; i += READ_BATCH) {
      const batch = unique.slice(i, i + READ_BATCH);
      const objs = await Promise.all(
        batch.map(async (oid) => {
          if (Number.isFinite(max)) {
            const h = await this.objects.tryHeader(oid);
            if (h && h.type !== 'blob') return null;
            if (h && h.size > max) {
              opts.oversized?.set(oid, h.size);
              return null;
            }
          }
          return this.objects.tryRead(oid);
        }),
      );
      objs.forEach((obj, j) => {
        if (obj?.type !== 'blob') return;
        if (obj.content.length > max) opts.oversized?.set(batch[j]!, obj.content.length);
        else out.set(batch[j]!, obj.content);
      });
    }
    return out;
  }

  async readTree(oid: string): Promise<TreeEntry[]> {
    const obj = await this.objects.read(oid);
    if (obj.type === 'commit') return this.readTree(parseCommit(oid, obj.content).tree);
    if (obj.type !== 'tree') throw new GitError(`object ${oid} is a ${obj.type}, not a tree`);
    return parseTree(obj.content);
  }

  async readCommit(oid: string): Promise<CommitInfo> {
    return parseCommit(oid, (await this.objects.read(oid, 'commit')).content);
  }

  writeBlob(content: Buffer | string): Promise<string> {
    return this.objects.write('blob', typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
  }

  writeTree(entries: readonly TreeEntry[]): Promise<string> {
    return this.objects.write('tree', serializeTree(entries));
  }

  /** Same object as the native engine's `git commit-tree` for the same input (message verbatim). */
  async writeCommit(input: WriteCommitInput): Promise<string> {
    const author = input.author ?? (await this.identity());
    const committer = input.committer ?? author;
    const body = serializeCommit({
      tree: input.tree,
      parents: input.parents,
      author: identLine(author, this.env, 'author', input.time),
      committer: identLine(committer, this.env, 'committer', input.time),
      message: input.message,
    });
    return this.objects.write('commit', body);
  }

  async commitsBetween(from: string | null, to: string): Promise<string[]> {
    return this.history.between(from, to);
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    if (!isOid(ancestor) || !isOid(descendant)) throw new GitError('isAncestor needs full commit ids');
    return this.history.isAncestor(ancestor, descendant);
  }

  async isReachable(commit: string): Promise<boolean> {
    if (!isOid(commit) || !(await this.objects.tryRead(commit))) return false;
    const tips = new Set<string>();
    const head = (await this.head()).commit;
    if (head) tips.add(head);
    for (const oid of (await refs.listRefs(this.location.commonDir, LIVE_REFS)).values()) tips.add(oid);
    for (const tip of tips) {
      const peeled = await this.objects.peel(tip).catch(() => null);
      if (peeled?.obj.type !== 'commit') continue;
      if (peeled.oid === commit) return true;
      if (await this.history.isAncestor(commit, peeled.oid).catch(() => false)) return true;
    }
    return false;
  }

  getConfig(key: string): Promise<string | null> {
    return this.config.get(key);
  }

  /** The committer identity, as `git var GIT_COMMITTER_IDENT` gives it. */
  identity(): Promise<Identity> {
    return this.committer();
  }

  private committer(): Promise<Identity> {
    // Resolved once per engine, as the native engine asks `git var` once: a seal asks early (while
    // it redacts) and again for the notes commit.
    this.ident ??= resolveIdentity(this.config, this.env, 'committer');
    this.ident.catch(() => (this.ident = undefined));
    return this.ident;
  }

  diffTrees(from: string, to: string): Promise<FileChange[]> {
    return new TreeDiff(this.objects).diff(from, to);
  }

  async snapshotWorktree(): Promise<string | null> {
    const { worktree, gitDir, commonDir } = this.location;
    if (!worktree || this.location.bare) return null;
    const fileMode = (await this.config.get('core.fileMode'))?.toLowerCase() !== 'false';
    const globalExcludes = await readGlobalExcludes(this.config, this.env);
    const store = this.snapshotObjects(true)!;
    // Objects the repository has are reused; new ones (untracked files) land in the private store.
    const objects = {
      write: async (type: ObjectType, content: Buffer | Uint8Array) => {
        const oid = store.hashOf(type, content);
        return (await this.objects.has(oid)) ? oid : store.write(type, content);
      },
    };
    return snapshotWorktree({ worktree, gitDir, commonDir, objects, fileMode, globalExcludes });
  }

  private snapshots: ObjectStore | null = null;

  /** The private snapshot store (see snapshot-store.ts); created on demand when `create`. */
  private snapshotObjects(create: boolean): ObjectStore | null {
    if (this.snapshots) return this.snapshots;
    if (create) ensureSnapshotStore(this.location.commonDir);
    else if (!existsSync(snapshotObjectsDir(this.location.commonDir))) return null;
    this.snapshots = new ObjectStore(snapshotStoreDir(this.location.commonDir));
    return this.snapshots;
  }

  async close(): Promise<void> {
    await this.snapshots?.close();
    return this.objects.close();
  }
}
