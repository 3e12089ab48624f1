// Adding facts to sealed runs: one event line appended next to the record line (on the commit that
// carries it), moved in by compare-and-swap with retry. The record line itself is never touched, so
// two clones adding events at once both keep theirs when their notes merge (cat_sort_uniq).
import { setTimeout as sleep } from 'node:timers/promises';
import { ConcurrencyError, NotFoundError } from '../errors.js';
import type { GitEngine, Identity } from '../git/engine.js';
import { eventObject, type NewEventFields, signedPayload } from '../record/events.js';
import { newRecordId } from '../record/id.js';
import { canonicalJson, splitNote } from '../record/note-lines.js';
import { repoRedactor } from '../redact/config.js';
import { NOTES_REF, notesTree, readNoteBody, writeNotesTree } from './notes.js';
import { notesTip } from './notes-tip.js';

export interface EventTarget {
  /** The record ID. */
  id: string;
  /** The commit whose note carries the record's full line (StoredRecord.commit). */
  commit: string;
}

export interface AppendEventOptions {
  now?: Date;
  /** Who adds the fact; default the repository's git identity. */
  by?: Identity | null;
  /** Sign the canonical event (without `sig`); the result is stored as its `sig` field. */
  sign?: (payload: string) => Promise<Record<string, unknown>>;
}

export interface AppendedEvent {
  /** The event's own random id. */
  event: string;
  /** The line as written. */
  line: string;
  /** The new notes commit, or null when the line was already there. */
  notesCommit: string | null;
}

const MAX_ATTEMPTS = 60;

/**
 * Append an event (approval, note, status, adoption, revert, refusal, …) to a sealed run. `fields`
 * holds `type` and the type's own fields; `schema`, `kind`, `id`, `event`, `at` and `by` are filled
 * here. Every string is redacted before it reaches git; a signature is made over the redacted line.
 */
export async function appendRunEvent(
  engine: GitEngine,
  target: EventTarget,
  fields: NewEventFields,
  opts: AppendEventOptions = {},
): Promise<AppendedEvent> {
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(target.commit))
    throw new NotFoundError(`record ${target.id} has no sealed commit to add an event to`);
  const { event, line } = await eventLine(engine, target.id, fields, opts);
  const notesCommit = await appendNoteLine(
    engine,
    target.commit,
    line,
    `agent-log: ${fields.type} on ${target.id}`,
  );
  return { event, line, notesCommit };
}

/** The canonical line of a new event on record `id`: redacted, then signed when asked. */
export async function eventLine(
  engine: GitEngine,
  id: string,
  fields: NewEventFields,
  opts: AppendEventOptions = {},
): Promise<{ event: string; line: string }> {
  const by = opts.by === undefined ? await engine.identity() : opts.by;
  const eventId = newRecordId();
  const at = (opts.now ?? new Date()).toISOString();
  const raw = eventObject(id, eventId, at, by ? { name: by.name, email: by.email || null } : null, fields);
  const clean = repoRedactor(engine.location.worktree).redactDeep(raw);
  if (opts.sign) clean.sig = await opts.sign(signedPayload(clean));
  return { event: eventId, line: canonicalJson(clean) };
}

/** Add one line to the note on `commit` (kept once), in one notes commit moved by compare-and-swap. */
export async function appendNoteLine(
  engine: GitEngine,
  commit: string,
  line: string,
  subject: string,
): Promise<string | null> {
  return appendNoteLines(engine, new Map([[commit, [line]]]), subject);
}

/**
 * Add lines to the notes of several commits (each line kept once; every other line keeps its exact
 * bytes), in one notes commit moved by compare-and-swap. Null when every line was already there.
 */
export async function appendNoteLines(
  engine: GitEngine,
  lines: ReadonlyMap<string, readonly string[]>,
  subject: string,
): Promise<string | null> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const tip = await notesTip(engine);
    const tree = await notesTree(engine, tip);
    const updates = new Map<string, string>();
    for (const [commit, add] of lines) {
      const body = (await readNoteBody(engine, tree, commit)) ?? '';
      const have = new Set(splitNote(body));
      const missing = [...new Set(add)].filter((l) => !have.has(l));
      if (!missing.length) continue;
      const sep = body && !body.endsWith('\n') ? '\n' : '';
      updates.set(commit, await engine.writeBlob(`${body}${sep}${missing.map((l) => `${l}\n`).join('')}`));
    }
    if (updates.size === 0) return null;
    const newTree = await writeNotesTree(engine, tree, updates);
    const next = await engine.writeCommit({
      tree: newTree,
      parents: tip ? [tip] : [],
      message: `${subject}\n`,
    });
    if (await engine.casRef(NOTES_REF, next, tip, subject)) return next;
    await sleep(Math.min(200, 5 * attempt) + Math.random() * 20 * attempt);
  }
  throw new ConcurrencyError(`could not update ${NOTES_REF}: it kept moving (${MAX_ATTEMPTS} attempts)`);
}
