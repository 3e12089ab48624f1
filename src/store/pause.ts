// The off switch. Per repository: a flag file <common dir>/agent-log/paused (`pause` / `resume`);
// per process: AGENT_LOG_DISABLE=1. While off, nothing at all is recorded (hook, start, exec,
// approve, note, attach). `resume` journals a gap event on every open run, so the sealed record
// says `gaps: [{from, to, reason}]` instead of silently missing a stretch of the run.
import { existsSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RepoLocation } from '../git/engine.js';
import { appendEvent, ensurePrivateDir, nowIso, readEvents } from '../journal/journal.js';
import { journalRoot } from '../journal/paths.js';
import { repoRedactor } from '../redact/config.js';
import { appendRunEvent, listRuns } from './runs.js';

export const PAUSE_FILE = 'paused';

export interface PauseState {
  since: string;
  reason: string;
}

export interface Gap {
  from: string;
  to: string;
  reason: string;
}

export function pausePath(commonDir: string): string {
  return join(journalRoot(commonDir), PAUSE_FILE);
}

/** Why recording is off here, or null when it is on. */
export function recordingOff(loc: RepoLocation, env: NodeJS.ProcessEnv): string | null {
  if (env.AGENT_LOG_DISABLE === '1') return 'AGENT_LOG_DISABLE=1';
  const state = readPause(loc);
  return state ? `paused since ${state.since} (git agent-log resume)` : null;
}

export function readPause(loc: RepoLocation): PauseState | null {
  const path = pausePath(loc.commonDir);
  if (!existsSync(path)) return null;
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as Partial<PauseState>;
    return { since: typeof v.since === 'string' ? v.since : '', reason: v.reason ?? 'paused' };
  } catch {
    // An empty or damaged flag still means paused: the safe reading of an off switch.
    return { since: '', reason: 'paused' };
  }
}

/** Turn recording off for this repository. Returns the state (the existing one if already paused). */
export function pause(
  loc: RepoLocation,
  now: Date,
  reason = 'paused',
): { state: PauseState; already: boolean } {
  const existing = readPause(loc);
  if (existing) return { state: existing, already: true };
  // Written to a state file and then to every session journal as the gap's reason: redacted, then cut.
  const clean = repoRedactor(loc.worktree).redact(reason).slice(0, 200) || 'paused';
  const state = { since: now.toISOString(), reason: clean };
  ensurePrivateDir(journalRoot(loc.commonDir));
  const path = pausePath(loc.commonDir);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
  return { state, already: false };
}

/**
 * Turn recording back on and journal the gap on every open run (a run started before the pause).
 * Returns the gap (null when recording was not paused) and the runs it was journaled on.
 */
export function resume(loc: RepoLocation, now: Date): { gap: Gap | null; runs: string[] } {
  const state = readPause(loc);
  if (!state) return { gap: null, runs: [] };
  const gap = { from: state.since || now.toISOString(), to: now.toISOString(), reason: state.reason };
  try {
    unlinkSync(pausePath(loc.commonDir));
  } catch {
    // removed by a concurrent resume: that one journals the gap
    return { gap: null, runs: [] };
  }
  const runs = [...journalGap(loc, gap), ...journalSessionGaps(loc, gap)];
  return { gap, runs };
}

/** Agent sessions still running (no SessionEnd yet) get the gap on their journal too. */
function journalSessionGaps(loc: RepoLocation, gap: Gap): string[] {
  const root = join(journalRoot(loc.commonDir), 'sessions');
  const out: string[] = [];
  let agents: string[];
  try {
    agents = readdirSync(root);
  } catch {
    return out;
  }
  for (const agent of agents) {
    let files: string[];
    try {
      files = readdirSync(join(root, agent)).filter((f) => f.endsWith('.jsonl'));
    } catch {
      continue;
    }
    for (const f of files) {
      const path = join(root, agent, f);
      const { events } = readEvents(path);
      if (events.some((e) => e.event === 'SessionEnd')) continue;
      appendEvent(path, { v: 1, t: nowIso(), type: 'gap', ...gap });
      out.push(`${agent} session ${f.slice(0, -'.jsonl'.length)}`);
    }
  }
  return out;
}

/** Append a gap event to every open run of the repository. */
export function journalGap(loc: RepoLocation, gap: Gap, only?: string): string[] {
  const runs = listRuns(loc).filter((r) => r.state === 'open' && (!only || r.id === only));
  for (const run of runs) appendRunEvent(loc, run.id, { type: 'gap', ...gap });
  return runs.map((r) => r.id);
}
