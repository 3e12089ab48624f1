// Add a fact (approval, note) to a run: appended to its journal while unsealed, or merged into the
// sealed record and re-sealed (the new line replaces the old one on the same commits).
import { NotFoundError } from '../../errors.js';
import type { Repo } from '../../git/repo.js';
import type { RunRecord } from '../../record/schema.js';
import { resolveRecords } from '../../store/read.js';
import { appendRunEvent, findRun, redactEvent } from '../../store/runs.js';
import { resealRecord } from './session.js';

export type Fact =
  | { type: 'approve'; by: string; scope: string; decision: 'approved' | 'denied'; note: string | null }
  | { type: 'note'; rollback?: string; boundary?: string; text?: string };

/** Returns the ID of the run that received the fact. */
export async function addFact(
  repo: Repo,
  idOrRev: string | undefined,
  fact: Fact,
  now = new Date(),
): Promise<string> {
  try {
    const run = findRun(repo.location, idOrRev);
    appendRunEvent(repo.location, run.id, fact);
    return run.id;
  } catch (e) {
    if (!(e instanceof NotFoundError) || idOrRev === undefined) throw e;
  }
  const found = await resolveRecords(repo, idOrRev);
  if (found.length !== 1)
    throw new NotFoundError(`'${idOrRev}' names ${found.length} runs; give a record ID`);
  const stored = found[0]!;
  const record = structuredClone(stored.record) as RunRecord;
  const clean = redactEvent({ ...fact } as Record<string, unknown>);
  if (fact.type === 'approve') {
    record.approvals.push({
      by: String(clean.by),
      scope: String(clean.scope),
      decision: fact.decision,
      at: now.toISOString(),
      note: (clean.note as string | null) ?? null,
    });
  } else {
    if (clean.rollback) record.rollback.notes.push(String(clean.rollback));
    if (clean.boundary) record.boundary.constraints.push(String(clean.boundary));
    if (clean.text) record.notes = [...(record.notes ?? []), String(clean.text)];
  }
  await resealRecord(repo, stored, record, now);
  return record.id;
}
