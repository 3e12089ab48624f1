// The few fields of a slim record (model.ts slimRecord) that a report of many runs prints — blame's
// 2,000-run report parsed whole records for them, and JSON.parse of every record was most of its
// own work. The slim JSON is our own, written by JSON.stringify of slimRecord: its top-level keys
// come in slimRecord's order, nested objects have fixed keys, and a string value cannot hold
// `,"key":` (its quotes are escaped). So each wanted value lies between its key and the next key
// slimRecord writes; only those slices are parsed. Anything unexpected (a key missing or out of
// order, a slice that does not parse, a value of the wrong type) returns null: the caller parses
// the whole record.
import type { RunRecord } from '../record/schema.js';

/** What a per-run summary reads of a record. */
export type RunFacts = Pick<
  RunRecord,
  'id' | 'task' | 'agent' | 'started_at' | 'ended_at' | 'sealed_at' | 'checks' | 'approvals' | 'outcome'
>;

/** [key, the key slimRecord writes right after it] — each wanted value is the text between them. */
const SPANS = [
  ['task', 'boundary'],
  ['agent', 'repo'],
  ['started_at', 'files'],
  ['checks', 'dependencies'],
  ['approvals', 'rollback'],
] as const;

export function slimFacts(json: string): RunFacts | null {
  try {
    const out: Record<string, unknown> = {};
    const idAt = json.indexOf(',"id":"');
    const taskAt = json.indexOf(',"task":', idAt);
    if (idAt < 0 || taskAt < 0) return null;
    out.id = JSON.parse(json.slice(idAt + 6, taskAt));
    let from = taskAt;
    for (const [key, next] of SPANS) {
      const start = json.indexOf(`,"${key}":`, from);
      const end = start < 0 ? -1 : json.indexOf(`,"${next}":`, start);
      if (end < 0) return null;
      // `,"started_at":…,"ended_at":…,"sealed_at":…` and `,"approvals":…,"outcome":…` are several
      // members: parsed as one object.
      Object.assign(out, JSON.parse(`{${json.slice(start + 1, end)}}`));
      from = end;
    }
    return valid(out) ? (out as unknown as RunFacts) : null;
  } catch {
    return null;
  }
}

function valid(r: Record<string, unknown>): boolean {
  const obj = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  return (
    typeof r.id === 'string' &&
    obj(r.task) &&
    obj(r.agent) &&
    obj(r.outcome) &&
    Array.isArray(r.checks) &&
    Array.isArray(r.approvals) &&
    'ended_at' in r &&
    'started_at' in r
  );
}
