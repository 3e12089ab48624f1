// The query index in memory, and how a change of notes updates it. Pure apart from the blob loader
// it is handed, so a cold build is just "every note added" and tests need no git.
//
// Per record ID the index keeps a slim copy of the winning record line (see slimRecord), the commit
// that carries it, and every commit whose note mentions the ID (full or pointer line). An entry is a
// function of the notes that mention its ID and nothing else, so an incremental update recomputes
// exactly the IDs on the commits that changed, and always equals a cold rebuild.
import { foldEvents, foldVersions, type StoredEvent } from '../record/events.js';
import { parseNote } from '../record/note-lines.js';
import type { RunRecord } from '../record/schema.js';

import { INDEX_FORMAT_VERSION } from './format.js';

export { INDEX_FORMAT_VERSION };

export interface IndexEntry {
  id: string;
  /** The run's date (ended, else started, else sealed), '' when unknown; the listing order. */
  date: string;
  /** Commit whose note holds the winning full record line; null when only pointer lines exist. */
  commit: string | null;
  /** The note blob of `commit` that holds the line. */
  blob: string | null;
  /** Every commit whose note mentions the ID, sorted. */
  commits: string[];
  /** JSON of the slim record (see slimRecord), null when no full line exists. */
  json: string | null;
}

export interface IndexData {
  version: number;
  /** The notes commit this index describes; null for "no notes yet". */
  tip: string | null;
  /** Annotated commit → its note blob(s) (more than one only in a damaged tree; git concatenates). */
  notes: Map<string, string[]>;
  entries: Map<string, IndexEntry>;
  /** Annotated commit → IDs its note mentions (derived from entries). */
  byCommit: Map<string, string[]>;
  /** Annotated commit → warnings about lines on it that could not be read. */
  warnings: Map<string, string[]>;
}

/** One commit's note changed: blobs removed from and added to its paths in the notes tree. */
export interface NoteChange {
  commit: string;
  removed: string[];
  added: string[];
}

export type BlobLoader = (oids: readonly string[]) => Promise<Map<string, string>>;

export function emptyIndex(): IndexData {
  return {
    version: INDEX_FORMAT_VERSION,
    tip: null,
    notes: new Map(),
    entries: new Map(),
    byCommit: new Map(),
    warnings: new Map(),
  };
}

/** A run's date for the index: when it ended, else started, else was sealed. */
export function runDateOf(record: {
  ended_at?: string | null;
  started_at?: string | null;
  sealed_at?: string | null;
}): string {
  return indexDate(record.ended_at ?? record.started_at ?? record.sealed_at ?? '');
}

/**
 * A run's date as the index keeps it. It is a field of a tab-separated line on disk, so a hostile
 * record must not break it (no whitespace but spaces); and it must read back as it sorted: a lone
 * surrogate (a JSON escape such as "\ud800") is written as U+FFFD, which sorts after U+E000-U+FFFC
 * where the surrogate sorted before them, so an update comparing dates read back from the file
 * ordered runs unlike a rebuild.
 */
