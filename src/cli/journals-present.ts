// Whether a repository has journals a read command must look at first (agent sessions to seal, runs
// not sealed yet): one directory listing per kind. Apart from pending-runs.ts, whose capture code
// loads only when there is a journal, so that the small `show` bundle can ask without carrying it.
import { readdirSync } from 'node:fs';
import { AGENT_NAMES } from '../capture/hook/agent-names.js';
import { runsDir, sessionsDir } from '../journal/paths.js';

function hasJournal(dir: string): boolean {
  try {
    return readdirSync(dir).some((n) => n.endsWith('.jsonl'));
  } catch {
    return false;
  }
}

/** Whether any agent session journal exists (else there is nothing to seal or list). */
export function hasSessionJournals(commonDir: string): boolean {
  return AGENT_NAMES.some((agent) => hasJournal(sessionsDir(commonDir, agent)));
}

/** Whether any manual run journal exists (open or finished runs not sealed yet). */
export function hasRunJournals(commonDir: string): boolean {
  return hasJournal(runsDir(commonDir));
}
