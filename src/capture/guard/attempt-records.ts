// Runs not sealed yet (open or pending manual runs, live or pending agent sessions) as records, so a
// new attempt can follow one that has no commit.
import type { Repo } from '../../git/repo.js';
import type { RunRecord } from '../../record/schema.js';
import { unsealedSessionRecords } from '../session/lazy.js';
import { unsealedRecords } from '../manual/session.js';

export async function liveRecordsForAttempts(repo: Repo): Promise<RunRecord[]> {
  return [...(await unsealedRecords(repo)), ...unsealedSessionRecords(repo)];
}
