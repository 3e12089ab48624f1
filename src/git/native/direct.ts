// Read commands answered without starting git: the repository found by walking up to `.git` (or
// from GIT_DIR / GIT_WORK_TREE / GIT_COMMON_DIR), refs read from their loose file or packed-refs, and
// objects read from loose files and packs (packs.ts). Only the plain shapes are read here: every
// answer is either exactly what git would give or `undefined`, and then the caller asks git. Anything
// unusual sends the whole repository to git: a config with includes or repository extensions
// (reftable, SHA-256, partial clone, worktree config), alternates, replace refs, environment that
// changes what git reads, a repository owned by another user (git's safe.directory check).
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { constants as zlibConstants, inflateSync } from 'node:zlib';
import type { RepoLocation } from '../engine.js';
import { headState } from '../../capture/hook/locate.js';
import { PackReader } from './pack-read.js';

/** Environment that changes which repository, objects or refs git reads: then git decides. */
const GIT_DECIDES = [
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_NAMESPACE',
  'GIT_REPLACE_REF_BASE',
  'GIT_GRAFT_FILE',
  'GIT_CEILING_DIRECTORIES',
  'GIT_DISCOVERY_ACROSS_FILESYSTEM',
  'GIT_CONFIG_PARAMETERS',
  'GIT_CONFIG_COUNT',
  'GIT_DEFAULT_HASH',
  'GIT_REF_FORMAT',
];

const OID = /^[0-9a-f]{40}$/;
/** A loose object's header, at the start of its inflated bytes. */
const LOOSE_HEAD = /^(blob|tree|commit|tag) (\d+)\0/;

export interface DirectObject {
  type: string;
  content: Buffer;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function ownedByUs(path: string): boolean {
  const uid = process.getuid?.();
  if (uid === undefined) return false;
  try {
    return statSync(path).uid === uid;
  } catch {
    return false;
  }
}

/**
 * The config facts that decide whether we may read this repository ourselves, and the promisor
 * remote of a partial clone (`remote.<name>.promisor`; objects missing here are on it).
 */
function plainConfig(commonDir: string): { bare: boolean; promisor: string | null } | null {
  const text = readText(join(commonDir, 'config'));
  if (text === null) return null;
  let section = '';
  let subsection = '';
  let bare = false;
  let promisor: string | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.startsWith('[')) {
      // [core], [remote "origin"] … ; includes and extensions are git's to interpret
      const m = /^\[([A-Za-z0-9.-]+)(\s+"[^"]*")?\]$/.exec(line);
      if (!m) return null;
      section = m[1]!.toLowerCase();
      subsection = m[2]?.trim().slice(1, -1) ?? '';
      if (section === 'include' || section === 'includeif' || section === 'extensions') return null;
      continue;
    }
    if (section !== 'core' && section !== 'remote') continue;
    const m = /^([A-Za-z0-9-]+)\s*(?:=\s*(.*))?$/.exec(line);
    if (!m) return null;
    const key = m[1]!.toLowerCase();
    const value = (m[2] ?? 'true').trim().toLowerCase();
    if (section === 'remote') {
      if (key === 'promisor' && ['true', 'yes', 'on', '1'].includes(value)) promisor ??= subsection;
      continue;
    }
    if (key === 'repositoryformatversion' && value !== '0' && value !== '1') return null;
    if (key === 'worktree') return null;
    if (key === 'bare') {
      if (value === 'true' || value === 'yes' || value === 'on' || value === '1') bare = true;
      else if (value === 'false' || value === 'no' || value === 'off' || value === '0') bare = false;
      else return null;
    }
  }
  return { bare, promisor };
}

function gitFileTarget(file: string, base: string): string | null {
  const m = /^gitdir: (.+)$/.exec((readText(file) ?? '').replace(/\n$/, ''));
  if (!m) return null;
  return isAbsolute(m[1]!) ? m[1]! : resolve(base, m[1]!);
}

function commonDirOf(gitDir: string): string {
  const rel = readText(join(gitDir, 'commondir'));
  if (rel === null) return gitDir;
  const dir = rel.replace(/\n$/, '');
  return isAbsolute(dir) ? dir : resolve(gitDir, dir);
}

/**
 * Where the repository around `cwd` is, as `git rev-parse` would say, or null when git must be
 * asked (an unusual shape or environment, a bare repository, `cwd` inside a git dir).
 */
