// Reading records back from the notes ref: all of them (bulk), those on one commit, or by ID/rev.
import { AmbiguousIdError, NotFoundError } from '../errors.js';
import type { GitEngine } from '../git/engine.js';
import type { Repo } from '../git/repo.js';
import { MIN_PREFIX } from '../record/id.js';
import { type NoteLine, parseNote, pickWinner } from '../record/note-lines.js';
import type { RunRecord } from '../record/schema.js';
import type { IndexEntry } from '../index/model.js';
import { entriesById, fullRecords } from './indexed.js';
import { preferLiveCommits } from './live.js';
import { NOTES_REF, notesTree, readNoteBody, readNotesTree } from './notes.js';

export interface StoredRecord {
  record: RunRecord;
  /** The commit whose note carries the full record line. */
  commit: string;
  /** Every commit that carries this record or a pointer to it. */
  commits: string[];
  /** The raw canonical line (for deterministic winners and re-sealing). */
  raw: string;
}

export interface LoadResult {
  records: StoredRecord[];
  warnings: string[];
  /** Notes commit the result was read from. */
  tip: string | null;
}

/** Fold parsed note lines of many commits into records, deduplicated by id. */
export function collectRecords(notes: Iterable<[string, NoteLine[]]>, warnings: string[]): StoredRecord[] {
  const byId = new Map<string, StoredRecord>();
  const refs = new Map<string, Set<string>>();
  for (const [commit, lines] of notes) {
    for (const line of lines) {
      if (line.type === 'invalid')
        warnings.push(`skipped a malformed record in the note on ${commit.slice(0, 12)}: ${line.error}`);
      else if (line.type === 'ref') {
        if (!refs.has(line.id)) refs.set(line.id, new Set());
        refs.get(line.id)!.add(commit);
      } else if (line.type === 'record') {
        const prev = byId.get(line.record.id);
        const cand: StoredRecord = { record: line.record, commit, commits: [], raw: line.raw };
        byId.set(line.record.id, prev ? pickWinner(prev, cand) : cand);
      }
    }
  }
  for (const s of byId.values()) {
    const all = new Set([s.commit, ...s.record.repo.commits, ...(refs.get(s.record.id) ?? [])]);
    s.commits = [...all];
  }
  return [...byId.values()].sort(newestFirst);
}

export function newestFirst(a: StoredRecord, b: StoredRecord): number {
  const ta = a.record.ended_at ?? a.record.started_at ?? '';
  const tb = b.record.ended_at ?? b.record.started_at ?? '';
  return ta === tb ? a.record.id.localeCompare(b.record.id) : tb.localeCompare(ta);
}

/** Every record on the notes ref. Reads all note blobs in one bulk request. */
export async function loadAllRecords(engine: GitEngine): Promise<LoadResult> {
  const tip = await engine.readRef(NOTES_REF);
  const warnings: string[] = [];
  const notes = await readNotesTree(engine, await notesTree(engine, tip));
  const blobs = await engine.readBlobs([...new Set([...notes.values()].flat())]);
  const parsed: [string, NoteLine[]][] = [];
  for (const [commit, oids] of notes) {
    const body = oids.map((o) => blobs.get(o)?.toString('utf8') ?? '').join('\n');
    parsed.push([commit, parseNote(body)]);
  }
  return { records: collectRecords(parsed, warnings), warnings, tip };
}

/** Parsed note lines on one commit. */
export async function noteLinesOn(engine: GitEngine, commit: string): Promise<NoteLine[]> {
  const tip = await engine.readRef(NOTES_REF);
  const body = await readNoteBody(engine, await notesTree(engine, tip), commit);
  return body === null ? [] : parseNote(body);
}

/** Records on a commit: full lines there, and the records its pointer lines name. */
export async function recordsOnCommit(
  engine: GitEngine,
  commit: string,
  warnings: string[] = [],
): Promise<StoredRecord[]> {
  const lines = await noteLinesOn(engine, commit);
  const direct = collectRecords([[commit, lines]], warnings);
  const pointers = lines.flatMap((l) =>
    l.type === 'ref' && !direct.some((d) => d.record.id === l.id) ? [l.id] : [],
  );
  if (pointers.length === 0) return direct;
  // Pointer lines name records that live on other commits: the index knows where.
  const entries: IndexEntry[] = [];
  for (const id of pointers) {
    const found = await entriesById(engine, id, true);
    entries.push(...found.entries);
    warnings.push(...found.warnings.filter((w) => !warnings.includes(w)));
  }
  return [...direct, ...(await fullRecords(engine, entries))];
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
    if (!idLike) throw new NotFoundError(`no agent-log record on ${arg} (${commit.slice(0, 12)})`);
  }
  if (idLike) {
    const found = await findById(repo.engine, arg, opts, warnings);
    if (found.length) return preferLiveCommits(repo.engine, found);
    if (arg.length < MIN_PREFIX) throw new NotFoundError(`record ID prefix '${arg}' is too short`);
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
