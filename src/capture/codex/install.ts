// Codex CLI's project hooks: .codex/hooks.json, its events, units and what to tell the user (reference/agent-formats.md §4.2).
import { agentHookCommand } from '../hook-command.js';
import type { AgentHookTarget } from '../session/install-target.js';

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
