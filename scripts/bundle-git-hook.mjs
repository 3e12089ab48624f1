// Bundle the git hooks' fast path (src/cli/git-hook-entry.ts) into dist/git-hook/: the entry holds
// what prepare-commit-msg needs; post-commit's sealing code is a chunk loaded only when it runs.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/git-hook-entry.ts'],
  bundle: true,
  splitting: true,
  minify: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outdir: 'dist/git-hook',
  logLevel: 'warning',
  banner: {
    js: "import { createRequire as __agentLogRequire } from 'node:module'; const require = __agentLogRequire(import.meta.url);",
  },
});
