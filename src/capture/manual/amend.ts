// Add a fact (approval, note) to a run: appended to its journal while unsealed; once sealed, written
// as an event line next to the record line (the sealed line itself is never rewritten).
import { createHash } from 'node:crypto';
import { NotFoundError, UsageError } from '../../errors.js';
import type { Repo } from '../../git/repo.js';
import { appendRunEvent as appendEventLine } from '../../store/events.js';
import { resolveRecords } from '../../store/read.js';
import { liveCommitsFirst } from '../../store/seal.js';
import { appendRunEvent, findRun } from '../../store/runs.js';

export type Fact =
  | {
      type: 'approve';
      /** The approver as given with `--by`; null means the git identity. */
      by: string | null;
      scope: string;
      decision: 'approved' | 'denied';
      note: string | null;
      /** Sign the approval event with the user's git signing key. */
      sign?: (payload: string) => Promise<Record<string, unknown>>;
    }
  | { type: 'note'; rollback?: string; boundary?: string; text?: string }
  /** A sealed run's outcome changed after the fact (it broke production, it was abandoned). */
  | { type: 'status'; status: string; reason: string | null };

/** Returns the ID of the run that received the fact. */
export async function addFact(
  repo: Repo,
  idOrRev: string | undefined,
  fact: Fact,
  now = new Date(),
): Promise<string> {
  const ident = await repo.engine.identity();
  try {
    const run = findRun(repo.location, idOrRev);
    if (fact.type === 'status')
      throw new UsageError(
        `run ${run.id} is not sealed yet`,
        `give its outcome when sealing: git agent-log finish ${run.id} --status ${fact.status}`,
      );
    if (fact.type === 'approve' && fact.sign)
      throw new UsageError(
        `run ${run.id} is not sealed yet: only sealed runs take signed approvals`,
        `finish it, then: git agent-log approve ${run.id} --sign`,
      );
    appendRunEvent(repo.location, run.id, journalFact(fact, ident));
    return run.id;
  } catch (e) {
    if (!(e instanceof NotFoundError) || idOrRev === undefined) throw e;
  }
  const found = await resolveRecords(repo, idOrRev);
  if (found.length !== 1)
    throw new NotFoundError(`'${idOrRev}' names ${found.length} runs; give a record ID`);
  const stored = found[0]!;
  if (!stored.commit) throw new NotFoundError(`run ${stored.record.id} has no commit yet`);
  // Next to the full line on a live commit: after a rebase the orphaned copy may be pruned with its notes.
  const [commit] = await liveCommitsFirst(repo.engine, stored.record.id, [stored.commit, ...stored.commits]);
  const target = { id: stored.record.id, commit: commit ?? stored.commit };
  if (fact.type === 'approve') {
    const { sign, by, type: _t, ...rest } = fact;
    void _t;
    await appendEventLine(
      repo.engine,
      target,
      {
        type: 'approval',
        ...rest,
        ...(by && by !== ident.name ? { approver: by } : {}),
        // Binds the approval (and its signature) to this exact sealed line, not just to the ID.
        ...(stored.raw ? { record_sha256: createHash('sha256').update(stored.raw).digest('hex') } : {}),
      },
      { now, by: ident, ...(sign ? { sign } : {}) },
    );
  } else {
    const { type, ...rest } = fact;
    await appendEventLine(repo.engine, target, { type, ...rest }, { now, by: ident });
  }
  return stored.record.id;
}

/** The journal event of a fact on an unsealed run (folded into the record when it is sealed). */
function journalFact(
  fact: Fact,
  ident: { name: string; email: string },
): { type: string; [k: string]: unknown } {
  if (fact.type !== 'approve') return fact;
  const { sign: _s, ...rest } = fact;
  void _s;
  const by = fact.by ?? ident.name;
  return { ...rest, by, ...(by === ident.name && ident.email ? { email: ident.email } : {}) };
}
