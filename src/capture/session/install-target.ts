// `install <agent>` (and uninstall) for agents whose project hook file has the shared settings shape:
// add our hook to it, keeping every other key and hook, idempotent; uninstall removes only ours. Each
// agent names its file, events and units in an AgentHookTarget (codex/install.ts, gemini/install.ts).
import { relative } from 'node:path';
import { UsageError } from '../../errors.js';
import {
  addOurHooks,
  type HookSpec,
  readSettings,
  type SettingsFile,
  writeSettings,
} from './hook-settings.js';
import { type InstallIO, removeFrom, rootOf } from './install-command.js';

export interface AgentHookTarget {
  /** Shown to the user: "Codex CLI". */
  label: string;
  /** Project file, relative to the worktree root. */
  file: string;
  command: string;
  spec: HookSpec;
  /** Lines to tell the user after installing (trust prompts, feature flags). */
  notes: string[];
  /** Why our hooks would not run with this settings file (e.g. hooks switched off). */
  disabledBy?(settings: Record<string, unknown>): string | null;
}

function openTarget(root: string, target: AgentHookTarget, local: boolean): SettingsFile {
  if (local)
    throw new UsageError(
      `${target.label} has no personal project hook file; --local applies to claude-code only`,
    );
  return readSettings(`${root}/${target.file}`);
}

export function installerFor(target: AgentHookTarget) {
  return {
    async install(ctx: InstallIO, opts: { local: boolean }): Promise<number | undefined> {
      const { root, configured } = await rootOf(ctx);
      const file = openTarget(root, target, opts.local);
      const { settings, added, upgraded } = addOurHooks(file.value, target.command, target.spec);
      const shown = relative(ctx.cwd, file.path) || file.path;
      if (added.length || upgraded.length) writeSettings(file, settings);
      if (added.length) {
        ctx.out.write(`installed ${target.label} hooks in ${shown} (${added.length} events)\n`);
        for (const note of target.notes) ctx.out.write(`note: ${note}\n`);
      }
      if (upgraded.length)
        ctx.out.write(`upgraded ${target.label} hooks in ${shown} (${upgraded.length} events)\n`);
      if (!added.length && !upgraded.length)
        ctx.out.write(`${target.label} hooks already installed in ${shown}\n`);
      const off = target.disabledBy?.(settings);
      if (off)
        ctx.warn(`hooks are disabled in ${shown} (${off}): nothing will be recorded until that is removed`);
      if (!configured)
        ctx.warn('this repository is not configured for agent-log yet: run `git agent-log init`');
      return 0;
    },
    async uninstall(ctx: InstallIO, opts: { local: boolean }): Promise<number | undefined> {
      const { root } = await rootOf(ctx);
      return removeFrom(ctx, openTarget(root, target, opts.local));
    },
  };
}
