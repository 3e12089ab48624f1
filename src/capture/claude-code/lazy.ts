// Lazy sealing for read commands (`log`, `show`): agent sessions that ended or went stale are sealed
// before records are listed. A failure here must not stop the read: it becomes a warning.
import type { Repo } from '../../git/repo.js';
import { sealPendingSessions } from './seal.js';

export async function sealStaleSessions(repo: Repo, io: { warn(m: string): void; now(): Date }): Promise<void> {
  try {
    await sealPendingSessions(repo, { now: io.now() });
  } catch (e) {
    io.warn(`could not seal finished agent sessions: ${(e as Error).message}`);
  }
}
