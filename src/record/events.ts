// Event lines: facts added to a sealed run. A sealed record line is never rewritten; readers fold the
// record and its events in `at` order. Two clones adding events at once keep both (cat_sort_uniq
// unions lines), so nothing here is decided by "latest wins" except a status, which is one value.
import { canonicalJson, isFutureDate, pickWinner } from './line-read.js';
import type { Approval, RunEventLine, RunRecord } from './schema.js';
import { SCHEMA } from './schema-id.js';

/** An event as read from a note: parsed (with defaults) and its raw line (what was signed). */
export interface StoredEvent {
  event: RunEventLine;
  raw: string;
}

/** Event types this version folds into the record. Others stay in `record.events` only. */
export const EVENT_TYPES = ['approval', 'note', 'status', 'adoption', 'revert'] as const;

export interface NewEventFields {
  type: string;
  [field: string]: unknown;
}

/** The line object of a new event (before redaction and signing). */
export function eventObject(
  recordId: string,
  eventId: string,
  at: string,
  by: { name: string; email: string | null } | null,
  fields: NewEventFields,
): Record<string, unknown> {
  return { ...fields, schema: SCHEMA, kind: 'event', id: recordId, event: eventId, at, by };
}

/** The bytes a signature covers: the canonical line without its `sig` field. */
export function signedPayload(eventObj: Record<string, unknown>): string {
  const { sig: _sig, ...rest } = eventObj;
  void _sig;
  return canonicalJson(rest);
}

/** Events in fold order: by `at` (as instants), then event id; identical lines once. */
export function orderEvents(events: readonly StoredEvent[]): StoredEvent[] {
  const seen = new Set<string>();
  const out: StoredEvent[] = [];
  for (const e of events) {
    const key = canonicalOf(e.raw);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(e);
  }
  return out.sort((a, b) => {
    const ta = Date.parse(a.event.at);
    const tb = Date.parse(b.event.at);
    if (ta !== tb) return ta - tb;
    if (a.event.event !== b.event.event) return a.event.event < b.event.event ? -1 : 1;
    return a.raw < b.raw ? -1 : a.raw > b.raw ? 1 : 0;
  });
}

function canonicalOf(raw: string): string {
  try {
    return canonicalJson(JSON.parse(raw));
  } catch {
    return raw;
  }
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : null);

/**
 * The record with its events applied, in `at` order. Pure: `record` is not modified. Without events
 * the record is returned as it was (byte-identical output for runs nobody amended).
 */
export function foldEvents(record: RunRecord, events: readonly StoredEvent[]): RunRecord {
  const mine = events.filter((e) => e.event.id === record.id);
  if (mine.length === 0) {
    if (record.events === undefined) return record;
    const { events: _dropped, ...rest } = record; // a record line never carries events of its own
    void _dropped;
    return rest as RunRecord;
  }
  const out = structuredClone(record) as RunRecord;
  const timeline: Record<string, unknown>[] = [];
  for (const { event: e, raw } of orderEvents(mine)) {
    timeline.push(JSON.parse(raw) as Record<string, unknown>);
    applyEvent(out, e);
  }
  out.events = timeline;
  return out;
}

function applyEvent(r: RunRecord, e: RunEventLine): void {
  const by = e.by ?? { name: '', email: null };
  switch (e.type) {
    case 'approval': {
      const approver = text(e.approver) ?? (by.name || 'unknown');
      const a: Approval = {
        by: approver,
        scope: text(e.scope) ?? '',
        decision: e.decision === 'denied' ? 'denied' : 'approved',
        at: e.at,
        note: text(e.note),
        email: text(e.approver) && text(e.approver) !== by.name ? null : by.email,
        event: e.event,
      };
      if (e.sig && typeof e.sig === 'object') a.signed = String((e.sig as { format?: unknown }).format ?? '');
      if (text(e.approver) && text(e.approver) !== by.name)
        a.recorded_by = { name: by.name, email: by.email };
      r.approvals.push(a);
      break;
    }
    case 'note':
      if (text(e.rollback)) r.rollback.notes.push(text(e.rollback)!);
      if (text(e.boundary)) r.boundary.constraints.push(text(e.boundary)!);
      if (text(e.text)) r.notes = [...(r.notes ?? []), text(e.text)!];
      break;
    case 'status':
      // One value, so the latest wins; a status dated in the future (forged, or a broken clock) never
      // does. doctor names such lines.
      if (text(e.status) && !isFutureDate(e.at)) {
        r.outcome.status = text(e.status)!;
        r.outcome.reason = text(e.reason);
      }
      break;
    case 'adoption': {
      const commits = Array.isArray(e.commits) ? e.commits.filter((c) => typeof c === 'string') : [];
      const adopted = r.repo.adopted ?? [];
      for (const commit of commits as string[])
        if (!adopted.some((a) => a.commit === commit)) adopted.push({ commit, at: e.at });
      r.repo.adopted = adopted;
      break;
    }
    case 'revert':
      // The run's change was undone: its status says so (log, query --status, stats read it).
      r.outcome.status = 'reverted';
      r.outcome.reverted = {
        at: e.at,
        by: by.name || null,
        commit: text(e.commit),
      };
      break;
  }
}

/**
 * Several full versions of one record (re-seals by older releases, or a forged copy): the winner is
 * pickWinner's (latest sealed_at not in the future); lists that releases only ever appended to are
 * unioned over every version, so no version can drop an approval or a note.
 */
export function foldVersions<T extends { record: RunRecord; raw: string }>(versions: readonly T[]): T | null {
  if (versions.length === 0) return null;
  let best = versions[0]!;
  for (const v of versions.slice(1)) if (v.raw !== best.raw) best = pickWinner(best, v);
  const others = versions.filter((v) => v.raw !== best.raw);
  if (others.length === 0) return best;
  const r = structuredClone(best.record) as RunRecord;
  const union = <X>(mine: X[], theirs: X[][]): X[] => {
    const seen = new Set(mine.map((x) => canonicalJson(x)));
    const out = [...mine];
    for (const list of theirs)
      for (const x of list) {
        const k = canonicalJson(x);
        if (!seen.has(k)) {
          seen.add(k);
          out.push(x);
        }
      }
    return out;
  };
  const rs = others.map((o) => o.record);
  r.approvals = union(
    r.approvals,
    rs.map((o) => o.approvals),
  );
  r.rollback.notes = union(
    r.rollback.notes,
    rs.map((o) => o.rollback.notes),
  );
  r.boundary.constraints = union(
    r.boundary.constraints,
    rs.map((o) => o.boundary.constraints),
  );
  const notes = union(
    r.notes ?? [],
    rs.map((o) => o.notes ?? []),
  );
  if (notes.length) r.notes = notes;
  const adopted = union(
    r.repo.adopted ?? [],
    rs.map((o) => o.repo.adopted ?? []),
  );
  if (adopted.length) r.repo.adopted = adopted;
  return { ...best, record: r };
}
