// `blame`: lines of a file → the commits that last changed them (from git blame) → the runs recorded
// on those commits. Pure: blame lines and a commit → runs lookup come in, a report goes out.
import { type RunFacts, slimFacts } from '../index/slim-facts.js';
import { checkSummary, shortDate, shortId, truncate } from './format.js';
import { isStale, runDate } from './filters.js';

export interface BlameInputLine {
  line: number;
  commit: string;
  author: string;
  authorTime: number;
  summary: string;
}

export interface BlameSegment {
  start: number;
  end: number;
  commit: string;
  /** IDs of the runs recorded on the commit (empty: written by no recorded run). */
  runs: string[];
  /** IDs of the runs this commit reverted (`Agent-Log-Revert:` trailer), when it did. */
  reverts?: string[];
  author: string;
  summary: string;
}

/**
 * A run as the text report shows it, rendered ahead (the index's facts file holds these): its ID,
 * its date (runDate) and its lines (renderRun).
 */
export interface RenderedRun {
  id: string;
  date: string | null;
  text: string;
}

/** What a report needs of a run: its ID, and its date to order runs by. */
type ReportRun = { id: string } & (RunFacts | RenderedRun);

/**
 * A report over whole records (`--json` prints them), over just the facts the text shows, or over
 * runs rendered ahead.
 */
export interface BlameReport<R extends ReportRun = RunFacts> {
  file: string;
  segments: BlameSegment[];
  runs: R[];
  /** Lines written by no recorded run. */
  unrecordedLines: number;
}

export function blameReport<R extends ReportRun>(
  file: string,
  lines: readonly BlameInputLine[],
  runsOn: (commit: string) => R[],
  revertsOf: (commit: string) => string[] = () => [],
): BlameReport<R> {
  const segments: BlameSegment[] = [];
  const runs = new Map<string, R>();
  const cache = new Map<string, string[]>();
  let unrecorded = 0;
  for (const l of lines) {
    let ids = cache.get(l.commit);
    if (!ids) {
      const found = runsOn(l.commit);
      for (const r of found) runs.set(r.id, r);
      ids = found.map((r) => r.id).sort();
      cache.set(l.commit, ids);
    }
    const reverts = ids.length ? [] : revertsOf(l.commit);
    if (ids.length === 0 && reverts.length === 0) unrecorded++;
    const last = segments[segments.length - 1];
    if (last && last.commit === l.commit && last.end === l.line - 1) last.end = l.line;
    else {
      const { line: at, commit, author, summary } = l;
      segments.push(
        reverts.length
          ? { start: at, end: at, commit, runs: ids, reverts, author, summary }
          : { start: at, end: at, commit, runs: ids, author, summary },
      );
    }
  }
  return { file, segments, runs: newestFirst([...runs.values()]), unrecordedLines: unrecorded };
}

/** ISO dates as records write them: two of one length differ first at a digit, and order as text. */
const ISO_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z$/;

/** Runs by date, newest first, as compareText orders their dates (the usual ones compared directly). */
function newestFirst<R extends ReportRun>(runs: R[]): R[] {
  const keyed = runs.map((run) => {
    const date = ('text' in run ? run.date : runDate(run)) ?? '';
    return { run, date, iso: ISO_DATE.test(date) };
  });
  keyed.sort((a, b) => {
    if (a.iso && b.iso && a.date.length === b.date.length)
      return a.date < b.date ? 1 : a.date > b.date ? -1 : 0;
    return compareText(b.date, a.date);
  });
  return keyed.map((k) => k.run);
}

/**
 * `a.localeCompare(b)`, without the collator when the answer is plain: run dates share a layout, so
 * two of them first differ at a digit, and there ICU orders as the digits do (the prefix before is
 * the same). Anything else is the collator's to decide.
 */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  while (i < a.length && i < b.length && a.charCodeAt(i) === b.charCodeAt(i)) {
    if (a.charCodeAt(i) > 0x7e) return a.localeCompare(b); // ASCII prefixes only: no contractions
    i++;
  }
  const x = a.charCodeAt(i);
  const y = b.charCodeAt(i);
  if (x >= 48 && x <= 57 && y >= 48 && y <= 57) return x < y ? -1 : 1;
  return a.localeCompare(b);
}

function range(s: BlameSegment): string {
  return s.start === s.end ? `${s.start}` : `${s.start}-${s.end}`;
}

export function renderBlame(report: BlameReport<RunFacts | RenderedRun>): string {
  const out: string[] = [];
  const width = Math.max(5, ...report.segments.map((s) => range(s).length));
  out.push(`${'lines'.padEnd(width)}  commit   run`);
  for (const s of report.segments) {
    const who = s.runs.length
      ? s.runs.map((id) => shortId(id)).join(',')
      : s.reverts?.length
        ? `revert of ${s.reverts.map((id) => shortId(id)).join(',')} (${s.author})`
        : `no recorded run (${s.author}: ${truncate(s.summary, 50)})`;
    out.push(`${range(s).padEnd(width)}  ${s.commit.slice(0, 7)}  ${who}`);
  }
  for (const r of report.runs) out.push('', 'text' in r ? r.text : renderRun(r));
  if (report.segments.length === 0) out.push('(no lines)');
  else if (report.runs.length === 0) out.push('', `No line of ${report.file} was written by a recorded run.`);
  return `${out.join('\n')}\n`;
}

/** A run's lines in the text report (no newline at the end). */
export function renderRun(r: RunFacts): string {
  const out: string[] = [];
  out.push(
    `${shortId(r.id)}  ${r.agent.name}  ${r.outcome.status}  ${shortDate(runDate(r))}  ${checkSummary(r)}`,
  );
  out.push(`  intent: ${truncate(r.task.intent || '(no intent)', 100)}`);
  for (const c of r.checks) {
    const stale = isStale(c) ? ', before the last edit' : '';
    const tries = c.attempts > 1 ? `, ${c.attempts} attempts` : '';
    const weak = c.weakened ? `, weakened: ${truncate(c.weakened, 100)}` : '';
    out.push(`  check: ${c.status} ${c.name}${tries}${weak}${stale}`);
  }
  if (r.checks.length === 0) out.push('  checks: none recorded');
  for (const a of r.approvals)
    out.push(`  ${a.decision}: ${a.by} for ${a.scope}${a.note ? ` (${a.note})` : ''}`);
  if (r.approvals.length === 0) out.push('  approvals: none');
  return out.join('\n');
}

/** What the index's facts file holds for blame (index/facts-file.ts): a kind per way of rendering. */
export const RENDERED_RUN_KIND = 'blame-run-1';

/**
 * A run of the index, rendered ahead for the facts file: `[id, date, text]` as JSON, from its slim
 * record's JSON. null when its record does not render (the report then reads the index's records).
 */
export function renderedRunJson(slimJson: string): string | null {
  try {
    const r = slimFacts(slimJson) ?? (JSON.parse(slimJson) as RunFacts);
    return JSON.stringify([r.id, runDate(r), renderRun(r)]);
  } catch {
    return null;
  }
}

/** A run rendered ahead, from the JSON value renderedRunJson wrote; null when it is not one. */
export function renderedRun(value: unknown): RenderedRun | null {
  if (!Array.isArray(value) || value.length !== 3) return null;
  const [id, date, text] = value as unknown[];
  if (typeof id !== 'string' || typeof text !== 'string' || (date !== null && typeof date !== 'string'))
    return null;
  return { id, date, text };
}
