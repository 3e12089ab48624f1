// A note is JSON Lines: each line one self-contained canonical JSON object. Lines that are not ours
// (a person's `git notes append`, a future kind) are kept verbatim and skipped by readers. The
// zod-free part (splitting, the compiled parsers, version rules) is line-read.ts; this adds zod's
// verdict on the lines those parsers do not accept.
import { canonicalJson, fastLine, lineValue, type NoteLine, splitNote } from './line-read.js';
import { RefLine, RunEventLine, RunRecord, SCHEMA } from './schema.js';

export {
  canonicalJson,
  FUTURE_SKEW_MS,
  isFutureDate,
  type NoteLine,
  oversizedNoteBody,
  pickWinner,
  splitNote,
} from './line-read.js';

/** AGENT_LOG_PARSE=zod reads every line through zod alone (tests compare the two paths). */
const ZOD_ONLY = process.env.AGENT_LOG_PARSE === 'zod';

export function refLine(id: string): string {
  return canonicalJson({ schema: SCHEMA, kind: 'ref', id });
}

export function recordLine(record: RunRecord): string {
  return canonicalJson(record);
}

export function parseNoteLine(raw: string): NoteLine {
  const read = lineValue(raw);
  return 'line' in read ? read.line : lineOf(read.value, raw);
}

/**
 * parseNoteLine, with a way round for record lines: `project` is handed the parsed JSON of a record
 * line first, and what it returns (not null) stands for the line. It must give null for any line the
 * parsers would not accept as a record (a cold index build projects the record straight to its
 * index JSON). With AGENT_LOG_PARSE=zod, every line goes the long way.
 */
export function parseNoteLineWith<P>(
  raw: string,
  project: (value: Record<string, unknown>) => P | null,
): NoteLine | { type: 'projected'; value: Record<string, unknown>; projected: P } {
  const read = lineValue(raw);
  if ('line' in read) return read.line;
  if (!ZOD_ONLY && read.value.kind === 'record') {
    const projected = project(read.value);
    if (projected !== null) return { type: 'projected', value: read.value, projected };
  }
  return lineOf(read.value, raw);
}

/** A line of ours by its kind: through the compiled parsers, else zod (which words the error). */
function lineOf(v: Record<string, unknown>, raw: string): NoteLine {
  if (!ZOD_ONLY) {
    const fast = fastLine(v, raw);
    if (fast) return fast;
  }
  if (v.kind === 'ref') {
    const parsed = RefLine.safeParse(v);
    return parsed.success
      ? { type: 'ref', id: parsed.data.id, raw }
      : { type: 'invalid', raw, error: parsed.error.issues[0]?.message ?? 'bad ref line' };
  }
  if (v.kind === 'record') {
    const parsed = RunRecord.safeParse(v);
    return parsed.success
      ? { type: 'record', record: parsed.data, raw }
      : { type: 'invalid', raw, error: describeIssue(parsed.error.issues[0]) };
  }
  if (v.kind === 'event') {
    const parsed = RunEventLine.safeParse(v);
    return parsed.success
      ? { type: 'event', event: parsed.data, raw }
      : { type: 'invalid', raw, error: `event: ${describeIssue(parsed.error.issues[0])}` };
  }
  return { type: 'foreign', raw };
}

function describeIssue(issue: { path: PropertyKey[]; message: string } | undefined): string {
  if (!issue) return 'invalid record';
  return `${issue.path.map(String).join('.') || 'record'}: ${issue.message}`;
}

export function parseNote(body: string): NoteLine[] {
  return splitNote(body).map(parseNoteLine);
}
