// The guard's small per-session state (<common>/agent-log/guard/sessions/<agent>/<session>.json):
// counters each hook event updates, so a decision never re-reads the journal or the transcript.
// Parallel hooks of one session take a short lock; when the lock is busy too long the event is
// decided without it (a lost counter update, never a blocked agent).
import {
  closeSync,
  constants,
  existsSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir } from '../../journal/journal.js';
import { journalRoot } from '../../journal/paths.js';
import { emptySpend, type Spend, type TranscriptCursor } from './spend.js';

export interface CheckCount {
  /** Failures since the last edit. */
  since_edit: number;
  total: number;
}

export interface GuardState {
  v: 1;
  agent: string;
  session: string;
  /** The record ID of the current run of this session (as the seal will name it). */
  run_id: string;
  run_started: string;
  last_t: string;
  ended: boolean;
  root: string;
  branch: string | null;
  model: string | null;
  transcript: TranscriptCursor | null;
  subagents: TranscriptCursor[];
  spend: Spend;
  edits: number;
  tool_calls: number;
  checks: Record<string, CheckCount>;
  repeat: { command: string; result: string; n: number } | null;
  /** Calls by tool name, MCP server and MCP server tool. */
  calls: Record<string, number>;
  /** Refusals and warnings by rule. */
  fired: Record<string, number>;
  /** Rules a human lifted for this run (`allow ID --rule …`). */
  overridden: string[];
  stopped: { reason: string; by: string | null; at: string } | null;
  /** The rule that halted the run (a human stop, a budget, a stop rule), until a human lifts it. */
  halted: string | null;
  /** The run's spend in USD as last computed (read by later runs for task and daily totals). */
  spent_usd: number;
  /** Bytes of the control files already read. */
  control_seen: Record<string, number>;
  /** Earlier attempts and spend, computed once when the run starts. */
  prior: {
    attempts: number;
    task_usd: number;
    day_usd: number;
    unreviewed: string | null;
    previous: string[];
  };
  /** The journal line of the policy was written for this run. */
  announced: boolean;
}

export function guardDir(commonDir: string): string {
  return join(journalRoot(commonDir), 'guard');
}
export function statePath(commonDir: string, agent: string, session: string): string {
  return join(guardDir(commonDir), 'sessions', agent, `${session}.json`);
}
export function controlPath(commonDir: string, runId: string): string {
  return join(guardDir(commonDir), 'control', `${runId}.jsonl`);
}

export function newState(
  agent: string,
  session: string,
  runId: string,
  at: string,
  root: string,
): GuardState {
  return {
    v: 1,
    agent,
    session,
    run_id: runId,
    run_started: at,
    last_t: at,
    ended: false,
    root,
    branch: null,
    model: null,
    transcript: null,
    subagents: [],
    spend: emptySpend(),
    edits: 0,
    tool_calls: 0,
    checks: {},
    repeat: null,
    calls: {},
    fired: {},
    overridden: [],
    stopped: null,
    halted: null,
    spent_usd: 0,
    control_seen: {},
    prior: { attempts: 0, task_usd: 0, day_usd: 0, unreviewed: null, previous: [] },
    announced: false,
  };
}

export function readState(path: string): GuardState | null {
  try {
    const s = JSON.parse(readFileSync(path, 'utf8'));
    return s && s.v === 1 && typeof s.run_id === 'string' ? (s as GuardState) : null;
  } catch {
    return null;
  }
}

export function writeState(path: string, state: GuardState): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify(state), { mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    ensurePrivateDir(join(path, '..'));
    writeFileSync(tmp, JSON.stringify(state), { mode: 0o600 });
  }
  renameSync(tmp, path);
}

const LOCK_WAIT_MS = 200;
const LOCK_STALE_MS = 5000;

/** Take the session's lock; returns a release function, or null when it could not be had in time. */
export function lockState(path: string): (() => void) | null {
  const lock = `${path}.lock`;
  const start = Date.now();
  for (;;) {
    try {
      closeSync(openSync(lock, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600));
      return () => {
        try {
          unlinkSync(lock);
        } catch {
          // already gone
        }
      };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') ensurePrivateDir(join(path, '..'));
      else if (code !== 'EEXIST') return null;
      else {
        try {
          if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) unlinkSync(lock);
        } catch {
          // released meanwhile
        }
      }
    }
    if (Date.now() - start > LOCK_WAIT_MS) return null;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
  }
}

/**
 * `purge` dropped a session's run: the guard's state of that session must not keep its command
 * lines (the last command, for the repeat rule; each check's command line, for retries). Those two
 * counts start again; spend, tool calls, stops and overrides stay, so a dropped run is not a way
 * around a budget. Nothing to do when the session moved on to another run.
 */
export function forgetRunCommands(commonDir: string, agent: string, session: string, runId: string): void {
  const path = statePath(commonDir, agent, session);
  if (!existsSync(path)) return;
  const release = lockState(path);
  if (!release) throw new Error(`the guard state of session ${session} is locked; run the purge again`);
  try {
    const state = readState(path);
    if (!state || state.run_id !== runId) return;
    writeState(path, { ...state, repeat: null, checks: {} });
  } finally {
    release();
  }
}
