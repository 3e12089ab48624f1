// Dependency changes from manifest contents before and after a run. Pure.
import type { Dependency } from '../record/schema.js';

export function isManifestPath(path: string): boolean {
  return /(^|\/)package\.json$/.test(path);
}

export function dependencyChanges(path: string, before: string | null, after: string | null): Dependency[] {
  if (!/(^|\/)package\.json$/.test(path)) return [];
  const deps = (text: string | null): Record<string, string> => {
    if (!text) return {};
    try {
      const j = JSON.parse(text);
      return { ...j.devDependencies, ...j.dependencies };
    } catch {
      return {};
    }
  };
  const a = deps(before);
  const b = deps(after);
  const out: Dependency[] = [];
  for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (a[name] !== b[name]) out.push({ manifest: path, name, from: a[name] ?? null, to: b[name] ?? null });
  }
  return out;
}
