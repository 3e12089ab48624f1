// Derive checks from the commands of a run: one check per name, final status, attempts,
// whether the final attempt ran after the last edit. Pure.
import type { Check, CommandRun } from '../record/schema.js';

export interface EditMark {
  /** ISO time of an edit (tool edit or observed file change). */
  at: string;
}

export interface CheckContext {
  /** Times of edits made during the run (tool edits). */
  edits: EditMark[];
  /** Tree the run ended with (committed or working tree); compared with a command's `tree`. */
  endTree: string | null;
}

export function checkName(cmd: CommandRun): string {
  return cmd.check ?? cmd.command.trim().replace(/\s+/g, ' ');
}

export function deriveChecks(commands: readonly CommandRun[], ctx: CheckContext): Check[] {
  const byName = new Map<string, CommandRun[]>();
  for (const c of commands) {
    if (c.kind === 'other' && !c.check) continue;
    const name = checkName(c);
    byName.set(name, [...(byName.get(name) ?? []), c]);
  }
  const lastEdit =
    ctx.edits
      .map((e) => e.at)
      .sort()
      .at(-1) ?? null;
  const checks: Check[] = [];
  for (const [name, runs] of byName) {
    const last = runs.at(-1)!;
    const status =
      last.exit_code === 0 ? 'passed' : last.exit_code === null && !last.interrupted ? 'not-run' : 'failed';
    let afterLastEdit: boolean | null = null;
    if (last.tree && ctx.endTree) afterLastEdit = last.tree === ctx.endTree;
    else if (lastEdit && last.started_at) afterLastEdit = last.started_at > lastEdit;
    else if (!lastEdit) afterLastEdit = true;
    checks.push({
      name,
      kind: last.kind,
      status,
      attempts: runs.length,
      after_last_edit: afterLastEdit,
      weakened: null,
      command: last.command,
      exit_code: last.exit_code,
    });
  }
  return checks;
}
