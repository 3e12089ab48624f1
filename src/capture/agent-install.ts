// `install codex` / `install gemini` (and uninstall): add our hook to the agent's project hook file,
// keeping every other key and hook, idempotent; uninstall removes only ours. The file formats share
// Claude's shape ({"hooks": {Event: [{matcher?, hooks: [{type, command, timeout}]}]}}), so the Claude
// installer's merge does the work with each agent's events and units (reference/agent-formats.md §4.2, §5.1).
import { relative } from 'node:path';
import { UsageError } from '../errors.js';
import {
  addOurHooks,
  type HookSpec,
  readSettings,
  type SettingsFile,
  writeSettings,
} from './claude-code/install.js';
import { type InstallIO, removeFrom, rootOf } from './claude-code/install-command.js';
import { agentHookCommand } from './hook-command.js';

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

export const CODEX_HOOKS: AgentHookTarget = {
  label: 'Codex CLI',
  file: '.codex/hooks.json',
  command: agentHookCommand('codex'),
  spec: {
    events: ['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse', 'Stop'],
    toolEvents: new Set(['PreToolUse', 'PostToolUse']),
    // Codex matchers are regular expressions; without one the hook runs for every tool.
    matcher: null,
    timeout: 10, // seconds
  },
  notes: [
    'Codex asks you to review and trust project hooks before they run: accept them on the next start',
    'hooks are on by default in current Codex; older releases need `[features] codex_hooks = true` in ~/.codex/config.toml',
    'sessions without hooks can still be recorded afterwards: git agent-log import codex ~/.codex/sessions/…/rollout-….jsonl',
  ],
};

export const GEMINI_HOOKS: AgentHookTarget = {
  label: 'Gemini CLI',
  file: '.gemini/settings.json',
  command: agentHookCommand('gemini'),
  spec: {
    events: ['SessionStart', 'BeforeAgent', 'BeforeTool', 'AfterTool', 'AfterAgent', 'SessionEnd'],
    toolEvents: new Set(['BeforeTool', 'AfterTool']),
    matcher: null,
    timeout: 10_000, // milliseconds
    name: 'agent-log',
  },
  notes: [
    'Gemini CLI warns when project hook commands change: accept the warning on the next start',
    'sessions without hooks can still be recorded afterwards: git agent-log import gemini ~/.gemini/tmp/<project>/chats/session-….jsonl',
  ],
  disabledBy(settings) {
    const cfg = settings.hooksConfig;
    if (cfg && typeof cfg === 'object' && (cfg as Record<string, unknown>).enabled === false)
      return '"hooksConfig": {"enabled": false}';
    return null;
  },
};

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
