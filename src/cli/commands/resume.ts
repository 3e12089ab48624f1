// `resume`: start recording again; open runs get a gap event, so their records show the pause.
import { resume } from '../../store/pause.js';
import type { Context } from '../context.js';

export const command = 'resume';
export const describe = 'Start recording again after `pause` (open runs record the gap)';

export async function handler(_argv: unknown, ctx: Context) {
  const { location } = await ctx.repo();
  const { gap, runs } = resume(location, ctx.now());
  if (!gap) {
    ctx.err.write('agent-log: not paused\n');
    return;
  }
  const on = runs.length ? `; gap noted on ${runs.join(', ')}` : '';
  ctx.err.write(`agent-log: recording again (paused ${gap.from} → ${gap.to})${on}\n`);
}
