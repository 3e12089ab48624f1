// Derive checks from the commands of a run: one check per name with its final status, attempts,
// retries (re-runs after a failure), whether the final attempt ran after the last edit, and whether
// it was weakened. Pure.
import type { Check, CheckStatus, CommandRun } from '../record/schema.js';
import { detectWeakening } from './classify.js';

export interface EditMark {
  /** ISO time of an edit (tool edit or observed file change). */
  at: string;
}

export interface CheckContext {
  /** Times of edits made during the run (tool edits, shell commands that write files). */
  edits: EditMark[];
  /** Tree the run ended with (committed or working tree); compared with a command's `tree`. */
  endTree: string | null;
}

export function checkName(cmd: CommandRun): string {
  return cmd.check ?? cmd.command.trim().replace(/\s+/g, ' ');
}

/** Output that says the runner found nothing to run: the check did not check anything. */
const NOTHING_RAN =
  /no tests? (found|ran|to run|were found)|collected 0 items|0 passing|no test files found|no test suites found|ran 0 tests|testsuites: 0|no tests executed/i;

export function commandStatus(cmd: CommandRun): CheckStatus {
  if (cmd.denied === true) return 'skipped'; // the person said no: it never ran
  if (cmd.exit_code === 0) {
    if (cmd.output_tail && NOTHING_RAN.test(cmd.output_tail)) return 'skipped';
    return 'passed';
  }
  // pytest exits 5 when it collected no tests.
  if (cmd.exit_code === 5 && /\bpy\.?test\b/.test(cmd.command)) return 'skipped';
  if (cmd.exit_code === null) return cmd.interrupted ? 'failed' : 'not-run';
  return 'failed';
}

export function deriveChecks(commands: readonly CommandRun[], ctx: CheckContext): Check[] {
  const byName = new Map<string, { runs: CommandRun[]; positions: number[] }>();
  commands.forEach((c, i) => {
    if ((c.kind === 'other' || c.kind === 'install') && !c.check) return;
    const name = checkName(c);
    const entry = byName.get(name) ?? { runs: [], positions: [] };
    entry.runs.push(c);
    entry.positions.push(i);
    byName.set(name, entry);
  });
  const lastEdit =
    ctx.edits
      .map((e) => e.at)
      .sort()
      .at(-1) ?? null;
  const checks: Check[] = [];
  for (const [name, { runs, positions }] of byName) {
    const last = runs.at(-1)!;
    const lastPos = positions.at(-1)!;
    let retries = 0;
    for (let i = 1; i < runs.length; i++) if (commandStatus(runs[i - 1]!) === 'failed') retries++;
    const history = commands.slice(0, lastPos).map((c) => ({ command: c.command, exit_code: c.exit_code }));
    checks.push({
      name,
      kind: last.kind,
      status: commandStatus(last),
      attempts: runs.length,
      retries,
      after_last_edit: afterLastEdit(last, lastEdit, ctx.endTree),
      weakened: detectWeakening(last.command, history, Boolean(last.check)),
      command: last.command,
      exit_code: last.exit_code,
    });
  }
  return checks;
}

/**
 * Did this run see the final code? With a recorded tree (manual exec) compare it with the end tree;
 * otherwise compare its start time with the last edit; with neither, unknown (null).
 */
function afterLastEdit(run: CommandRun, lastEdit: string | null, endTree: string | null): boolean | null {
  if (run.tree && endTree) return run.tree === endTree;
  if (!lastEdit) return true;
  if (!run.started_at) return null;
  return Date.parse(run.started_at) > Date.parse(lastEdit);
}
