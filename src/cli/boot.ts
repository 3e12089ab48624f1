// Start the CLI from its bundles through V8's code cache. The common read invocations (read-argv.ts)
// load only dist/read.cjs, the small read fast path; everything else loads dist/cli.cjs, the whole
// CLI. Each bundle is compiled from cached data (<bundle>.cache) when it matches this node (most of
// start-up was compiling); a missing or rejected cache is written after the run, for the next one,
// and the build writes both after a warm-up of the common commands (scripts/bundle-cli.mjs).
// bin/ requires the CommonJS build of this file (dist/cli/boot.cjs): no ES module loader at start.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';
import type { Context } from './context.js';
import type { BlameOverrides } from './blame-main.js';
import {
  parseReadInvocation,
  type ReadInvocation,
  smallBlameInvocation,
  smallShowInvocation,
} from './read-argv.js';
import type { ShowOverrides } from './show-main.js';
import { writeStdout } from './write-stdout.js';

type RunFn = (argv: string[], overrides?: Partial<Context>) => Promise<number>;
type RunReadFn = (invocation: ReadInvocation, overrides?: Partial<Context>) => Promise<number>;
type RunShowFn = (invocation: ReadInvocation, overrides?: ShowOverrides) => Promise<number | null>;
type RunBlameFn = (
  invocation: ReadInvocation,
  overrides?: BlameOverrides,
  starting?: () => void,
) => Promise<number | ReadInvocation | null>;

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..');

interface Loaded<T> {
  exports: T;
  script: vm.Script;
  fromCache: boolean;
  /** What its code cache starts with (buildTag), or null: never cached. */
  tag: Buffer | null;
}

/** Bytes of a code cache's tag: a multiple of 8, so that V8's data after it stays aligned (no copy). */
const TAG_BYTES = 32;

/**
 * The tag of a bundle's code cache: the build the bundle names in its first bytes
 * (`/*agent-log build <key>*\/`, scripts/bundle-cli.mjs). V8 checks a cache against the source's
 * length only: a cache made for another source of the same length (a run of the previous build that
 * saves its cache after a build replaced the bundle; a bundle copied over an install) would be taken,
 * and the old code run. A cache is used only under its own bundle's tag; a bundle that names no build
 * is compiled from source every time.
 */
function buildTag(source: string): Buffer | null {
  const key = /^\/\*agent-log build ([0-9a-z]{1,24})\*\//.exec(source.slice(0, 64))?.[1];
  return key ? Buffer.from(`agent-log ${key}`.padEnd(TAG_BYTES - 1, ' ') + '\n', 'latin1') : null;
}

/**
 * Compile and run a bundle. The build wrote it as one function expression taking the parameters
 * esbuild's CommonJS output expects, plus the stand-in for import.meta.url (scripts/bundle-cli.mjs),
 * and in ASCII only: read as latin1 (no UTF-8 decoding) and compiled as read (no wrapper joined to
 * it, which V8 then copied into one flat string), about 2.5 ms of a read command's start.
 */
function load<T>(name: 'cli.cjs' | 'read.cjs' | 'show.cjs' | 'blame.cjs'): Loaded<T> {
  const bundle = join(DIST, name);
  const source = readFileSync(bundle, 'latin1');
  const tag = buildTag(source);
  let cachedData: Buffer | undefined;
  try {
    const cache = tag ? readFileSync(`${bundle}.cache`) : null;
    if (cache?.subarray(0, TAG_BYTES).equals(tag!)) cachedData = cache.subarray(TAG_BYTES);
  } catch {
    // no cache yet: compile from source
  }
  const script = new vm.Script(source, { filename: bundle, cachedData });
  const module = { exports: {} as T };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper(module.exports, createRequire(bundle), module, bundle, DIST, pathToFileURL(bundle).href);
  return {
    exports: module.exports,
    script,
    fromCache: cachedData !== undefined && !script.cachedDataRejected,
    tag,
  };
}

