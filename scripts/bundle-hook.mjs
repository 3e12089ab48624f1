// Bundle the hook entry into one file so `git agent-log hook …` loads a single small module.
import { existsSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const entry = 'src/capture/hook-entry.ts';
if (existsSync(entry)) {
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: 'dist/hook-entry.mjs',
    logLevel: 'warning',
  });
} else {
  writeFileSync('dist/hook-entry.mjs', 'export async function runHook() {}\n');
}
