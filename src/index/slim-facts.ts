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
    return isRunFacts(out) ? (out as unknown as RunFacts) : null;
  } catch {
    return null;
  }
}

/**
 * [key, the key after it, the object's first member when it is the one printed, the key after that
 * member]: task, agent and outcome are narrowed to intent, name and status.
 */
const CUTS = (
  [
    ['task', 'boundary', 'intent', 'source'],
    ['agent', 'repo', 'name', 'version'],
    ['started_at', 'files'],
    ['checks', 'dependencies'],
    ['approvals', 'outcome'],
    ['outcome', 'rollback', 'status', 'pr'],
  ] as const
).map(([key, next, first, after]) => ({
  key: `,"${key}":`,
  next: `,"${next}":`,
  first: first ? `{"${first}":"` : null,
  after: after ? `,"${after}":` : null,
}));

/**
 * The facts of a slim record as JSON text, cut from its JSON without parsing it (the index writes
 * them for blame: facts-file.ts): the members slimFactsIn reads, with task, agent and outcome cut
 * down to the string member a report prints (their first), and every character outside ASCII
 * written as a \u escape. A first member that is not a string, or a missing one, keeps its object
 * whole; a key that is not where slimRecord writes it gives the whole slim JSON (its reader takes
 * what it needs from a whole record too, and checks what it parses).
 */
export function factsJsonOf(json: string): string {
  const idAt = json.indexOf(',"id":"');
  const taskAt = idAt < 0 ? -1 : json.indexOf(',"task":', idAt);
  if (taskAt < 0) return asciiJson(json);
  let out = `{${json.slice(idAt + 1, taskAt)}`;
  let from = taskAt;
  for (const { key, next, first, after } of CUTS) {
    const at = json.indexOf(key, from);
    const to = at < 0 ? -1 : json.indexOf(next, at);
    if (to < 0) return asciiJson(json);
    const v = at + key.length;
    const end = first && json.startsWith(first, v) ? stringEnd(json, v + first.length - 1) : -1;
    out +=
      end > 0 && end < to && json.startsWith(after!, end) ? `${json.slice(at, end)}}` : json.slice(at, to);
    from = to;
  }
  return asciiJson(`${out}}`);
}

/** Just after the JSON string whose opening quote is at `open`; -1 when it does not end. */
function stringEnd(json: string, open: number): number {
  let q = json.indexOf('"', open + 1);
  while (q > 0) {
    let slashes = 0;
    while (json.charCodeAt(q - 1 - slashes) === 92) slashes++;
    if (slashes % 2 === 0) return q + 1;
    q = json.indexOf('"', q + 1);
  }
  return -1;
}

const NON_ASCII = /[\u0080-\uffff]/;

/** JSON text with every character outside ASCII as a \u escape (it parses to the same value). */
export function asciiJson(json: string): string {
  if (!NON_ASCII.test(json)) return json;
  return json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Whether a parsed object holds what a report of runs reads (as slimFactsIn cuts them). */
export function isRunFacts(r: Record<string, unknown>): boolean {
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
