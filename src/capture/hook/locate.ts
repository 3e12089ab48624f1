// Find the git directories and HEAD with plain file reads: the hook must not spawn git.
// Handles `.git` directories, `.git` files of linked worktrees (`gitdir:` + `commondir`), GIT_DIR,
// symbolic and detached HEAD, loose refs and packed-refs.
import { existsSync, lstatSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

export interface GitDirs {
  /** Working tree root. */
  root: string;
  /** This worktree's git dir (HEAD lives here). */
  gitDir: string;
  /** Shared git dir (refs, objects, our journal). */
  commonDir: string;
}

export function findGitDirs(start: string, env: NodeJS.ProcessEnv = process.env): GitDirs | null {
  if (env.GIT_DIR) {
    const gitDir = resolve(start, env.GIT_DIR);
    return {
      root: env.GIT_WORK_TREE ? resolve(start, env.GIT_WORK_TREE) : start,
      gitDir,
      commonDir: commonDirOf(gitDir),
    };
  }
  let dir = resolve(start);
  for (let depth = 0; depth < 200; depth++) {
    const dotgit = join(dir, '.git');
    let isDir: boolean | null;
    try {
      isDir = statSync(dotgit).isDirectory();
    } catch {
      isDir = null;
    }
    // A .git directory whose HEAD git rejects (emptied by a crash) is no repository to git, which
    // walks on to an enclosing one: so does the journal, or it would land where no command looks.
    if (isDir === true && headState(dotgit) !== 'invalid')
      return { root: dir, gitDir: dotgit, commonDir: commonDirOf(dotgit) };
    if (isDir === false) {
      const m = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dotgit, 'utf8'));
      if (m) {
        const gitDir = isAbsolute(m[1]!) ? m[1]! : resolve(dir, m[1]!);
        return { root: dir, gitDir, commonDir: commonDirOf(gitDir) };
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
  return null;
}

/**
 * What git makes of `gitDir/HEAD` before it takes the directory for a repository (validate_headref,
 * in the forms read here): 'valid', a regular file holding `ref: refs/…` or an object id; 'link', a
 * symbolic link (git reads where it points: git's to judge); 'invalid', missing or anything else (a
 * HEAD emptied by a crash), which makes git walk on to an enclosing repository or refuse. Also the
 * read fast paths' test (git/native/direct.ts), which leave all but 'valid' to git.
 */
export function headState(gitDir: string): 'valid' | 'link' | 'invalid' {
  const head = join(gitDir, 'HEAD');
  try {
    const st = lstatSync(head);
    if (st.isSymbolicLink()) return 'link';
    return st.isFile() && /^(ref: refs\/|[0-9a-f]{40})/.test(readFileSync(head, 'latin1'))
      ? 'valid'
      : 'invalid';
  } catch {
    return 'invalid';
  }
}

function commonDirOf(gitDir: string): string {
  try {
    const rel = readFileSync(join(gitDir, 'commondir'), 'utf8').trim();
    return isAbsolute(rel) ? rel : resolve(gitDir, rel);
  } catch {
    return gitDir;
  }
}

export interface HeadState {
  /** null on an unborn branch. */
  commit: string | null;
  /** Short branch name, null when detached. */
  branch: string | null;
}

export function readHead(dirs: GitDirs): HeadState {
  const head = readFileSync(join(dirs.gitDir, 'HEAD'), 'utf8').trim();
  const sym = /^ref:\s*(\S+)$/.exec(head);
  if (!sym) return { commit: /^[0-9a-f]{40,64}$/.test(head) ? head : null, branch: null };
  const ref = sym[1]!;
  const branch = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : ref;
  return { commit: resolveRef(dirs, ref), branch };
}

function resolveRef(dirs: GitDirs, ref: string, depth = 0): string | null {
  if (depth > 5) return null;
  for (const base of [dirs.gitDir, dirs.commonDir]) {
    const p = join(base, ref);
    if (!existsSync(p)) continue;
    try {
      const v = readFileSync(p, 'utf8').trim();
      const sym = /^ref:\s*(\S+)$/.exec(v);
      if (sym) return resolveRef(dirs, sym[1]!, depth + 1);
      if (/^[0-9a-f]{40,64}$/.test(v)) return v;
    } catch {
      // a directory of the same name, or a race with git writing it: try packed-refs
    }
  }
  try {
    const packed = readFileSync(join(dirs.commonDir, 'packed-refs'), 'utf8');
    for (const line of packed.split('\n')) {
      const sp = line.indexOf(' ');
      if (sp > 0 && line.slice(sp + 1).trim() === ref && /^[0-9a-f]{40,64}$/.test(line.slice(0, sp)))
        return line.slice(0, sp);
    }
  } catch {
    // no packed-refs
  }
  return null;
}
