// `install <agent>` (and uninstall) for agents whose project hook file has the shared settings shape:
// add our hook to it, keeping every other key and hook, idempotent; uninstall removes only ours. Each
// agent names its file, events and units in an AgentHookTarget (codex/install.ts, gemini/install.ts).
import { rmSync } from 'node:fs';
import { relative } from 'node:path';
import { UsageError } from '../../errors.js';
import { addFlatHooks, type FlatHookSpec, removeFlatHooks } from './flat-hooks.js';
import {
  addOurHooks,
  type HookSpec,
  readSettings,
  removeOurHooks,
  type SettingsFile,
  writeSettings,
} from './hook-settings.js';
import { type InstallIO, rootOf } from './install-command.js';

type Json = Record<string, unknown>;

export interface AgentHookTarget {
  /** Shown to the user: "Codex CLI". */
  label: string;
  /** Project file, relative to the worktree root. */
  file: string;
  command: string;
  /** Our hooks in the shared settings shape (Claude, Codex, Gemini) … */
  spec?: HookSpec;
  /** … or in the flat shape (Cursor, Copilot CLI). */
  flat?: FlatHookSpec;
  /** The file is ours alone (Copilot's .github/hooks/<name>.json): uninstall deletes it once empty. */
  ownFile?: boolean;
  /** Lines to tell the user after installing (trust prompts, feature flags). */
  notes: string[];
  /** Why our hooks would not run with this settings file (e.g. hooks switched off). */
  disabledBy?(settings: Record<string, unknown>): string | null;
}

function addTo(target: AgentHookTarget, settings: Json) {
  if (target.flat) return addFlatHooks(settings, target.flat);
  if (!target.spec) throw new Error(`${target.label}: no hook spec`);
  return addOurHooks(settings, target.command, target.spec);
}

function removeFromSettings(target: AgentHookTarget, settings: Json) {
  return target.flat ? removeFlatHooks(settings, target.flat) : removeOurHooks(settings);
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
      const { settings, added, upgraded } = addTo(target, file.value);
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
      const file = openTarget(root, target, opts.local);
      const shown = relative(ctx.cwd, file.path) || file.path;
      const { settings, removed } = removeFromSettings(target, file.value);
      if (!removed.length) {
        ctx.out.write(`no agent-log hooks in ${shown}\n`);
        return 0;
      }
      const rest = Object.keys(settings).filter((k) => k !== 'version');
      if (target.ownFile && rest.length === 0) rmSync(file.path, { force: true });
      else writeSettings(file, settings);
      ctx.out.write(`removed agent-log hooks from ${shown} (${removed.length} events)\n`);
      return 0;
    },
  };
}
