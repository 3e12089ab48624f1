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
const SPANS = (
  [
    ['task', 'boundary'],
    ['agent', 'repo'],
    ['started_at', 'files'],
    ['checks', 'dependencies'],
    ['approvals', 'rollback'],
  ] as const
).map(([key, next]) => [`,"${key}":`, `,"${next}":`] as const);

/** The facts of a slim record's JSON text. */
export function slimFacts(json: string): RunFacts | null {
  return slimFactsIn(json, 0, json.length);
}

/**
 * The facts of the slim record JSON at `start`-`end` of `text` (an index line among others): the
 * members from each wanted key to the key after it, side by side in one object, parsed once.
 */
export function slimFactsIn(text: string, start: number, end: number): RunFacts | null {
  const idAt = text.indexOf(',"id":"', start);
  const taskAt = idAt < 0 ? -1 : text.indexOf(',"task":', idAt);
  if (taskAt < 0 || taskAt >= end) return null;
  let members = text.slice(idAt + 1, taskAt);
  let from = taskAt;
  for (const [key, next] of SPANS) {
    const at = text.indexOf(key, from);
    const to = at < 0 ? -1 : text.indexOf(next, at);
    if (to < 0 || to >= end) return null;
    // `,"started_at":…,"ended_at":…,"sealed_at":…` and `,"approvals":…,"outcome":…` are several
    // members: taken as they are.
    members += text.slice(at, to);
    from = to;
  }
  try {
    const out = JSON.parse(`{${members}}`) as Record<string, unknown>;
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
