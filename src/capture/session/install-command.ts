// What every agent's installer shares: the command context it needs, the worktree root hooks go
// under, and removing our hooks from a settings file while keeping everything else.
import { relative } from 'node:path';
import type { Writable } from 'node:stream';
import { RepoError } from '../../errors.js';
import type { Repo } from '../../git/repo.js';
import { removeOurHooks, type SettingsFile, writeSettings } from './hook-settings.js';

/** What the installer needs from the command context (structurally the CLI's Context). */
export interface InstallIO {
  cwd: string;
  env: NodeJS.ProcessEnv;
  out: Writable;
  err: Writable;
  warn(message: string): void;
  repo(): Promise<Repo>;
}

/** The worktree root hooks are installed under, and whether `init` has configured the repository. */
export async function rootOf(ctx: InstallIO): Promise<{ root: string; configured: boolean }> {
  const repo = await ctx.repo();
  if (!repo.location.worktree) throw new RepoError('install needs a working tree (this repository is bare)');
  const configured = (await repo.engine.getConfig('notes.rewriteRef')) !== null;
  return { root: repo.location.worktree, configured };
}

/** Remove our hooks from an agent's settings file, keeping everything else; say what happened. */
export function removeFrom(ctx: InstallIO, file: SettingsFile): number {
  const shown = relative(ctx.cwd, file.path) || file.path;
  const { settings, removed } = removeOurHooks(file.value);
  if (!removed.length) {
    ctx.out.write(`no agent-log hooks in ${shown}\n`);
    return 0;
  }
  writeSettings(file, settings);
  ctx.out.write(`removed agent-log hooks from ${shown} (${removed.length} events)\n`);
  return 0;
}