/** Write a bundle's code cache next to it (atomically; a read-only install simply goes without). */
function saveCodeCache({ script, tag }: Loaded<unknown>, name: string): void {
  if (!tag) return;
  const cache = `${join(DIST, name)}.cache`;
  try {
    const tmp = `${cache}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.concat([tag, script.createCachedData()]));
    renameSync(tmp, cache);
  } catch {
    // not writable here: every run compiles from source, as without a cache
  }
}

/** The invocation the read fast path takes, or null (AGENT_LOG_SLOW_PATH=1 forces the full CLI). */
function readInvocation(argv: string[], env: NodeJS.ProcessEnv): ReadInvocation | null {
  return env.AGENT_LOG_SLOW_PATH === '1' ? null : parseReadInvocation(argv);
}

export async function boot(argv: string[]): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === 'version')) {
    const version = ownVersion();
    if (version !== null) {
      writeStdout(`${version}\n`);
      return 0;
    }
  }
  let fast = readInvocation(argv, process.env);
  let flagged = false;
  if (fast && smallBlameInvocation(fast)) {
    const loaded = load<{ runBlame: RunBlameFn }>('blame.cjs');
    const { exports, fromCache } = loaded;
    const answered = await exports.runBlame(fast, {}, () => {
      if (!fromCache) return;
      noOptimizingCompiler();
      flagged = true;
    });
    if (!fromCache) saveCodeCache(loaded, 'blame.cjs');
    if (typeof answered === 'number') return answered;
    if (answered) fast = answered; // git blame ran: its lines go along
  }
  if (fast && smallShowInvocation(fast)) {
    const loaded = load<{ runShow: RunShowFn }>('show.cjs');
    const { exports, fromCache } = loaded;
    const code = await exports.runShow(fast);
    if (!fromCache) saveCodeCache(loaded, 'show.cjs');
    if (code !== null) return code;
  }
  if (fast) {
    const loaded = load<{ runRead: RunReadFn }>('read.cjs');
    const { exports, fromCache } = loaded;
    if (fromCache && fast.command === 'blame') noOptimizingCompiler();
    const code = await exports.runRead(fast);
    // Not after blame.cjs set the flag: a cache made under it would be rejected by every other run.
    if (!fromCache && !flagged) saveCodeCache(loaded, 'read.cjs');
    return code;
  }
  const loaded = load<{ run: RunFn }>('cli.cjs');
  const { exports, fromCache } = loaded;
  const code = await exports.run(argv);
  if (!fromCache) saveCodeCache(loaded, 'cli.cjs');
  return code;
}

/**
 * `--version` without the whole CLI (yargs, every command's options: about 70 ms of CPU): the version
 * in our package.json, as yargs prints it. null when that file cannot be read; the CLI then answers.
 */
function ownVersion(): string | null {
  try {
    const pkg = JSON.parse(readFileSync(join(DIST, '..', 'package.json'), 'utf8')) as {
      name?: unknown;
      version?: unknown;
    };
    return pkg.name === 'git-agent-log' && typeof pkg.version === 'string' ? pkg.version : null;
  } catch {
    return null;
  }
}

/**
 * No optimizing compiler (V8's TurboFan) for the rest of this run: `blame` runs its loops over 2,000
 * lines and runs for a few hundred ms, and compiling them on background threads cost more CPU than
 * the faster code saved (about 35-45 ms of ~180, measured). Set only after the code cache was
 * accepted: V8 folds its flags into the cache's check, and a run that found the cache good never
 * rewrites it, so the cache always matches a run without this flag. (blame.cjs sets it just before
 * it starts git blame; should it then hand over, read.cjs's cache is rejected for that run and not
 * rewritten: it only does so when its git blame ran and the index was no longer as it had checked.)
 */
function noOptimizingCompiler(): void {
  process.getBuiltinModule('node:v8').setFlagsFromString('--max-opt=1');
}

/** bin/git-agent-log: run the CLI on this process's arguments and set its exit code. */
export function main(): void {
  void boot(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

/**
 * For the build: run `commands` in one process (output discarded), each through the bundle boot()
 * would load for it, then save the caches they warmed.
 */
export async function warmCodeCache(commands: string[][], cwd: string): Promise<void> {
  const { Writable } = await import('node:stream');
  const sink = () =>
    new Writable({
      write(_chunk, _enc, done) {
        done();
      },
    });
  let cli: Loaded<{ run: RunFn }> | undefined;
  let read: Loaded<{ runRead: RunReadFn }> | undefined;
  let show: Loaded<{ runShow: RunShowFn }> | undefined;
  let blame: Loaded<{ runBlame: RunBlameFn }> | undefined;
  for (const argv of commands) {
    const overrides = { cwd, out: sink(), err: sink() };
    let fast = readInvocation(argv, process.env);
    if (fast && smallBlameInvocation(fast)) {
      blame ??= load('blame.cjs');
      const answered = await blame.exports.runBlame(fast, overrides);
      if (typeof answered === 'number') continue;
      if (answered) fast = answered;
    }
    if (fast && smallShowInvocation(fast)) {
      show ??= load('show.cjs');
      if ((await show.exports.runShow(fast, overrides)) !== null) continue;
    }
    if (fast) {
      read ??= load('read.cjs');
      await read.exports.runRead(fast, overrides);
    } else {
      cli ??= load('cli.cjs');
      await cli.exports.run(argv, overrides);
    }
  }
  if (cli) saveCodeCache(cli, 'cli.cjs');
  if (read) saveCodeCache(read, 'read.cjs');
  if (show) saveCodeCache(show, 'show.cjs');
  if (blame) saveCodeCache(blame, 'blame.cjs');
}
