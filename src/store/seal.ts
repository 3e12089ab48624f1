// Sealing: write records into notes on their commits in ONE notes commit, moved by compare-and-swap
// with retry. The full record goes on the run's newest commit, a pointer line on the others.
// Idempotent: a line already present is not added again; a changed record replaces its old line.
import { setTimeout as sleep } from 'node:timers/promises';
import { ConcurrencyError } from '../errors.js';
import type { GitEngine } from '../git/engine.js';
import { parseNoteLine, recordLine, refLine, splitNote } from '../record/note-lines.js';
import type { RunRecord } from '../record/schema.js';
import { repoRedactor } from '../redact/config.js';
import { mergeRedactions, type Redactor } from '../redact/redactor.js';
import { faultPoint } from './fault.js';
import { NOTES_REF, notesTree, readNoteBody, writeNotesTree } from './notes.js';

export interface SealItem {
  record: RunRecord;
  /** The run's commits, newest first. The first carries the full record. */
  commits: string[];
}

export interface SealResult {
  /** The new notes commit, or null when nothing changed (already sealed). */
  notesCommit: string | null;
  touched: number;
  attempts: number;
}

const MAX_ATTEMPTS = 60;

/** Replace our lines for `id` in a note body with `line`; keep every other line as it was. */
export function mergeNoteBody(
  body: string | null,
  id: string,
  line: string,
  drop: 'record' | 'ref' | 'both',
): string {
  const kept = splitNote(body ?? '').filter((raw) => {
    if (raw === line) return true; // already there: keep its place, so an unchanged note stays unchanged
    const parsed = parseNoteLine(raw);
    if (parsed.type === 'record' && parsed.record.id === id) return drop === 'ref';
    if (parsed.type === 'ref' && parsed.id === id) return drop === 'record';
    return true;
  });
  if (line && !kept.includes(line)) kept.push(line);
  return kept.length ? `${kept.join('\n')}\n` : '';
}

export async function sealRecords(
  engine: GitEngine,
  items: readonly SealItem[],
  message?: string,
): Promise<SealResult> {
  const lines = new Map<string, { id: string; line: string }[]>();
  for (const { record: raw, commits } of items) {
    const record = redactRecord(raw, repoRedactor(engine.location.worktree));
    commits.forEach((commit, i) => {
      const line = i === 0 ? recordLine(record) : refLine(record.id);
      if (!lines.has(commit)) lines.set(commit, []);
      lines.get(commit)!.push({ id: record.id, line });
    });
  }
  const subject = message ?? `agent-log: seal ${items.map((i) => i.record.id).join(', ')}`;

  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const tip = await engine.readRef(NOTES_REF);
    const tree = await notesTree(engine, tip);
    const updates = new Map<string, string | null>();
    for (const [commit, wanted] of lines) {
      const before = await readNoteBody(engine, tree, commit);
      let after = before ?? '';
      for (const { id, line } of wanted) after = mergeNoteBody(after, id, line, 'both');
      if (after !== normalise(before ?? '')) {
        updates.set(commit, after ? await engine.writeBlob(after) : null);
      }
    }
    if (updates.size === 0) return { notesCommit: null, touched: 0, attempts: attempt };
    faultPoint('after-objects');
    const newTree = await writeNotesTree(engine, tree, updates);
    const commit = await engine.writeCommit({
      tree: newTree,
      parents: tip ? [tip] : [],
      message: `${subject}\n`,
    });
    faultPoint('before-cas');
    if (await engine.casRef(NOTES_REF, commit, tip, subject)) {
      faultPoint('after-cas');
      return { notesCommit: commit, touched: updates.size, attempts: attempt };
    }
    await sleep(Math.min(200, 5 * attempt) + Math.random() * 20 * attempt);
  }
  throw new ConcurrencyError(`could not update ${NOTES_REF}: it kept moving (${MAX_ATTEMPTS} attempts)`);
}

/** Remove every line of record `id` from the notes on `commits` (used by adopt/purge/reseal). */
export async function removeRecordLines(
  engine: GitEngine,
  id: string,
  commits: readonly string[],
): Promise<string | null> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const tip = await engine.readRef(NOTES_REF);
    if (!tip) return null;
    const tree = await notesTree(engine, tip);
    const updates = new Map<string, string | null>();
    for (const c of commits) {
      const before = await readNoteBody(engine, tree, c);
      if (before === null) continue;
      const after = mergeNoteBody(before, id, '', 'both');
      if (after !== before) updates.set(c, after ? await engine.writeBlob(after) : null);
    }
    if (updates.size === 0) return null;
    const newTree = await writeNotesTree(engine, tree, updates);
    const commit = await engine.writeCommit({
      tree: newTree,
      parents: [tip],
      message: `agent-log: remove ${id}\n`,
    });
    if (await engine.casRef(NOTES_REF, commit, tip, `agent-log: remove ${id}`)) return commit;
    await sleep(5 * attempt + Math.random() * 20 * attempt);
  }
  throw new ConcurrencyError(`could not update ${NOTES_REF}: it kept moving`);
}

/**
 * Last line of defence: every string of the record goes through the redactor before it reaches git,
 * including facts read from git itself (file paths, branch names). Counts join the record's own.
 */
export function redactRecord(record: RunRecord, redactor: Redactor = repoRedactor(null)): RunRecord {
  const clean = redactor.redactDeep(record);
  const fired = redactor.report();
  return fired.length ? { ...clean, redactions: mergeRedactions(record.redactions, fired) } : clean;
}

/** A body as we would write it: distinct non-blank lines. Bodies merged by git may differ (blank lines). */
function normalise(body: string): string {
  const lines = splitNote(body);
  return lines.length ? `${lines.join('\n')}\n` : '';
}
