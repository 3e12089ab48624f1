// Session journals written by the hook (<common>/agent-log/sessions/<agent>/<session>.jsonl; claude-code,
// codex and gemini share this layout), split into runs: a run starts at the first event, at `/clear`
// (SessionStart source=clear), at a SessionStart that follows a SessionEnd, and after two quiet hours
// (a stale run may be sealed already). Sealed runs are listed in `<session>.sealed` (the journal
// stays where hooks append to it, so no event is lost to a rename race).
import { appendFileSync, existsSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ensurePrivateDir, type JournalEvent, readEvents } from '../../journal/journal.js';
import { sealedDir, sessionsDir } from '../../journal/paths.js';
import type { RedactionCount } from '../../redact/redactor.js';
import { runIdFor } from '../../record/id.js';
import { isSessionEnd, isSessionStart } from '../hook/agent-names.js';

export const AGENT = 'claude-code';

/** A session with no event for this long counts as over even without SessionEnd; later events start a new run. */
export const STALE_MS = 2 * 60 * 60 * 1000;

export interface HeadFacts {
  commit: string | null;
  branch: string | null;
  root: string | null;
}

export interface SessionRun {
  /** The agent whose hooks wrote the journal (its folder under sessions/). */
  agent: string;
  sessionId: string;
  path: string;
  id: string;
  lines: JournalEvent[];
  head: HeadFacts | null;
  /** HEAD as last seen by a hook of the run (Stop, SessionEnd): commits up to it were made while live. */
  lastHead?: HeadFacts | null;
  /** Working tree at the start (snapshot taken in the background at SessionStart), if taken in time. */
  startTree: string | null;
  /** SessionEnd was seen (or the run was imported). */
  ended: boolean;
  firstAt: string;
  lastAt: string;
  transcriptPath: string | null;
  subagentTranscripts: string[];
  redactions: RedactionCount[];
  /** For `import`: the facts and cost computed from the transcript. */
  imported: Record<string, unknown> | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
const payloadOf = (e: JournalEvent): Record<string, unknown> =>
  e.payload && typeof e.payload === 'object' ? (e.payload as Record<string, unknown>) : {};

export function expandHome(p: string): string {
  return p.startsWith('~/') ? join(process.env.HOME || homedir(), p.slice(2)) : p;
}

export function sealedMarkerPath(path: string): string {
  return path.replace(/\.jsonl$/, '.sealed');
}

function sealedIds(path: string): Set<string> {
  try {
    return new Set(readFileSync(sealedMarkerPath(path), 'utf8').split('\n').filter(Boolean));
  } catch {
    return new Set();
  }
}

export function markRunSealed(run: SessionRun): void {
  if (!existsSync(run.path)) return; // sealed straight away (import): no journal to mark
  appendFileSync(sealedMarkerPath(run.path), `${run.id}\n`, { mode: 0o600 });
}

/** Split one session journal into runs. */
export function splitRuns(
  sessionId: string,
  path: string,
  events: readonly JournalEvent[],
  agent: string = AGENT,
): SessionRun[] {
  const runs: SessionRun[] = [];
  let current: SessionRun | null = null;
  let endedBefore = false;
  for (const e of events) {
    const p = payloadOf(e);
    const isStart = e.type === 'hook' && isSessionStart(e.event);
    const gap = current !== null && Date.parse(e.t) - Date.parse(current.lastAt) > STALE_MS;
    const boundary =
      current !== null &&
      ((isStart && (p.source === 'clear' || endedBefore)) || e.type === 'imported' || gap);
    if (!current || boundary) {
      current = {
        agent,
        sessionId,
        path,
        id: runIdFor(`${agent}:${sessionId}:${e.t}`),
        lines: [],
        head: null,
        startTree: null,
        ended: false,
        firstAt: e.t,
        lastAt: e.t,
        transcriptPath: null,
        subagentTranscripts: [],
        redactions: [],
        imported: null,
      };
      runs.push(current);
      endedBefore = false;
    }
    current.lines.push(e);
    current.lastAt = e.t > current.lastAt ? e.t : current.lastAt;
    if (e.head && typeof e.head === 'object') {
      const h = e.head as Record<string, unknown>;
      const facts = { commit: str(h.commit), branch: str(h.branch), root: str(h.root) };
      if (!current.head) current.head = facts;
      else current.lastHead = facts;
    }
    if (
      e.type === 'snapshot' &&
      !current.startTree &&
      str(e.tree) &&
      (!current.head || current.head.commit === (e.commit ?? null))
    )
      current.startTree = str(e.tree);
    current.transcriptPath ??= str(p.transcript_path);
    const sub = str(p.agent_transcript_path);
    if (sub && !current.subagentTranscripts.includes(sub)) current.subagentTranscripts.push(sub);
    if (Array.isArray(e.redactions)) current.redactions.push(...(e.redactions as RedactionCount[]));
    if (e.type === 'imported') {
      current.imported = e;
      current.ended = true;
      current.id = str(e.id) ?? current.id;
    }
    if (isSessionEnd(e.event)) {
      current.ended = true;
      endedBefore = true;
    }
  }
  return runs;
}

/** Every run not sealed yet, across all sessions of this repository. */
export function unsealedSessionRuns(commonDir: string, only?: string, agent: string = AGENT): SessionRun[] {
  const dir = sessionsDir(commonDir, agent);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.jsonl'));
  } catch {
    return [];
  }
  const out: SessionRun[] = [];
  for (const name of names.sort()) {
    const sessionId = name.slice(0, -'.jsonl'.length);
    if (only && sessionId !== only) continue;
    const path = join(dir, name);
    let events: JournalEvent[];
    try {
      events = readEvents(path).events;
    } catch {
      continue;
    }
    const sealed = sealedIds(path);
    out.push(...splitRuns(sessionId, path, events, agent).filter((r) => !sealed.has(r.id)));
  }
  return out;
}

/** Once every run of a session is sealed and it ended, move its files out of the hooks' way. */
export function retireSession(commonDir: string, run: SessionRun): void {
  try {
    const remaining = unsealedSessionRuns(commonDir, run.sessionId, run.agent);
    if (remaining.length) return;
    const dest = join(sealedDir(commonDir), run.agent);
    ensurePrivateDir(dest);
    const stamp = run.lastAt.replace(/[^0-9]/g, '').slice(0, 14);
    renameSync(sealedMarkerPath(run.path), join(dest, `${run.sessionId}.${stamp}.sealed`));
    renameSync(run.path, join(dest, `${run.sessionId}.${stamp}.jsonl`));
  } catch {
    // a hook appended meanwhile, or already moved: leave it, the marker keeps it from sealing twice
  }
}
