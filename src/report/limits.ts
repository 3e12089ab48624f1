// The packet's "Limits" section: the budget given against what the run used, every guard rule that
// fired, human stops and overrides (who, when), and the attempt this run follows. Data in, view out.
import type { RunRecord } from '../record/schema.js';
import type { View } from './template.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const usd = (v: unknown) => (num(v) === null ? '—' : `$${num(v)!.toFixed(2)}`);
const count = (v: unknown) => (num(v) === null ? '—' : num(v)!.toLocaleString('en-US'));

/** The guard's evidence on a record (`limits`), or null when the guard never watched the run. */
export function recordLimits(record: RunRecord): Obj | null {
  const l = (record as Obj).limits;
  return isObj(l) ? l : null;
}

/** The rules that fired on the run (refused or warned), each once, in the order they first fired. */
export function firedRuleNames(record: RunRecord): string[] {
  const fired = recordLimits(record)?.fired;
  if (!Array.isArray(fired)) return [];
  return [...new Set(fired.filter(isObj).map((f) => String(f.rule)))];
}

/** Budget rows: what was given, what was used. */
export function budgetRows(record: RunRecord): { what: string; given: string; used: string }[] {
  const l = recordLimits(record);
  if (!l) return [];
  const given = isObj(l.given) ? l.given : {};
  const used = isObj(l.used) ? l.used : {};
  const rows: { what: string; given: string; used: string }[] = [];
  const add = (what: string, g: unknown, u: string, always = false) => {
    if (g !== undefined || always)
      rows.push({ what, given: g === undefined ? 'no limit' : String(g), used: u });
  };
  add(
    'Spend, this run',
    given.usd_per_run === undefined ? undefined : usd(given.usd_per_run),
    usd(used.usd),
    true,
  );
  add(
    'Tokens, this run',
    given.tokens_per_run === undefined ? undefined : count(given.tokens_per_run),
    count(used.tokens),
    true,
  );
  if (given.usd_per_task !== undefined || used.task_usd !== undefined)
    add(
      'Spend, this task',
      given.usd_per_task === undefined ? 'no limit' : usd(given.usd_per_task),
      usd(used.task_usd ?? used.usd),
    );
  if (given.usd_per_day !== undefined) add('Spend, repository per day', usd(given.usd_per_day), '—');
  add('Minutes', given.max_minutes, num(used.minutes) === null ? '—' : String(used.minutes), true);
  add('Attempts', given.max_attempts, String(num(used.attempt) ?? 1), given.max_attempts !== undefined);
  add('Same check failing, no edit between', given.same_check_failures, '—');
  add('Check failures in all', given.check_failures_total, '—');
  add('Same command, same result', given.same_command_repeats, '—');
  if (num(used.tool_calls) !== null) add('Tool calls', undefined, count(used.tool_calls), true);
  return rows;
}

export function limitsView(record: RunRecord): View | null {
  const l = recordLimits(record);
  const attemptOf = str((record.task as Obj).attempt_of);
  if (!l && !attemptOf) return null;
  // Entries that are not objects (a damaged or hand-edited note) are passed over, not read.
  const fired = Array.isArray(l?.fired) ? (l!.fired as unknown[]).filter(isObj) : [];
  const byRule = new Map<
    string,
    { rule: string; decision: string; count: number; at: string; reason: string }
  >();
  for (const f of fired) {
    const rule = str(f.rule) ?? '?';
    const key = `${rule}\u0000${f.decision}`;
    const seen = byRule.get(key);
    if (seen) seen.count++;
    else
      byRule.set(key, {
        rule,
        decision: f.decision === 'warned' ? 'Warned' : 'Refused',
        count: 1,
        at: str(f.at) ?? 'unknown',
        reason: str(f.reason) ?? '',
      });
  }
  const stopped = l && isObj(l.stopped) ? l.stopped : null;
  const overrides = Array.isArray(l?.overrides) ? (l!.overrides as unknown[]).filter(isObj) : [];
  return {
    rows: budgetRows(record),
    fired: [...byRule.values()],
    stopped: stopped
      ? {
          by: str(stopped.by) ?? 'a human',
          at: str(stopped.at) ?? 'unknown',
          reason: str(stopped.reason) ?? '',
        }
      : null,
    overrides: overrides.map((o) => ({
      rule: str(o.rule) ?? '?',
      by: str(o.by) ?? 'unknown',
      at: str(o.at) ?? 'unknown',
      note: str(o.note) ?? '',
    })),
    attempt_of: attemptOf,
  };
}
