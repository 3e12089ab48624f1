// GitHub Copilot CLI's project hooks: every .github/hooks/*.json of the repository is loaded, so ours
// live in a file of their own (.github/hooks/agent-log.json) and no other hook file is touched.
// Handlers are {type: "command", bash, timeoutSec}; the payloads name no event, so each command
// passes its event to the hook. Our hook prints nothing: preToolUse keeps Copilot's default
// permission flow ("empty output uses default behavior") and agentStop never forces another turn.
import { agentHookCommand } from '../hook-command.js';
import type { AgentHookTarget } from '../session/install-target.js';

export const COPILOT_EVENTS = [
  'sessionStart',
  'userPromptSubmitted',
  'preToolUse',
  'postToolUse',
  'postToolUseFailure',
  'subagentStop',
  'agentStop',
  'errorOccurred',
  'sessionEnd',
] as const;

export const COPILOT_HOOKS: AgentHookTarget = {
  label: 'GitHub Copilot CLI',
  file: '.github/hooks/agent-log.json',
  command: agentHookCommand('copilot'),
  flat: {
    events: COPILOT_EVENTS,
    handler: (event) => ({ type: 'command', bash: agentHookCommand('copilot', event), timeoutSec: 10 }),
    commandFields: ['bash', 'powershell'],
  },
  ownFile: true,
  notes: [
    'Copilot CLI runs repository hooks only in folders you trusted; commit .github/hooks/agent-log.json so the whole team records runs',
    'the hook is a bash command: on Windows, Copilot CLI needs Git Bash (or WSL) to run it',
  ],
};
