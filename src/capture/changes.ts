// What a run changed, from git: files (with line counts), dependency and configuration changes.
import type { GitEngine } from '../git/engine.js';
import type { ChangedFile, Dependency } from '../record/schema.js';
import { isConfigPath } from './config-files.js';
import { dependencyChanges, isManifestPath } from './deps.js';

export interface RunChanges {
  changed: ChangedFile[];
  dependencies: Dependency[];
  config_changes: string[];
}

/**
 * Diff two trees. `editedPaths` are files an agent's edit tool touched: they get via "edit"; other
 * changed files were changed by commands (`shell`) when the run ran any, else `unknown`.
 */
export async function describeChanges(
  engine: GitEngine,
  startTree: string,
  endTree: string,
  opts: { editedPaths?: ReadonlySet<string>; ranCommands?: boolean } = {},
): Promise<RunChanges> {
  if (startTree === endTree) return { changed: [], dependencies: [], config_changes: [] };
  const diff = await engine.diffTrees(startTree, endTree);
  const changed: ChangedFile[] = diff.map((d) => ({
    path: d.path,
    status: d.status,
    additions: d.additions,
    deletions: d.deletions,
    via: opts.editedPaths?.has(d.path) ? 'edit' : opts.ranCommands && opts.editedPaths ? 'shell' : 'unknown',
    ...(d.old_path ? { old_path: d.old_path } : {}),
    ...(d.binary ? { binary: true } : {}),
  }));
  const dependencies: Dependency[] = [];
  for (const d of diff) {
    if (!isManifestPath(d.path)) continue;
    const [before, after] = await Promise.all([
      readPath(engine, startTree, d.old_path ?? d.path),
      readPath(engine, endTree, d.path),
    ]);
    dependencies.push(...dependencyChanges(d.path, before, after));
  }
  const config_changes = diff.map((d) => d.path).filter(isConfigPath);
  return { changed, dependencies, config_changes };
}

/** Content of `path` in a tree, or null. */
export async function readPath(engine: GitEngine, tree: string, path: string): Promise<string | null> {
  let oid = tree;
  for (const part of path.split('/')) {
    const entry = (await engine.readTree(oid)).find((e) => e.name === part);
    if (!entry) return null;
    oid = entry.oid;
  }
  try {
    return (await engine.readBlob(oid)).toString('utf8');
  } catch {
    return null;
  }
}

/**
 * Files an edit tool changed are changed files on their own evidence: those the diff does not show
 * (no commit yet, or the change was later undone) are listed with unknown line counts, via "edit".
 */
export function withEditedFiles(
  changes: RunChanges,
  edited: readonly string[],
  status: Readonly<Record<string, string>> = {},
): RunChanges {
  const seen = new Set(changes.changed.flatMap((c) => (c.old_path ? [c.path, c.old_path] : [c.path])));
  const extra: ChangedFile[] = edited
    .filter((p) => p && !seen.has(p))
    .map((path) => ({
      path,
      status: status[path] ?? 'modified',
      additions: null,
      deletions: null,
      via: 'edit',
    }));
  if (!extra.length) return changes;
  return {
    ...changes,
    changed: [...changes.changed, ...extra],
    config_changes: [...changes.config_changes, ...extra.map((c) => c.path).filter(isConfigPath)],
  };
}