export function indexDate(text: string): string {
  return text.replace(/\s/g, ' ').replace(LONE_SURROGATE, '\ufffd');
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * What queries need of a record (filters, line formats, stats, blame) and nothing more: no command
 * output, durations, session IDs, commit lists or unknown fields. Still a valid RunRecord; `show`
 * and `--json` read the full line from git. Its key order and nested keys are read by
 * index/slim-facts.ts (values sliced between keys): change them only with INDEX_FORMAT_VERSION.
 */
export function slimRecord(r: RunRecord): RunRecord {
  return {
    schema: r.schema,
    kind: 'record',
    id: r.id,
    task: {
      intent: r.task.intent,
      source: r.task.source,
      follow_ups: r.task.follow_ups,
      ...(typeof r.task.attempt_of === 'string' ? { attempt_of: r.task.attempt_of } : {}),
    },
    boundary: {
      allow: r.boundary.allow,
      deny: r.boundary.deny,
      level: r.boundary.level,
      constraints: r.boundary.constraints,
    },
    agent: { name: r.agent.name, version: null, model: r.agent.model, session_ids: [] },
    repo: {
      branch: r.repo.branch,
      start_commit: null,
      end_commit: null,
      commits: [],
      start_tree: null,
      end_tree: null,
    },
    started_at: r.started_at,
    ended_at: r.ended_at,
    ...(r.sealed_at !== undefined ? { sealed_at: r.sealed_at } : {}),
    files: {
      read: r.files.read,
      changed: r.files.changed.map((f) => ({
        path: f.path,
        status: f.status,
        additions: f.additions,
        deletions: f.deletions,
        via: f.via,
        ...(f.old_path !== undefined ? { old_path: f.old_path } : {}),
      })),
    },
    commands: r.commands.map((c) => ({
      command: c.command,
      cwd: '.',
      started_at: null,
      duration_ms: null,
      exit_code: c.exit_code,
      interrupted: c.interrupted,
      kind: c.kind,
      output_tail: null,
    })),
    checks: r.checks.map((c) => ({
      name: c.name,
      kind: c.kind,
      status: c.status,
      attempts: c.attempts,
      after_last_edit: c.after_last_edit,
      weakened: c.weakened,
      ...(c.command !== undefined ? { command: c.command } : {}),
    })),
    dependencies: r.dependencies.map((d) => ({ manifest: d.manifest, name: d.name, from: d.from, to: d.to })),
    config_changes: r.config_changes,
    approvals: r.approvals.map((a) => ({
      by: a.by,
      scope: a.scope,
      decision: a.decision,
      at: null,
      note: a.note,
      ...(a.email !== undefined ? { email: a.email } : {}),
      ...(a.signed !== undefined ? { signed: a.signed } : {}),
    })),
    outcome: {
      status: r.outcome.status,
      pr: r.outcome.pr,
      summary: r.outcome.summary,
      ...(r.outcome.reason !== undefined ? { reason: r.outcome.reason } : {}),
      ...(r.outcome.reverted !== undefined ? { reverted: r.outcome.reverted } : {}),
    },
    rollback: { strategy: r.rollback.strategy, notes: r.rollback.notes },
    cost: r.cost && {
      model: r.cost.model,
      input_tokens: r.cost.input_tokens,
      output_tokens: r.cost.output_tokens,
      cache_read_tokens: r.cost.cache_read_tokens,
      cache_write_tokens: r.cost.cache_write_tokens,
      usd: r.cost.usd,
    },
    risk: { level: r.risk.level, reasons: r.risk.reasons },
    redactions: [],
    ...(r.notes !== undefined ? { notes: r.notes } : {}),
    // Events stay whole: fullRecords folds them into the full line, verify checks their signatures.
    ...(r.events !== undefined ? { events: r.events } : {}),
    ...slimLimits(r),
  };
}

/** The guard's evidence, as filters and stats read it (rules fired, stops, overrides, figures). */
export function slimLimits(r: Pick<RunRecord, 'id'>): { limits?: unknown } {
  const l = (r as Record<string, unknown>).limits as Record<string, unknown> | undefined;
  if (!l || typeof l !== 'object') return {};
  // Entries that are not objects (a hostile or broken line) are left out: reading a field of null
  // took the whole index build down with it.
  const list = (v: unknown) =>
    Array.isArray(v)
      ? (v.filter((x) => x !== null && typeof x === 'object') as Record<string, unknown>[])
      : [];
  return {
    limits: {
      given: l.given ?? {},
      used: l.used ?? {},
      fired: list(l.fired).map((f) => ({ rule: f.rule, decision: f.decision, at: f.at })),
      overrides: list(l.overrides).map((o) => ({ rule: o.rule, by: o.by, at: o.at })),
      stopped: l.stopped ?? null,
    },
  };
}

interface Candidate {
  record: RunRecord;
  raw: string;
  commit: string;
  blob: string;
}

/** Apply note changes in place. `load` is asked for the blobs it needs (new notes and related ones). */
export async function applyNoteChanges(
  data: IndexData,
  changes: readonly NoteChange[],
  load: BlobLoader,
): Promise<void> {
  const touched = new Map<string, string[]>();
  for (const ch of changes) {
    const blobs = [...(touched.get(ch.commit) ?? data.notes.get(ch.commit) ?? [])];
    for (const oid of ch.removed) {
      const i = blobs.indexOf(oid);
      if (i !== -1) blobs.splice(i, 1);
    }
    blobs.push(...ch.added);
    touched.set(ch.commit, blobs.sort());
  }
  const needed = new Set<string>();
  for (const blobs of touched.values()) for (const b of blobs) needed.add(b);
  const contents = await load([...needed]);

  const affected = new Set<string>();
  const parsed = new Map<string, ParsedNote>();
  /** ID → touched commits whose new note mentions it. */
  const touchedWith = new Map<string, string[]>();
  for (const [commit, blobs] of touched) {
    for (const id of data.byCommit.get(commit) ?? []) affected.add(id);
    data.warnings.delete(commit);
    if (blobs.length === 0) {
      data.notes.delete(commit);
      data.byCommit.delete(commit);
      continue;
    }
    data.notes.set(commit, blobs);
    const note = parseCommitNote(commit, blobs, contents);
    parsed.set(commit, note);
    if (note.warnings.length) data.warnings.set(commit, note.warnings);
    if (note.ids.length) data.byCommit.set(commit, note.ids);
    else data.byCommit.delete(commit);
    for (const id of note.ids) {
      affected.add(id);
      const list = touchedWith.get(id);
      if (list) list.push(commit);
      else touchedWith.set(id, [commit]);
    }
  }

  // Commits that mention an affected ID but did not change: their full lines may still compete.
  const commitsOf = new Map<string, string[]>();
  const extra = new Set<string>();
  for (const id of affected) {
    const old = data.entries.get(id)?.commits ?? [];
    const all = new Set<string>();
    for (const c of old) if (!touched.has(c) && data.byCommit.get(c)?.includes(id)) all.add(c);
    for (const c of touchedWith.get(id) ?? []) all.add(c);
    const list = [...all].sort();
    commitsOf.set(id, list);
    for (const c of list) if (!parsed.has(c)) for (const b of data.notes.get(c) ?? []) extra.add(b);
  }
  if (extra.size) {
    const more = await load([...extra]);
    for (const id of affected) {
      for (const c of commitsOf.get(id)!) {
        if (!parsed.has(c)) parsed.set(c, parseCommitNote(c, data.notes.get(c) ?? [], more));
      }
    }
  }

  for (const id of affected) {
    const commits = commitsOf.get(id)!;
    if (commits.length === 0) data.entries.delete(id);
    else data.entries.set(id, entryOf(id, commits, parsed));
  }
}

/** The entry of an ID from the parsed notes of every commit that mentions it (`commits`, sorted). */
export function entryOf(id: string, commits: string[], parsed: ReadonlyMap<string, ParsedNote>): IndexEntry {
  const versions: Candidate[] = [];
  const events: StoredEvent[] = [];
  for (const c of commits) {
    versions.push(...(parsed.get(c)!.records.get(id) ?? []));
    events.push(...(parsed.get(c)!.events.get(id) ?? []));
  }
  const best = foldVersions(versions);
  return {
    id,
    date: best ? runDateOf(best.record) : '',
    commit: best?.commit ?? null,
    blob: best?.blob ?? null,
    commits,
    json: best ? JSON.stringify(slimRecord(foldEvents(best.record, events))) : null,
  };
}

export interface ParsedNote {
  ids: string[];
  records: Map<string, Candidate[]>;
  events: Map<string, StoredEvent[]>;
  warnings: string[];
}

/** Every line of a commit's note (its blobs, in order): IDs, record versions, events, warnings. */
export function parseCommitNote(
  commit: string,
  blobs: readonly string[],
  contents: Map<string, string>,
): ParsedNote {
  const ids = new Set<string>();
  const records = new Map<string, Candidate[]>();
  const events = new Map<string, StoredEvent[]>();
  const warnings: string[] = [];
  for (const [blob, body] of noteBlobsRead(commit, blobs, contents, warnings)) {
    for (const line of parseNote(body)) {
      if (line.type === 'record') {
        const id = line.record.id;
        ids.add(id);
        const list = records.get(id) ?? [];
        list.push({ record: line.record, raw: line.raw, commit, blob });
        records.set(id, list);
      } else if (line.type === 'ref') ids.add(line.id);
      else if (line.type === 'event') {
        ids.add(line.event.id);
        events.set(line.event.id, [...(events.get(line.event.id) ?? []), line]);
      } else if (line.type === 'invalid') {
        warnings.push(unreadableLineWarning(commit, line.error));
      }
    }
  }
  return { ids: [...ids].sort(), records, events, warnings };
}

/**
 * The blobs of `commit`'s note that were read, each with its text, in order; for each one that was
 * not, a warning joins `warnings`.
 */
export function noteBlobsRead(
  commit: string,
  blobs: readonly string[],
  contents: ReadonlyMap<string, string>,
  warnings: string[],
): [blob: string, body: string][] {
  const out: [string, string][] = [];
  for (const blob of blobs) {
    const body = contents.get(blob);
    if (body === undefined) warnings.push(`note blob ${blob} on commit ${commit} is missing`);
    else out.push([blob, body]);
  }
  return out;
}
export const unreadableLineWarning = (commit: string, error: string) =>
  `skipped an unreadable agent-log line on commit ${commit}: ${error}`;

/** Entries newest first (by run date, then ID), the order of `log`. The file keeps them sorted,
 * so this is usually a check, not a sort. */
export function entriesNewestFirst(entries: Iterable<IndexEntry>): IndexEntry[] {
  const list = [...entries];
  for (let i = 1; i < list.length; i++) {
    if (compareEntries(list[i - 1]!, list[i]!) > 0) return list.sort(compareEntries);
  }
  return list;
}

export function compareEntries(a: IndexEntry, b: IndexEntry): number {
  if (a.date !== b.date) return a.date < b.date ? 1 : -1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Rebuild the derived commit → IDs map from entries (after loading from disk). */
export function deriveByCommit(entries: Iterable<IndexEntry>): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const e of entries) {
    for (const c of e.commits) {
      const ids = map.get(c);
      if (ids) ids.push(e.id);
      else map.set(c, [e.id]);
    }
  }
  for (const ids of map.values()) ids.sort();
  return map;
}
