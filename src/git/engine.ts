// The one interface through which everything reads and writes git. Two implementations
// (native: the user's git plumbing; isomorphic: isomorphic-git objects + our own CAS) pass one
// contract suite (test/unit/engine-contract.test.ts).

export const ZERO_OID = '0000000000000000000000000000000000000000';
export const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

export type EngineName = 'native' | 'isomorphic';

export interface TreeEntry {
  mode: string; // '100644' | '100755' | '040000' | '120000' | '160000'
  type: 'blob' | 'tree' | 'commit';
  oid: string;
  name: string;
}

export interface CommitInfo {
  oid: string;
  tree: string;
  parents: string[];
  author: { name: string; email: string; timestamp: number; tz: string };
  committer: { name: string; email: string; timestamp: number; tz: string };
  message: string;
}

export interface Identity {
  name: string;
  email: string;
}

export interface WriteCommitInput {
  tree: string;
  parents: string[];
  message: string;
  author?: Identity;
  committer?: Identity;
  /** Seconds since the epoch; default now. */
  time?: number;
}

/** Where a repository lives. Resolved once per process (see repo.ts). */
export interface RepoLocation {
  /** Working tree root, or null for a bare repository. */
  worktree: string | null;
  /** This worktree's own git dir (`.git`, or `.git/worktrees/<name>` for a linked worktree). */
  gitDir: string;
  /** Shared git dir: objects, refs, and our journal live here. */
  commonDir: string;
  bare: boolean;
  shallow: boolean;
  /** 'main' for the main worktree, else the linked worktree's name. */
  worktreeKey: string;
  /** Hash function of object ids, when the locator learnt it on the way (native engine). */
  objectFormat?: 'sha1' | 'sha256';
}

export interface HeadInfo {
  /** null in an empty repository (unborn branch). */
  commit: string | null;
  /** Short branch name, or null when detached. */
  branch: string | null;
}

export interface ReadBlobsOptions {
  maxBytes?: number;
  /** Filled with oid → size for each blob over `maxBytes`. */
  oversized?: Map<string, number>;
}

/** A blob read in bulk: its UTF-8 text, its size when over the limit (never read), or null when missing. */
export type BlobText = string | { oversized: number } | null;

/** Blobs handed out in the order their ids were given (see GitEngine.readBlobTexts). */
export interface BlobTextReader {
  /** The next `n` blobs. */
  next(n: number): Promise<BlobText[]>;
  /** Stops reading (also when not every blob was taken). */
  close(): Promise<void>;
}

export interface GitEngine {
  readonly name: EngineName;
  readonly location: RepoLocation;

  head(): Promise<HeadInfo>;
  /** Resolve a ref or revision to a commit oid; null if it does not exist. */
  resolve(rev: string): Promise<string | null>;
  /** The current value of a fully qualified ref, or null. */
  readRef(ref: string): Promise<string | null>;
  /**
   * True when every fetched agent-log notes ref is in notes ref `ref` already, as the git directory
   * alone shows (a read command has nothing to merge, and starts no git for it); false: ask git.
   */
  fetchedNotesMerged?(ref: string): Promise<boolean>;
  /**
   * Compare-and-swap: move `ref` to `next` only if it currently points at `expected`
   * (null = must not exist). Returns false when someone else moved it first.
   */
  casRef(ref: string, next: string, expected: string | null, reflogMessage: string): Promise<boolean>;
  /** Delete a ref if it points at `expected`. */
  deleteRef(ref: string, expected: string): Promise<boolean>;

  readBlob(oid: string): Promise<Buffer>;
  /**
   * Bulk read; missing objects are absent from the result. With `maxBytes`, larger blobs are absent
   * too and their sizes go to `oversized` (the native engine never holds their bytes).
   */
  readBlobs(oids: readonly string[], opts?: ReadBlobsOptions): Promise<Map<string, Buffer>>;
  /**
   * Many blobs as text, in the order of `oids`, read ahead in one pass (a cold index build reads
   * every note). Optional: engines without it are read through readBlobs. `scratchDir` may hold a
   * scratch file while it runs.
   */
  readBlobTexts?(oids: readonly string[], opts: { maxBytes: number; scratchDir: string }): BlobTextReader;
  /**
   * The order to read these objects in one pass so git reuses delta bases (pack order): indexes
   * into `oids`, every one once. Optional, and null when the engine cannot tell.
   */
  packOrder?(oids: readonly string[]): number[] | null;
  readTree(oid: string): Promise<TreeEntry[]>;
  /**
   * Every blob under a tree, at any depth, with its path (`a/b/c`) and mode. Optional, for listing a
   * whole notes tree at once (a cold index build); engines without it are walked with readTree.
   */
  listBlobs?(tree: string): Promise<{ path: string; oid: string; mode: string }[]>;
  readCommit(oid: string): Promise<CommitInfo>;
  /**
   * An object's type read from headers alone, when the engine can tell without reading the object
   * (a delta chain is not inflated); undefined otherwise. Optional.
   */
  knownType?(oid: string): string | undefined;
  /**
   * In a partial clone: the blobs under `tree` that are not here yet (they come from its promisor
   * remote when read), and how many blobs it holds; null in any other repository. Optional.
   */
  missingBlobs?(tree: string): Promise<{ remote: string; missing: string[]; total: number } | null>;
  /** In a partial clone: fetch those of `oids` that are not here, in one request. Optional. */
  fetchMissing?(oids: readonly string[]): Promise<void>;

  writeBlob(content: Buffer | string): Promise<string>;
  writeTree(entries: readonly TreeEntry[]): Promise<string>;
  writeCommit(input: WriteCommitInput): Promise<string>;

  /** Commits reachable from `to` but not from `from` (all parents), newest first. */
  commitsBetween(from: string | null, to: string): Promise<string[]>;
  /** Whether `ancestor` is reachable from `descendant`. */
  isAncestor(ancestor: string, descendant: string): Promise<boolean>;
  /**
   * Whether a commit is live: reachable from HEAD or from a branch, remote-tracking branch or tag
   * (what `gc --prune` keeps once reflogs expire). False for a missing object.
   */
  isReachable(commit: string): Promise<boolean>;

  getConfig(key: string): Promise<string | null>;
  identity(): Promise<Identity>;

  /** Release long-lived resources (cat-file processes). */
  close(): Promise<void>;
}

export interface FileChange {
  path: string;
  status: 'added' | 'modified' | 'deleted' | 'renamed' | 'copied' | 'type-changed';
  /** null for binary files. */
  additions: number | null;
  deletions: number | null;
  old_path?: string;
  binary?: boolean;
}

/** History and working-tree operations, also part of every engine. */
export interface GitEngine {
  /** Files that differ between two tree-ish (commit or tree oids), with line counts. */
  diffTrees(from: string, to: string): Promise<FileChange[]>;
  /**
   * A tree object of the working tree as it is now (tracked and untracked-but-not-ignored files),
   * written without touching the user's index. null for a bare repository.
   */
  snapshotWorktree(): Promise<string | null>;
}
