// `blame`: lines of a file → the commits that last changed them (from git blame) → the runs recorded
// on those commits. Pure: blame lines and a commit → runs lookup come in, a report goes out.
import { UsageError } from '../errors.js';
import type { StoredRun } from '../index/facts-file.js';
import type { RunFacts } from '../index/slim-facts.js';
import { displaySafe } from '../record/display.js';
import { checkSummary, shortDate, shortId, truncate } from './format.js';
import { isStale, runDate } from './filters.js';

/** `FILE`, `FILE:LINE` or `FILE:START,END`. */
export function parseTarget(target: string): { file: string; start?: number; end?: number } {
  const m = /^(.+?):(\d+)(?:,(\d+))?$/.exec(target);
  if (!m) return { file: target };
  const start = Number(m[2]);
  const end = m[3] !== undefined ? Number(m[3]) : start;
  if (start < 1 || end < start)
    throw new UsageError(`bad line range in '${target}' (lines start at 1, END >= LINE)`);
  return { file: m[1]!, start, end };
}

/** From this many commits on, the text report reads and fills the index's facts file. */
export const BLAME_FACTS_FROM = Number(process.env.AGENT_LOG_BLAME_FACTS_FROM) || 64;

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

/** A run as the text report shows it: its ID, its date (runDate) and its lines (renderRun). */
export interface RenderedRun {
  id: string;
  date: string | null;
  text: string;
}

/** A report over whole records (`--json` prints them), or over runs rendered or stored for the text. */
export interface BlameReport<R extends { id: string } = RunFacts> {
  file: string;
  segments: BlameSegment[];
  runs: R[];
  /** Lines written by no recorded run. */
  unrecordedLines: number;
}

/** The date a run is ordered by (runDate of a record). */
const recordDate = (run: { id: string }) => runDate(run as RunFacts);

export function blameReport<R extends { id: string }>(
  file: string,
  lines: readonly BlameInputLine[],
  runsOn: (commit: string) => R[],
  revertsOf: (commit: string) => string[] = () => [],
  dateOf: (run: R) => string | null = recordDate,
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
  return { file, segments, runs: newestFirst([...runs.values()], dateOf), unrecordedLines: unrecorded };
}

/** ISO dates as records write them: two of one length differ first at a digit, and order as text. */
const ISO_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z$/;

/** Runs by date, newest first, as compareText orders their dates (the usual ones compared directly). */
function newestFirst<R>(runs: R[], dateOf: (run: R) => string | null): R[] {
  const keyed = runs.map((run) => {
    const date = dateOf(run) ?? '';
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

/** The report's header and a line per segment, up to its runs (no newline at the end). */
function blameHead(report: BlameReport<{ id: string }>): string {
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
  return out.join('\n');
}

/** What follows the runs, to the newline that ends the report. */
function blameTail(report: BlameReport<{ id: string }>): string {
  if (report.segments.length === 0) return '\n(no lines)\n';
  if (report.runs.length === 0) return `\n\nNo line of ${report.file} was written by a recorded run.\n`;
  return '\n';
}

/** The text report (before display cleaning): the segments, then each run's lines after a blank line. */
export function renderBlame(report: BlameReport<RenderedRun>): string {
  const out = [blameHead(report)];
  for (const r of report.runs) out.push(r.text);
  return `${out.join('\n\n')}${blameTail(report)}`;
}

/**
 * The text report over stored runs as the bytes to print, built in one buffer without a string per
 * run; null when display cleaning would change any of it (an escape sequence can reach across runs:
 * the caller then cleans the whole text, as renderBlame's).
 */
export function renderBlameBytes(report: BlameReport<StoredRun>, text: Buffer): Buffer | null {
  const head = blameHead(report);
  const tail = blameTail(report);
  if (!report.runs.every((r) => r.plain) || !displaySafe(head) || !displaySafe(tail)) return null;
  let size = Buffer.byteLength(head) + Buffer.byteLength(tail);
  for (const r of report.runs) size += 2 + r.length;
  const out = Buffer.allocUnsafe(size);
  let at = out.write(head, 0);
  for (const r of report.runs) {
    out[at++] = 10;
    out[at++] = 10;
    at += text.copy(out, at, r.start, r.start + r.length);
  }
  out.write(tail, at);
  return out;
}

/** Stored runs with their text as strings (renderBlame's input). */
export function withText(report: BlameReport<StoredRun>, text: Buffer): BlameReport<RenderedRun> {
  const runs = report.runs.map((r) => ({
    id: r.id,
    date: r.date,
    text: text.toString('utf8', r.start, r.start + r.length),
  }));
  return { ...report, runs };
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

/**
 * What the index's facts file holds for blame (index/facts-file.ts): runs as renderRun wrote them.
 * A new way of rendering gets a new kind, and files of the old one are not read.
 */
export const RENDERED_RUN_KIND = 'blame-run-2';

/** A run rendered for the text report, from its record's facts. */
export function renderedRun(r: RunFacts): RenderedRun & { plain: boolean } {
  const text = renderRun(r);
  return { id: r.id, date: runDate(r), text, plain: displaySafe(text) };
}
