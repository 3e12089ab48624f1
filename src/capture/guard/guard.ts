// The guard inside the hook: update the session's small state from this event (and the transcript's
// new bytes), decide it against the policy, record what fired, and return the agent's own refusal.
// Any error of ours is thrown to the hook, which logs it and lets the agent go on (fail open); only
// an explicit rule refuses.
import { appendFileSync, closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { JournalEvent } from '../../journal/journal.js';
import { activeRunPath, runJournalPath } from '../../journal/paths.js';
import { runIdFor } from '../../record/id.js';
import { allControl, type ControlLine, readControl } from './control.js';
import { type GuardEvent, readEvent } from './event.js';
import { answerFor, type HookAnswer } from './output.js';
import { type Policy, resolvePolicy } from './policy.js';
import { decideAttempt, decideTool, observe, type Verdict } from './rules.js';
import { addReportedUsage, readNewUsage, type ReportedUsage, spendFigures } from './spend.js';
import {
  controlPath,
  guardDir,
  type GuardState,
  lockState,
  newState,
  readState,
  statePath,
  writeState,
} from './state.js';

export interface GuardInput {
  agent: string;
  sessionId: string;
  eventName: string;
  payload: Record<string, unknown>;
  /** ISO time of the journal line this event was written as. */
  received: string;
  /** This event started a new session journal (or one quiet for two hours). */
  firstOfJournal: boolean;
  journalFile: string;
  dirs: { root: string; gitDir: string; commonDir: string };
  env: NodeJS.ProcessEnv;
  /** Redacts a value before it is written or shown. */
  redact: <T>(v: T) => T;
}

const STALE_MS = 2 * 60 * 60 * 1000; // as sessions.ts splits runs
const DEFAULT_BRANCHES = new Set(['main', 'master', 'trunk', 'develop', 'dev']);
/** Rules whose refusal halts a run: a later attempt needs review when the policy says so. */
const HALTING = /^(stop|budget\.|time\.|retries\.)/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

export function guardEvent(input: GuardInput): HookAnswer | null {
  const { dirs, agent, sessionId, received, env } = input;
  if (env.AGENT_LOG_FAULT === 'guard-throw') throw new Error('injected guard fault');
  const config = readConfig(dirs.root);
  const manual = activeManualRun(dirs);
  const policy = resolvePolicy({ config, run: manual?.guard ?? null });
  const path = statePath(dirs.commonDir, agent, sessionId);
  const release = lockState(path);
  try {
    const now = Date.parse(received);
    const event = readEvent(input.eventName, input.payload, dirs.root);
    const state = currentState(input, path, event, now, manual);
    const ids = [state.run_id, ...(manual ? [manual.id] : [])];
    applyControl(dirs.commonDir, state, ids);
    state.last_t = received;
    state.model = event.model ?? state.model;
    const spendOn =
      policy &&
      (policy.usd_per_run !== null ||
        policy.tokens_per_run !== null ||
        policy.usd_per_task !== null ||
        policy.usd_per_day !== null);
    trackTranscripts(state, input.payload, event);
    // usage the agent put in the payload itself (Cursor's stop): counted whether or not a budget is set
    const reported = input.payload.reported_usage as ReportedUsage | undefined;
    if (reported && typeof reported.key === 'string') addReportedUsage(state.spend, reported);
    let answer: HookAnswer | null = null;
    const lines: JournalEvent[] = [];
    if (policy && !state.announced) {
      state.announced = true;
      lines.push(guardLine(input, state, { decision: 'policy', policy: givenLimits(policy) }));
    }
    if (spendOn && (event.moment === 'pre-tool' || event.moment === 'prompt' || event.moment === 'stop'))
      readSpend(input, state);
    const spend = spendFigures(state.spend, state.model);
    state.spent_usd = spend.usd ?? state.spent_usd;
    let verdict: Verdict | null = null;
    if (event.moment === 'pre-tool' && event.tool) {
      verdict = decideTool({
        policy: policy ?? inertPolicy(),
        state,
        event,
        now,
        spend,
        runId: manual?.id ?? state.run_id,
      });
    } else if (event.moment === 'prompt' && state.tool_calls === 0 && policy) {
      verdict = decideAttempt(policy, state);
    }
    if (verdict) {
      const enforce = policy ? policy.enforce : true; // a human stop holds without a policy
      state.fired[verdict.rule] = (state.fired[verdict.rule] ?? 0) + 1;
      if (enforce && HALTING.test(verdict.rule)) state.halted ??= verdict.rule;
      const reason = input.redact(verdict.reason);
      lines.push(
        guardLine(input, state, {
          decision: enforce ? 'refused' : 'warned',
          rule: verdict.rule,
          reason,
          ...(event.toolUseId ? { tool_use_id: event.toolUseId } : {}),
          ...(event.tool ? { tool: event.tool } : {}),
          used: usedFigures(state, spend, now),
        }),
      );
      if (enforce) answer = answerFor(agent, event.name, reason);
    } else observe(state, event);
    if (event.moment === 'stop' || event.moment === 'session-end') {
      if (event.moment === 'session-end') state.ended = true;
      if (policy)
        lines.push(guardLine(input, state, { decision: 'figures', used: usedFigures(state, spend, now) }));
    }
    // ids, rule names and figures are structure; the reason (which quotes the command) was redacted above
    for (const line of lines) appendFileSync(input.journalFile, `${JSON.stringify(line)}\n`, { mode: 0o600 });
    writeState(path, state);
    return answer;
  } finally {
    release?.();
  }
}

function inertPolicy(): Policy {
  return resolvePolicy({ config: {}, run: { deny_commands: [] } })!;
}

function readConfig(root: string): Obj {
  try {
    const v = JSON.parse(readFileSync(join(root, '.agent-log', 'config.json'), 'utf8'));
    return isObj(v) ? v : {};
  } catch {
    return {};
  }
}

interface ManualRun {
  id: string;
  guard: Obj | null;
}

/** The run opened with `start` in this worktree, whose limits (`--budget-usd` …) apply to agents here. */
function activeManualRun(dirs: GuardInput['dirs']): ManualRun | null {
  const key = dirs.gitDir === dirs.commonDir ? 'main' : basename(dirs.gitDir);
  let id: string;
  try {
    id = readFileSync(activeRunPath(dirs.commonDir, key), 'utf8').trim();
  } catch {
    return null;
  }
  if (!/^[0-9a-z]{4,32}$/.test(id)) return null;
  try {
    const text = readFileSync(runJournalPath(dirs.commonDir, id), 'utf8');
    const first = JSON.parse(text.slice(0, text.indexOf('\n')));
    return { id, guard: isObj(first.guard) ? first.guard : null };
  } catch {
    return { id, guard: null };
  }
}

/** This session's state, or a fresh one when this event starts a new run (as the seal will split it). */
function currentState(
  input: GuardInput,
  path: string,
  event: GuardEvent,
  now: number,
  manual: ManualRun | null,
): GuardState {
  const old = readState(path);
  const startsRun =
    !old ||
    (event.moment === 'session-start' && (event.source === 'clear' || old.ended)) ||
    now - Date.parse(old.last_t) > STALE_MS;
  if (!startsRun) return old;
  if (old) archive(input.dirs.commonDir, old);
  const firstT =
    !old && !input.firstOfJournal ? (firstLineTime(input.journalFile) ?? input.received) : input.received;
  const state = newState(
    input.agent,
    input.sessionId,
    runIdFor(`${input.agent}:${input.sessionId}:${firstT}`),
    firstT,
    input.dirs.root,
  );
  state.branch = branchOf(input.dirs.gitDir);
  state.prior = priorAttempts(input.dirs.commonDir, state, manual);
  return state;
}

/** The time of a journal's first line (`{"v":1,"t":"…"` leads every line). */
function firstLineTime(file: string): string | null {
  try {
    const fd = openSync(file, 'r');
    const buf = Buffer.alloc(64);
    const n = readSync(fd, buf, 0, 64, 0);
    closeSync(fd);
    const head = buf.toString('utf8', 0, n);
    return /^\{"v":1,"t":"([^"]+)"/.exec(head)?.[1] ?? null;
  } catch {
    return null;
  }
}

