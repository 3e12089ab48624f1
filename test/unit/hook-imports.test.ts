// The hook path stays narrow: everything the hook entry loads, transitively, is node built-ins, the
// journal, the redactor, errors and its own hook helpers — never yargs, zod or a git engine.
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { expect, test } from 'vitest';

const SRC = resolve(__dirname, '../../src');

function graph(entry: string): { local: Set<string>; external: Set<string> } {
  const local = new Set<string>();
  const external = new Set<string>();
  const todo = [entry];
  while (todo.length) {
    const file = todo.pop()!;
    if (local.has(file)) continue;
    local.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'|import\('([^']+)'\)/gm)) {
      const spec = m[1] ?? m[2]!;
      if (spec.startsWith('.')) todo.push(join(dirname(file), spec.replace(/\.js$/, '.ts')));
      else external.add(spec);
    }
  }
  return { local, external };
}

test('the hook entry imports only node, journal, redact, errors and capture/hook', () => {
  const { local, external } = graph(join(SRC, 'capture/hook-entry.ts'));
  const files = [...local].map((f) => relative(SRC, f)).sort();
  for (const f of files)
    expect(f, f).toMatch(/^(capture\/hook-entry\.ts|capture\/hook\/|journal\/|redact\/|errors\.ts$)/);
  for (const e of external) expect(e, e).toMatch(/^node:/);
  expect(files).toContain('redact/redactor.ts');
  expect(files).toContain('journal/journal.ts');
});

/** Static imports only: what loads before any dynamic import() runs. */
function staticGraph(entry: string): { local: Set<string>; external: Set<string> } {
  const local = new Set<string>();
  const external = new Set<string>();
  const todo = [entry];
  while (todo.length) {
    const file = todo.pop()!;
    if (local.has(file)) continue;
    local.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^\s*(?:import|export)\s(?!type\s)[^'"]*?from\s+'([^']+)'/gm)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) todo.push(join(dirname(file), spec.replace(/\.js$/, '.ts')));
      else external.add(spec);
    }
  }
  return { local, external };
}

test('the git hooks fast path loads no CLI, no schema and no git engine before post-commit needs them', () => {
  const { local, external } = staticGraph(join(SRC, 'cli/git-hook-entry.ts'));
  const files = [...local].map((f) => relative(SRC, f)).sort();
  for (const e of external) expect(e, e).toMatch(/^node:/);
  for (const f of files)
    expect(f, f).not.toMatch(/^(git\/|record\/|cli\/(main|commands\/)|index\/|report\/)/);
  expect(files).toContain('capture/commit-runs.ts');
});
