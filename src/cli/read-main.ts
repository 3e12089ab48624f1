// The read fast path: a hand-parsed `show`/`log`/`query`/`blame` (read-argv.ts) runs its command's handler
// straight away, without yargs, reading refs and objects from the git directory. Bundled alone as
// dist/read.cjs (with its own code cache) so these commands load a fraction of the CLI; main.ts
// runs the same function for in-process callers. To add a command: its spec in read-argv.ts (null for
// anything not fully understood), a READ_COMMANDS entry here, no static child_process/crypto import
// in what it loads (process.getBuiltinModule where used), its invocations in read-fast-path.test.ts.
import type { Context } from './context.js';
import type { CommandModule } from './main.js';
import { closeRepo, defaultContext, exitOnClosedStdout, reportError } from './invoke.js';
import type { ReadInvocation } from './read-argv.js';

/** The fast-path commands' modules (each loads only when its command runs). */
const READ_COMMANDS: Record<ReadInvocation['command'], () => Promise<Pick<CommandModule, 'handler'>>> = {
  show: () => import('./commands/show.js'),
  log: () => import('./commands/log.js'),
  query: () => import('./commands/query.js'),
  blame: () => import('./commands/blame.js'),
};

/** Run a parsed read invocation in `ctx` (its repository opened for direct reads). */
export async function runReadIn(invocation: ReadInvocation, ctx: Context): Promise<number> {
  const { handler } = await READ_COMMANDS[invocation.command]();
  return (await handler(invocation.args, ctx)) ?? 0;
}

/** The whole run of a read invocation: context, the top-level catch, closing the repository. */
export async function runRead(invocation: ReadInvocation, overrides: Partial<Context> = {}): Promise<number> {
  const ctx = defaultContext(overrides, () => ({ direct: true }));
  exitOnClosedStdout();
  try {
    return await runReadIn(invocation, ctx);
  } catch (e) {
    return reportError(ctx, e);
  } finally {
    await closeRepo(ctx);
  }
}
