// Cursor's project hooks: .cursor/hooks.json ({"version": 1, "hooks": {event: [{command, …}]}}).
// Command hooks run with the project root as cwd and the payload on stdin. A recorder must not vote:
// our hook prints nothing on every event, so permission hooks (beforeShellExecution,
// beforeMCPExecution, beforeReadFile, preToolUse) and beforeSubmitPrompt keep Cursor's own flow;
// only an explicit policy rule of the guard answers (never by default). No timeout is written:
// Cursor's default applies (its unit has differed between releases).
import { agentHookCommand } from '../hook-command.js';
import type { AgentHookTarget } from '../session/install-target.js';

export const CURSOR_EVENTS = [
  'sessionStart',
  'beforeSubmitPrompt',
  'preToolUse',
  'postToolUse',
  'postToolUseFailure',
  'beforeShellExecution',
  'afterShellExecution',
  'beforeReadFile',
  'afterFileEdit',
  'subagentStart',
  'subagentStop',
  'stop',
  'sessionEnd',
] as const;

const command = agentHookCommand('cursor');

export const CURSOR_HOOKS: AgentHookTarget = {
  label: 'Cursor',
  file: '.cursor/hooks.json',
  command,
  flat: { events: CURSOR_EVENTS, handler: () => ({ command }), commandFields: ['command'] },
  notes: [
    'Cursor reloads .cursor/hooks.json on save; its Hooks output channel shows each run',
    'commit .cursor/hooks.json so the whole team records runs (the hook exits quietly where git-agent-log is not installed)',
  ],
};
