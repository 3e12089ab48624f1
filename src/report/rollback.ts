// The rollback script of a run (bash), rendered from templates/rollback.sh or an override. Every
// recorded value is shell-quoted by the template engine, so a file named `$(touch pwned).ts` stays a name.
import type { RunRecord } from '../record/schema.js';
import { fullObjectIds } from '../record/commit-id.js';
import { planRollback } from './rollback-plan.js';
import { compileTemplate, type View } from './template.js';

export function renderRollbackScript(
  record: RunRecord,
  template: string,
  opts: { commits?: readonly string[]; original?: readonly string[] } = {},
): string {
  return compileTemplate(template, 'shell', 'rollback.sh').render(
    rollbackView(record, opts.commits, opts.original),
  );
}

/**
 * `commits`: the commits carrying the run today, newest first; `original`: its commits as first
 * sealed (default: the record's list, full object ids only).
 */
export function rollbackView(
  record: RunRecord,
  commits?: readonly string[],
  original?: readonly string[],
): View {
  const plan = planRollback(record, commits);
  return {
    id: record.id,
    title: record.task.intent.split('\n')[0]?.trim() || '(no task recorded)',
    start_commit: plan.startCommit ?? '',
    commits: plan.commits,
    original: fullObjectIds(original ?? [...record.repo.commits].reverse()),
    adopted: plan.adopted,
    paths: plan.paths,
    unsafe: plan.unsafe,
    reinstall: plan.reinstall,
    migrations: plan.migrations,
  };
}
