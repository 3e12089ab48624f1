// Risk level of a run, with the reasons, from the record alone. Pure.
// High: a boundary breach, secrets-adjacent files, migrations, or no passing check after the last edit
// when code changed. Medium: dependencies, configuration, many files, failed or weakened checks.
import { recordBreaches } from './boundary.js';
import {
  isConfigPath,
  isManifest,
  isMigrationCommand,
  isMigrationPath,
  isSecretsAdjacent,
} from './path-kinds.js';
import type { RunRecord } from './schema.js';

export const MANY_FILES = 20;

type Level = 'low' | 'medium' | 'high';

export function assessRisk(record: RunRecord): { level: Level; reasons: string[] } {
  const high: string[] = [];
  const medium: string[] = [];
  const changed = record.files.changed;
  const paths = changed.flatMap((f) => (f.old_path ? [f.old_path, f.path] : [f.path]));

  const breaches = recordBreaches(record);
  if (breaches.length) {
    const n = new Set(breaches.map((b) => b.path)).size;
    high.push(`boundary breach: ${n} ${plural(n, 'file')} outside the allowed or inside the denied globs`);
  }
  const secrets = paths.filter(isSecretsAdjacent);
  if (secrets.length)
    high.push(`secrets-adjacent ${plural(secrets.length, 'file')} changed: ${list(secrets)}`);
  const migrations = paths.filter(isMigrationPath);
  const migrationCommands = record.commands.filter((c) => isMigrationCommand(c.command));
  if (migrations.length) high.push(`${plural(migrations.length, 'migration')} changed: ${list(migrations)}`);
  else if (migrationCommands.length) high.push('a migration command ran');

  if (changed.length) {
    const passingAfter = record.checks.some((c) => c.status === 'passed' && c.after_last_edit === true);
    if (!record.checks.length) high.push('no check ran');
    else if (!passingAfter) high.push('no passing check after the last edit');
  }

  const deps = record.dependencies;
  const manifests = paths.filter(isManifest);
  if (deps.length) medium.push(`${deps.length} ${plural(deps.length, 'dependency', 'dependencies')} changed`);
  else if (manifests.length) medium.push(`dependency manifest changed: ${list(manifests)}`);
  const config = [...new Set([...record.config_changes, ...paths.filter(isConfigPath)])];
  if (config.length) medium.push(`configuration changed: ${list(config)}`);
  if (changed.length >= MANY_FILES) medium.push(`many files changed (${changed.length})`);
  const failed = record.checks.filter((c) => c.status === 'failed');
  if (failed.length) medium.push(`${failed.length} ${plural(failed.length, 'check')} failed`);
  const weakened = record.checks.filter((c) => c.weakened);
  if (weakened.length) medium.push(`${weakened.length} ${plural(weakened.length, 'check')} weakened`);
  const skipped = record.checks.filter((c) => c.status === 'skipped' || c.status === 'not-run');
  if (skipped.length) medium.push(`${skipped.length} ${plural(skipped.length, 'check')} skipped or not run`);

  const stale = record.checks.filter((c) => c.after_last_edit === false);
  if (stale.length)
    medium.push(`${stale.length} ${plural(stale.length, 'check')} ran only before the last edit`);

  const reasons = [...high, ...medium];
  const level: Level = high.length || medium.length >= 3 ? 'high' : medium.length ? 'medium' : 'low';
  return { level, reasons };
}

function plural(n: number, one: string, many = `${one}s`): string {
  return n === 1 ? one : many;
}

function list(items: readonly string[], max = 3): string {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}
