// The native engine: the user's git plumbing. Fast on any repository size and shape.
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { BrokenRefError, GitError } from '../../errors.js';
import {
  type BlobTextReader,
  type CommitInfo,
  type FileChange,
  type GitEngine,
  type HeadInfo,
  type Identity,
  type RepoLocation,
  type TreeEntry,
  type WriteCommitInput,
  ZERO_OID,
  type ReadBlobsOptions,
} from '../engine.js';
import { parseCommit, parseTree } from '../objects.js';
import { ensureSnapshotStore, mergeIndexes, snapshotIndexPath, snapshotReadEnv } from '../snapshot-store.js';
import { BlobTextStream } from './blob-stream.js';
import { CatFileBatch } from './cat-file.js';
import { DirectReader } from './direct.js';
import { fetchedNotesMerged } from './fetched-notes.js';
import { packOrder } from './pack-order.js';
import { gitText, runGit, runGitSync } from './run.js';

/** Refs whose commits `gc` keeps (besides HEAD and reflogs). */
const LIVE_REFS = ['refs/heads', 'refs/remotes', 'refs/tags'];
const FALLBACK_IDENTITY: Identity = { name: 'git-agent-log', email: 'agent-log@localhost' };
/** Blob reads of at most this many objects use the direct reader when there is one. */
const DIRECT_BATCH = 16;
/** A lock file older than this, left by a process that died mid-update, is removed. */
const STALE_LOCK_MS = 10_000;

/** A blob's line of `ls-tree -z` at lastIndex: its mode, oid and path. */
const BLOB_LINE = /([0-7]+) blob ([0-9a-f]+)\t([^\0]*)\0/y;

export class NativeEngine implements GitEngine {
  readonly name = 'native' as const;
  private readonly cat: CatFileBatch;
  private readonly cwd: string;
  private ident: Promise<Identity> | undefined;
  private format: Promise<number> | undefined;
  /** Whether the cat-file reader was started with the snapshot store as an alternate. */
  private catSeesSnapshots = false;
  /** See promisorStore(); undefined until first asked. */
  private promisorReader: DirectReader | null | undefined;
  /** git's two listings of a tree diff, by the pair of trees: a diff of two object ids never changes. */
  private readonly diffs = new Map<string, Promise<string>>();

  /**
   * @param direct reads refs and objects from the git directory when it can (read commands), git
   *   being asked for everything it cannot answer
   */
  constructor(
    readonly location: RepoLocation,
    private readonly direct: DirectReader | null = null,
  ) {
    this.cwd = location.worktree ?? location.gitDir;
    // Reads see the private snapshot store as an alternate (a run's start tree lives there); writes never
    // do, so nothing we write to the repository can lean on an object only that store holds.
    this.cat = new CatFileBatch(this.cwd, () => {
      const env = snapshotReadEnv(location.commonDir);
      this.catSeesSnapshots = env !== undefined;
      return env;
    });
  }

  private git(
    args: string[],
    opts: { input?: string | Buffer; okCodes?: number[]; env?: NodeJS.ProcessEnv } = {},
  ) {
    return runGit(args, { cwd: this.cwd, ...opts });
  }

  /** Bytes of a binary object id in trees: 20 (SHA-1) or 32 (SHA-256, `extensions.objectFormat`). */
  private oidBytes(): Promise<number> {
    const known = this.location.objectFormat;
    if (known) return Promise.resolve(known === 'sha256' ? 32 : 20);
    this.format ??= this.git(['rev-parse', '--show-object-format'], { okCodes: [128, 129] }).then(
      async (r) => {
        const name =
          r.code === 0 ? r.stdout.toString().trim() : await this.getConfig('extensions.objectformat');
        return name?.toLowerCase() === 'sha256' ? 32 : 20;
      },
    );
    return this.format;
  }

  async head(): Promise<HeadInfo> {
    // The commit through resolve() (the long-lived cat-file, which a seal starts anyway), not a
    // `rev-parse` process of its own: one git process fewer for every HEAD asked.
    const [commit, branch] = await Promise.all([
      this.resolve('HEAD'),
      this.git(['symbolic-ref', '-q', '--short', 'HEAD'], { okCodes: [1, 128] }),
    ]);
    return { commit, branch: branch.code === 0 ? branch.stdout.toString().trim() : null };
  }

