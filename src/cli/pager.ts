// Page long output like git: through $GIT_PAGER, $PAGER or `less -FRX` when stdout is a terminal.
import type { Context } from './context.js';

export function pagerCommand(ctx: Context, noPager: boolean): string | null {
  if (noPager || !ctx.isTTY) return null;
  const pager = ctx.env.GIT_PAGER ?? ctx.env.PAGER ?? 'less';
  if (pager === '' || pager === 'cat') return null;
  return pager;
}

/** Write `text` through the pager (or straight to ctx.out). */
export async function writePaged(ctx: Context, text: string, noPager: boolean): Promise<void> {
  const pager = pagerCommand(ctx, noPager);
  if (!pager) {
    ctx.out.write(text);
    return;
  }
  await new Promise<void>((resolve) => {
    // node:child_process loads only when a pager starts (piped output, the common case, needs none).
    const { spawn } = process.getBuiltinModule('node:child_process');
    const child = spawn(pager, {
      shell: true,
      stdio: ['pipe', 'inherit', 'inherit'],
      env: { LESS: 'FRX', LV: '-c', ...ctx.env },
    });
    child.on('error', () => {
      ctx.out.write(text);
      resolve();
    });
    child.on('close', () => resolve());
    child.stdin.on('error', () => {});
    child.stdin.end(text);
  });
}
