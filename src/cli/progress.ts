// A progress bar on stderr for long index builds: only on a terminal, only after a second.
import type { Context } from './context.js';

export function progressBar(
  ctx: Context,
  label: string,
): {
  update: (done: number, total: number) => void;
  done: () => void;
} {
  const tty = Boolean((ctx.err as { isTTY?: boolean }).isTTY);
  const started = Date.now();
  let drawn = false;
  return {
    update(done, total) {
      if (!tty || total === 0 || Date.now() - started < 1000) return;
      const width = 30;
      const filled = Math.round((done / total) * width);
      ctx.err.write(`\r${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total}`);
      drawn = true;
    },
    done() {
      if (drawn) ctx.err.write('\r\u001b[K');
    },
  };
}
