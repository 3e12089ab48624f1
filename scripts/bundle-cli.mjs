// Bundle the CLI into one CommonJS file, dist/cli.cjs, and the read fast path into dist/read.cjs,
// both started by dist/cli/boot.cjs through V8's code cache. One file each and no chunks: each
// command module stays lazy inside it (esbuild initialises a dynamically imported module on first
// use), and a whole bundle compiles from one cache entry.
// Then warm the cache: run the common commands once in a scratch repository and save what V8
// compiled, so the first real run already starts from cached code.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { BUILD_KEY, buildDefine } from './build-key.mjs';

/** What every bundle here (CLI, read path, boot, index worker) is: minified CommonJS for Node 20, with maps. */
const common = {
  bundle: true,
  minify: true,
  sourcemap: 'linked',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
};

/** A bundle boot.ts compiles through the code cache: pure ASCII, its own URL supplied by boot.ts. */
const booted = {
  ...common,
  // Pure ASCII: the source is then a one-byte string (half the memory, no UTF-8 decoding at start).
  charset: 'ascii',
  // supplied by boot.ts: the bundle's own file URL (package root, templates)
  define: { 'import.meta.url': '__agentLogImportMetaUrl', ...buildDefine },
  // One function expression that boot.ts compiles as it reads it (no wrapper to join at every start):
  // the parameters of esbuild's CommonJS output plus the stand-in for import.meta.url. Before it, the
  // build's key, which tags the bundle's code cache (boot.ts buildTag).
  banner: {
    js: `/*agent-log build ${BUILD_KEY}*/(function (exports, require, module, __filename, __dirname, __agentLogImportMetaUrl) {`,
  },
  footer: { js: '})' },
  // yargs measures help text with string-width, whose emoji regex costs ~30 ms at every start.
  alias: { 'string-width': './src/cli/shims/string-width.ts' },
  // Export-only libraries stay in node_modules, required when `export` writes that format
  // (src/export/library.ts), so every other command's bundle, code cache and start-up stay as they
  // were; listed here too so that a static import of one can never pull it into the bundle.
  external: ['hyparquet-writer', '@opentelemetry/*'],
};

/**
 * esbuild leaves non-ASCII characters inside regular expression literals; as \u escapes they mean the
 * same there (and in strings), and the whole source stays a one-byte string when boot.cjs reads it.
 */
function asciiOnly(file) {
  const bundled = readFileSync(file, 'utf8');
  const ascii = bundled.replace(/[^\0-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (ascii !== bundled) writeFileSync(file, ascii);
  rmSync(`${file}.cache`, { force: true });
}

// The whole CLI, and the read fast path alone (show/log/query as read-argv.ts parses them): a
// fraction of the CLI's code, so those commands read, deserialise and run less at every start.
await build({ ...booted, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.cjs' });
asciiOnly('dist/cli.cjs');
await build({ ...booted, entryPoints: ['src/cli/read-main.ts'], outfile: 'dist/read.cjs' });
asciiOnly('dist/read.cjs');

// `show HEAD --json` in its common case, smaller still (src/cli/show-main.ts): it hands everything
// else to read.cjs. Its point is what it leaves out, so the build fails if zod, yargs or the zod
// half of the record code (schema.ts, note-lines.ts) ever gets into it.
const show = await build({
  ...booted,
  entryPoints: ['src/cli/show-main.ts'],
  outfile: 'dist/show.cjs',
  metafile: true,
});
const SHOW_MUST_NOT_LOAD = [
  /(^|\/)node_modules\/(zod|yargs[^/]*)\//,
  /^src\/record\/(schema|note-lines)\.ts$/,
  /^src\/cli\/(main|read-main|invoke)\.ts$/,
];
const strays = Object.keys(show.metafile.inputs).filter((f) => SHOW_MUST_NOT_LOAD.some((re) => re.test(f)));
if (strays.length) throw new Error(`dist/show.cjs must not bundle ${strays.join(', ')}`);
asciiOnly('dist/show.cjs');

// `blame` of many lines from the index's facts file (src/cli/blame-main.ts), the same way: it hands
// everything else to read.cjs, and the build fails if it reaches what show.cjs must not.
const blame = await build({
  ...booted,
  entryPoints: ['src/cli/blame-main.ts'],
  outfile: 'dist/blame.cjs',
  metafile: true,
});
const blameStrays = Object.keys(blame.metafile.inputs).filter((f) =>
  SHOW_MUST_NOT_LOAD.some((re) => re.test(f)),
);
if (blameStrays.length) throw new Error(`dist/blame.cjs must not bundle ${blameStrays.join(', ')}`);
asciiOnly('dist/blame.cjs');

// What bin/ requires: boot.ts as CommonJS (no ES module loader at start), beside its tsc build.
await build({
  ...common,
  entryPoints: ['src/cli/boot.ts'],
  outfile: 'dist/cli/boot.cjs',
  banner: { js: 'var __agentLogImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  define: { 'import.meta.url': '__agentLogImportMetaUrl', ...buildDefine },
});

// The worker thread of a large cold index build (src/index/worker-build.ts), beside the CLI bundle.
await build({
  ...common,
  entryPoints: ['src/index/worker-entry.ts'],
  outfile: 'dist/index-worker.cjs',
  banner: { js: 'var __agentLogImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  define: { 'import.meta.url': '__agentLogImportMetaUrl', ...buildDefine },
});

if (process.env.AGENT_LOG_NO_WARM !== '1') {
  const dir = mkdtempSync(join(tmpdir(), 'agent-log-warm-'));
  try {
    const env = {
      ...process.env,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: 'Warm',
      GIT_AUTHOR_EMAIL: 'warm@example.com',
      GIT_COMMITTER_NAME: 'Warm',
      GIT_COMMITTER_EMAIL: 'warm@example.com',
    };
    for (const k of Object.keys(env)) if (k.startsWith('AGENT_LOG_')) delete env[k];
    const git = (...a) => execFileSync('git', a, { cwd: dir, env, stdio: 'ignore' });
    git('init', '-q', '-b', 'main');
    writeFileSync(join(dir, 'a.txt'), 'one\ntwo\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'warm');
    // A blame of one line takes the facts file's way too (the first writes it, the second reads it).
    Object.assign(process.env, env, { AGENT_LOG_BLAME_FACTS_FROM: '1' });
    process.stdout.setMaxListeners(0); // each in-process run() listens for EPIPE
    const { warmCodeCache } = createRequire(import.meta.url)('../dist/cli/boot.cjs');
    await warmCodeCache(
      [
        ['start', '--task', 'warm the code cache'],
        ['finish', '--commit', 'HEAD'],
        ['show', 'HEAD', '--json'],
        ['show', 'HEAD'],
        ['log'],
        // again, now that `log` has built the index: show.cjs answers it to the end
        ['show', 'HEAD', '--json'],
        ['query', '--file', 'a.txt', '--format', '%id'],
        ['blame', 'a.txt', '--json'],
        ['blame', 'a.txt'],
        ['blame', 'a.txt'],
        ['stats'],
        ['pr'],
        ['verify'],
      ],
      dir,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
