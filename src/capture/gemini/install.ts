// Gemini CLI's project hooks: .gemini/settings.json, its events, units and what to tell the user (reference/agent-formats.md §5.1).
import { agentHookCommand } from '../hook-command.js';
import type { AgentHookTarget } from '../session/install-target.js';

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
