// The CLI entry: yargs wiring, lazy command loading, one top-level catch that turns typed errors
// into one line on stderr and an exit code. Only bin/ sets the process exit code.
import type { Argv } from 'yargs';
import { UsageError } from '../errors.js';
import { COMMAND_MODULES } from './commands/index.js';
import type { Context } from './context.js';
import { closeRepo, defaultContext as baseContext, exitOnClosedStdout, reportError } from './invoke.js';
import { hookHelp } from './hook-usage.js';
import { packageVersion } from './package-root.js';
import { colorWords, parseReadInvocation } from './read-argv.js';
import { runReadIn } from './read-main.js';
import { unknownCommand, usageErrorFrom } from './usage-errors.js';

export interface CommandModule {
  command: string | string[];
  describe: string;
  builder?: (y: Argv) => Argv<unknown>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each command declares its own argument type
  handler: (argv: any, ctx: Context) => Promise<number | undefined> | Promise<void> | number | undefined;
}

let engineFlag: string | undefined;
/** Set for the hand-parsed read commands: they read refs and objects from the git directory. */
let directReads = false;

export function defaultContext(overrides: Partial<Context> = {}): Context {
  return baseContext(overrides, () => ({ engine: engineFlag, direct: directReads }));
}

async function load(name: string): Promise<CommandModule> {
  return COMMAND_MODULES[name]!();
}

export async function run(argv: string[], overrides: Partial<Context> = {}): Promise<number> {
  const ctx = defaultContext(overrides);
  exitOnClosedStdout();
  try {
    // `show`/`log`/`query`/`blame` in their common forms skip yargs (and its loading) altogether.
    const fast = ctx.env.AGENT_LOG_SLOW_PATH === '1' ? null : parseReadInvocation(argv);
    directReads = fast !== null;
    if (fast) return await runReadIn(fast, ctx);
    return await runWithYargs(argv, ctx);
  } catch (e) {
    return reportError(ctx, e);
  } finally {
    await closeRepo(ctx);
  }
}

async function runWithYargs(argv: string[], ctx: Context): Promise<number> {
  let code = 0;
  if (argv[0] === 'version') argv = ['--version', ...argv.slice(1)];
  if (argv[0] === 'help' && argv[1] === 'hook') {
    ctx.out.write(hookHelp());
    return 0;
  }
  argv = freeTextValues(helpArgs(argv));
  const engineAt = argv.findIndex((a) => a === '--engine' || a.startsWith('--engine='));
  if (engineAt >= 0)
    engineFlag = argv[engineAt]!.includes('=') ? argv[engineAt]!.split('=')[1] : argv[engineAt + 1];
  const first = argv.find((a) => !a.startsWith('-'));
  // `git agent-log -- log`: yargs would take every word after `--` as data and run nothing
  if (argv[0] === '--')
    throw new UsageError("'--' before the command", 'see git agent-log help for the commands');
  if (argv[0] !== undefined && !argv[0].startsWith('-')) {
    const unknown = unknownCommand(argv[0], Object.keys(COMMAND_MODULES));
    if (unknown) throw unknown;
  }
  const names = first && first in COMMAND_MODULES ? [first] : Object.keys(COMMAND_MODULES);
  const running = names.length === 1 ? names[0]! : null;
  let usage: string | null = null;
  const { default: yargs } = await import('yargs');
  let y = yargs([...colorWords(argv)])
    .scriptName('git agent-log')
    .usage(
      'git agent-log <command> [options]\n\nA flight recorder for AI coding agents, stored in git notes.',
    )
    .option('pager', {
      type: 'boolean',
      default: true,
      describe: 'page long output on a terminal (--no-pager: never)',
      global: true,
    })
    .option('engine', {
      type: 'string',
      choices: ['native', 'isomorphic'],
      describe: 'git engine (default: native)',
      global: true,
    })
    .strict()
    .exitProcess(false)
    .fail((msg, err, usageOf) => {
      if (err) throw err;
      // yargs hands its usage instance here (typed as Argv): its descriptions name every option.
      const described = (usageOf as unknown as { getDescriptions?: () => Record<string, unknown> })
        .getDescriptions;
      const options = Object.keys(described?.call(usageOf) ?? {});
      throw usageErrorFrom({ message: msg, argv, command: running, usage, options });
    })
    .epilogue(
      'git agent-log help COMMAND prints the options of one command; git agent-log --help opens the ' +
        'manual (man git-agent-log). Agents call git agent-log hook AGENT (see help hook).',
    )
    .demandCommand(1, 'no command given')
    .help()
    .alias('h', 'help')
    .version(packageVersion())
    .wrap(Math.min(110, process.stdout.columns || 100));
  for (const name of names) {
    const mod = await load(name);
    if (name === running) usage = [mod.command].flat()[0]!;
    y = y.command(mod.command, mod.describe, mod.builder ?? ((b: Argv) => b), async (args) => {
      const bare = optionWithoutValue(argv, args);
      if (bare) throw new UsageError(`${bare} needs a value`, `see git agent-log ${name} --help`);
      code = (await mod.handler(args, ctx)) ?? 0;
    });
  }
  await y.parseAsync();
  return code;
}

/** `help [COMMAND]` is `[COMMAND] --help`, as in git-lfs and gh; an unknown COMMAND is a usage error. */
function helpArgs(argv: string[]): string[] {
  if (argv[0] !== 'help') return argv;
  const name = argv[1];
  if (name === undefined) return ['--help'];
  const unknown = unknownCommand(name, Object.keys(COMMAND_MODULES));
  if (unknown) throw unknown;
  if (name === 'help') return ['--help'];
  if (name === 'version') return ['--version'];
  return [name, '--help'];
}

/** Options whose value is free text: it may start with dashes (`--constraint "-----BEGIN…"`). */
const FREE_TEXT = new Set([
  '--task',
  '--constraint',
  '--note',
  '--reason',
  '--text',
  '--rollback',
  '--boundary',
  '--for',
]);

/**
 * yargs reads a word starting with `-` as a flag, so `--constraint "-----BEGIN KEY-----"` lost its
 * value. The word after a free-text option is its value unless it looks like a flag itself (`-x`,
 * `--name`, `--name=…`); before `--` only. `--constraint=-x` works for any value.
 */
/**
 * An option that takes a value, given without one (`query --file`, `log -n`, `exec --check -- …`):
 * yargs reads it as an empty string or list, and `query --agent` matched every run. As typed, or null.
 */
export function optionWithoutValue(argv: readonly string[], args: Record<string, unknown>): string | null {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    const m = /^--?([A-Za-z][\w-]*)$/.exec(a);
    const next = argv[i + 1];
    if (!m || (next !== undefined && (next === '' || !next.startsWith('-')))) continue;
    const v = args[m[1]!];
    if (v === '' || (Array.isArray(v) && v.length === 0) || Number.isNaN(v)) return a;
  }
  return null;
}

export function freeTextValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return [...out, ...argv.slice(i)];
    const next = argv[i + 1];
    if (
      FREE_TEXT.has(a) &&
      next !== undefined &&
      next.startsWith('-') &&
      next !== '--' &&
      !/^(-[A-Za-z]|--[A-Za-z][\w-]*(=.*)?)$/s.test(next)
    ) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}