export function locateDirect(cwd: string, env: NodeJS.ProcessEnv): RepoLocation | null {
  if (GIT_DECIDES.some((k) => env[k] !== undefined)) return null;
  let gitDir: string;
  let worktree: string;
  if (env.GIT_DIR !== undefined) {
    // git: with GIT_DIR and no GIT_WORK_TREE (nor core.worktree), the current directory is the top.
    if (env.GIT_DIR === '') return null;
    gitDir = resolve(cwd, env.GIT_DIR);
    worktree = env.GIT_WORK_TREE ? resolve(cwd, env.GIT_WORK_TREE) : cwd;
    if (!isDir(gitDir) || !isDir(worktree)) return null;
  } else {
    if (env.GIT_WORK_TREE !== undefined) return null;
    let dir = resolve(cwd);
    let dev: number | null = null;
    for (;;) {
      // git stops at a file-system boundary unless told otherwise: leave that walk to git.
      let here;
      try {
        here = statSync(dir).dev;
      } catch {
        return null;
      }
      if (dev !== null && here !== dev) return null;
      dev = here;
      const dotgit = join(dir, '.git');
      let st;
      try {
        st = statSync(dotgit);
      } catch {
        st = null;
      }
      if (st?.isDirectory()) {
        gitDir = dotgit;
        break;
      }
      if (st?.isFile()) {
        const target = gitFileTarget(dotgit, dir);
        if (!target || !isDir(target)) return null;
        gitDir = target;
        break;
      }
      // a bare repository or a git dir on the way up: git knows the rules
      if (existsSync(join(dir, 'HEAD')) && isDir(join(dir, 'objects'))) return null;
      const parent = resolve(dir, '..');
      if (parent === dir) return null;
      dir = parent;
    }
    worktree = dir;
  }
  // a HEAD git rejects (emptied by a crash), or a symbolic link: git's to judge
  if (headState(gitDir) !== 'valid') return null;
  let commonDir = env.GIT_COMMON_DIR ? resolve(cwd, env.GIT_COMMON_DIR) : commonDirOf(gitDir);
  try {
    gitDir = realpathSync(gitDir);
    commonDir = realpathSync(commonDir);
    worktree = realpathSync(worktree);
  } catch {
    return null;
  }
  // git's own test of a git directory (HEAD, objects/, refs/); a broken one gets git's message
  if (!isDir(join(commonDir, 'objects')) || !isDir(join(commonDir, 'refs'))) return null;
  const config = plainConfig(commonDir);
  if (!config || config.bare) return null;
  if (!ownedByUs(worktree) || !ownedByUs(gitDir) || !ownedByUs(commonDir)) return null;
  // As git says it: a GIT_WORK_TREE the current directory is not inside is no working tree here.
  let here: string;
  try {
    here = realpathSync(cwd);
  } catch {
    return null;
  }
  const inside = here === worktree || here.startsWith(worktree.endsWith('/') ? worktree : `${worktree}/`);
  return {
    gitDir,
    commonDir,
    worktree: inside ? worktree : null,
    bare: false,
    shallow: existsSync(join(commonDir, 'shallow')),
    worktreeKey: gitDir === commonDir ? 'main' : basename(gitDir),
    objectFormat: 'sha1',
  };
}

/** Refs and objects of a located repository, read from its files; `undefined`: ask git. */
export class DirectReader {
  private readonly packs: PackReader;

  private constructor(
    private readonly location: RepoLocation,
    /** The remote a partial clone fetches missing objects from (remote.<name>.promisor), or null. */
    readonly promisorRemote: string | null,
  ) {
    this.packs = new PackReader(join(location.commonDir, 'objects'));
  }

  /** A reader for this repository, or null when its shape needs git for reads. */
  static open(location: RepoLocation, env: NodeJS.ProcessEnv): DirectReader | null {
    if (GIT_DECIDES.some((k) => env[k] !== undefined)) return null;
    if (location.objectFormat !== 'sha1') return null;
    const { commonDir } = location;
    const config = plainConfig(commonDir);
    if (!config) return null;
    if (existsSync(join(commonDir, 'objects', 'info', 'alternates'))) return null;
    if (existsSync(join(commonDir, 'info', 'grafts'))) return null;
    if (existsSync(join(commonDir, 'reftable')) || existsSync(join(commonDir, 'refs', 'replace')))
      return null;
    if ((readText(join(commonDir, 'packed-refs')) ?? '').includes(' refs/replace/')) return null;
    return new DirectReader(location, config.promisor);
  }