function branchOf(gitDir: string): string | null {
  try {
    const m = /^ref:\s*refs\/heads\/(\S+)/.exec(readFileSync(join(gitDir, 'HEAD'), 'utf8'));
    return m ? m[1]! : null;
  } catch {
    return null;
  }
}

interface LedgerEntry {
  run_id: string;
  agent: string;
  session: string;
  root: string;
  branch: string | null;
  started: string;
  last_t: string;
  usd: number;
  halted: string | null;
}

function ledgerPath(commonDir: string) {
  return join(guardDir(commonDir), 'runs.jsonl');
}

function entryOf(s: GuardState): LedgerEntry {
  return {
    run_id: s.run_id,
    agent: s.agent,
    session: s.session,
    root: s.root,
    branch: s.branch,
    started: s.run_started,
    last_t: s.last_t,
    usd: s.spent_usd,
    halted: s.halted,
  };
}

/** A session moved on to a new run: keep the old run's figures for later attempts and daily totals. */
function archive(commonDir: string, old: GuardState) {
  appendFileSync(ledgerPath(commonDir), `${JSON.stringify(entryOf(old))}\n`, { mode: 0o600 });
}

/** A run the guard has seen; `over` once its session ended or moved on to another run (archived). */
export type KnownRun = LedgerEntry & { over: boolean };

/** Every run the guard has seen in this repository: archived ones and the live state of each session. */
export function knownRuns(commonDir: string): KnownRun[] {
  const out: KnownRun[] = [];
  try {
    for (const l of readFileSync(ledgerPath(commonDir), 'utf8').split('\n'))
      if (l) {
        try {
          out.push({ ...JSON.parse(l), over: true });
        } catch {
          // torn line
        }
      }
  } catch {
    // no ledger yet
  }
  const sessions = join(guardDir(commonDir), 'sessions');
  let agents: string[];
  try {
    agents = readdirSync(sessions);
  } catch {
    return out;
  }
  for (const agent of agents) {
    let names: string[];
    try {
      names = readdirSync(join(sessions, agent)).filter((n) => n.endsWith('.json'));
    } catch {
      continue;
    }
    for (const n of names) {
      const s = readState(join(sessions, agent, n));
      if (s) out.push({ ...entryOf(s), over: s.ended });
    }
  }
  return out;
}

