// Bundle the CLI (main + one entry per command, shared chunks) into dist/bundle/: one file to
// parse per command instead of hundreds, which halves start-up time.
import { readdirSync } from 'node:fs';
import { build } from 'esbuild';

const commands = readdirSync('src/cli/commands')
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
  .map((f) => `src/cli/commands/${f}`);

await build({
  entryPoints: ['src/cli/main.ts', ...commands],
  bundle: true,
  splitting: true,
  minify: true,
  sourcemap: 'linked',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outdir: 'dist/bundle',
  outbase: 'src',
  logLevel: 'warning',
  // yargs measures help text with string-width, whose emoji regex costs ~30 ms at every start.
  alias: { 'string-width': './src/cli/shims/string-width.ts' },
  banner: {
    js: "import { createRequire as __agentLogRequire } from 'node:module'; const require = __agentLogRequire(import.meta.url);",
  },
});
