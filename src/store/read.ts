// Reading records back from the notes ref: all of them (bulk), those on one commit, or by ID/rev.
import { AmbiguousIdError, NotFoundError } from '../errors.js';
import type { GitEngine } from '../git/engine.js';
import type { Repo } from '../git/repo.js';
import { MIN_PREFIX } from '../record/id.js';
import { type NoteLine, parseNote } from '../record/note-lines.js';
import type { RunRecord } from '../record/schema.js';
import { collectRecords } from './collect.js';
import { entriesById, fullRecords } from './indexed.js';
import { preferLiveCommits } from './live.js';
import { notesTree, readNoteBlobs, readNoteBody, readNotesTree } from './notes.js';
import { notesTip } from './notes-tip.js';

export interface StoredRecord {
  record: RunRecord;
  /** The commit whose note carries the full record line. */
  commit: string;
  /**
   * The run's commits today: every commit whose note carries this record or a pointer to it (notes
   * follow amend and rebase, `adopt` puts them on squash commits). `record.repo.commits` keeps the
   * commits as first sealed, for history.
   */
  commits: string[];
  /** The raw canonical line (for deterministic winners and re-sealing). */
  raw: string;
}

export { collectRecords, newestFirst } from './collect.js';

export interface LoadResult {
  records: StoredRecord[];
  warnings: string[];
  /** Notes commit the result was read from. */
  tip: string | null;
}

/** Every record on the notes ref. Reads all note blobs in one bulk request. */
export async function loadAllRecords(engine: GitEngine): Promise<LoadResult> {
  const tip = await notesTip(engine);
  const warnings: string[] = [];
  const notes = await readNotesTree(engine, await notesTree(engine, tip));
  const blobs = await readNoteBlobs(engine, [...new Set([...notes.values()].flat())]);
  const parsed: [string, NoteLine[]][] = [];
  for (const [commit, oids] of notes) {
    const body = oids.map((o) => blobs.get(o) ?? '').join('\n');
    parsed.push([commit, parseNote(body)]);
  }
  return { records: collectRecords(parsed, warnings), warnings, tip };
}

/** Parsed note lines on one commit. */
export async function noteLinesOn(engine: GitEngine, commit: string): Promise<NoteLine[]> {
  const tip = await notesTip(engine);
  const body = await readNoteBody(engine, await notesTree(engine, tip), commit);
  return body === null ? [] : parseNote(body);
}

/**
 * Records on a commit: full lines there, and the records its pointer lines name. Both are read
 * through the index when it knows them, so events added on other commits are folded in too.
 */
export async function recordsOnCommit(
  engine: GitEngine,
  commit: string,
  warnings: string[] = [],
): Promise<StoredRecord[]> {
  const lines = await noteLinesOn(engine, commit);
  const direct = collectRecords([[commit, lines]], warnings);
  const ids = new Set(direct.map((d) => d.record.id));
  for (const l of lines) if (l.type === 'ref') ids.add(l.id);
  if (ids.size === 0) return direct;
  const out: StoredRecord[] = [];
  for (const id of ids) {
    const found = await entriesById(engine, id, true);
    for (const w of found.warnings) if (!warnings.includes(w)) warnings.push(w);
    const full = await fullRecords(engine, found.entries);
    if (full.length) out.push(...full);
    else out.push(...direct.filter((d) => d.record.id === id));
  }
  return out;
}

/** Find sealed records whose id starts with `prefix`. */
export function matchIdPrefix(records: readonly StoredRecord[], prefix: string): StoredRecord[] {
  return records.filter((r) => r.record.id.startsWith(prefix));
}

export interface ResolveOptions {
  /** Extra records not yet sealed (open and pending runs), searched by id too. */
  unsealed?: RunRecord[];
  warnings?: string[];
}

/** A record ID prefix (≥4 chars) or any revision naming a commit of the run(s). */
export async function resolveRecords(
  repo: Repo,
  arg: string,
  opts: ResolveOptions = {},
): Promise<StoredRecord[]> {
  const warnings = opts.warnings ?? [];
  const idLike = /^[0-9a-z]+$/.test(arg) && arg.length >= MIN_PREFIX && arg.length <= 32;
  const hexOnly = /^[0-9a-f]+$/.test(arg);
  if (idLike && !hexOnly) {
    const found = await findById(repo.engine, arg, opts, warnings);
    if (found.length) return preferLiveCommits(repo.engine, found);
  }
  const commit = await repo.engine.resolve(arg);
  if (commit) {
    const found = await recordsOnCommit(repo.engine, commit, warnings);
    if (found.length) return preferLiveCommits(repo.engine, found);
    if (!idLike)
      throw new NotFoundError(
        `no agent-log record on ${arg} (${commit.slice(0, 12)})`,
        'git agent-log log lists the recorded runs',
      );
  }
  if (idLike) {
    const found = await findById(repo.engine, arg, opts, warnings);
    if (found.length) return preferLiveCommits(repo.engine, found);
    if (arg.length < MIN_PREFIX) throw new NotFoundError(`record ID prefix '${arg}' is too short`);
  }
  if (arg === 'HEAD' || arg === '@') {
    // git's own words for an unborn branch, not "no revision": nothing is wrong with the argument
    const head = await repo.engine.head();
    if (!head.commit)
      throw new NotFoundError(
        head.branch
          ? `your current branch '${head.branch}' does not have any commits yet`
          : 'HEAD does not name a commit yet',
        'git agent-log log lists the runs waiting for a commit',
      );
  }
  throw new NotFoundError(`no record or revision matches '${arg}'`);
}

async function findById(engine: GitEngine, prefix: string, opts: ResolveOptions, warnings: string[]) {
  // The index resolves a prefix without reading every note (fast on 10k+ records).
  const byId = await entriesById(engine, prefix);
  warnings.push(...byId.warnings);
  const sealed = await fullRecords(engine, byId.entries);
  const sealedIds = new Set(sealed.map((s) => s.record.id));
  const unsealed = (opts.unsealed ?? [])
    .filter((r) => r.id.startsWith(prefix) && !sealedIds.has(r.id))
    .map((record) => ({ record, commit: '', commits: [], raw: '' }));
  const found = [...sealed, ...unsealed];
  const ids = new Set(found.map((f) => f.record.id));
  if (ids.size > 1) {
    throw new AmbiguousIdError(
      `record ID prefix '${prefix}' is ambiguous: ${[...ids].sort().slice(0, 5).join(', ')}${ids.size > 5 ? `, … (${ids.size} in all)` : ''}`,
      'give more characters of the ID',
    );
  }
  return found;
}
