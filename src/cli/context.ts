// What every command handler receives: streams, environment, clock and a lazily opened repository.
// Tests pass their own; main() builds the default one from the process.
import type { Writable } from 'node:stream';
import type { Repo } from '../git/repo.js';

export interface Context {
  cwd: string;
  env: NodeJS.ProcessEnv;
  out: Writable;
  err: Writable;
  /** stdout is a terminal (paging, progress bars, colours). */
  isTTY: boolean;
  now(): Date;
  /** Open the repository around `cwd` (engine chosen by --engine / AGENT_LOG_ENGINE). Cached. */
  repo(): Promise<Repo>;
  /** Print a warning line on stderr (`warning: …`). */
  warn(message: string): void;
}

/** Colour on stdout: a terminal, unless NO_COLOR is set (no-color.org) or TERM=dumb (as git). */
export function colorOn(ctx: Pick<Context, 'isTTY' | 'env'>): boolean {
  return ctx.isTTY && !ctx.env.NO_COLOR && ctx.env.TERM !== 'dumb';
}
