// `install aider` / `uninstall aider`: Aider has no hooks to install into. Say what records its sessions.
import { UsageError } from '../../errors.js';
import type { AgentInstaller } from '../session/adapter.js';

const HOW =
  'Aider has no hooks: wrap it (git agent-log run --agent aider -- aider …) or import its chat history after a session (git agent-log import aider .aider.chat.history.md)';

export const install: AgentInstaller['install'] = async () => {
  throw new UsageError(HOW);
};
export const uninstall: AgentInstaller['uninstall'] = async () => {
  throw new UsageError(HOW);
};
