// The build's key: a hash of what the bundles are made from (the sources, the templates and the
// package's version), given to every bundle as __AGENT_LOG_BUILD__ (src/index/build-key.ts). Caches
// that hold what this code rendered (blame's facts file beside the index) are read only by the build
// that wrote them: a new release, or a local build of changed sources, starts them over.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

function files(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]))
    .sort();
}

export function buildKey() {
  const hash = createHash('sha256');
  hash.update(JSON.parse(readFileSync('package.json', 'utf8')).version);
  for (const file of [...files('src'), ...files('templates')])
    hash.update(`\0${file}\0`).update(readFileSync(file));
  return hash.digest('hex').slice(0, 16);
}

export const BUILD_KEY = buildKey();

/** The esbuild `define` that names this build in a bundle. */
export const buildDefine = { __AGENT_LOG_BUILD__: JSON.stringify(BUILD_KEY) };
