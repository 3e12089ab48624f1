// Claude Code's hooks: the events we install in .claude/settings.json (or settings.local.json), and
// the settings that switch every hook off. The merge itself is shared (../session/hook-settings.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentHookCommand } from '../hook-command.js';
import {
  addOurHooks as addHooks,
  type HookSpec,
  isOurHandler,
  removeOurHooks,
} from '../session/hook-settings.js';

export { isOurHandler, removeOurHooks };

export const HOOK_EVENTS = [
  'SessionStart',
  'UserPromptSubmit',
  'PreToolUse',
  'PostToolUse',
  'PostToolUseFailure',
  'SubagentStart',
  'SubagentStop',
  'Stop',
  'PreCompact',
  'SessionEnd',
  'Notification',
  'PermissionDenied',
] as const;

/** Events whose matcher is a tool name: we match every tool. */
const TOOL_EVENTS = new Set(['PreToolUse', 'PostToolUse', 'PostToolUseFailure', 'PermissionDenied']);

export const CLAUDE_HOOKS: HookSpec = {
  events: HOOK_EVENTS,
  toolEvents: TOOL_EVENTS,
  matcher: '*',
  timeout: 10,
};

export const HOOK_COMMAND = agentHookCommand('claude-code');

/** Our hooks added to a settings file (Claude Code's by default). */
export function addOurHooks(
  settings: Record<string, unknown>,
  command = HOOK_COMMAND,
  spec: HookSpec = CLAUDE_HOOKS,
): ReturnType<typeof addHooks> {
  return addHooks(settings, command, spec);
}

export function settingsPath(root: string, local: boolean): string {
  return join(root, '.claude', local ? 'settings.local.json' : 'settings.json');
}

/** Settings files of this project that disable every hook. */
export function hooksDisabledIn(root: string, home: string | undefined): string[] {
  const files = [settingsPath(root, false), settingsPath(root, true)];
  if (home) files.push(join(home, '.claude', 'settings.json'));
  return files.filter((f) => {
    try {
      const v = JSON.parse(readFileSync(f, 'utf8'));
      return v?.disableAllHooks === true;
    } catch {
      return false;
    }
  });
}
