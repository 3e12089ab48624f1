// `install <agent> [--local]`: add our hooks to the agent's project settings, keeping everything else.
import type { Argv } from 'yargs';
import { AGENT_NAMES, agentAdapter, agentNamed } from '../../capture/registry.js';
import type { AgentInstaller } from '../../capture/session/adapter.js';
import { UsageError } from '../../errors.js';
import type { Context } from '../context.js';

export const command = 'install <agent>';
export const describe =
  "Add our hooks to an agent's project settings (claude-code, codex, gemini, cursor, copilot)";

export const builder = (y: Argv) =>
  y
    .positional('agent', { type: 'string', describe: 'claude-code | codex | gemini | cursor | copilot' })
    .option('local', {
      type: 'boolean',
      default: false,
      describe: 'write the personal, uncommitted settings file',
    });

export async function loadInstaller(agent: string): Promise<AgentInstaller> {
  const name = agentNamed(agent);
  if (!name) throw new UsageError(`unknown agent '${agent}' (known: ${AGENT_NAMES.join(', ')})`);
  return agentAdapter(name).installer();
}

export async function handler(argv: { agent: string; local: boolean }, ctx: Context) {
  return (await loadInstaller(argv.agent)).install(ctx, { local: argv.local });
}
