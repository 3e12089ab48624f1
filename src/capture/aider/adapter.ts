// Aider behind the agent adapter (../session/adapter.ts). Aider has no hooks: its sessions are
// recorded by `run -- aider …` or imported from its chat history (`.aider.chat.history.md`), one run
// per session in the file. The history's times are local wall-clock times without a zone: a session
// takes the zone of an Aider commit it names that the repository has (Aider commits on the same
// machine, and git keeps the author's offset), else the importing machine's.
import { readFileSync } from 'node:fs';
import { UsageError } from '../../errors.js';
import type { AgentAdapter, ImportedSession, SessionCommits } from '../session/adapter.js';
import { foldSession } from '../session/fold.js';
import { type AiderSession, aiderEvents, parseAiderHistory, sessionDidWork } from './history.js';

/** `2024-08-05 19:33:32` at a `+0200`-style offset (null: this machine's zone) as an ISO instant. */
export function localToIso(local: string, tz: string | null): string {
  const [date, time] = local.split(' ');
  const [y, mo, d] = date!.split('-').map(Number) as [number, number, number];
  const [h, mi, s] = time!.split(':').map(Number) as [number, number, number];
  const m = tz ? /^([+-])(\d\d)(\d\d)$/.exec(tz) : null;
  if (!m) return new Date(y, mo - 1, d, h, mi, s).toISOString();
  const offset = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s) - offset * 60_000).toISOString();
}

/** The sessions of a history that did work (an error when there are none, or it is no history). */
function workedSessions(path: string): AiderSession[] {
  const sessions = parseAiderHistory(readFileSync(path, 'utf8'));
  if (sessions.length === 0)
    throw new UsageError(`${path}: not an Aider chat history (no "# aider chat started at" line)`);
  const worked = sessions.filter(sessionDidWork);
  if (!worked.length) throw new UsageError(`${path}: no Aider session in it did any work`);
  return worked;
}

function imported(
  s: AiderSession,
  root: string | null,
  commits: SessionCommits,
  redact?: (text: string) => string,
): ImportedSession {
  const named = s.items.flatMap((i) => (i.kind === 'commit' ? [commits.get(i.short)] : []));
  const tz = named.find((c) => c)?.tz ?? null;
  const {
    sessionId,
    events,
    cost,
    root: cwd,
  } = aiderEvents(s, {
    start: (local) => localToIso(local, tz),
    commitTime: (short) => commits.get(short)?.at ?? null,
  });
  // Aider's paths are relative to the repository it ran in; absolute ones are that machine's.
  const facts = foldSession(events, { root, cwd: cwd ?? root, redact });
  // Its own commits, less those /undo took back: the run's commits when the repository has them.
  const undone = new Set(s.items.flatMap((i) => (i.kind === 'undo' ? [i.short] : [])));
  const made = s.items.flatMap((i) =>
    i.kind === 'commit' && !undone.has(i.short) && commits.get(i.short) ? [commits.get(i.short)!.oid] : [],
  );
  return { facts, cost, sessionId, version: s.version, ...(made.length ? { commits: made } : {}) };
}

export const aider: AgentAdapter = {
  name: 'aider',
  label: 'Aider',
  journalEvents: () => [],
  sessionFileFacts: () => ({ cost: null, version: null }),
  // Not called while importSessions exists; kept for the interface: the last session, unzoned.
  importFile: (path, root, redact) => imported(workedSessions(path).at(-1)!, root, new Map(), redact),
  async importSessions(path, root, { all, commits }) {
    const worked = workedSessions(path);
    const chosen = all ? worked : worked.slice(-1);
    const found = await commits(
      chosen.flatMap((s) => s.items.flatMap((i) => (i.kind === 'commit' ? [i.short] : []))),
    );
    return chosen.map((s) => (redact: (text: string) => string) => imported(s, root, found, redact));
  },
  installer: () => import('./install-command.js'),
};