  // Names are resolved by the long-lived `cat-file --batch` (the same resolution as `rev-parse
  // --verify`), not by a `rev-parse` process each: a read command then starts two git processes, not four.
  async resolve(rev: string): Promise<string | null> {
    if (rev.startsWith('-') || /[\n\r\0]/.test(rev)) return null;
    const direct = await this.direct?.resolveCommit(rev);
    if (direct !== undefined) return direct;
    return (await this.cat.read(`${rev}^{commit}`))?.oid ?? null;
  }

  async readRef(ref: string): Promise<string | null> {
    if (ref.startsWith('-') || /[\n\r\0]/.test(ref)) return null;
    const direct = this.direct?.readRef(ref);
    if (direct !== undefined) return direct;
    const found = await this.cat.read(ref);
    if (found) return found.oid ?? null;
    // cat-file says "missing" for no such ref and for a ref naming a missing object alike; the second
    // still has a value, which a reader must report as broken rather than read as no ref.
    const r = await this.git(['rev-parse', '--verify', '-q', ref], { okCodes: [1, 128] });
    const oid = r.code === 0 ? r.stdout.toString().trim() : '';
    if (oid) return oid;
    // A ref file that holds no object id (emptied by a crash, damaged): git reads past it with a
    // warning, which a reader would take for "no records"; we stop, as the isomorphic engine does.
    if (/ignoring broken ref/.test(r.stderr))
      throw new BrokenRefError(`${ref} is broken: its file holds no object id (git ignores it)`);
    return null;
  }

  async fetchedNotesMerged(ref: string): Promise<boolean> {
    const ours = this.direct?.readRef(ref);
    if (!this.direct || ours === undefined) return false;
    return fetchedNotesMerged(this.direct, this.location, ours);
  }

  async casRef(ref: string, next: string, expected: string | null, message: string): Promise<boolean> {
    // "must not exist" is the zero id of the repository's id length (64 hex digits in SHA-256).
    const old = expected ?? ZERO_OID.padEnd(next.length, '0');
    const r = await this.git(['update-ref', '-m', message, ref, next, old], { okCodes: [1, 128] });
    if (r.code === 0) return true;
    // Only a lost race (the ref moved, or a lock is held) is worth retrying; anything else fails now.
    if (!/cannot lock ref/.test(r.stderr))
      throw new GitError(`git update-ref ${ref}: ${firstLine(r.stderr)}`);
    this.clearStaleLock(ref, r.stderr);
    return false;
  }

  async deleteRef(ref: string, expected: string): Promise<boolean> {
    const r = await this.git(['update-ref', '-d', ref, expected], { okCodes: [1, 128] });
    if (r.code !== 0) this.clearStaleLock(ref, r.stderr);
    return r.code === 0;
  }

  /** git refuses while `<ref>.lock` exists; a lock abandoned by a killed process would block us forever. */
  private clearStaleLock(ref: string, stderr: string) {
    if (!/\.lock'?: File exists/.test(stderr)) return;
    const lock = join(this.location.commonDir, `${ref}.lock`);
    try {
      if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) unlinkSync(lock);
    } catch {
      // gone already, or not ours to remove
    }
  }

  /** One object: from the git directory when the direct reader has it, else from cat-file. */
  private async object(oid: string) {
    const here = await this.direct?.readObject(oid);
    if (here) return here;
    await this.fetchMissing([oid]);
    return this.cat.read(oid);
  }

