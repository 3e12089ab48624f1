// git config for the isomorphic engine. isomorphic-git reads only `<gitdir>/config`; git also reads the
// system and global files and GIT_CONFIG_COUNT pairs, and the identity comes from them too. We parse each
// file with isomorphic-git's own parser (getConfig on a one-file view) and apply git's precedence.
import { homedir } from 'node:os';
import { join } from 'node:path';
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

export class ConfigReader {
  private readonly files: string[];

  constructor(
    private readonly commonDir: string,
    private readonly env: NodeJS.ProcessEnv,
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

  /** A key as `git config --get` would print it: env pairs, then repo, global, system. */
  async get(key: string): Promise<string | null> {
    const fromEnv = this.fromEnv(key);
    if (fromEnv !== undefined) return fromEnv;
    const local = await this.getLocal(key);
    if (local !== null) return local;
    for (const file of [...this.files].reverse()) {
      if (!file || file === '/dev/null') continue;
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
    for (const file of this.files) {
      if (!file || file === '/dev/null') continue;
      const values = await git
        .getConfigAll({ fs: oneFileFs(file), gitdir: VIEW, path: key })
        .catch(() => [] as unknown[]);
      for (const v of values) out.push(v === null || v === undefined ? '' : String(v));
    }
    const count = Number(this.env.GIT_CONFIG_COUNT ?? 0);
    for (let i = 0; i < count; i++) {
      if (this.env[`GIT_CONFIG_KEY_${i}`]?.toLowerCase() === key.toLowerCase())
        out.push(this.env[`GIT_CONFIG_VALUE_${i}`] ?? '');
    }
    for (const [k, v] of parseConfigParameters(this.env.GIT_CONFIG_PARAMETERS ?? '')) {
      if (k.toLowerCase() === key.toLowerCase()) out.push(v);
    }
    return out;
  }

  /** Command-line settings: GIT_CONFIG_COUNT pairs, then GIT_CONFIG_PARAMETERS (`git -c`); the last wins. */
  private fromEnv(key: string): string | undefined {
    const count = Number(this.env.GIT_CONFIG_COUNT ?? 0);
    let found: string | undefined;
    for (let i = 0; i < count; i++) {
      if (this.env[`GIT_CONFIG_KEY_${i}`]?.toLowerCase() === key.toLowerCase()) {
        found = this.env[`GIT_CONFIG_VALUE_${i}`] ?? '';
      }
    }
    for (const [k, v] of parseConfigParameters(this.env.GIT_CONFIG_PARAMETERS ?? '')) {
      if (k.toLowerCase() === key.toLowerCase()) found = v;
    }
    return found;
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
