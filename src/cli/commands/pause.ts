// `pause`: stop recording in this repository until `resume` (the hook and every command record
// nothing). For one process or one agent run, set AGENT_LOG_DISABLE=1 instead.
import type { Argv } from 'yargs';
import { pause } from '../../store/pause.js';
import type { Context } from '../context.js';

export const command = 'pause';
export const describe = 'Stop recording in this repository until `resume`';

export const builder = (y: Argv) =>
  y.option('reason', { type: 'string', default: 'paused', describe: 'kept in the gap the record shows' });

export async function handler(argv: { reason: string }, ctx: Context) {
  const { location } = await ctx.repo();
  const { state, already } = pause(location, ctx.now(), String(argv.reason) || 'paused');
  ctx.err.write(
    already
      ? `agent-log: already paused since ${state.since}\n`
      : 'agent-log: paused; nothing is recorded until `git agent-log resume`\n',
  );
}
