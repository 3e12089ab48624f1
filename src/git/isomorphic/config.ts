// git config for the isomorphic engine. isomorphic-git reads only `<gitdir>/config`; git also reads the
// system and global files, the files they include, GIT_CONFIG_COUNT pairs and `git -c` settings, and
// the identity comes from them too. We parse each file with isomorphic-git's own parser (getConfig on a
// one-file view) and apply git's precedence.
import { readFile, realpath } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import * as git from 'isomorphic-git';
import type { Identity } from '../engine.js';
import { atomicFs } from './atomic-fs.js';
import { formatPerson, localTz, parseGitDate } from './objects.js';

const VIEW = '/__git_agent_log_config__';

/** An fs whose `<VIEW>/config` is `file`: lets isomorphic-git's getConfig parse any config file. */
function oneFileFs(file: string) {
  return {
    ...atomicFs,
    readFile: (path: string, options?: unknown) =>
      atomicFs.readFile(path === `${VIEW}/config` ? file : path, options as { encoding: null }),
    stat: (path: string) => atomicFs.stat(path === VIEW ? '/' : path),
  };
}

function asString(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return String(value);
}

/** A glob of git's wildmatch with WM_PATHNAME (`**` crosses directories, `*` and `?` do not). */
function globRegExp(glob: string, flags = ''): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, flags);
}

/** Include depth at which git stops (its MAX_INCLUDE_DEPTH). */
const MAX_INCLUDE_DEPTH = 10;

export class ConfigReader {
  private readonly files: string[];
  private expanded: Promise<{ protectedFiles: string[]; all: string[] }> | undefined;

  /** @param gitDir this worktree's git dir, for `includeIf "gitdir:…"` and `"onbranch:…"` */
  constructor(
    private readonly commonDir: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly gitDir: string = commonDir,
  ) {
    // Lowest precedence first; the last file that sets a key wins, as in git.
    const files: string[] = [];
    if (!env.GIT_CONFIG_NOSYSTEM) files.push(env.GIT_CONFIG_SYSTEM ?? '/etc/gitconfig');
    if (env.GIT_CONFIG_GLOBAL !== undefined) files.push(env.GIT_CONFIG_GLOBAL);
    else {
      const home = env.HOME ?? homedir();
      files.push(
        join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'git', 'config'),
        join(home, '.gitconfig'),
      );
    }
    this.files = files;
  }

  /** The repository's own config only (what decides the repository's shape). */
  async getLocal(key: string): Promise<string | null> {
    return asString(await git.getConfig({ fs: atomicFs, gitdir: this.commonDir, path: key }));
  }

  async getLocalAll(key: string): Promise<string[]> {
    const all = await git.getConfigAll({ fs: atomicFs, gitdir: this.commonDir, path: key });
    return all.map((v) => String(v));
  }

  /**
   * The config files git reads, lowest precedence first, each followed by the files it includes
   * (`include.path`, and `includeIf` whose `gitdir:`, `gitdir/i:` or `onbranch:` condition holds):
   * the system and global ones (protected), then the repository's own.
   */
  private configFiles() {
    this.expanded ??= (async () => {
      const protectedFiles: string[] = [];
      for (const f of this.files)
        if (f && f !== '/dev/null') protectedFiles.push(...(await this.withIncludes(f, 0)));
      const local = await this.withIncludes(join(this.commonDir, 'config'), 0);
      return { protectedFiles, all: [...protectedFiles, ...local] };
    })();
    return this.expanded;
  }

  /** `file` and what it includes, in order (an included file's values win over its includer's). */
  private async withIncludes(file: string, depth: number): Promise<string[]> {
    const text = await readFile(file, 'utf8').catch(() => null);
    if (text === null) return [];
    const out = [file];
    if (depth >= MAX_INCLUDE_DEPTH) return out;
    let include: string | null = null; // null: not in an include section; '' : [include]; else the condition
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      const head = /^\[\s*(include|includeif)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]/i.exec(line);
      if (head) {
        include =
          head[1]!.toLowerCase() === 'include' ? (head[2] === undefined ? '' : null) : (head[2] ?? null);
        continue;
      }
      if (line.startsWith('[')) {
        include = null;
        continue;
      }
      const m = include === null ? null : /^path\s*=\s*(.*?)\s*$/i.exec(line);
      if (!m || (include !== '' && !(await this.conditionHolds(include!, file)))) continue;
      const value = m[1]!.replace(/^"(.*)"$/, '$1');
      const home = this.env.HOME ?? homedir();
      const path = value.startsWith('~/') ? join(home, value.slice(2)) : resolve(dirname(file), value);
      out.push(...(await this.withIncludes(path, depth + 1)));
    }
    return out;
  }

  private async conditionHolds(condition: string, file: string): Promise<boolean> {
    const m = /^(gitdir|gitdir\/i|onbranch):(.*)$/.exec(condition);
    if (!m) return false; // hasconfig: and conditions git may add later: not ours to judge
    let pattern = m[2]!;
    if (m[1] === 'onbranch') {
      const head = await readFile(join(this.gitDir, 'HEAD'), 'utf8').catch(() => '');
      const branch = /^ref: refs\/heads\/(.+)$/m.exec(head)?.[1];
      if (pattern.endsWith('/')) pattern += '**';
      return branch !== undefined && globRegExp(pattern).test(branch);
    }
    const home = this.env.HOME ?? homedir();
    if (pattern.startsWith('~/')) pattern = join(home, pattern.slice(2));
    else if (pattern.startsWith('./')) pattern = join(dirname(file), pattern.slice(2));
    else if (!isAbsolute(pattern)) pattern = `**/${pattern}`;
    if (pattern.endsWith('/')) pattern += '**';
    const re = globRegExp(pattern, m[1] === 'gitdir/i' ? 'i' : '');
    const dirs = [this.gitDir, await realpath(this.gitDir).catch(() => this.gitDir)];
    return dirs.some((d) => re.test(d));
  }

  /** A key as `git config --get` would print it: env pairs, then repo, global, system (and their includes). */
  async get(key: string): Promise<string | null> {
    const fromEnv = this.fromEnv(key);
    if (fromEnv !== undefined) return fromEnv;
    for (const file of [...(await this.configFiles()).all].reverse()) {
      const value = await git
        .getConfig({ fs: oneFileFs(file), gitdir: VIEW, path: key })
        .catch(() => undefined);
      if (value !== undefined && value !== null) return String(value);
    }
    return null;
  }

  /**
   * Every value of a key in git's protected config, in the order git reads them: the system and global
   * files and the command line, never the repository's own file (safe.directory is read so).
   */
  async getAllProtected(key: string): Promise<string[]> {
    const out: string[] = [];
    for (const file of (await this.configFiles()).protectedFiles) {
      const values = await git
        .getConfigAll({ fs: oneFileFs(file), gitdir: VIEW, path: key })
        .catch(() => [] as unknown[]);
      for (const v of values) out.push(v === null || v === undefined ? '' : String(v));
    }
    out.push(...this.commandLineValues(key));
    return out;
  }

  /** Command-line settings: GIT_CONFIG_COUNT pairs, then GIT_CONFIG_PARAMETERS (`git -c`); the last wins. */
  private fromEnv(key: string): string | undefined {
    return this.commandLineValues(key).at(-1);
  }

  /** Every command-line value of `key`, in git's order: GIT_CONFIG_COUNT pairs, then `git -c`. */
  private commandLineValues(key: string): string[] {
    const want = key.toLowerCase();
    const out: string[] = [];
    const count = Number(this.env.GIT_CONFIG_COUNT ?? 0);
    for (let i = 0; i < count; i++) {
      if (this.env[`GIT_CONFIG_KEY_${i}`]?.toLowerCase() === want)
        out.push(this.env[`GIT_CONFIG_VALUE_${i}`] ?? '');
    }
    for (const [k, v] of parseConfigParameters(this.env.GIT_CONFIG_PARAMETERS ?? '')) {
      if (k.toLowerCase() === want) out.push(v);
    }
    return out;
  }
}

