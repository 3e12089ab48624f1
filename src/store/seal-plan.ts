// What a seal writes into each note, decided from the notes as they are (pure: no git here).
// Two promises live here: lines that are not ours keep their exact bytes and places, and a run's
// full record line is never turned into a pointer unless the same notes commit writes it elsewhere.
import { parseNoteLine, refLine } from '../record/note-lines.js';

/** One run of a seal: its full line and its commits, the first of which carries the full line. */
export interface SealPlanItem {
  id: string;
  /** The full record line. */
  full: string;
  commits: readonly string[];
}

export interface SealPlan {
  /** Commit → new note body ('' removes the note), only for notes that change. */
  after: Map<string, string>;
  /** Full lines this plan turns into pointers (allowed only because the full line goes elsewhere). */
  demoted: { commit: string; id: string }[];
}

/** The key of one (commit, run) pair in `keepFull`. */
export const fullKey = (commit: string, id: string) => `${commit}\0${id}`;

/**
 * The notes a seal writes, from `before` (commit → body, or null for no note).
 * - a commit listed twice for one run counts once, at its first place (so a squash commit named by
 *   two trailers gets the full line, not a pointer that removes it);
 * - a pointer never replaces the run's full line unless the plan writes that full line on another
 *   commit; `keepFull` (see `fullKey`) names full lines the caller wants kept full regardless
 *   (the copy on a live commit). A kept full line is refreshed to the new version in place.
 */
export function planSeal(
  before: ReadonlyMap<string, string | null>,
  items: readonly SealPlanItem[],
  keepFull: ReadonlySet<string> = new Set(),
): SealPlan {
  const fullOf = new Map<string, string>();
  const homes = new Map<string, Set<string>>();
  const wanted = new Map<string, { id: string; full: boolean }[]>();
  for (const { id, full, commits } of items) {
    const distinct = [...new Set(commits)];
    fullOf.set(id, full);
    if (distinct[0]) homes.set(id, new Set([...(homes.get(id) ?? []), distinct[0]]));
    distinct.forEach((commit, i) => {
      if (!wanted.has(commit)) wanted.set(commit, []);
      wanted.get(commit)!.push({ id, full: i === 0 });
    });
  }
  const after = new Map<string, string>();
  const demoted: SealPlan['demoted'] = [];
  for (const [commit, runs] of wanted) {
    const body = before.get(commit) ?? null;
    const held = fullLineIds(body);
    const chosen = new Map<string, string>();
    for (const { id, full } of runs) {
      if (full || chosen.get(id) === fullOf.get(id)) {
        chosen.set(id, fullOf.get(id)!);
        continue;
      }
      const elsewhere = [...(homes.get(id) ?? [])].some((c) => c !== commit);
      if (held.has(id) && (!elsewhere || keepFull.has(fullKey(commit, id)))) {
        chosen.set(id, fullOf.get(id)!);
      } else {
        if (held.has(id)) demoted.push({ commit, id });
        chosen.set(id, refLine(id));
      }
    }
    const next = writeOwnLines(body, chosen);
    if (next !== (body ?? '')) after.set(commit, next);
  }
  return { after, demoted };
}

/** Ids whose full record line is in `body`. */
export function fullLineIds(body: string | null): Set<string> {
  const ids = new Set<string>();
  for (const raw of bodyLines(body ?? '').lines) {
    const own = ownLine(raw);
    if (own?.kind === 'record') ids.add(own.id);
  }
  return ids;
}

/** A line of ours (a record or pointer as we write it, never indented): its kind and run id. */
function ownLine(raw: string): { kind: 'record' | 'ref'; id: string } | null {
  if (!raw.startsWith('{') || !raw.endsWith('}')) return null;
  const parsed = parseNoteLine(raw);
  if (parsed.type === 'record') return { kind: 'record', id: parsed.record.id };
  if (parsed.type === 'ref') return { kind: 'ref', id: parsed.id };
  return null;
}

function bodyLines(body: string): { lines: string[]; endsWithNewline: boolean } {
  if (body === '') return { lines: [], endsWithNewline: true };
  const lines = body.split('\n');
  const endsWithNewline = lines.at(-1) === '';
  if (endsWithNewline) lines.pop();
  return { lines, endsWithNewline };
}

/**
 * Put `chosen` (run id → our line for it; '' for none) into `body`. Our old lines for those runs
 * go; every other line keeps its exact bytes and place (blank lines, indentation, repeats, trailing
 * spaces). A note that needs no change comes back byte for byte.
 */
export function writeOwnLines(body: string | null, chosen: ReadonlyMap<string, string>): string {
  const { lines, endsWithNewline } = bodyLines(body ?? '');
  const placed = new Set<string>();
  let changed = false;
  const kept: string[] = [];
  for (const raw of lines) {
    const own = ownLine(raw);
    const line = own ? chosen.get(own.id) : undefined;
    if (own && line !== undefined) {
      if (raw !== line || placed.has(own.id)) {
        changed = true;
        continue;
      }
      placed.add(own.id);
    }
    kept.push(raw);
  }
  for (const [id, line] of chosen) {
    if (line && !placed.has(id)) {
      kept.push(line);
      changed = true;
    }
  }
  if (!changed) return body ?? '';
  if (kept.every((l) => l.trim() === '')) return '';
  // Keep a note that had no final newline without one, unless we appended or removed its last line.
  const sameEnd = kept.at(-1) === lines.at(-1) && !endsWithNewline;
  return `${kept.join('\n')}${sameEnd ? '' : '\n'}`;
}

/**
 * Ids whose full line a change removes from a note while no note of the result (`before`, all the
 * notes the change looked at, with `after` applied) holds that id's full line. Must always be empty:
 * checked before every notes commit.
 */
export function lostFullLines(
  before: ReadonlyMap<string, string | null>,
  after: ReadonlyMap<string, string>,
): string[] {
  const kept = new Set<string>();
  for (const [commit, body] of before) {
    for (const id of fullLineIds(after.has(commit) ? after.get(commit)! : body)) kept.add(id);
  }
  for (const body of after.values()) for (const id of fullLineIds(body)) kept.add(id);
  const lost = new Set<string>();
  for (const [commit, body] of after) {
    const now = fullLineIds(body);
    for (const id of fullLineIds(before.get(commit) ?? null)) {
      if (!now.has(id) && !kept.has(id)) lost.add(id);
    }
  }
  return [...lost].sort();
}