  /**
   * In a partial clone, the objects among `oids` that are not here, fetched from its promisor remote
   * in one request, as git's lazy fetch asks for one: cat-file would fetch each as it reads it, a
   * process and a round trip per note (a cold index of 300 notes: 300 fetches, 7.8 s from a remote
   * on the same disk). A fetch that fails (offline, the remote gone) is an error that says so, instead
   * of cat-file dying on the first missing note.
   */
  async fetchMissing(oids: readonly string[]): Promise<void> {
    const here = this.promisorStore();
    const remote = here?.promisorRemote;
    if (!here || !remote) return;
    const missing = oids.filter((oid) => here.typeOf(oid) === undefined);
    if (missing.length === 0) return;
    const args = ['-c', 'fetch.negotiationAlgorithm=noop', 'fetch', remote, '--no-tags'];
    args.push('--no-write-fetch-head', '--recurse-submodules=no', '--filter=blob:none', '--stdin');
    const r = await this.git(args, { input: `${missing.join('\n')}\n`, okCodes: [1, 128] });
    // The fetch wrote a pack (or loose objects): the reader lists the packs again when next asked,
    // so that it reads what was fetched and never asks for it twice.
    if (r.code === 0) await here.close();
    if (r.code !== 0)
      throw new GitError(
        `${missing.length === 1 ? `object ${missing[0]} is` : `${missing.length} objects are`} not in this partial clone, and fetching from ${remote} failed: ${firstLine(r.stderr) || `exit ${r.code}`}`,
        `run it again once ${remote} can be reached (what it fetches then stays here)`,
      );
  }

  async readBlob(oid: string): Promise<Buffer> {
    const o = await this.object(oid);
    if (!o) throw new GitError(`object ${oid} is missing`);
    if (o.type !== 'blob') throw new GitError(`object ${oid} is a ${o.type}, not a blob`);
    return o.content;
  }

  async readBlobs(oids: readonly string[], opts: ReadBlobsOptions = {}): Promise<Map<string, Buffer>> {
    // A few objects (show, blame): read here. Bulk reads (an index build, --json of many runs) go to
    // cat-file, which streams them faster than we read and inflate them one by one (3× at 10k).
    await this.fetchMissing(oids);
    const raw =
      this.direct && oids.length <= DIRECT_BATCH
        ? await this.readManyDirect(oids, opts.maxBytes)
        : await this.cat.readMany(oids, opts.maxBytes);
    const out = new Map<string, Buffer>();
    for (const [oid, o] of raw) {
      if (o.type !== 'blob') continue;
      if (o.oversized !== undefined) opts.oversized?.set(oid, o.oversized);
      else out.set(oid, o.content);
    }
    return out;
  }

  knownType(oid: string): string | undefined {
    return this.direct?.typeOf(oid);
  }

  async missingBlobs(tree: string): Promise<{ remote: string; missing: string[]; total: number } | null> {
    const here = this.promisorStore();
    if (!here?.promisorRemote) return null;
    const blobs = await this.listBlobs(tree);
    const missing = blobs.filter((b) => here.typeOf(b.oid) === undefined).map((b) => b.oid);
    return { remote: here.promisorRemote, missing, total: blobs.length };
  }

  /**
   * In a partial clone (it has promisor packs), the git directory's own reader, which knows its
   * promisor remote and tells which objects are here without git (cat-file --batch-check would fetch
   * what it asks about): the direct reader, or one opened for this alone. Null in any other repository,
   * and in a shape that reader does not read (git then fetches each object as it reads it).
   */
  private promisorStore(): DirectReader | null {
    if (this.promisorReader === undefined) {
      const promisorPacks = () => {
        try {
          return readdirSync(join(this.location.commonDir, 'objects', 'pack')).some((f) =>
            f.endsWith('.promisor'),
          );
        } catch {
          return false;
        }
      };
      const reader = this.direct ?? (promisorPacks() ? DirectReader.open(this.location, process.env) : null);
      this.promisorReader = reader?.promisorRemote ? reader : null;
      if (reader && reader !== this.direct && !this.promisorReader) void reader.close();
    }
    return this.promisorReader;
  }

  readBlobTexts(oids: readonly string[], opts: { maxBytes: number; scratchDir: string }): BlobTextReader {
    if (!this.promisorStore()) return new BlobTextStream(this.cwd, opts.scratchDir, oids, opts.maxBytes);
    // A partial clone: the notes not here are fetched in one request before the stream starts.
    const stream = this.fetchMissing(oids).then(
      () => new BlobTextStream(this.cwd, opts.scratchDir, oids, opts.maxBytes),
    );
    stream.catch(() => {}); // reported by next()
    return {
      next: async (n) => (await stream).next(n),
      close: async () => (await stream.catch(() => null))?.close(),
    };
  }

  packOrder(oids: readonly string[]): number[] | null {
    return packOrder(join(this.location.commonDir, 'objects'), oids);
  }

