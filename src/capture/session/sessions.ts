// Session journals written by the hook (<common>/agent-log/sessions/<agent>/<session>.jsonl; claude-code,
// codex and gemini share this layout), split into runs: a run starts at the first event, at `/clear`
// (SessionStart source=clear), at a SessionStart that follows a SessionEnd, and after two quiet hours
// (a stale run may be sealed already). Sealed runs are listed in `<session>.sealed` (the journal
// stays where hooks append to it, so no event is lost to a rename race).
import {
  appendFileSync,
  closeSync,
  existsSync,
  fstatSync,
  futimesSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ensurePrivateDir, type JournalEvent, parseEventLine, readEvents } from '../../journal/journal.js';
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
  /** `purge` dropped it: its lines are blanked behind a `dropped` line; no reader lists or seals it. */
  dropped?: boolean;
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
      ((isStart && (p.source === 'clear' || endedBefore)) ||
        e.type === 'imported' ||
        e.type === 'dropped' ||
        gap);
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
    if (e.type === 'dropped') {
      // What the blanked lines said about the run's end and time, so later lines split as before;
      // lines a live session appends after it (no /clear, no new start) stay in the dropped run.
      current.id = str(e.id) ?? current.id;
      current.dropped = true;
      current.ended = e.ended === true;
      endedBefore = current.ended;
      const last = str(e.last_at);
      if (last && last > current.lastAt) current.lastAt = last;
    }
  }
  return runs;
}

/** The session journals of one agent (or the one named `only`), read; an unreadable one is skipped. */
function sessionJournals(
  commonDir: string,
  agent: string,
  only: string | undefined,
  /** Read (parse) only the journals this says are worth it. */
  worth: (path: string) => boolean = () => true,
): { sessionId: string; path: string; events: JournalEvent[] }[] {
  const dir = sessionsDir(commonDir, agent);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.jsonl'));
  } catch {
    return [];
  }
  return names.sort().flatMap((name) => {
    const sessionId = name.slice(0, -'.jsonl'.length);
    if (only && sessionId !== only) return [];
    const path = join(dir, name);
    try {
      return worth(path) ? [{ sessionId, path, events: readEvents(path).events }] : [];
    } catch {
      return [];
    }
  });
}

/** Every run not sealed yet, across all sessions of this repository. */
export function unsealedSessionRuns(commonDir: string, only?: string, agent: string = AGENT): SessionRun[] {
  return sessionRunsToSeal(commonDir, agent, only, new Date()).unsealed;
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

/**
 * `purge` of a run that is not sealed: overwrite its lines in place with one `dropped` line and
 * spaces, byte for byte. Hooks append to the journal meanwhile (O_APPEND, at the end): a rewrite
 * and rename could lose their lines, a write inside the bytes already read cannot. The journal's
 * mtime is kept (it tells the hooks and `commitRunIds` whether the session is quiet).
 */
export function dropSessionRun(run: SessionRun, opts: { again?: boolean } = {}): void {
  const fd = openSync(run.path, 'r+');
  try {
    const st = fstatSync(fd);
    const buf = Buffer.alloc(st.size);
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, got);
      if (n === 0) break;
      got += n;
    }
    // Lines as readEvents sees them, with their byte ranges.
    const lines: { from: number; to: number; event: JournalEvent }[] = [];
    for (let from = 0; from < got;) {
      const to = buf.indexOf(0x0a, from);
      if (to === -1 || to >= got) break; // a line being written has no newline yet: not ours to touch
      const text = buf.toString('utf8', from, to);
      // a damaged line stays as it is
      const event = text.trim() === '' ? null : parseEventLine(text);
      if (event) lines.push({ from, to, event });
      from = to + 1;
    }
    const runs = splitRuns(
      run.sessionId,
      run.path,
      lines.map((l) => l.event),
      run.agent,
    );
    let at = 0;
    let first = -1;
    let count = 0;
    for (const r of runs) {
      if (r.id === run.id && (r.dropped ?? false) === (opts.again ?? false)) {
        first = at;
        count = r.lines.length;
        break;
      }
      at += r.lines.length;
    }
    if (first === -1) return; // sealed or dropped by someone else meanwhile
    const from = lines[first]!.from;
    const to = lines[first + count - 1]!.to; // the last line's newline stays
    const tomb = JSON.stringify({
      v: 1,
      t: run.firstAt,
      type: 'dropped',
      id: run.id,
      ended: run.ended,
      last_at: run.lastAt,
    });
    const out = Buffer.alloc(to - from, 0x20);
    // Lines keep their newlines (each blank line stays short); the `dropped` line takes the start.
    for (let i = from; i < to; i++) if (buf[i] === 0x0a) out[i - from] = 0x0a;
    const head = Buffer.from(tomb, 'utf8');
    if (head.length + 1 > out.length)
      throw new Error(`run ${run.id}: its journal lines are too short to drop in place`);
    head.copy(out, 0);
    out[head.length] = 0x0a;
    writeSync(fd, out, 0, out.length, from);
    futimesSync(fd, st.atime, st.mtime);
  } finally {
    closeSync(fd);
  }
}

/**
 * One read of each journal for a seal: the runs not sealed yet, and the dropped runs whose session
 * went on after the drop (a live run: its next tool calls join it) and is over now, whose later
 * lines are blanked too (`dropSessionRun(run, { again: true })`). `log` and `show` come here on
 * every call.
 */
export function sessionRunsToSeal(
  commonDir: string,
  agent: string,
  only: string | undefined,
  now: Date,
): { unsealed: SessionRun[]; tails: SessionRun[] } {
  const unsealed: SessionRun[] = [];
  const tails: SessionRun[] = [];
  for (const { sessionId, path, events } of sessionJournals(commonDir, agent, only)) {
    const runs = splitRuns(sessionId, path, events, agent);
    const sealed = sealedIds(path);
    runs.forEach((r, i) => {
      if (!r.dropped) {
        if (!sealed.has(r.id)) unsealed.push(r);
        return;
      }
      const over = r.ended || i < runs.length - 1 || now.getTime() - Date.parse(r.lastAt) > STALE_MS;
      if (r.lines.length > 1 && over) tails.push(r);
    });
  }
  return { unsealed, tails };
}
