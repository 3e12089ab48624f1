// Which runs a commit made now belongs to (the `Agent-Log:` trailers prepare-commit-msg adds), and
// keeping the git hooks' marks (journal/marks.ts) true to the journals. File reads only, no git
// engine and no schema: the git hooks' fast path (cli/git-hook-entry.ts) loads this module alone.
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RepoLocation } from '../git/engine.js';
import { clearMark, setMark } from '../journal/marks.js';
import { sessionsDir } from '../journal/paths.js';
import { activeRunId, listRuns } from '../store/runs.js';
import { type SessionRun, STALE_MS, unsealedSessionRuns } from './session/sessions.js';
import { AGENT_NAMES } from './hook/agent-names.js';

function sessionRunsHere(loc: RepoLocation): SessionRun[] {
  const here = loc.worktree ? resolve(loc.worktree) : null;
  return AGENT_NAMES.flatMap((agent) => unsealedSessionRuns(loc.commonDir, undefined, agent)).filter(
    (r) => !r.head?.root || resolve(r.head.root) === here,
  );
}

/** Only journals written to within STALE_MS can hold a live run: the others are not even read. */
function recentSessionRunsHere(loc: RepoLocation, now: Date): SessionRun[] {
  const here = loc.worktree ? resolve(loc.worktree) : null;
  const out: SessionRun[] = [];
  for (const agent of AGENT_NAMES) {
    const dir = sessionsDir(loc.commonDir, agent);
    let names: string[];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith('.jsonl'));
    } catch {
      continue;
    }
    for (const name of names) {
      try {
        if (now.getTime() - statSync(join(dir, name)).mtimeMs >= STALE_MS) continue;
      } catch {
        continue;
      }
      out.push(...unsealedSessionRuns(loc.commonDir, name.slice(0, -'.jsonl'.length), agent));
    }
  }
  return out.filter((r) => !r.head?.root || resolve(r.head.root) === here);
}

const isLive = (r: SessionRun, now: Date) =>
  !r.ended && !r.imported && now.getTime() - Date.parse(r.lastAt) < STALE_MS;

/**
 * The record ID of the agent run a commit made now belongs to: the session named by Claude Code's
 * Bash environment (CLAUDE_CODE_SESSION_ID), else the most recent live session in this worktree.
 */
export function liveSessionRunId(
  loc: RepoLocation,
  env: NodeJS.ProcessEnv,
  now = new Date(),
  runs = recentSessionRunsHere(loc, now),
): string | null {
  const open = runs.filter((r) => isLive(r, now));
  const named = env.CLAUDE_CODE_SESSION_ID;
  const pick = named ? open.filter((r) => r.sessionId === named) : open;
  return pick.sort((a, b) => a.lastAt.localeCompare(b.lastAt)).at(-1)?.id ?? null;
}

/**
 * IDs for the commit's `Agent-Log:` trailers: the open run here, and this worktree's pending runs
 * whose change the commit carries (`staged`: the paths it changes; a finished run's paths are in its
 * finish event). A pending run is never named by an unrelated commit.
 */
export function commitRunIds(
  loc: RepoLocation,
  env: NodeJS.ProcessEnv,
  now = new Date(),
  staged: () => readonly string[] = () => [],
): string[] {
  const live = liveSessionRunId(loc, env, now);
  const open = activeRunId(loc) ?? live;
  const waiting = listRuns(loc).filter((r) => r.state === 'pending' && r.worktreeKey === loc.worktreeKey);
  const changes = waiting.length ? new Set(staged()) : new Set<string>();
  const pending = waiting.filter((r) => {
    const paths = r.events.findLast((e) => e.type === 'finish')?.paths;
    return Array.isArray(paths) && paths.some((p) => typeof p === 'string' && changes.has(p));
  });
  // no session running here: a `live` mark left by a session that died without SessionEnd goes,
  // and its run is marked pending for post-commit to seal
  if (!live) refreshMarks(loc, now);
  return [...new Set([open, ...pending.map((r) => r.id)].filter((id): id is string => !!id))];
}

/**
 * Make this worktree's marks say what the journals hold (delete first, then look, then re-create):
 * `live` while an agent session here is running, `pending` while a finished run or session waits
 * for a commit. Other worktrees' pending manual runs get their `pending` mark (never cleared here).
 */
export function refreshMarks(loc: RepoLocation, now = new Date()): void {
  try {
    clearMark(loc.commonDir, loc.worktreeKey, 'live');
    clearMark(loc.commonDir, loc.worktreeKey, 'pending');
    const sessions = sessionRunsHere(loc);
    if (sessions.some((r) => isLive(r, now))) setMark(loc.commonDir, loc.worktreeKey, 'live');
    if (sessions.some((r) => !isLive(r, now))) setMark(loc.commonDir, loc.worktreeKey, 'pending');
    for (const run of listRuns(loc))
      if (run.state === 'pending') setMark(loc.commonDir, run.worktreeKey ?? loc.worktreeKey, 'pending');
  } catch {
    // could not read the journals: say "maybe" (a later commit pays a Node start, never misses work)
    setMark(loc.commonDir, loc.worktreeKey, 'live');
    setMark(loc.commonDir, loc.worktreeKey, 'pending');
  }
}
