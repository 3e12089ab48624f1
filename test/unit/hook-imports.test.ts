// The hook path stays narrow: everything the hook entry loads, transitively, is node built-ins, the
// journal, the redactor, errors, its own hook helpers and the guard core (with the pure modules it
// shares with the seal: globs, path kinds, IDs, command classes, prices) — never yargs, zod or a git
// engine. Type-only imports are erased by the compiler and not followed.
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
    for (const m of text.matchAll(
      /^\s*(?:import|export)\s(?!type\s)[^'"]*?from\s+'([^']+)'|import\('([^']+)'\)/gm,
    )) {
      const spec = m[1] ?? m[2]!;
      if (spec.endsWith('.json')) local.add(join(dirname(file), spec));
      else if (spec.startsWith('.')) todo.push(join(dirname(file), spec.replace(/\.js$/, '.ts')));
      else external.add(spec);
    }
  }
  return { local, external };
}

const GUARD_SHARED = [
  'record/glob.ts',
  'record/path-kinds.ts',
  'record/id.ts',
  'record/json-bounds.ts',
  'capture/classify.ts',
  'capture/shell-words.ts',
  'capture/session/cost.ts',
  'capture/prices.json',
];

test('the hook entry imports only node, journal, redact, errors, capture/hook and the guard core', () => {
  const { local, external } = graph(join(SRC, 'capture/hook-entry.ts'));
  const files = [...local].map((f) => relative(SRC, f)).sort();
  for (const f of files)
    if (!GUARD_SHARED.includes(f))
      expect(f, f).toMatch(
        /^(capture\/hook-entry\.ts|capture\/hook\/|capture\/guard\/|journal\/|redact\/|errors\.ts$)/,
      );
  for (const e of external) expect(e, e).toMatch(/^node:/);
  expect(files).toContain('redact/redactor.ts');
  expect(files).toContain('journal/journal.ts');
  expect(files).toContain('capture/guard/guard.ts');
});

test('the guard core imports nothing with dependencies of its own', () => {
  const { external } = graph(join(SRC, 'capture/guard/guard.ts'));
  for (const e of external) expect(e, e).toMatch(/^node:/);
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
    expect(f, f).not.toMatch(/^(git\/|record\/schema|cli\/(main|commands\/)|index\/|report\/)/);
  expect(files).toContain('capture/commit-runs.ts');
});
