// Finding the repository around a directory and opening it with the chosen engine.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { RepoError, UsageError } from '../errors.js';
import type { EngineName, GitEngine, HeadInfo, RepoLocation } from './engine.js';
import { gitOnPath } from './git-binary.js';
import { DirectReader, locateDirect } from './native/direct.js';
import { NativeEngine } from './native/engine.js';
import { gitSpawnEnv } from './native/run.js';
import { symlinkedOwnDir } from '../journal/paths.js';
import { headState } from '../capture/hook/locate.js';

export interface Repo {
  engine: GitEngine;
  location: RepoLocation;
}

export interface OpenOptions {
  engine?: string;
  env?: NodeJS.ProcessEnv;
  /**
   * Read commands: find the repository and read refs and objects from its files when its shape
   * allows (native engine; git is still started for anything else). AGENT_LOG_SLOW_PATH=1: never.
   */
  direct?: boolean;
}

let gitAvailable: boolean | null = null;
/** Whether a `git` binary is on this process's PATH (looked up once). */
export function hasGitBinary(): boolean {
  gitAvailable ??= gitOnPath(process.env.PATH);
  return gitAvailable;
}

export function chooseEngine(opts: OpenOptions): EngineName {
  const asked = opts.engine ?? opts.env?.AGENT_LOG_ENGINE ?? process.env.AGENT_LOG_ENGINE;
  if (asked !== undefined && asked !== '') {
    if (asked !== 'native' && asked !== 'isomorphic')
      throw new UsageError(`unknown engine '${asked}' (expected native or isomorphic)`);
    if (asked === 'native' && !hasGitBinary()) throw new RepoError('the native engine needs git on PATH');
    return asked;
  }
  return hasGitBinary() ? 'native' : 'isomorphic';
}

export async function openRepo(cwd: string, opts: OpenOptions = {}): Promise<Repo> {
  const name = chooseEngine(opts);
  const env = opts.env ?? process.env;
  const direct = opts.direct === true && name === 'native' && env.AGENT_LOG_SLOW_PATH !== '1';
  const location =
    name !== 'native'
      ? locateWithFs(cwd, env)
      : ((direct ? locateDirect(cwd, env) : null) ?? locateWithGit(cwd));
  const link = symlinkedOwnDir(location.commonDir);
  if (link)
    throw new RepoError(
      `${link} is a symbolic link; refusing to follow it (it could send our writes outside the repository): replace it with a directory`,
    );
  if (name === 'native') {
    const reader = direct ? DirectReader.open(location, env) : null;
    return { engine: new NativeEngine(location, reader), location };
  }
  const { createIsomorphicEngine } = await import('./isomorphic/engine.js');
  return { engine: await createIsomorphicEngine(location), location };
}

