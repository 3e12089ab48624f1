// xbuild.mjs OUTDIR : build read.cjs only (like bundle-cli.mjs) into OUTDIR/dist, other files from B
import { build } from 'esbuild';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
const out = process.argv[2] + '/dist/read.cjs';
await build({ bundle: true, minify: true, sourcemap: 'linked', platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning', charset: 'ascii',
  define: { 'import.meta.url': '__agentLogImportMetaUrl' }, alias: { 'string-width': './src/cli/shims/string-width.ts' }, external: ['hyparquet-writer', '@opentelemetry/*'],
  entryPoints: ['src/cli/read-main.ts'], outfile: out });
const b = readFileSync(out, 'utf8'); const a = b.replace(/[^\0-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`); if (a !== b) writeFileSync(out, a);
rmSync(out + '.cache', { force: true });
