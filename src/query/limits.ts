// Guard evidence on records, for query filters and stats: was the run stopped, did it go over a
// budget, which rules fired. Pure; reads the record's `limits` defensively (older records lack it).
import type { RunRecord } from '../record/schema.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function limitsOf(r: RunRecord): Obj | null {
  const l = (r as Obj).limits;
  return isObj(l) ? l : null;
}

/** Rule names that fired on the run (refused or warned), in order, with repeats. */
export function firedRules(r: RunRecord): string[] {
  const l = limitsOf(r);
  if (!Array.isArray(l?.fired)) return [];
  return (l!.fired as unknown[])
    .filter(isObj)
    .map((f) => String(f.rule ?? ''))
    .filter(Boolean);
}

/** A human stopped it, or a halting rule (stop, budget, time, retries) refused it. */
export function isStopped(r: RunRecord): boolean {
  const l = limitsOf(r);
  if (!l) return false;
  return isObj(l.stopped) || firedRules(r).some((f) => /^(stop$|budget\.|time\.|retries\.)/.test(f));
}

/** A budget or time rule fired, or the run used more than it was given. */
export function isOverBudget(r: RunRecord): boolean {
  const l = limitsOf(r);
  if (!l) return false;
  if (firedRules(r).some((f) => f.startsWith('budget.') || f.startsWith('time.'))) return true;
  const given = isObj(l.given) ? l.given : {};
  const used = isObj(l.used) ? l.used : {};
  const over = (g: unknown, u: unknown) => num(g) !== null && num(u) !== null && num(u)! > num(g)!;
  return (
    over(given.usd_per_run, used.usd ?? r.cost?.usd) ||
    over(given.tokens_per_run, used.tokens) ||
    over(given.max_minutes, used.minutes) ||
    over(given.usd_per_task, used.task_usd)
  );
}

/** `--rule retries` matches `retries.same_check`; an exact name matches itself. */
export function ruleMatches(fired: string, wanted: string): boolean {
  return fired === wanted || fired.startsWith(`${wanted}.`);
}
