// A progress bar on stderr for long index builds: only on a terminal, only after a second
// (AGENT_LOG_PROGRESS_AFTER_MS sets the wait: tests draw it at once). Once every note is read, a
// large build still writes its index for a few seconds: the bar says so rather than sit full.
import type { Context } from './context.js';
import type { BuildStage } from '../index/open.js';

export function progressBar(
  ctx: Context,
  label: string,
): {
  update: (done: number, total: number, stage?: BuildStage) => void;
  done: () => void;
} {
  const tty = Boolean((ctx.err as { isTTY?: boolean }).isTTY);
  const started = Date.now();
  const after = Number(process.env.AGENT_LOG_PROGRESS_AFTER_MS || 1000);
  let drawn = false;
  return {
    update(done, total, stage) {
      if (!tty || total === 0 || Date.now() - started < after) return;
      const width = 30;
      const filled = Math.round((done / total) * width);
      const what = stage === 'writing' ? ', writing the index' : '';
      ctx.err.write(
        `\r${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total}${what}`,
      );
      drawn = true;
    },
    done() {
      if (drawn) ctx.err.write('\r\u001b[K');
    },
  };
}