  /** Like cat-file's readMany: direct reads first, the rest from cat-file in one batch. */
  private async readManyDirect(oids: readonly string[], maxBytes?: number) {
    const out = new Map<string, { type: string; content: Buffer; oversized?: number }>();
    const rest: string[] = [];
    for (const oid of oids) {
      // A bounded read never inflates an oversized object: its size must come from a header first
      // (loose or pack entry header, a delta's target size); whatever is over goes to cat-file,
      // which skips it unread.
      const size = maxBytes === undefined ? 0 : this.direct!.sizeOf(oid, maxBytes);
      const o = size === undefined || size > maxBytes! ? undefined : await this.direct!.readObject(oid);
      if (!o) rest.push(oid);
      else out.set(oid, o);
    }
    if (rest.length) for (const [oid, o] of await this.cat.readMany(rest, maxBytes)) out.set(oid, o);
    return new Map(oids.flatMap((oid) => (out.has(oid) ? [[oid, out.get(oid)!] as const] : [])));
  }

  async readTree(oid: string): Promise<TreeEntry[]> {
    const o = await this.object(oid);
    if (!o) throw new GitError(`tree ${oid} is missing`);
    if (o.type === 'commit') return this.readTree(parseCommit(oid, o.content).tree);
    if (o.type !== 'tree') throw new GitError(`object ${oid} is a ${o.type}, not a tree`);
    return parseTree(o.content, await this.oidBytes());
  }

  async listBlobs(tree: string): Promise<{ path: string; oid: string; mode: string }[]> {
    // One process for the whole tree: reading a 10k-note tree's 257 subtrees one by one costs ~6×.
    const args = ['ls-tree', '-r', '-z', '--full-tree', tree];
    const out = runGitSync(args, { cwd: this.cwd }).stdout.toString('utf8');
    const blobs: { path: string; oid: string; mode: string }[] = [];
    // "<mode> SP <type> SP <oid> TAB <path> NUL": a blob's line read by one match, any other line
    // (a submodule's commit) passed over by hand.
    for (let at = 0; at < out.length;) {
      BLOB_LINE.lastIndex = at;
      const m = BLOB_LINE.exec(out);
      if (m) {
        blobs.push({ path: m[3]!, oid: m[2]!, mode: m[1]! });
        at = BLOB_LINE.lastIndex;
        continue;
      }
      const end = out.indexOf('\0', at);
      const tab = out.indexOf('\t', at);
      if (end < 0 || tab < 0 || tab > end) throw new GitError(`unexpected ls-tree output for ${tree}`);
      const sp1 = out.indexOf(' ', at);
      const sp2 = out.indexOf(' ', sp1 + 1);
      if (out.slice(sp1 + 1, sp2) === 'blob')
        blobs.push({ path: out.slice(tab + 1, end), oid: out.slice(sp2 + 1, tab), mode: out.slice(at, sp1) });
      at = end + 1;
    }
    return blobs;
  }

  async readCommit(oid: string): Promise<CommitInfo> {
    const o = await this.object(oid);
    if (!o) throw new GitError(`commit ${oid} is missing`);
    if (o.type !== 'commit') throw new GitError(`object ${oid} is a ${o.type}, not a commit`);
    return parseCommit(oid, o.content);
  }

  async writeBlob(content: Buffer | string): Promise<string> {
    return (await gitText(['hash-object', '-w', '--stdin'], { cwd: this.cwd, input: content })).trim();
  }

  async writeTree(entries: readonly TreeEntry[]): Promise<string> {
    const input = entries.map((e) => `${e.mode} ${e.type} ${e.oid}\t${e.name}\0`).join('');
    return (await gitText(['mktree', '-z'], { cwd: this.cwd, input })).trim();
  }

  async writeCommit(input: WriteCommitInput): Promise<string> {
    const author = input.author ?? (await this.identity());
    const committer = input.committer ?? author;
    const when = input.time !== undefined ? `@${input.time} +0000` : undefined;
    const args = ['commit-tree', input.tree];
    for (const p of input.parents) args.push('-p', p);
    const env: NodeJS.ProcessEnv = {
      GIT_AUTHOR_NAME: author.name,
      GIT_AUTHOR_EMAIL: author.email,
      GIT_COMMITTER_NAME: committer.name,
      GIT_COMMITTER_EMAIL: committer.email,
    };
    if (when) Object.assign(env, { GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when });
    return (await gitText(args, { cwd: this.cwd, input: input.message, env })).trim();
  }