  /** A ref's commit id; null when it does not exist; undefined when git must say (symbolic, odd). */
  readRef(ref: string): string | null | undefined {
    if (
      !/^refs\/(heads|notes|tags|remotes)\/[A-Za-z0-9._/-]+$/.test(ref) ||
      /\.\.|\/\/|\.lock(\/|$)|\/$/.test(ref)
    )
      return undefined;
    let loose: string | null = null;
    try {
      loose = readFileSync(join(this.location.commonDir, ref), 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return undefined;
    }
    if (loose !== null) {
      const value = loose.replace(/\n$/, '');
      return OID.test(value) ? value : undefined;
    }
    const packed = readText(join(this.location.commonDir, 'packed-refs'));
    if (packed === null) return null;
    const needle = ` ${ref}\n`;
    for (let at = packed.indexOf(needle); at >= 0; at = packed.indexOf(needle, at + 1)) {
      const start = at - 40;
      if (start < 0 || (start > 0 && packed[start - 1] !== '\n')) continue;
      const oid = packed.slice(start, at);
      return OID.test(oid) ? oid : undefined;
    }
    return null;
  }

  /** `HEAD` or a full commit id, as `<rev>^{commit}`; undefined for anything else (git resolves it). */
  async resolveCommit(rev: string): Promise<string | null | undefined> {
    let oid: string | null | undefined;
    if (rev === 'HEAD') {
      const head = readText(join(this.location.gitDir, 'HEAD'))?.replace(/\n$/, '');
      if (head === undefined) return undefined;
      const symref = /^ref: (refs\/heads\/\S+)$/.exec(head)?.[1];
      if (symref) oid = this.readRef(symref);
      else oid = OID.test(head) ? head : undefined;
      if (oid === null) return null; // unborn branch: git finds nothing either
    } else if (OID.test(rev)) oid = rev;
    if (!oid) return undefined;
    return this.typeOf(oid) === 'commit' ? oid : undefined;
  }

  /**
   * Whether `commit` is HEAD or one of its ancestors, found by walking back at most `limit` commits:
   * true when found, undefined when not (git, with its commit graph, decides the rest).
   */
  async reachesFromHead(commit: string, limit = 512): Promise<true | undefined> {
    const head = await this.resolveCommit('HEAD');
    if (!head || !OID.test(commit)) return undefined;
    const seen = new Set([head]);
    const queue = [head];
    while (queue.length && seen.size <= limit) {
      const oid = queue.shift()!;
      if (oid === commit) return true;
      const obj = await this.readObject(oid);
      if (obj?.type !== 'commit') return undefined;
      const text = obj.content.toString('latin1', 0, obj.content.indexOf('\n\n'));
      for (const m of text.matchAll(/^parent ([0-9a-f]{40})$/gm)) {
        if (!seen.has(m[1]!)) {
          seen.add(m[1]!);
          queue.push(m[1]!);
        }
      }
    }
    return undefined;
  }

  /**
   * Whether `oid` is a commit whose tree is here: a notes tip every reader can read. False: git's to
   * read, and the full path's to report (a ref naming a missing object, a blob, a lost tree).
   */
  async soundCommit(oid: string): Promise<boolean> {
    const o = await this.readObject(oid);
    if (o?.type !== 'commit') return false;
    const tree = /^tree ([0-9a-f]{40})\n/.exec(o.content.toString('latin1', 0, 46))?.[1];
    return tree !== undefined && this.typeOf(tree) === 'tree';
  }

  /**
   * The size of an object, learnt without inflating more than a header or a small delta (bounded
   * reads must not hold an oversized note); undefined when it cannot be learnt so (ask git).
   */
  sizeOf(oid: string, limit: number): number | undefined {
    if (!OID.test(oid)) return undefined;
    try {
      const packed = this.packs.sizeOf(oid, limit);
      if (packed !== undefined) return packed;
      const m = this.looseHead(oid);
      return m ? Number(m[2]) : undefined;
    } catch {
      return undefined;
    }
  }

  /** An object from a pack or a loose file; undefined when not found here or not readable by us. */
  async readObject(oid: string): Promise<DirectObject | undefined> {
    if (!OID.test(oid)) return undefined;
    try {
      // Packs first: most objects are packed, and a loose miss costs a failed open.
      return this.packs.read(oid) ?? this.readLoose(oid) ?? undefined;
    } catch {
      return undefined;
    }
  }

  /** An object's type, read from headers only; undefined when not found here or not readable by us. */
  typeOf(oid: string): string | undefined {
    if (!OID.test(oid)) return undefined;
    try {
      return this.packs.typeOf(oid) ?? this.looseHead(oid)?.[1];
    } catch {
      return undefined;
    }
  }

  /** The header of loose object `oid` ("blob 1234\0": type, size), inflated from its first bytes. */
  private looseHead(oid: string): RegExpExecArray | null {
    const file = readFileSync(join(this.location.commonDir, 'objects', oid.slice(0, 2), oid.slice(2)));
    const head = inflateSync(file.subarray(0, Math.min(file.length, 256)), {
      finishFlush: zlibConstants.Z_SYNC_FLUSH,
    });
    return LOOSE_HEAD.exec(head.toString('latin1', 0, Math.min(head.length, 64)));
  }

  private readLoose(oid: string): DirectObject | null {
    let file: Buffer;
    try {
      file = readFileSync(join(this.location.commonDir, 'objects', oid.slice(0, 2), oid.slice(2)));
    } catch {
      return null;
    }
    const raw = inflateSync(file);
    const nul = raw.indexOf(0);
    const [type, size] = raw.toString('latin1', 0, nul).split(' ');
    const content = raw.subarray(nul + 1);
    if (Number(size) !== content.length || !['blob', 'tree', 'commit', 'tag'].includes(type!))
      throw new Error('unreadable loose object');
    return { type: type!, content };
  }

  close(): Promise<void> {
    this.packs.close();
    return Promise.resolve();
  }
}
