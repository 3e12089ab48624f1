// The zod-free half of reading note lines: splitting a note, the JSON a line holds, the compiled
// parsers that accept well-formed lines, and the rules that pick a record's winning version. A line
// these parsers do not accept goes to note-lines.ts (zod decides and words the error); the small
// `show` bundle (cli/show-main.ts) loads only this half and hands such a line to the full reader.
import { compilePlan, interpretPlan, NOT_PARSED } from './fast-parse.js';
import { formatSize, jsonOutOfBounds, MAX_NOTE_BYTES } from './json-bounds.js';
import { LINE_PLANS } from './line-plans.js';
import { SCHEMA } from './schema-id.js';
import type { RefLine, RunEventLine, RunRecord } from './schema.js';

// Every note line a reader sees goes through these (a cold index build: every line of history).
// They give zod's own result for what they accept; anything else, and the error text, is zod's.
// Built on first use from the shipped plans (no zod schema is built for them). The first lines go
// through closures over the plans (ready at once); past GENERATED_AFTER lines, generated parsers
// (about 10 ms to build, about 3x faster per line) take over: `show` reads a few, a build thousands.
interface LineParsers {
  ref: (v: unknown) => RefLine | typeof NOT_PARSED;
  record: (v: unknown) => RunRecord | typeof NOT_PARSED;
  event: (v: unknown) => RunEventLine | typeof NOT_PARSED;
}
const GENERATED_AFTER = 200;
let linesParsed = 0;
let interpreted: LineParsers | null = null;
let generated: LineParsers | null = null;

function lineParsers(): LineParsers {
  interpreted ??= {
    ref: interpretPlan(LINE_PLANS.ref),
    record: interpretPlan(LINE_PLANS.record),
    event: interpretPlan(LINE_PLANS.event),
  };
  if (++linesParsed <= GENERATED_AFTER) return interpreted;
  // Where code generation from strings is disabled, the closures go on.
  generated ??= {
    ref: compilePlan(LINE_PLANS.ref) ?? interpreted.ref,
    record: compilePlan(LINE_PLANS.record) ?? interpreted.record,
    event: compilePlan(LINE_PLANS.event) ?? interpreted.event,
  };
  return generated;
}

export type NoteLine =
  | { type: 'record'; record: RunRecord; raw: string }
  | { type: 'ref'; id: string; raw: string }
  | { type: 'event'; event: RunEventLine; raw: string }
  | { type: 'foreign'; raw: string }
  | { type: 'invalid'; raw: string; error: string };

/** Stable serialisation: keys sorted at every depth, no whitespace. Same object → same bytes. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** Split a note body into distinct non-blank lines (merges may duplicate lines or add blanks). */
export function splitNote(body: string): string[] {
  // Most notes are one line: no set (hashing a 2 KB line costs more than splitting it).
  const nl = body.indexOf('\n');
  if (nl === -1 || body.indexOf('\n', nl + 1) === -1) {
    const out: string[] = [];
    const first = (nl === -1 ? body : body.slice(0, nl)).trim();
    const second = nl === -1 ? '' : body.slice(nl + 1).trim();
    if (first !== '') out.push(first);
    if (second !== '' && second !== first) out.push(second);
    return out;
  }
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of body.split('\n')) {
    const line = raw.trim();
    if (line === '' || seen.has(line)) continue;
    seen.add(line);
    out.push(line);
  }
  return out;
}

/** A line's parsed JSON when it may be ours, else what the line is (foreign, invalid). */
export function lineValue(raw: string): { line: NoteLine } | { value: Record<string, unknown> } {
  // Outside input: a line too long or too deep is refused before a parser or walker sees it.
  const refused = jsonOutOfBounds(raw);
  if (refused) return { line: { type: 'invalid', raw, error: refused } };
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { line: { type: 'foreign', raw } };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { line: { type: 'foreign', raw } };
  const v = value as Record<string, unknown>;
  if (typeof v.schema !== 'string' || !v.schema.startsWith('agent-log/'))
    return { line: { type: 'foreign', raw } };
  if (v.kind === OVERSIZED_KIND && typeof v.size === 'number')
    return {
      line: {
        type: 'invalid',
        raw,
        error: `note of ${formatSize(v.size)} is over the ${formatSize(MAX_NOTE_BYTES)} limit`,
      },
    };
  return { value: v };
}

/** The line through the compiled parsers; null when they do not accept it (zod decides). */
export function fastLine(v: Record<string, unknown>, raw: string): NoteLine | null {
  const fast = lineParsers();
  if (v.kind === 'record') {
    const record = fast.record(v);
    return record === NOT_PARSED ? null : { type: 'record', record, raw };
  }
  if (v.kind === 'ref') {
    const ref = fast.ref(v);
    return ref === NOT_PARSED ? null : { type: 'ref', id: ref.id, raw };
  }
  if (v.kind === 'event') {
    const event = fast.event(v);
    return event === NOT_PARSED ? null : { type: 'event', event, raw };
  }
  return null;
}

const OVERSIZED_KIND = 'oversized-note';

/**
 * What a reader sees in place of a note blob too large to read: one line that parses as invalid
 * with the size, so every reader warns about it (naming the commit) and reads the rest.
 */
export function oversizedNoteBody(size: number): string {
  return JSON.stringify({ schema: SCHEMA, kind: OVERSIZED_KIND, size });
}

/** Clock skew tolerated before a date counts as "in the future" (forged or a broken clock). */
export const FUTURE_SKEW_MS = 10 * 60 * 1000;

export function isFutureDate(iso: string | null | undefined, now: number = Date.now()): boolean {
  if (!iso) return false;
  const t = Date.parse(iso);
  return !Number.isNaN(t) && t > now + FUTURE_SKEW_MS;
}

/**
 * Two versions of one record can meet on a commit (a re-seal by an older release, merged by
 * cat_sort_uniq from another clone). The winner is deterministic: latest sealed_at that is not in the
 * future (a copy dated 2999 never wins), then the longer line, then byte order. Lists a version may
 * only have grown (approvals, notes) are unioned by foldVersions, so no version can drop them.
 */
export function pickWinner<T extends { record: RunRecord; raw: string }>(a: T, b: T): T {
  const sa = isFutureDate(a.record.sealed_at) ? '' : (a.record.sealed_at ?? '');
  const sb = isFutureDate(b.record.sealed_at) ? '' : (b.record.sealed_at ?? '');
  if (sa !== sb) return sa > sb ? a : b;
  if (a.raw.length !== b.raw.length) return a.raw.length > b.raw.length ? a : b;
  return a.raw > b.raw ? a : b;
}
