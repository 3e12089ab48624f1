// Runs that are not sealed yet live as journals under <common dir>/agent-log/runs/<id>.jsonl.
// Each worktree has at most one active run (pointer file active/<worktree>); a finished run with no
// commit yet stays here as pending until a commit arrives.
import { existsSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NotFoundError, UsageError } from '../errors.js';
import type { RepoLocation } from '../git/engine.js';
import { appendEvent, ensurePrivateDir, type JournalEvent, nowIso, readEvents } from '../journal/journal.js';
import { activeDir, activeRunPath, runJournalPath, runsDir, sealedDir } from '../journal/paths.js';
import { repoRedactor } from '../redact/config.js';
import { Redactor } from '../redact/redactor.js';

export type RunState = 'open' | 'pending';

export interface RunJournal {
  id: string;
  path: string;
  events: JournalEvent[];
  /** Lines that did not parse (torn last line after a crash). */
  damaged: number;
  state: RunState;
  worktreeKey: string | null;
}

export function activeRunId(loc: RepoLocation): string | null {
  try {
    const id = readFileSync(activeRunPath(loc.commonDir, loc.worktreeKey), 'utf8').trim();
    return id && existsSync(runJournalPath(loc.commonDir, id)) ? id : null;
  } catch {
    return null;
  }
}

function setActive(loc: RepoLocation, id: string) {
  ensurePrivateDir(activeDir(loc.commonDir));
  const path = activeRunPath(loc.commonDir, loc.worktreeKey);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${id}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

export function clearActive(loc: RepoLocation, id: string) {
  if (activeRunId(loc) === id) {
    try {
      unlinkSync(activeRunPath(loc.commonDir, loc.worktreeKey));
    } catch {
      // already gone
    }
  }
}

/** Redact an event's strings, remembering which rules fired (counts only). */
export function redactEvent<T extends Record<string, unknown>>(event: T, redactor = new Redactor()): T {
  const out = redactor.redactDeep(event);
  const report = redactor.report();
  return report.length ? { ...out, redactions: report } : out;
}

export function createRun(loc: RepoLocation, id: string, start: Record<string, unknown>): void {
  const open = activeRunId(loc);
  if (open) {
    throw new UsageError(
      `a run is already open in this worktree: ${open}`,
      `finish it first: git agent-log finish ${open}`,
    );
  }
  ensurePrivateDir(runsDir(loc.commonDir));
  appendRunEvent(loc, id, { type: 'start', worktree: loc.worktreeKey, ...start }, { create: true });
  setActive(loc, id);
}

export function appendRunEvent(
  loc: RepoLocation,
  id: string,
  event: { type: string; [k: string]: unknown },
  /** `redactor`: one that already redacted parts of the event (its counts join the line's). */
  opts: { create?: boolean; redactor?: Redactor } = {},
): void {
  const path = runJournalPath(loc.commonDir, id);
  if (!opts.create && !existsSync(path)) throw new NotFoundError(`no open run ${id}`);
  const redactor = opts.redactor ?? repoRedactor(loc.worktree);
  appendEvent(path, redactEvent({ v: 1 as const, t: nowIso(), ...event }, redactor));
}

export function readRun(loc: RepoLocation, id: string): RunJournal {
  const path = runJournalPath(loc.commonDir, id);
  if (!existsSync(path)) throw new NotFoundError(`no unsealed run ${id}`);
  const { events, bad } = readEvents(path);
  const start = events.find((e) => e.type === 'start');
  return {
    id,
    path,
    events,
    damaged: bad.length,
    state: events.some((e) => e.type === 'finish') ? 'pending' : 'open',
    worktreeKey: typeof start?.worktree === 'string' ? start.worktree : null,
  };
}

/** Every unsealed run in the repository (all worktrees). */
export function listRuns(loc: RepoLocation): RunJournal[] {
  let names: string[];
  try {
    names = readdirSync(runsDir(loc.commonDir));
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.jsonl'))
    .flatMap((n) => {
      // another process may seal (move) a journal between readdir and read: it is simply gone
      try {
        return [readRun(loc, n.slice(0, -'.jsonl'.length))];
      } catch (e) {
        if (e instanceof NotFoundError || (e as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw e;
      }
    })
    .filter((r) => r.events.length > 0);
}

/** A run that never began (its agent could not be started): nothing happened, nothing is kept. */
export function discardRun(loc: RepoLocation, id: string): void {
  clearActive(loc, id);
  try {
    unlinkSync(runJournalPath(loc.commonDir, id));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

/** After the notes ref moved: keep the journal as evidence, out of the way of open runs. */
export function markSealed(loc: RepoLocation, id: string): void {
  ensurePrivateDir(sealedDir(loc.commonDir));
  try {
    renameSync(runJournalPath(loc.commonDir, id), join(sealedDir(loc.commonDir), `${id}.jsonl`));
  } catch (e) {
    // sealed and moved by another process at the same time (finish and the post-commit hook)
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  clearActive(loc, id);
}

/** Resolve an unsealed run by ID prefix, or the active run when no ID is given. */
export function findRun(loc: RepoLocation, prefix: string | undefined): RunJournal {
  if (!prefix) {
    const id = activeRunId(loc);
    if (!id)
      throw new NotFoundError(
        'no open run in this worktree',
        'start one with: git agent-log start --task "…"',
      );
    return readRun(loc, id);
  }
  const matches = listRuns(loc).filter((r) => r.id.startsWith(prefix));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1)
    throw new UsageError(`run ID prefix '${prefix}' is ambiguous: ${matches.map((m) => m.id).join(', ')}`);
  throw new NotFoundError(`no unsealed run matches '${prefix}'`);
}