  async commitsBetween(from: string | null, to: string): Promise<string[]> {
    const line = from ? await this.straightLine(from, to) : null;
    if (line) return line;
    const args = ['rev-list', to];
    if (from) args.push(`^${from}`);
    const out = await gitText([...args, '--'], { cwd: this.cwd });
    return out.split('\n').filter(Boolean);
  }

  /**
   * `to ^from` when `to` reaches `from` by a short line of single-parent commits (a run's own commits,
   * usually one or two): then what `to` reaches and `from` does not is exactly that line, read through
   * the long-lived cat-file instead of a rev-list process. null (ask rev-list) for anything else: a
   * merge or a root on the way, `from` not within STRAIGHT_LINE_MAX commits, a missing object, names
   * that are not object ids, and shallow or grafted histories (rev-list reads their parents otherwise).
   */
  private async straightLine(from: string, to: string): Promise<string[] | null> {
    if (!FULL_OID.test(from) || !FULL_OID.test(to) || from.length !== to.length) return null;
    if (this.location.shallow || grafted(this.location.commonDir)) return null;
    const line: string[] = [];
    for (let at = to; line.length <= STRAIGHT_LINE_MAX;) {
      if (at === from) return line;
      const parents = await this.readCommit(at).then(
        (c) => c.parents,
        () => null,
      );
      if (parents?.length !== 1) return null;
      line.push(at);
      at = parents[0]!;
    }
    return null;
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const r = await this.git(['merge-base', '--is-ancestor', ancestor, descendant], { okCodes: [1, 128] });
    return r.code === 0;
  }

