// Repository shapes isomorphic-git cannot handle safely, detected before the engine touches anything
// (measured: SHA-256 repos get SHA-1 objects written into them, alternates and partial clones read as
// "object not found", reftable refs are invisible; objects or refs moved by the environment read as
// a broken notes ref or no records). Packs over 2 GiB, which isomorphic-git cannot load,
// are fine: we read pack slices ourselves (packs.ts).
import * as fsp from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { RepoError, UnsupportedRepoError } from '../../errors.js';
import type { RepoLocation } from '../engine.js';
import type { ConfigReader } from './config.js';

const ADVICE = 'use the native engine (--engine native, the default when git is installed)';

function refuse(shape: string): never {
  throw new UnsupportedRepoError(`the isomorphic engine cannot open this repository: ${shape}; ${ADVICE}`);
}

async function nonEmptyFile(path: string): Promise<boolean> {
  try {
    return (await fsp.readFile(path, 'utf8')).trim().length > 0;
  } catch {
    return false;
  }
}

async function exists(path: string): Promise<boolean> {
  return fsp.stat(path).then(
    () => true,
    () => false,
  );
}

/** Environment that moves git's objects where this engine does not look (GIT_NAMESPACE moves nothing for local reads). */
const ENV_SHAPES: [string, string][] = [
  ['GIT_OBJECT_DIRECTORY', 'its objects are elsewhere (GIT_OBJECT_DIRECTORY)'],
  [
    'GIT_ALTERNATE_OBJECT_DIRECTORIES',
    'it borrows objects from elsewhere (GIT_ALTERNATE_OBJECT_DIRECTORIES)',
  ],
];

export async function assertSupportedShape(
  commonDir: string,
  config: ConfigReader,
  env: NodeJS.ProcessEnv = {},
): Promise<void> {
  for (const [name, shape] of ENV_SHAPES) if (env[name]) refuse(shape);

  const format = (await config.getLocal('extensions.objectformat'))?.toLowerCase();
  if (format && format !== 'sha1') refuse(`it uses ${format} object ids (extensions.objectformat)`);

  const refStorage = (await config.getLocal('extensions.refstorage'))?.toLowerCase();
  if ((refStorage && refStorage !== 'files') || (await exists(join(commonDir, 'reftable')))) {
    refuse('its refs are stored in reftable format (extensions.refstorage)');
  }

  if (await nonEmptyFile(join(commonDir, 'objects', 'info', 'alternates'))) {
    refuse('it borrows objects from another repository (objects/info/alternates)');
  }

  if (await config.getLocal('extensions.partialclone'))
    refuse('it is a partial clone (extensions.partialclone)');
  const configText = await fsp.readFile(join(commonDir, 'config'), 'utf8').catch(() => '');
  if (/^\s*promisor\s*=\s*(true|yes|on|1)\s*$/im.test(configText)) {
    refuse('it is a partial clone (remote.<name>.promisor)');
  }
}

/** Whether `path` is owned by the user running us, as git asks it (root acting for SUDO_UID). */
async function ownedByUs(path: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const euid = process.geteuid?.();
  if (euid === undefined) return true; // no owners to compare (Windows): git compares SIDs, we cannot
  const st = await fsp.lstat(path).catch(() => null);
  if (!st) return false;
  if (euid === 0 && st.uid === 0) return true;
  const sudo = env.SUDO_UID;
  const uid = euid === 0 && sudo && /^\d+$/.test(sudo) ? Number(sudo) : euid;
  return st.uid === uid;
}

/**
 * git's safe.directory check: a repository whose working tree or git directory another user owns is
 * refused (its config could run their commands), unless safe.directory in the system or global config
 * or on the command line names it, or is `*`; an empty value forgets the ones before it.
 */
export async function assertSafeDirectory(
  location: RepoLocation,
  config: ConfigReader,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const paths = [location.worktree, location.gitDir].filter((p): p is string => p !== null);
  let owned = true;
  for (const p of paths) if (!(await ownedByUs(p, env))) owned = false;
  if (owned) return;
  const here = location.worktree ?? location.gitDir;
  const home = env.HOME ?? homedir();
  let safe = false;
  for (const value of await config.getAllProtected('safe.directory')) {
    if (value === '') safe = false;
    else if (value === '*') safe = true;
    else if (resolve(value.replace(/^~(?=\/|$)/, home)) === resolve(here)) safe = true;
  }
  if (!safe)
    throw new RepoError(
      `detected dubious ownership in repository at '${here}'`,
      `if you trust it: git config --global --add safe.directory '${here}' (without git: a line 'directory = ${here}' under [safe] in ~/.gitconfig)`,
    );
}
