// Start the CLI from its single bundle (dist/cli.cjs) through V8's code cache: the bundle is compiled
// from cached data when dist/cli.cjs.cache matches this node (most of start-up was compiling the
// bundle's modules). A missing or rejected cache is written after the run, for the next one; the
// build writes one after a warm-up of the common commands (scripts/bundle-cli.mjs).
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';
import type { Context } from './context.js';

type RunFn = (argv: string[], overrides?: Partial<Context>) => Promise<number>;

const BUNDLE = join(dirname(fileURLToPath(import.meta.url)), '..', 'cli.cjs');
const CACHE = `${BUNDLE}.cache`;
// The parameters esbuild's CommonJS output expects, plus the stand-in for import.meta.url.
const HEAD = '(function (exports, require, module, __filename, __dirname, __agentLogImportMetaUrl) {';

interface Loaded {
  run: RunFn;
  script: vm.Script;
  fromCache: boolean;
}

function load(): Loaded {
  const source = readFileSync(BUNDLE, 'utf8');
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(CACHE);
  } catch {
    // no cache yet: compile from source
  }
  const script = new vm.Script(`${HEAD}${source}\n})`, { filename: BUNDLE, cachedData });
  const module = { exports: {} as { run: RunFn } };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper(module.exports, createRequire(BUNDLE), module, BUNDLE, dirname(BUNDLE), pathToFileURL(BUNDLE).href);
  return {
    run: module.exports.run,
    script,
    fromCache: cachedData !== undefined && !script.cachedDataRejected,
  };
}

/** Write the code cache next to the bundle (atomically; a read-only install simply goes without). */
export function saveCodeCache(script: vm.Script): void {
  try {
    const tmp = `${CACHE}.${process.pid}.tmp`;
    writeFileSync(tmp, script.createCachedData());
    renameSync(tmp, CACHE);
  } catch {
    // not writable here: every run compiles from source, as without a cache
  }
}

export async function boot(argv: string[]): Promise<number> {
  const { run, script, fromCache } = load();
  const code = await run(argv);
  if (!fromCache) saveCodeCache(script);
  return code;
}

/** For the build: run `commands` in one process (output discarded), then save the cache they warmed. */
export async function warmCodeCache(commands: string[][], cwd: string): Promise<void> {
  const { run, script } = load();
  const { Writable } = await import('node:stream');
  const sink = () =>
    new Writable({
      write(_chunk, _enc, done) {
        done();
      },
    });
  for (const argv of commands) await run(argv, { cwd, out: sink(), err: sink() });
  saveCodeCache(script);
}
