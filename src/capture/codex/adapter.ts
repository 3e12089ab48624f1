// Codex CLI behind the agent adapter (../session/adapter.ts): hooks.json payloads (and the legacy
// notify payload), rollout files for import, cost and version.
import { readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { UsageError } from '../../errors.js';
import { type AgentAdapter, hookLines, readText, spanCost } from '../session/adapter.js';
import { foldSession } from '../session/fold.js';
import { codexHookEvents } from './hook-events.js';
import { parseRollout } from './rollout.js';

export const codex: AgentAdapter = {
  name: 'codex',
  label: 'Codex CLI',
  journalEvents: (lines) => hookLines(lines).flatMap((l) => codexHookEvents(l.payload, l.at)),
  sessionFileFacts(path, _extra, from, to) {
    const text = readText(path);
    if (text === null) return { cost: null, version: null };
    const rollout = parseRollout(text);
    return { cost: spanCost(rollout.usage, from, to), version: rollout.meta.cli_version };
  },
  importFile(path, root, redact) {
    const rollout = parseRollout(readFileSync(path, 'utf8'));
    if (
      !rollout.meta.session_id &&
      !rollout.events.some((e) => e.kind !== 'activity') &&
      !rollout.usage.length
    )
      throw new UsageError(`${path}: not a Codex rollout file (no {timestamp, type, payload} lines)`);
    const facts = foldSession(rollout.events, { root, redact });
    return {
      facts,
      cost: rollout.cost,
      sessionId: rollout.meta.session_id ?? basename(path, '.jsonl'),
      version: rollout.meta.cli_version,
    };
  },
  findSessionFile: (sessionId, firstAt) => findCodexRollout(sessionId, firstAt),
  installer: () => import('./install-command.js'),
};

/**
 * Codex hooks may give `transcript_path: null`; rollouts are named `rollout-<local time>-<thread id>.jsonl`
 * under `$CODEX_HOME/sessions/YYYY/MM/DD/` (or archived_sessions/): look on the run's day and its neighbours.
 */
export function findCodexRollout(sessionId: string, firstAt: string, env = process.env): string | null {
  const home = env.CODEX_HOME || join(env.HOME || homedir(), '.codex');
  const at = Date.parse(firstAt);
  const dirs = [join(home, 'archived_sessions')];
  if (Number.isFinite(at))
    for (const d of [-1, 0, 1]) {
      const day = new Date(at + d * 86_400_000).toISOString().slice(0, 10).split('-');
      dirs.unshift(join(home, 'sessions', ...day));
    }
  for (const dir of dirs) {
    try {
      const name = readdirSync(dir).find(
        (n) => n.startsWith('rollout-') && n.endsWith(`-${sessionId}.jsonl`),
      );
      if (name) return join(dir, name);
    } catch {
      // no such day
    }
  }
  return null;
}