/**
 * GIT_CONFIG_PARAMETERS, which git sets for the commands it starts (`git -c k=v agent-log`): entries
 * separated by spaces, each shell-quoted: `'key'='value'` (git 2.31 on), `'key=value'` (before), or
 * `'key'=` / `'key'` alone (`-c key`: boolean true). Quoted with single quotes, a quote itself written `'\''`.
 */
export function parseConfigParameters(text: string): [string, string][] {
  const out: [string, string][] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    let key = '';
    let value: string | null = null;
    let split = false; // an `=` outside quotes: the new form
    while (i < text.length && !/\s/.test(text[i]!)) {
      const c = text[i]!;
      let part: string;
      if (c === "'") {
        const end = text.indexOf("'", i + 1);
        if (end < 0) return out; // git gives up on a malformed value too
        part = text.slice(i + 1, end);
        i = end + 1;
      } else if (c === '\\' && i + 1 < text.length) {
        part = text[i + 1]!;
        i += 2;
      } else if (c === '=' && !split) {
        split = true;
        i++;
        continue;
      } else {
        part = c;
        i++;
      }
      if (split) value = (value ?? '') + part;
      else key += part;
    }
    if (!split) {
      const eq = key.indexOf('=');
      if (eq >= 0) [key, value] = [key.slice(0, eq), key.slice(eq + 1)];
    }
    if (key) out.push([key, value ?? 'true']);
  }
  return out;
}

export const DEFAULT_IDENTITY: Identity = { name: 'git-agent-log', email: 'agent-log@localhost' };

/**
 * Who we are, with git's precedence: GIT_<ROLE>_NAME/EMAIL, then <role>.name/email and user.name/email
 * from config, then EMAIL, then our fixed default (isomorphic-git has no fallback of its own).
 */
export async function resolveIdentity(
  config: ConfigReader,
  env: NodeJS.ProcessEnv,
  role: 'author' | 'committer',
): Promise<Identity> {
  const upper = role.toUpperCase();
  const name =
    env[`GIT_${upper}_NAME`] || (await config.get(`${role}.name`)) || (await config.get('user.name'));
  const email =
    env[`GIT_${upper}_EMAIL`] ||
    (await config.get(`${role}.email`)) ||
    (await config.get('user.email')) ||
    env.EMAIL;
  return { name: name || DEFAULT_IDENTITY.name, email: email || DEFAULT_IDENTITY.email };
}

/** `Name <email> <seconds> <tz>` for a role, honouring GIT_<ROLE>_DATE when no time is given. */
export function identLine(
  who: Identity,
  env: NodeJS.ProcessEnv,
  role: 'author' | 'committer',
  time?: number,
): string {
  // An explicit time is written in UTC, as the native engine's `commit-tree` with `@<time> +0000`.
  if (time !== undefined) return formatPerson(who, time, '+0000');
  const pinned = parseGitDate(env[`GIT_${role.toUpperCase()}_DATE`]);
  const now = Math.floor(Date.now() / 1000);
  return formatPerson(who, pinned?.timestamp ?? now, pinned?.tz ?? localTz(now));
}
