// A cold build's notes applied batch by batch, the short way. Every note is new, so an ID's entry is
// known as soon as its lines are read, unless another line of history can change it: most IDs have
// one record line and no events, and the entry's JSON is that line's slim record written straight
// from its parsed JSON (slim-json.ts), with no record object, slim copy or JSON.stringify of it.
// IDs with more (a second version, event lines) are recomputed at the end exactly as an update
// computes them (model.ts entryOf), from their commits' notes read again. Same index as
// applyNoteChanges gives (tested byte for byte, the zod-only path included).
import { foldEvents } from '../record/events.js';
import { parseNoteLineWith, splitNote } from '../record/note-lines.js';
import {
  type BlobLoader,
  entryOf,
  type IndexData,
  type IndexEntry,
  type NoteChange,
  noteBlobsRead,
  parseCommitNote,
  type ParsedNote,
  runDateOf,
  slimRecord,
  unreadableLineWarning,
} from './model.js';
import { slimJsonOfLine } from './slim-json.js';

export class ColdBuild {
  /** ID → record lines seen. */
  private readonly versions = new Map<string, number>();
  /** IDs with event lines. */
  private readonly withEvents = new Set<string>();

  constructor(private readonly data: IndexData) {}

  /** One batch: the changes (each commit once, nothing removed) and their blobs' texts. */
  apply(changes: readonly NoteChange[], contents: ReadonlyMap<string, string>): void {
    const { data } = this;
    for (const { commit, added } of changes) {
      const blobs = [...added].sort();
      data.notes.set(commit, blobs);
      const ids = new Set<string>();
      const warnings: string[] = [];
      for (const [blob, body] of noteBlobsRead(commit, blobs, contents, warnings)) {
        for (const raw of splitNote(body)) {
          const line = parseNoteLineWith(raw, slimJsonOfLine);
          if (line.type === 'projected') {
            const v = line.value as {
              id: string;
              ended_at?: string | null;
              started_at?: string | null;
              sealed_at?: string;
            };
            this.version(ids, v.id, commit, blob, runDateOf(v), line.projected);
          } else if (line.type === 'record') {
            // What foldEvents and slimRecord make of a version read alone (its own events dropped).
            const json = JSON.stringify(slimRecord(foldEvents(line.record, [])));
            this.version(ids, line.record.id, commit, blob, runDateOf(line.record), json);
          } else if (line.type === 'ref') ids.add(line.id);
          else if (line.type === 'event') {
            ids.add(line.event.id);
            this.withEvents.add(line.event.id);
          } else if (line.type === 'invalid') warnings.push(unreadableLineWarning(commit, line.error));
        }
      }
      if (warnings.length) data.warnings.set(commit, warnings);
      if (ids.size === 0) continue;
      const sorted = [...ids].sort();
      data.byCommit.set(commit, sorted);
      for (const id of sorted) {
        const entry = data.entries.get(id);
        if (entry) entry.commits.push(commit);
        else data.entries.set(id, { id, date: '', commit: null, blob: null, commits: [commit], json: null });
      }
    }
  }

  /** A record line of `id`: the entry's, if it is the first. */
  private version(
    ids: Set<string>,
    id: string,
    commit: string,
    blob: string,
    date: string,
    json: string,
  ): void {
    ids.add(id);
    const seen = this.versions.get(id) ?? 0;
    this.versions.set(id, seen + 1);
    if (seen > 0) return;
    const entry = this.data.entries.get(id);
    // (set again: a spilling build moves the JSON of entries set since its last batch)
    this.data.entries.set(id, { id, date, commit, blob, commits: entry?.commits ?? [], json });
  }

  /**
   * After the last batch: commit lists sorted, and the IDs whose entry depends on more than one line
   * (several versions, or a version and events) recomputed the long way from their commits' notes.
   */
  async finish(load: BlobLoader): Promise<void> {
    const { data } = this;
    const again: IndexEntry[] = [];
    for (const entry of data.entries.values()) {
      if (entry.commits.length > 1) entry.commits.sort();
      const versions = this.versions.get(entry.id) ?? 0;
      if (versions > 1 || (versions === 1 && this.withEvents.has(entry.id))) again.push(entry);
    }
    if (again.length === 0) return;
    const commits = new Set(again.flatMap((e) => e.commits));
    const contents = await load([...commits].flatMap((c) => data.notes.get(c) ?? []));
    const parsed = new Map<string, ParsedNote>();
    for (const c of commits) parsed.set(c, parseCommitNote(c, data.notes.get(c) ?? [], contents));
    for (const e of again) data.entries.set(e.id, entryOf(e.id, e.commits, parsed));
  }
}
