// Lines dated in the future: a record version or an event whose date is past the local clock (plus
// skew). Either a broken clock or a forged line meant to win a "latest" comparison; `doctor` names them.
import type { GitEngine } from '../git/engine.js';
import { isFutureDate, parseNote } from '../record/note-lines.js';
import { notesTree, readNoteBlobs, readNotesTree } from './notes.js';
import { notesTip } from './notes-tip.js';

export interface FutureDatedLine {
  commit: string;
  id: string;
  kind: 'record' | 'event';
  /** The event's type, for event lines. */
  type?: string;
  field: string;
  value: string;
}

/** Every record line (sealed_at, started_at, ended_at) and event line (at) dated after `now`. */
export async function futureDatedLines(engine: GitEngine, now: Date): Promise<FutureDatedLine[]> {
  const tip = await notesTip(engine);
  const notes = await readNotesTree(engine, await notesTree(engine, tip));
  const blobs = await readNoteBlobs(engine, [...new Set([...notes.values()].flat())]);
  const out: FutureDatedLine[] = [];
  const t = now.getTime();
  for (const [commit, oids] of notes) {
    const body = oids.map((o) => blobs.get(o) ?? '').join('\n');
    for (const line of parseNote(body)) {
      if (line.type === 'record') {
        const r = line.record;
        for (const [field, value] of [
          ['sealed_at', r.sealed_at],
          ['ended_at', r.ended_at],
          ['started_at', r.started_at],
        ] as const) {
          if (isFutureDate(value, t)) {
            out.push({ commit, id: r.id, kind: 'record', field, value: value! });
            break;
          }
        }
      } else if (line.type === 'event' && isFutureDate(line.event.at, t)) {
        out.push({
          commit,
          id: line.event.id,
          kind: 'event',
          type: line.event.type,
          field: 'at',
          value: line.event.at,
        });
      }
    }
  }
  return out;
}
