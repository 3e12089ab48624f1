// Page long output like git: through $GIT_PAGER, core.pager, $PAGER or `less -FRX` (git's order)
// when stdout is a terminal.
import type { Context } from './context.js';

export async function pagerCommand(ctx: Context, noPager: boolean): Promise<string | null> {
  if (noPager || !ctx.isTTY) return null;
  const pager = ctx.env.GIT_PAGER ?? (await corePager(ctx)) ?? ctx.env.PAGER ?? 'less';
  if (pager === '' || pager === 'cat') return null;
  return pager;
}

/** `core.pager` of the repository (and the user's config), read only when about to page. */
async function corePager(ctx: Context): Promise<string | undefined> {
  try {
    const [repo, { configGetAll }] = await Promise.all([ctx.repo(), import('../git/setup.js')]);
    return (await configGetAll(repo.location, 'core.pager')).at(-1);
  } catch {
    return undefined; // no repository or no git: the environment decides
  }
}

/** Write `text` (a string, or its UTF-8 bytes) through the pager (or straight to ctx.out). */
export async function writePaged(ctx: Context, text: string | Uint8Array, noPager: boolean): Promise<void> {
  const pager = await pagerCommand(ctx, noPager);
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