/** Earlier attempts at this task (same worktree and feature branch), today's spend, an unreviewed halt. */
function priorAttempts(commonDir: string, state: GuardState, manual: ManualRun | null): GuardState['prior'] {
  const runs = knownRuns(commonDir).filter((r) => r.run_id !== state.run_id);
  const today = state.run_started.slice(0, 10);
  const day_usd = runs.filter((r) => r.last_t.slice(0, 10) === today).reduce((a, r) => a + (r.usd || 0), 0);
  const given = manual?.guard && isObj(manual.guard.prior) ? manual.guard.prior : null;
  const sameTask =
    state.branch && !DEFAULT_BRANCHES.has(state.branch)
      ? runs
          .filter((r) => r.root === state.root && r.branch === state.branch)
          .sort((a, b) => a.started.localeCompare(b.started))
      : [];
  const last = sameTask.at(-1);
  const unreviewed = last?.halted && !reviewed(commonDir, last.run_id) ? last.run_id : null;
  return {
    attempts: sameTask.length + (typeof given?.attempts === 'number' ? given.attempts : 0),
    task_usd:
      sameTask.reduce((a, r) => a + (r.usd || 0), 0) +
      (typeof given?.task_usd === 'number' ? given.task_usd : 0),
    day_usd,
    unreviewed: unreviewed ?? (typeof given?.unreviewed === 'string' ? given.unreviewed : null),
    previous: sameTask.map((r) => r.run_id),
  };
}

/** A human note, approval or override was recorded on the run after it halted. */
export function reviewed(commonDir: string, runId: string): boolean {
  return allControl(controlPath(commonDir, runId)).some((l) => l.type === 'review' || l.type === 'allow');
}

function applyControl(commonDir: string, state: GuardState, ids: string[]) {
  for (const id of ids) {
    const path = controlPath(commonDir, id);
    const { lines, offset } = readControl(path, state.control_seen[id] ?? 0);
    state.control_seen[id] = offset;
    for (const l of lines) applyLine(state, l);
  }
}

function applyLine(state: GuardState, l: ControlLine) {
  if (l.type === 'stop') state.stopped = { reason: String(l.reason ?? 'stopped'), by: l.by ?? null, at: l.t };
  if (l.type === 'allow' && l.rule) {
    if (l.rule === 'stop') state.stopped = null;
    else if (!state.overridden.includes(l.rule)) state.overridden.push(l.rule);
    if (l.rule === 'stop' || l.rule === 'all') state.halted = null;
    if (l.rule.startsWith('retries')) for (const c of Object.values(state.checks)) c.since_edit = 0;
  }
}

function trackTranscripts(state: GuardState, payload: Obj, event: GuardEvent) {
  const t =
    typeof payload.transcript_path === 'string' && payload.transcript_path ? payload.transcript_path : null;
  if (t && state.transcript?.path !== t) state.transcript = { path: t, offset: sizeOf(t) };
  const sub = typeof payload.agent_transcript_path === 'string' ? payload.agent_transcript_path : null;
  if (sub && !state.subagents.some((s) => s.path === sub)) state.subagents.push({ path: sub, offset: 0 });
  void event;
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function readSpend(input: GuardInput, state: GuardState) {
  for (const c of [state.transcript, ...state.subagents]) if (c) readNewUsage(c, state.spend);
}

function usedFigures(state: GuardState, spend: { usd: number | null; tokens: number }, now: number) {
  return {
    usd: spend.usd,
    tokens: spend.tokens,
    minutes: Math.round(((now - Date.parse(state.run_started)) / 60_000) * 10) / 10,
    tool_calls: state.tool_calls,
    edits: state.edits,
    ...(state.prior.attempts
      ? { attempt: state.prior.attempts + 1, task_usd: (spend.usd ?? 0) + state.prior.task_usd }
      : {}),
  };
}

/** The limits a policy gives, without the empty ones (for the record's "given" column). */
export function givenLimits(p: Policy): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(p)) {
    if (v === null || v === false || (Array.isArray(v) && v.length === 0)) continue;
    if (k === 'context_max_chars' || k === 'context_on_start' || k === 'enforce') continue;
    if (k === 'mcp') {
      const m = v as Policy['mcp'];
      if (m.allow.length || m.deny.length || Object.keys(m.limits).length) out.mcp = m;
      continue;
    }
    out[k] = v;
  }
  if (!p.enforce) out.enforce = false;
  return out;
}

function guardLine(input: GuardInput, state: GuardState, fields: Obj): JournalEvent {
  return {
    v: 1,
    t: input.received,
    type: 'guard',
    session_id: input.sessionId,
    run_id: state.run_id,
    ...fields,
  };
}
