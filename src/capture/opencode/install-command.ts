// `install opencode` / `uninstall opencode`: our plugin file in the project's OpenCode plugin directory
// (./plugin.ts says what it does). OpenCode reads `.opencode/plugin/` and `.opencode/plugins/` (one
// level, *.js and *.ts); ours goes where the project keeps its plugins, else in `.opencode/plugin/`,
// the directory every OpenCode release reads. Only a file that starts with our mark is ours: install
// never overwrites, and uninstall never removes, a user's plugin.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { UsageError } from '../../errors.js';
import type { AgentInstaller } from '../session/adapter.js';
import { type InstallIO, rootOf } from '../session/install-command.js';
import { PLUGIN_FILE, PLUGIN_MARK, pluginSource } from './plugin.js';

export const PLUGIN_DIRS = ['.opencode/plugin', '.opencode/plugins'] as const;

const read = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
};

/** Our plugin files under a worktree root (normally one), by path. */
export function installedPlugins(root: string): { path: string; text: string }[] {
  return PLUGIN_DIRS.map((d) => join(root, d, PLUGIN_FILE)).flatMap((path) => {
    const text = read(path);
    return text !== null && text.startsWith(PLUGIN_MARK) ? [{ path, text }] : [];
  });
}

function refuseLocal(local: boolean) {
  if (local)
    throw new UsageError(
      'OpenCode has no personal project plugin directory; --local applies to claude-code only',
    );
}

export const install: AgentInstaller['install'] = async (ctx: InstallIO, opts) => {
  refuseLocal(opts.local);
  const { root, configured } = await rootOf(ctx);
  const source = pluginSource();
  const shown = (p: string) => relative(ctx.cwd, p) || p;
  const mine = installedPlugins(root);
  if (mine.length) {
    for (const { path, text } of mine) {
      if (text === source) ctx.out.write(`OpenCode plugin already installed: ${shown(path)}\n`);
      else {
        writeFileSync(path, source, { mode: 0o644 });
        ctx.out.write(`upgraded the OpenCode plugin: ${shown(path)}\n`);
      }
    }
  } else {
    const dir = join(root, existsSync(join(root, PLUGIN_DIRS[1])) ? PLUGIN_DIRS[1] : PLUGIN_DIRS[0]);
    const path = join(dir, PLUGIN_FILE);
    if (existsSync(path))
      throw new UsageError(
        `${shown(path)} exists and is not git-agent-log's plugin; rename it, then install again`,
      );
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, source, { mode: 0o644 });
    ctx.out.write(`installed the OpenCode plugin: ${shown(path)}\n`);
    ctx.out.write('note: OpenCode loads plugins when it starts: restart OpenCode sessions that are open\n');
    ctx.out.write(
      `note: commit ${relative(root, path)} so the whole team records runs (the hook exits quietly where git-agent-log is not installed)\n`,
    );
  }
  if (!configured) ctx.warn('this repository is not configured for agent-log yet: run `git agent-log init`');
  return 0;
};

export const uninstall: AgentInstaller['uninstall'] = async (ctx: InstallIO, opts) => {
  refuseLocal(opts.local);
  const { root } = await rootOf(ctx);
  const mine = installedPlugins(root);
  if (!mine.length) {
    ctx.out.write(`no git-agent-log plugin in ${PLUGIN_DIRS.join(' or ')}\n`);
    return 0;
  }
  for (const { path } of mine) {
    rmSync(path, { force: true });
    ctx.out.write(`removed the OpenCode plugin: ${relative(ctx.cwd, path) || path}\n`);
    // the directory goes too when the plugin was all it held
    const dir = join(path, '..');
    try {
      if (readdirSync(dir).length === 0) rmdirSync(dir);
    } catch {
      // gone already, or not ours to judge
    }
  }
  return 0;
};

/**
 * For `doctor`: whether a project that uses OpenCode (an `.opencode/` folder or an opencode.json) has
 * our plugin, as this version writes it.
 */
export function opencodePluginState(root: string): 'installed' | 'outdated' | 'missing' | 'unused' {
  const mine = installedPlugins(root);
  if (mine.length) return mine.every((p) => p.text === pluginSource()) ? 'installed' : 'outdated';
  const used = ['.opencode', 'opencode.json', 'opencode.jsonc'].some((f) => existsSync(join(root, f)));
  return used ? 'missing' : 'unused';
}
