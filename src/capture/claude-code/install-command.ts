// The shell of `install claude-code` / `uninstall claude-code`: find the settings file, change it,
// say what happened and what else the user must do.
import { relative } from 'node:path';
import { readSettings, writeSettings } from '../session/hook-settings.js';
import { type InstallIO, removeFrom, rootOf } from '../session/install-command.js';
import { addOurHooks, hooksDisabledIn, settingsPath } from './install.js';

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
