// When stdout gets colour, in git's order of precedence: `--color[=WHEN]` / `--no-color` on the
// command line, then the environment (NO_COLOR, no-color.org; CLICOLOR_FORCE and CLICOLOR, as gh
// reads them), then the terminal (a TTY, or git's pager when git runs us as `git agent-log` with
// `pager.agent-log` set; never TERM=dumb), and last git's own setting: `color.agent-log`, else
// `color.ui`, so `git config --global color.ui never` quiets us as it quiets git. git is asked only
// when everything else says yes, so a pipe never pays for a git process.
import type { Context } from './context.js';

export const COLOR_CHOICES = ['always', 'never', 'auto'] as const;

type ColorCtx = Pick<Context, 'isTTY' | 'env' | 'cwd'>;

/** Colour on stdout for this run; `when` is the `--color` option's value, if given. */
export function colorOn(ctx: ColorCtx, when?: string): boolean {
  if (when === 'always') return true;
  if (when === 'never') return false;
  const { env } = ctx;
  if (env.NO_COLOR) return false;
  if (env.CLICOLOR_FORCE && env.CLICOLOR_FORCE !== '0') return true;
  if (env.CLICOLOR === '0' || env.TERM === 'dumb' || !onTerminal(ctx)) return false;
  return gitWantsColor(ctx);
}

/** stdout reaches a person: a terminal, or the pager git started for us (it sets GIT_PAGER_IN_USE). */
export function onTerminal(ctx: Pick<Context, 'isTTY' | 'env'>): boolean {
  return ctx.isTTY || isTrue(ctx.env.GIT_PAGER_IN_USE);
}

/** The terminal's width: stdout's own, else COLUMNS (git exports it to what runs under its pager). */
export function terminalWidth(ctx: Pick<Context, 'env'>, fallback: number): number {
  const columns = Number(ctx.env.COLUMNS);
  return process.stdout.columns || (Number.isInteger(columns) && columns > 0 ? columns : fallback);
}

/**
 * git's answer for a terminal: `git config --get-colorbool color.agent-log true` reads
 * `color.agent-log`, falls back to `color.ui` (auto when unset) and follows includes. Without git,
 * or when it fails, colour stays on, as git's default.
 */
function gitWantsColor(ctx: ColorCtx): boolean {
  const { spawnSync } = process.getBuiltinModule('node:child_process');
  const r = spawnSync('git', ['config', '--get-colorbool', 'color.agent-log', 'true'], {
    cwd: ctx.cwd,
    env: ctx.env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return r.status !== 0 || r.stdout.trim() !== 'false';
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^(true|yes|on|1)$/i.test(value);
}
