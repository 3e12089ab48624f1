// The records on one commit for the small `show` bundle (cli/show-main.ts), read straight from the
// git directory and the index's lookup file and folded as store/read.ts folds them, in the common
// case only. Anything else gives null, and the caller hands the whole command to the full reader,
// which reads, warns and errs as always: a line the compiled parsers do not accept (zod decides,
// maybe with a warning), no note or an oversized one, an object read here cannot give, an index that
// is missing or behind the notes ref, a record found only on the commit, and a
// record whose commit must be checked for liveness beyond what HEAD's recent history shows.
import { join } from 'node:path';
import type { DirectReader } from '../git/native/direct.js';
import { noteEntryKind, parseCommit, parseTree } from '../git/objects.js';
import { INDEX_FILE } from '../index/format.js';
import { lookupEntryById, lookupNoteBlobs } from '../index/lookup-file.js';
import { indexDir } from '../journal/paths.js';
import type { StoredEvent } from '../record/events.js';
import { MAX_NOTE_BYTES } from '../record/json-bounds.js';
import { canonicalJson, fastLine, lineValue, type NoteLine, splitNote } from '../record/line-read.js';
import { collectRecords, entryRecord, indexedEventObjects } from './collect.js';
import { NOTES_REF } from './notes-ref.js';
import type { StoredRecord } from './read.js';

/**
 * Records on `commit` as recordsOnCommit() + preferLiveCommits() give them, with the warnings they
 * collect (the index's own, about notes elsewhere), or null: ask the full reader.
 */
export async function recordsOnCommitDirect(
  reader: DirectReader,
  commonDir: string,
  commit: string,
): Promise<{ records: StoredRecord[]; warnings: string[] } | null> {
  const tip = reader.readRef(NOTES_REF);
  // A tip that is no sound commit: the full reader says the ref is broken (the index still names it).
  if (!tip || !(await reader.soundCommit(tip))) return null;
  const index = join(indexDir(commonDir), INDEX_FILE);
  const notes = new NoteReader(reader);
  // A current index lists the commit's note blob: no notes tree to read (a tree of a large history
  // is the largest object `show` would inflate). Two blobs for one commit: the walk decides their order.
  const blobs = lookupNoteBlobs(index, tip, commit);
  let lines: NoteLine[] | null;
  if (blobs?.length === 1) lines = await notes.blob(blobs[0]!);
  else {
    const root = await readObject(reader, tip, 'commit');
    if (!root) return null;
    lines = await notes.onCommit(parseCommit(tip, root).tree, commit);
  }
  if (!lines) return null;
  const direct = collectRecords([[commit, lines]], []);
  const ids = new Set(direct.map((d) => d.record.id));
  for (const l of lines) if (l.type === 'ref') ids.add(l.id);
  if (ids.size === 0) return null;
  const out: StoredRecord[] = [];
  const warnings: string[] = [];
  for (const id of ids) {
    // What entriesById(id, exact) finds in a current index.
    const looked = lookupEntryById(index, tip, id.toLowerCase());
    if (!looked) return null;
    for (const w of looked.warnings) if (!warnings.includes(w)) warnings.push(w);
    let found = 0;
    for (const e of looked.entries) {
      if (e.json === null || !e.blob || !e.commit) continue;
      const blobLines = await notes.blob(e.blob);
      const indexed = indexedEvents(e);
      if (!blobLines || !indexed) return null;
      const s = entryRecord(e, e.commit, blobLines, () => indexed);
      if (s) {
        out.push(s);
        found++;
      }
    }
    if (found === 0) return null;
  }
  // preferLiveCommits: a record on several commits keeps its commit when it is live (HEAD reaches it).
  for (const s of out)
    if (s.commit && s.commits.length >= 2 && (await reader.reachesFromHead(s.commit)) !== true) return null;
  return { records: out, warnings };
}

/** An object of `type` read here, or null. */
async function readObject(reader: DirectReader, oid: string, type: string): Promise<Buffer | null> {
  const o = await reader.readObject(oid);
  return o?.type === type ? o.content : null;
}

/** Note blobs and trees of one notes commit, each read and parsed once. */
class NoteReader {
  private readonly parsed = new Map<string, NoteLine[] | null>();

  constructor(private readonly reader: DirectReader) {}

  /** The parsed lines of the note on `target` (at any fanout depth), or null: none, or not read here. */
  async onCommit(tree: string, target: string): Promise<NoteLine[] | null> {
    const blobs: string[] = [];
    // findNote(): every path the note could have at every depth, in tree order.
    const visit = async (oid: string, depth: number): Promise<boolean> => {
      const content = await readObject(this.reader, oid, 'tree');
      if (!content) return false;
      const rest = target.slice(depth);
      for (const e of parseTree(content)) {
        const kind = noteEntryKind(e, depth, target.length);
        if (kind === 'note' && e.name.toLowerCase() === rest) blobs.push(e.oid);
        else if (kind === 'fanout' && e.name.toLowerCase() === rest.slice(0, 2))
          if (!(await visit(e.oid, depth + 2))) return false;
      }
      return true;
    };
    if (!(await visit(tree, 0)) || blobs.length === 0) return null;
    if (blobs.length === 1) return this.blob(blobs[0]!);
    // Two paths to one target: git shows the bodies joined, and so does readNoteBody().
    const bodies: string[] = [];
    for (const b of blobs) {
      const text = await this.text(b);
      if (text === null) return null;
      bodies.push(text);
    }
    return parseLines(bodies.join('\n'));
  }

  /** The parsed lines of note blob `oid`, or null. */
  async blob(oid: string): Promise<NoteLine[] | null> {
    if (!this.parsed.has(oid)) {
      const text = await this.text(oid);
      this.parsed.set(oid, text === null ? null : parseLines(text));
    }
    return this.parsed.get(oid)!;
  }

  /** A note blob's text when it is within the size every reader reads (an oversized one warns). */
  private async text(oid: string): Promise<string | null> {
    const size = this.reader.sizeOf(oid, MAX_NOTE_BYTES);
    if (size === undefined || size > MAX_NOTE_BYTES) return null;
    const content = await readObject(this.reader, oid, 'blob');
    return content && content.toString('utf8');
  }
}

/** A note's lines, each accepted by the compiled parsers or foreign; null when one needs zod (or warns). */
function parseLines(body: string): NoteLine[] | null {
  const out: NoteLine[] = [];
  for (const raw of splitNote(body)) {
    const read = lineValue(raw);
    if ('line' in read) {
      if (read.line.type === 'invalid') return null;
      out.push(read.line);
      continue;
    }
    const kind = read.value.kind;
    if (kind !== 'record' && kind !== 'ref' && kind !== 'event') {
      out.push({ type: 'foreign', raw });
      continue;
    }
    const line = fastLine(read.value, raw);
    if (!line) return null;
    out.push(line);
  }
  return out;
}

/** The events the index folded into an entry, as indexed.ts parses them; null when one needs zod. */
function indexedEvents(e: Parameters<typeof indexedEventObjects>[0]): StoredEvent[] | null {
  const out: StoredEvent[] = [];
  for (const obj of indexedEventObjects(e)) {
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return null;
    const raw = canonicalJson(obj);
    const line = fastLine(obj as Record<string, unknown>, raw);
    if (line?.type !== 'event') return null;
    out.push({ event: line.event, raw });
  }
  return out;
}
