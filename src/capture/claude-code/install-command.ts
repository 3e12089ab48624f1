// The shell of `install claude-code` / `uninstall claude-code`: find the settings file, change it,
// say what happened and what else the user must do.
import { relative } from 'node:path';
import type { Writable } from 'node:stream';
import { RepoError } from '../../errors.js';
import type { Repo } from '../../git/repo.js';
import {
  addOurHooks,
  hooksDisabledIn,
  readSettings,
  removeOurHooks,
  type SettingsFile,
  settingsPath,
  writeSettings,
} from './install.js';

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

export async function install(ctx: InstallIO, opts: { local: boolean }): Promise<number | undefined> {
  const { root, configured } = await rootOf(ctx);
  const file = readSettings(settingsPath(root, opts.local));
  const { settings, added, upgraded } = addOurHooks(file.value);
  const shown = relative(ctx.cwd, file.path) || file.path;
  if (added.length || upgraded.length) writeSettings(file, settings);
  if (added.length) ctx.out.write(`installed Claude Code hooks in ${shown} (${added.length} events)\n`);
  if (upgraded.length) ctx.out.write(`upgraded Claude Code hooks in ${shown} (${upgraded.length} events)\n`);
  if (!added.length && !upgraded.length) ctx.out.write(`Claude Code hooks already installed in ${shown}\n`);
  for (const f of hooksDisabledIn(root, ctx.env.HOME))
    ctx.warn(
      `hooks are disabled in ${f} ("disableAllHooks": true): nothing will be recorded until it is removed`,
    );
  if (!configured) ctx.warn('this repository is not configured for agent-log yet: run `git agent-log init`');
  if (!opts.local && added.length)
    ctx.err.write(
      'note: .claude/settings.json is shared; commit it so the whole team records runs (teammates without git-agent-log are not affected: the hook exits quietly)\n',
    );
  return 0;
}

export async function uninstall(ctx: InstallIO, opts: { local: boolean }): Promise<number | undefined> {
  const { root } = await rootOf(ctx);
  return removeFrom(ctx, readSettings(settingsPath(root, opts.local)));
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
