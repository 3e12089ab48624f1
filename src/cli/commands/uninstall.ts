// `uninstall <agent> [--local]`: remove only our hooks from the agent's project settings.
import type { Argv } from 'yargs';
import type { Context } from '../context.js';
import { loadInstaller } from './install.js';

export const command = 'uninstall <agent>';
export const describe = "Remove our hooks from an agent's project settings";

export const builder = (y: Argv) =>
  y
    .positional('agent', { type: 'string', describe: 'claude-code | codex | gemini | cursor | copilot' })
    .option('local', { type: 'boolean', default: false, describe: 'the personal settings file' });

export async function handler(argv: { agent: string; local: boolean }, ctx: Context) {
  return (await loadInstaller(argv.agent)).uninstall(ctx, { local: argv.local });
}
