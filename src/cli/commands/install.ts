// `install <agent> [--local]`: add our hooks to the agent's project settings, keeping everything else.
import type { Argv } from 'yargs';
import { agentNamed } from '../../capture/agents.js';
import { UsageError } from '../../errors.js';
import type { Context } from '../context.js';

/** One installer per agent; each module exports install(ctx, opts) and uninstall(ctx, opts). */
export const INSTALLERS: Record<string, () => Promise<AgentInstaller>> = {
  'claude-code': () => import('../../capture/claude-code/install-command.js'),
  codex: () => import('../../capture/codex/install-command.js'),
  gemini: () => import('../../capture/gemini/install-command.js'),
};

export interface AgentInstaller {
  install(ctx: Context, opts: { local: boolean }): Promise<number | undefined>;
  uninstall(ctx: Context, opts: { local: boolean }): Promise<number | undefined>;
}

export const command = 'install <agent>';
export const describe = "Add our hooks to an agent's project settings (claude-code, codex, gemini)";

export const builder = (y: Argv) =>
  y.positional('agent', { type: 'string', describe: 'claude-code | codex | gemini' }).option('local', {
    type: 'boolean',
    default: false,
    describe: 'write the personal, uncommitted settings file',
  });

export async function loadInstaller(agent: string): Promise<AgentInstaller> {
  const name = agentNamed(agent) ?? agent;
  const load = INSTALLERS[name];
  if (!load) throw new UsageError(`unknown agent '${agent}' (known: ${Object.keys(INSTALLERS).join(', ')})`);
  return load();
}

export async function handler(argv: { agent: string; local: boolean }, ctx: Context) {
  return (await loadInstaller(argv.agent)).install(ctx, { local: argv.local });
}
