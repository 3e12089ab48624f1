// The repository's own settings file, `.agent-log/config.json` (committed with the code).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentLogIds } from '../record/trailers.js';

export const CONFIG_FILE = '.agent-log/config.json';

/** The parsed config, or {} when there is none; a broken file yields {} and a warning. */
export function loadRepoConfig(
  worktree: string | null,
  warn: (m: string) => void = () => {},
): Record<string, unknown> {
  if (!worktree) return {};
  let text: string;
  try {
    text = readFileSync(join(worktree, CONFIG_FILE), 'utf8');
  } catch {
    return {};
  }
  try {
    const value = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value;
    warn(`${CONFIG_FILE} is not a JSON object; ignoring it`);
  } catch (e) {
    warn(`${CONFIG_FILE} is not valid JSON (${(e as Error).message}); ignoring it`);
  }
  return {};
}

/**
 * `Agent-Log: <id>` trailers of a commit message, read as `git interpret-trailers` does, plus those
 * of the commits a squash message lists (GitHub, GitLab, `git merge --squash`). Each id once.
 */
export function agentLogTrailers(message: string): string[] {
  return agentLogIds(message);
}

/** `Agent-Log-Revert: <id>` trailers: the runs a revert commit undid. */
export function revertTrailers(message: string): string[] {
  return [...message.matchAll(/^Agent-Log-Revert:\s*([0-9a-z]{4,32})\s*$/gim)].map((m) =>
    m[1]!.toLowerCase(),
  );
}
