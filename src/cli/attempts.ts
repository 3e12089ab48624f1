// Earlier attempts at the task a new run starts: the run named by --retry-of and the runs it followed,
// or else the last run on this feature branch when it failed or was stopped. And whether policy lets
// another attempt start yet (require_review_before_retry, max_attempts).
import { liveRecordsForAttempts } from '../capture/guard/attempt-records.js';
import { runControl } from '../capture/guard/control-files.js';
import { reviewed } from '../capture/guard/guard.js';
import type { Policy } from '../capture/guard/policy.js';
import { resolveGuardRun } from '../capture/guard/runs.js';
import { CheckFailedError } from '../errors.js';
import type { Repo } from '../git/repo.js';
import type { RunRecord } from '../record/schema.js';
import { isStopped } from '../query/limits.js';
import type { Context } from './context.js';
import { selectFor } from './open-index.js';

const DEFAULT_BRANCHES = new Set(['main', 'master', 'trunk', 'develop', 'dev']);

export interface Attempts {
  /** The attempt this run follows. */
  previous: RunRecord;
  /** Every earlier attempt, oldest first (the previous one last). */
  chain: RunRecord[];
}

export async function previousAttempts(
  ctx: Context,
  repo: Repo,
  retryOf: string | undefined,
): Promise<Attempts | null> {
  const all = [
    ...(await selectFor(ctx, repo, {})).map((s) => s.record),
    ...(await liveRecordsForAttempts(repo)),
  ];
  const byId = new Map<string, RunRecord>();
  for (const r of all) if (!byId.has(r.id)) byId.set(r.id, r);
  let previous: RunRecord | undefined;
  if (retryOf) {
    const id = await resolveGuardRun(repo, retryOf);
    previous = byId.get(id);
    if (!previous) return null;
  } else {
    const branch = (await repo.engine.head()).branch;
    if (!branch || DEFAULT_BRANCHES.has(branch)) return null;
    const last = all
      .filter((r) => r.repo.branch === branch)
      .sort((a, b) => (a.started_at ?? '').localeCompare(b.started_at ?? ''))
      .at(-1);
    if (!last || !(['failed', 'abandoned'].includes(last.outcome.status) || isStopped(last))) return null;
    previous = last;
  }
  const chain: RunRecord[] = [previous];
  for (let r = previous; typeof r.task.attempt_of === 'string' && chain.length < 50;) {
    const before = byId.get(r.task.attempt_of);
    if (!before || chain.includes(before)) break;
    chain.unshift(before);
    r = before;
  }
  return { previous, chain };
}

/** Refuse the new attempt when the policy does not allow it yet (exit 1, with what to do). */
export function checkRetryAllowed(policy: Policy | null, a: Attempts, commonDir: string): void {
  if (!policy) return;
  const p = a.previous;
  const halted = isStopped(p) || p.outcome.status === 'failed' || p.outcome.status === 'abandoned';
  const humanSaid =
    (p.notes?.length ?? 0) > 0 ||
    p.approvals.some((x) => !x.scope.startsWith('guard rule')) ||
    reviewed(commonDir, p.id);
  if (policy.require_review_before_retry && halted && !humanSaid)
    throw new CheckFailedError(
      `the previous attempt ${p.id} ${isStopped(p) ? 'was stopped' : `ended ${p.outcome.status}`} and nobody has reviewed it`,
      `a human adds a note first: git agent-log note ${p.id} --text "what was tried, what to do instead"`,
    );
  const lifted = runControl(commonDir, p.id).some(
    (c) => c.type === 'allow' && (c.rule === 'attempts' || c.rule === 'attempts.max'),
  );
  if (policy.max_attempts !== null && a.chain.length >= policy.max_attempts && !lifted)
    throw new CheckFailedError(
      `this task has had ${a.chain.length} attempts (limit ${policy.max_attempts})`,
      `a human can allow one more: git agent-log allow ${p.id} --rule attempts.max --by NAME`,
    );
}
