// Repository configuration through the user's git (init, doctor): config values and hook scripts.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { RepoLocation } from './engine.js';
import { gitText, runGit } from './native/run.js';

const cwdOf = (loc: RepoLocation) => loc.worktree ?? loc.gitDir;

export async function configGetAll(loc: RepoLocation, key: string): Promise<string[]> {
  const r = await runGit(['config', '--get-all', key], { cwd: cwdOf(loc), okCodes: [1] });
  return r.stdout.toString().split('\n').filter(Boolean);
}

/** Set a single-valued key. Returns true when it changed. */
export async function configSet(loc: RepoLocation, key: string, value: string): Promise<boolean> {
  const current = await configGetAll(loc, key);
  if (current.length === 1 && current[0] === value) return false;
  await runGit(['config', '--replace-all', key, value], { cwd: cwdOf(loc) });
  return true;
}

/** Add a value to a multi-valued key unless present. Returns true when added. */
export async function configAdd(loc: RepoLocation, key: string, value: string): Promise<boolean> {
  if ((await configGetAll(loc, key)).includes(value)) return false;
  await runGit(['config', '--add', key, value], { cwd: cwdOf(loc) });
  return true;
}

/** Remove one exact value of a multi-valued key. Returns true when it was there. */
export async function configRemove(loc: RepoLocation, key: string, value: string): Promise<boolean> {
  if (!(await configGetAll(loc, key)).includes(value)) return false;
  const pattern = `^${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
  await runGit(['config', '--unset', key, pattern], { cwd: cwdOf(loc) });
  return true;
}

export async function remotes(loc: RepoLocation): Promise<string[]> {
  return (await gitText(['remote'], { cwd: cwdOf(loc) })).split('\n').filter(Boolean);
}

export async function hooksDir(loc: RepoLocation): Promise<string> {
  const p = (await gitText(['rev-parse', '--git-path', 'hooks'], { cwd: cwdOf(loc) })).trim();
  return isAbsolute(p) ? p : join(cwdOf(loc), p);
}

export const HOOK_BEGIN = '# >>> git-agent-log >>>';
export const HOOK_END = '# <<< git-agent-log <<<';

/**
 * Install (or refresh) our block in a git hook script, keeping anything else in the file.
 * Returns 'created' | 'updated' | 'unchanged'.
 */
export function installHookBlock(
  dir: string,
  hook: string,
  body: string,
): 'created' | 'updated' | 'unchanged' {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, hook);
  const block = `${HOOK_BEGIN}\n${body.trimEnd()}\n${HOOK_END}\n`;
  if (!existsSync(path)) {
    writeFileSync(path, `#!/bin/sh\n${block}`, { mode: 0o755 });
    return 'created';
  }
  const text = readFileSync(path, 'utf8');
  const start = text.indexOf(HOOK_BEGIN);
  const end = text.indexOf(HOOK_END);
  const next =
    start >= 0 && end > start
      ? text.slice(0, start) + block + text.slice(end + HOOK_END.length + 1)
      : `${text.endsWith('\n') ? text : `${text}\n`}${block}`;
  if (next === text) return 'unchanged';
  writeFileSync(path, next);
  chmodSync(path, 0o755);
  return 'updated';
}

/** Add a trailer to a commit message file (prepare-commit-msg), unless the same one is there. */
export async function addTrailer(loc: RepoLocation, messageFile: string, trailer: string): Promise<void> {
  await runGit(
    ['interpret-trailers', '--in-place', '--if-exists', 'addIfDifferent', '--trailer', trailer, messageFile],
    {
      cwd: cwdOf(loc),
    },
  );
}

/** Paths staged for the next commit (prepare-commit-msg: what the commit will change). */
export async function stagedPaths(loc: RepoLocation): Promise<string[]> {
  const r = await runGit(['diff', '--cached', '--name-only', '-z', '--no-renames'], {
    cwd: cwdOf(loc),
    okCodes: [1, 128],
  });
  return r.stdout.toString('utf8').split('\0').filter(Boolean);
}