  async isReachable(commit: string): Promise<boolean> {
    if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(commit)) return false;
    if ((await this.direct?.reachesFromHead(commit)) === true) return true;
    const head = await this.git(['merge-base', '--is-ancestor', commit, 'HEAD'], { okCodes: [1, 128] });
    if (head.code === 0) return true;
    const refs = await this.git(
      ['for-each-ref', '--count=1', '--format=%(refname)', `--contains=${commit}`, ...LIVE_REFS],
      { okCodes: [1, 128, 129] },
    );
    return refs.code === 0 && refs.stdout.toString().trim() !== '';
  }

  async getConfig(key: string): Promise<string | null> {
    const r = await this.git(['config', '--get', key], { okCodes: [1] });
    return r.code === 0 ? r.stdout.toString().trim() : null;
  }

  identity(): Promise<Identity> {
    // Asked once per engine; callers that ask early (a seal, while it redacts) and the commit
    // that needs it share the one `git var`.
    this.ident ??= this.git(['var', 'GIT_COMMITTER_IDENT'], { okCodes: [128] }).then((r) => {
      const m = /^(.*) <(.*)> \d+ [+-]\d{4}$/.exec(r.stdout.toString().trim());
      return r.code === 0 && m && m[1] ? { name: m[1], email: m[2] ?? '' } : FALLBACK_IDENTITY;
    });
    this.ident.catch(() => (this.ident = undefined)); // git could not be asked: ask again next time
    return this.ident;
  }

  async diffTrees(from: string, to: string): Promise<FileChange[]> {
    // One diff-tree gives both listings (--raw, then --numstat); `finish` diffs the run's start and
    // end trees twice (the paths a later commit must carry, then the record's changes): git is asked
    // once per pair of trees, and each caller gets its own objects.
    const key = `${from} ${to}`;
    let listing = this.diffs.get(key);
    if (!listing) {
      const args = ['diff-tree', '-r', '-z', '-M', '--no-commit-id', '--raw', '--numstat', from, to];
      listing = gitText(args, { cwd: this.cwd, env: snapshotReadEnv(this.location.commonDir) });
      this.diffs.set(key, listing);
      // a bulk command diffs many pairs once each: only the latest few are kept
      if (this.diffs.size > DIFFS_KEPT) this.diffs.delete(this.diffs.keys().next().value!);
      listing.catch(() => this.diffs.delete(key)); // a failure (tree not there yet) is not kept
    }
    return parseRawNumstat(await listing);
  }

  async snapshotWorktree(): Promise<string | null> {
    const worktree = this.location.worktree;
    if (!worktree) return null;
    const { commonDir, gitDir } = this.location;
    const privateObjects = ensureSnapshotStore(commonDir);
    const realObjects = process.env.GIT_OBJECT_DIRECTORY ?? join(commonDir, 'objects');
    const objectsEnv = {
      // New objects land in the private store; everything the repository already has is read from it.
      GIT_OBJECT_DIRECTORY: privateObjects,
      GIT_ALTERNATE_OBJECT_DIRECTORIES: realObjects,
    };
    const index = snapshotIndexPath(commonDir, gitDir);
    let tree: string;
    try {
      await this.preparePrivateIndex(index);
      tree = await this.snapshotWith(worktree, { ...objectsEnv, GIT_INDEX_FILE: index });
    } catch {
      // The private index is busy (another snapshot right now) or damaged: a throwaway copy, as before.
      rmSync(`${index}.base`, { force: true });
      const dir = mkdtempSync(join(process.getBuiltinModule('node:os').tmpdir(), 'agent-log-index-'));
      try {
        const throwaway = join(dir, 'index');
        copyIndex(join(gitDir, 'index'), throwaway);
        tree = await this.snapshotWith(worktree, { ...objectsEnv, GIT_INDEX_FILE: throwaway });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    // A reader started before the store existed cannot see the new tree: restart it on next use.
    if (!this.catSeesSnapshots) await this.cat.close();
    return tree;
  }

  private async snapshotWith(worktree: string, env: NodeJS.ProcessEnv): Promise<string> {
    // git writes the index and the loose objects it creates owner-only (0600 index, 0400 objects,
    // 0700 directories), as everything else under agent-log/.
    const priv = ['-c', 'core.sharedRepository=0600'];
    await runGit([...priv, 'add', '-A', '--', '.'], { cwd: worktree, env });
    // A file carried over as untracked that is ignored now (or no longer tracked and ignored) leaves
    // the snapshot, as it would from a fresh copy of the index.
    // The real index is asked which of them git tracks only when the private one holds any (rarely:
    // one process fewer per snapshot).
    const { GIT_INDEX_FILE: _, ...realEnv } = env;
    const ignored = (indexEnv: NodeJS.ProcessEnv) =>
      gitText(['ls-files', '-z', '-c', '-i', '--exclude-standard'], { cwd: worktree, env: indexEnv });
    const mine = (await ignored(env)).split('\0').filter(Boolean);
    const trackedIgnored = new Set(mine.length ? (await ignored(realEnv)).split('\0') : []);
    const stale = mine.filter((p) => !trackedIgnored.has(p));
    if (stale.length)
      await runGit([...priv, 'update-index', '--force-remove', '-z', '--stdin'], {
        cwd: worktree,
        env,
        input: stale.map((p) => `${p}\0`).join(''),
      });
    return (await gitText([...priv, 'write-tree'], { cwd: worktree, env })).trim();
  }

  /**
   * Bring the private index in line with the real one. Unchanged real index: reuse it as is. Changed:
   * the real index's entries plus the private index's untracked ones (with their stat data), else a copy.
   */
  private async preparePrivateIndex(index: string): Promise<void> {
    const real = join(this.location.gitDir, 'index');
    const stampFile = `${index}.base`;
    let stamp: string;
    try {
      const st = statSync(real, { bigint: true });
      stamp = `${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}`;
    } catch {
      stamp = 'none';
    }
    const known = readIfExists(stampFile);
    if (known !== null && known.toString('utf8') === stamp && existsSync(index)) return;
    const previous = readIfExists(index);
    const realBytes = readIfExists(real);
    const merged = previous && realBytes ? mergeIndexes(realBytes, previous, await this.oidBytes()) : null;
    if (merged) {
      writeFileSync(`${index}.${process.pid}.new`, merged, { mode: 0o600 });
      // Entries are trusted only for files older than the index file (git's racy rule): the merged
      // file must not look newer than either source.
      const older = [statSync(real), statSync(index)].sort((x, y) => x.mtimeMs - y.mtimeMs)[0]!;
      utimesSync(`${index}.${process.pid}.new`, older.atime, older.mtime);
      renameSync(`${index}.${process.pid}.new`, index);
    } else if (realBytes) {
      copyIndex(real, index);
    } else if (!previous) {
      rmSync(index, { force: true });
    }
    writeFileSync(stampFile, stamp, { mode: 0o600 });
  }

  async close(): Promise<void> {
    const own = this.promisorReader !== this.direct ? this.promisorReader?.close() : undefined;
    await Promise.all([this.cat.close(), this.direct?.close(), own]);
  }
}

/**
 * Copy an index, keeping its mtime: git trusts an entry's stat data only for files older than the
 * index file (its racy-git rule), so a copy that looked newer than a file edited in the same second
 * with the same size would hide the edit.
 */
function copyIndex(from: string, to: string): void {
  if (!existsSync(from)) return;
  copyFileSync(from, to);
  chmodSync(to, 0o600); // the copy would keep the user's index mode (0644): ours stay private
  const { atime, mtime } = statSync(from);
  utimesSync(to, atime, mtime);
}

function readIfExists(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch {
    return null;
  }
}

function firstLine(stderr: string): string {
  return (
    stderr
      .split('\n')
      .find((l) => l.trim())
      ?.replace(/^fatal: /, '')
      .trim() ?? 'failed'
  );
}

/** Whether git reads grafted parents here: `info/grafts`, or the file GIT_GRAFT_FILE names. */
function grafted(commonDir: string): boolean {
  return process.env.GIT_GRAFT_FILE !== undefined || existsSync(join(commonDir, 'info', 'grafts'));
}

/** Tree diffs kept per engine (finish asks for one pair twice; bulk commands many pairs once). */
const DIFFS_KEPT = 8;
const FULL_OID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
/** The longest line of commits commitsBetween walks itself before it asks rev-list. */
const STRAIGHT_LINE_MAX = 16;

const STATUS: Record<string, FileChange['status']> = {
  A: 'added',
  M: 'modified',
  D: 'deleted',
  R: 'renamed',
  C: 'copied',
  T: 'type-changed',
};

/**
 * `diff-tree -z --raw --numstat`: every raw record (`:<modes> <oids> <status>\0<path>\0`, two paths
 * for a rename or copy), then every numstat record (`<add>\t<del>\t<path>\0`, or
 * `<add>\t<del>\t\0<old>\0<new>\0`; `-` counts for a binary file). A record starts with ':' in the
 * first part and with a digit or '-' in the second; paths are taken by position, so any byte but NUL
 * may be in them (a tab included).
 */
export function parseRawNumstat(out: string): FileChange[] {
  const changes: FileChange[] = [];
  const t = out.split('\0');
  let i = 0;
  while (i < t.length - 1 && t[i]!.startsWith(':')) {
    const raw = t[i++]!;
    const code = raw.slice(raw.lastIndexOf(' ') + 1);
    const kind = STATUS[code[0] ?? ''] ?? 'modified';
    if (kind === 'renamed' || kind === 'copied') {
      const old_path = t[i++]!;
      changes.push({ path: t[i++]!, old_path, status: kind, additions: null, deletions: null });
    } else {
      changes.push({ path: t[i++]!, status: kind, additions: null, deletions: null });
    }
  }
  const counts = new Map<string, [number | null, number | null]>();
  while (i < t.length - 1) {
    const head = t[i++]!;
    const tab1 = head.indexOf('\t');
    const tab2 = head.indexOf('\t', tab1 + 1);
    const [add, del] = [head.slice(0, tab1), head.slice(tab1 + 1, tab2)];
    let target = head.slice(tab2 + 1);
    if (target === '') {
      i++; // the old path of a rename or copy
      target = t[i++]!;
    }
    counts.set(target, [add === '-' ? null : Number(add), del === '-' ? null : Number(del)]);
  }
  for (const c of changes) {
    const [a, d] = counts.get(c.path) ?? [null, null];
    c.additions = a;
    c.deletions = d;
    if (a === null && d === null && counts.has(c.path)) c.binary = true;
  }
  return changes;
}
