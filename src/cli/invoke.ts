// What every run of a command shares, on the yargs path (main.ts) and the read fast path
// (read-main.ts): the default context, the one top-level catch, closing the repository.
import { isAgentLogError } from '../errors.js';
import { openRepo, type Repo } from '../git/repo.js';
import { displayLine } from '../record/display.js';
import type { Context } from './context.js';

export interface RepoOptions {
  /** --engine, as given (main.ts reads it before yargs runs). */
  engine?: string;
  /** The hand-parsed read commands read refs and objects from the git directory. */
  direct?: boolean;
}

const opened = new WeakMap<Context, Promise<Repo>>();

export function defaultContext(
  overrides: Partial<Context> = {},
  options: () => RepoOptions = () => ({}),
): Context {
  let repo: Promise<Repo> | null = null;
  const env = overrides.env ?? process.env;
  const cwd = overrides.cwd ?? process.cwd();
  const err = overrides.err ?? process.stderr;
  const ctx: Context = {
    cwd,
    env,
    out: process.stdout,
    err,
    isTTY: Boolean(process.stdout.isTTY),
    now: () => new Date(),
    repo: () => {
      const { engine, direct } = options();
      repo ??= openRepo(cwd, { engine, env, direct });
      opened.set(ctx, repo);
      return repo;
    },
    warn: (m) => err.write(`warning: ${displayLine(m)}\n`),
    ...overrides,
  };
  return ctx;
}

/** `git agent-log log | head`: a closed stdout ends the run quietly. */
export function exitOnClosedStdout(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
  });
}

/** The one top-level catch: one line on stderr (and a hint), the error's exit code. */
export function reportError(ctx: Context, e: unknown): number {
  if (isAgentLogError(e)) {
    // Messages echo input (a revision, a path, a record's text): shown, never acted on.
    ctx.err.write(`error: ${displayLine(e.message)}\n`);
    if (e.hint) ctx.err.write(`hint: ${displayLine(e.hint)}\n`);
    return e.exitCode;
  }
  const msg = e instanceof Error ? e.message : String(e);
  ctx.err.write(`error: ${displayLine(msg.split('\n')[0] ?? '')}\n`);
  if (ctx.env.AGENT_LOG_DEBUG && e instanceof Error) ctx.err.write(`${e.stack}\n`);
  return 1;
}

export async function closeRepo(ctx: Context): Promise<void> {
  try {
    await (await opened.get(ctx))?.engine.close();
  } catch {
    // never opened, or opening failed: nothing to close
  }
}
