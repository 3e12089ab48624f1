// GitHub Copilot CLI behind the agent adapter (../session/adapter.ts): its hook payloads. Its hooks
// report no token usage, and its session state files are not read yet: a Copilot run has no cost and
// cannot be imported after the fact.
import { UsageError } from '../../errors.js';
import { type AgentAdapter, hookLines } from '../session/adapter.js';
import { copilotHookEvents } from './hook-events.js';

export const copilot: AgentAdapter = {
  name: 'copilot',
  label: 'GitHub Copilot CLI',
  journalEvents: (lines) => copilotHookEvents(hookLines(lines)),
  sessionFileFacts: () => ({ cost: null, version: null }),
  importFile(path) {
    throw new UsageError(
      `${path}: Copilot CLI sessions are recorded by its hooks (git agent-log install copilot); import is not supported`,
    );
  },
  installer: () => import('./install-command.js'),
};
