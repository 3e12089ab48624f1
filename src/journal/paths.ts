// Where our files live inside the git common dir (shared by all linked worktrees).
import { join } from 'node:path';

export const AGENT_LOG_DIR = 'agent-log';

export function journalRoot(commonDir: string): string {
  return join(commonDir, AGENT_LOG_DIR);
}
export function runsDir(commonDir: string): string {
  return join(commonDir, AGENT_LOG_DIR, 'runs');
}
export function runJournalPath(commonDir: string, id: string): string {
  return join(runsDir(commonDir), `${id}.jsonl`);
}
export function sealedDir(commonDir: string): string {
  return join(commonDir, AGENT_LOG_DIR, 'sealed');
}
export function activeDir(commonDir: string): string {
  return join(commonDir, AGENT_LOG_DIR, 'active');
}
export function activeRunPath(commonDir: string, worktreeKey: string): string {
  return join(activeDir(commonDir), worktreeKey);
}
export function sessionsDir(commonDir: string, agent: string): string {
  return join(commonDir, AGENT_LOG_DIR, 'sessions', agent);
}
export function errorLogPath(commonDir: string): string {
  return join(commonDir, AGENT_LOG_DIR, 'errors.log');
}
export function indexDir(commonDir: string): string {
  return join(commonDir, AGENT_LOG_DIR, 'index');
}
