// Where our files live inside the git common dir (shared by all linked worktrees).
import { lstatSync, readdirSync } from 'node:fs';
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

/**
 * A symbolic link at agent-log/ or directly inside it, or null. Whoever can write the git dir (a
 * tool, a script, an archive unpacked into it) could point one outside the repository and have our
 * journals, index and error log written there; we refuse to follow one rather than guess.
 */
export function symlinkedOwnDir(commonDir: string): string | null {
  const root = journalRoot(commonDir);
  try {
    if (lstatSync(root).isSymbolicLink()) return root;
  } catch {
    return null; // not created yet
  }
  try {
    for (const e of readdirSync(root, { withFileTypes: true }))
      if (e.isSymbolicLink()) return join(root, e.name);
  } catch {
    // unreadable: whatever reads it next reports that
  }
  return null;
}
