// Read commands seal finished agent sessions first and list runs not sealed yet. Both live in the
// capture code, whose loading was a third of `show`'s start-up; a repository with no journal needs
// none of it, and one directory listing per kind of journal tells.
import type { Repo } from '../git/repo.js';
import type { RunRecord } from '../record/schema.js';
import { hasRunJournals, hasSessionJournals } from './journals-present.js';

const hasSessions = (repo: Repo) => hasSessionJournals(repo.location.commonDir);

/** Seal agent sessions that ended or went stale (a failure is a warning). */
export async function sealStaleSessions(
  repo: Repo,
  io: { warn(m: string): void; now(): Date },
): Promise<void> {
  if (!hasSessions(repo)) return;
  await (await import('../capture/session/lazy.js')).sealStaleSessions(repo, io);
}

/** Manual runs and agent runs not sealed yet, as pending records (manual first). */
export async function unsealedRunRecords(repo: Repo): Promise<RunRecord[]> {
  const manual = hasRunJournals(repo.location.commonDir)
    ? await (await import('../capture/manual/session.js')).unsealedRecords(repo)
    : [];
  const sessions = hasSessions(repo)
    ? (await import('../capture/session/lazy.js')).unsealedSessionRecords(repo)
    : [];
  return [...manual, ...sessions];
}
