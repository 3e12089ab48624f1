// Which runs the guard can act on from the command line: live agent sessions it watches, runs opened
// with `start`, and sealed records; resolved by a unique ID prefix.
import { resolve } from 'node:path';
import { AmbiguousIdError, NotFoundError } from '../../errors.js';
import type { Repo } from '../../git/repo.js';
import { activeRunId, listRuns } from '../../store/runs.js';
import { repoRedactor } from '../../redact/config.js';
import { resolveRecords } from '../../store/read.js';
import { appendControl, type ControlLine } from './control.js';
import { knownRuns } from './guard.js';
import { controlPath } from './state.js';

const LIVE_MS = 2 * 60 * 60 * 1000;

/** The full ID of a run the guard, the run journals or the notes know. */
export async function resolveGuardRun(repo: Repo, prefix: string): Promise<string> {
  const ids = new Set<string>();
  for (const r of knownRuns(repo.location.commonDir)) if (r.run_id.startsWith(prefix)) ids.add(r.run_id);
  for (const r of listRuns(repo.location)) if (r.id.startsWith(prefix)) ids.add(r.id);
  if (ids.size === 0) {
    try {
      for (const s of await resolveRecords(repo, prefix)) ids.add(s.record.id);
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
    }
  }
  if (ids.size === 1) return [...ids][0]!;
  if (ids.size > 1) throw new AmbiguousIdError(`'${prefix}' matches several runs: ${[...ids].join(', ')}`);
  throw new NotFoundError(`no run matches '${prefix}'`);
}

/**
 * Runs going on now in this worktree: agent sessions active in the last two hours that have not
 * ended nor moved on to another run (`/clear`), and the open run.
 */
export function liveRuns(repo: Repo, now: Date): string[] {
  const here = repo.location.worktree ? resolve(repo.location.worktree) : null;
  const out = knownRuns(repo.location.commonDir)
    .filter(
      (r) => !r.over && (!here || resolve(r.root) === here) && now.getTime() - Date.parse(r.last_t) < LIVE_MS,
    )
    .map((r) => r.run_id);
  const open = activeRunId(repo.location);
  if (open) out.push(open);
  return [...new Set(out)];
}

export function writeControl(repo: Repo, id: string, line: Omit<ControlLine, 'v' | 't'>, now: Date): void {
  const clean = repoRedactor(repo.location.worktree).redactDeep({ v: 1, t: now.toISOString(), ...line });
  appendControl(controlPath(repo.location.commonDir, id), clean as ControlLine);
}

/**
 * A human note or approval on a run: marks it reviewed for the guard (a halted task may be attempted
 * again). `kept: false` when the fact has nowhere else to go (a live agent run): the seal then takes
 * the note or approval from the control line.
 */
export async function recordReview(
  repo: Repo,
  idOrPrefix: string | undefined,
  fact: { by?: string | null; note?: string | null; scope?: string; decision?: string },
  kept: boolean,
  now: Date,
): Promise<string | null> {
  let id: string;
  try {
    id = idOrPrefix ? await resolveGuardRun(repo, idOrPrefix) : (activeRunId(repo.location) ?? '');
  } catch (e) {
    if (kept) return null;
    throw e;
  }
  if (!id) return null;
  writeControl(repo, id, { type: 'review', ...fact, kept }, now);
  return id;
}
