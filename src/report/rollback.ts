// The rollback script of a run (bash), rendered from templates/rollback.sh or an override. Every
// recorded value is shell-quoted by the template engine, so a file named `$(touch pwned).ts` stays a name.
import type { RunRecord } from '../record/schema.js';
import { planRollback } from './rollback-plan.js';
import { compileTemplate, type View } from './template.js';

export function renderRollbackScript(
  record: RunRecord,
  template: string,
  opts: { commits?: readonly string[] } = {},
): string {
  return compileTemplate(template, 'shell', 'rollback.sh').render(rollbackView(record, opts.commits));
}

export function rollbackView(record: RunRecord, commits?: readonly string[]): View {
  const plan = planRollback(record, commits);
  return {
    id: record.id,
    title: record.task.intent.split('\n')[0]?.trim() || '(no task recorded)',
    start_commit: plan.startCommit ?? '',
    commits: plan.commits,
    adopted: plan.adopted,
    paths: plan.paths,
    unsafe: plan.unsafe,
    reinstall: plan.reinstall,
    migrations: plan.migrations,
  };
}