/** Ask git itself: honours GIT_DIR, GIT_WORK_TREE, safe.directory and every repository shape. */
export function locateWithGit(cwd: string): RepoLocation {
  const args = [
    'rev-parse',
    '--path-format=absolute',
    '--absolute-git-dir',
    '--git-common-dir',
    '--is-bare-repository',
    '--is-shallow-repository',
    '--is-inside-work-tree',
    '--show-object-format',
  ];
  // node:child_process (and the stream modules under it) loads only when git is started: a read
  // answered from the git directory never pays for it.
  const { execFileSync } = process.getBuiltinModule('node:child_process');
  let out: string;
  try {
    out = execFileSync('git', [...args, '--show-toplevel'], {
      cwd,
      env: gitSpawnEnv(),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    const stderr = String((e as { stderr?: string }).stderr ?? '');
    if (/not a git repository/i.test(stderr)) throw new RepoError(`not a git repository: ${cwd}`);
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new RepoError(`cannot run git in ${cwd}`);
    try {
      // bare repository, or inside the git dir: there is no top level to show
      out = execFileSync('git', args, {
        cwd,
        env: gitSpawnEnv(),
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (e2) {
      const msg = String((e2 as { stderr?: string }).stderr ?? '')
        .split('\n')[0]
        ?.replace(/^fatal: /, '');
      throw new RepoError(msg || `cannot open repository at ${cwd}`);
    }
  }
  const [gitDir, commonDir, bare, shallow, inside, format, top] = out.trim().split('\n');
  const worktree = bare !== 'true' && inside === 'true' && top ? top : null;
  const location = finish(gitDir!, commonDir!, worktree, bare === 'true', shallow === 'true');
  // an old git echoes an option it does not know: then the engine asks again later
  return format === 'sha1' || format === 'sha256' ? { ...location, objectFormat: format } : location;
}

/**
 * Without git, as git finds it: GIT_DIR when set (the current directory is then the top of the working
 * tree, unless GIT_WORK_TREE says otherwise or the repository is bare), else a walk up looking for
 * `.git` (a directory, or a `gitdir:` file of a linked worktree or submodule); GIT_COMMON_DIR and
 * GIT_WORK_TREE as git takes them. A current directory outside GIT_WORK_TREE is in no working tree.
 */
export function locateWithFs(cwd: string, env: NodeJS.ProcessEnv = process.env): RepoLocation {
  const here = resolve(cwd);
  const workTree = env.GIT_WORK_TREE ? resolve(here, env.GIT_WORK_TREE) : null;
  const within = (top: string) => (here === top || here.startsWith(`${top}/`) ? top : null);
  const located = (gitDir: string, top: string | null, bare: boolean) => {
    const commonDir = env.GIT_COMMON_DIR ? resolve(here, env.GIT_COMMON_DIR) : commonDirOf(gitDir);
    const shallow = existsSync(join(commonDir, 'shallow'));
    return finish(gitDir, commonDir, bare ? null : within(workTree ?? top!), bare, shallow);
  };
  // git's test of a git directory: a HEAD it can read, objects/ and refs/ (in the common dir)
  const isGitDir = (gitDir: string) => {
    const commonDir = env.GIT_COMMON_DIR ? resolve(here, env.GIT_COMMON_DIR) : commonDirOf(gitDir);
    return (
      headState(gitDir) !== 'invalid' && isDir(join(commonDir, 'objects')) && isDir(join(commonDir, 'refs'))
    );
  };
  if (env.GIT_DIR) {
    const named = resolve(here, env.GIT_DIR);
    const gitDir = isFile(named) ? readGitFile(named, dirname(named)) : named;
    if (!isGitDir(gitDir)) throw new RepoError(`not a git repository: ${cwd}`);
    return located(gitDir, here, !workTree && coreBare(commonDirOf(gitDir)));
  }
  let dir = here;
  for (;;) {
    const dotgit = join(dir, '.git');
    if (isDir(dotgit)) {
      // a .git directory git cannot read (an emptied HEAD) is passed over, as git passes it over
      if (isGitDir(dotgit)) return located(dotgit, dir, false);
    } else if (isFile(dotgit)) {
      // a .git file must name a git directory (not a path from another machine, or a moved repository)
      const gitDir = readGitFile(dotgit, dir);
      if (!isGitDir(gitDir)) throw new RepoError(`not a git repository: ${cwd}`);
      return located(gitDir, dir, false);
    } else if (isGitDir(dir) && existsSync(join(dir, 'HEAD'))) {
      return located(dir, null, !workTree);
    }
    const parent = dirname(dir);
    if (parent === dir) throw new RepoError(`not a git repository: ${cwd}`);
    dir = parent;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** core.bare of a repository's config file (git's boolean true spellings). */
function coreBare(commonDir: string): boolean {
  let section = '';
  let bare = false;
  let text: string;
  try {
    text = readFileSync(join(commonDir, 'config'), 'utf8');
  } catch {
    return false;
  }
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const head = /^\[\s*([A-Za-z0-9.-]+)/.exec(line);
    if (head) section = head[1]!.toLowerCase();
    const m = /^bare\s*=\s*(\S+)/i.exec(line);
    if (section === 'core' && m) bare = /^(true|yes|on|1)$/i.test(m[1]!);
  }
  return bare;
}

function readGitFile(file: string, base: string): string {
  const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(file, 'utf8'));
  if (!m) throw new RepoError(`malformed .git file: ${file}`);
  return isAbsolute(m[1]!) ? m[1]! : resolve(base, m[1]!);
}

function commonDirOf(gitDir: string): string {
  const f = join(gitDir, 'commondir');
  if (!existsSync(f)) return gitDir;
  const rel = readFileSync(f, 'utf8').trim();
  return isAbsolute(rel) ? rel : resolve(gitDir, rel);
}

function finish(gitDir: string, commonDir: string, worktree: string | null, bare: boolean, shallow: boolean) {
  const g = resolve(gitDir);
  const c = resolve(commonDir);
  const worktreeKey = g === c ? 'main' : basename(g);
  return { gitDir: g, commonDir: c, worktree, bare, shallow, worktreeKey } satisfies RepoLocation;
}

/**
 * HEAD of another worktree of the same repository, by its key ('main' or a linked worktree's id);
 * null when that worktree is gone. Both engines: git's `worktrees/<id>/HEAD` pseudo-ref where the
 * engine knows it, else the worktree's HEAD file read here and its branch resolved by the engine.
 */
export async function worktreeHead(engine: GitEngine, key: string): Promise<HeadInfo | null> {
  const { commonDir } = engine.location;
  const gitDir = key === 'main' ? commonDir : join(commonDir, 'worktrees', key);
  let text: string;
  try {
    text = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
  } catch {
    return null;
  }
  const symref = /^ref:\s*(\S+)$/.exec(text)?.[1];
  const branch = symref?.startsWith('refs/heads/') ? symref.slice('refs/heads/'.length) : null;
  const pseudo = await engine.resolve(key === 'main' ? 'main-worktree/HEAD' : `worktrees/${key}/HEAD`);
  if (pseudo) return { commit: pseudo, branch };
  if (symref) return { commit: await engine.readRef(symref), branch };
  return /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(text) ? { commit: text, branch: null } : null;
}
