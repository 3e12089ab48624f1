// Read commands seal finished agent sessions first and list runs not sealed yet. Both live in the
// capture code, whose loading was a third of `show`'s start-up; a repository with no journal needs
// none of it, and one directory listing per kind of journal tells.
import { readdirSync } from 'node:fs';
import { AGENT_NAMES } from '../capture/hook/agent-names.js';
import type { Repo } from '../git/repo.js';
import { runsDir, sessionsDir } from '../journal/paths.js';
import type { RunRecord } from '../record/schema.js';

function hasJournal(dir: string): boolean {
  try {
    return readdirSync(dir).some((n) => n.endsWith('.jsonl'));
  } catch {
    return false;
  }
}

/** Whether any agent session journal exists (else there is nothing to seal or list). */
function hasSessions(repo: Repo): boolean {
  return AGENT_NAMES.some((agent) => hasJournal(sessionsDir(repo.location.commonDir, agent)));
}

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
  const manual = hasJournal(runsDir(repo.location.commonDir))
    ? await (await import('../capture/manual/session.js')).unsealedRecords(repo)
    : [];
  const sessions = hasSessions(repo)
    ? (await import('../capture/session/lazy.js')).unsealedSessionRecords(repo)
    : [];
  return [...manual, ...sessions];
}
