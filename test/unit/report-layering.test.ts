// report/ is data in, text out: it imports only record/, its own modules and markdown-it; never git,
// the store, node's child_process or fs.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test } from 'vitest';
import { ROOT } from '../helpers/repo.js';

const dir = join(ROOT, 'src', 'report');

test('src/report imports nothing but src/record, itself and markdown-it', () => {
  const bad: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const source = readFileSync(join(dir, file), 'utf8');
    for (const m of source.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/gm)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) {
        const target = resolve(dir, spec);
        if (!target.startsWith(dir) && !target.startsWith(join(ROOT, 'src', 'record')))
          bad.push(`${file}: ${spec}`);
      } else if (spec !== 'markdown-it') bad.push(`${file}: ${spec}`);
    }
  }
  expect(bad).toEqual([]);
});
