// `blame`: lines of a file → the commits that last changed them (from git blame) → the runs recorded
// on those commits. Pure: blame lines and a commit → runs lookup come in, a report goes out.
import type { RunRecord } from '../record/schema.js';
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

export interface BlameReport {
  file: string;
  segments: BlameSegment[];
  runs: RunRecord[];
  /** Lines written by no recorded run. */
  unrecordedLines: number;
}

export function blameReport(
  file: string,
  lines: readonly BlameInputLine[],
  runsOn: (commit: string) => RunRecord[],
  revertsOf: (commit: string) => string[] = () => [],
): BlameReport {
  const segments: BlameSegment[] = [];
  const runs = new Map<string, RunRecord>();
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
    const last = segments.at(-1);
    if (last && last.commit === l.commit && last.end === l.line - 1) last.end = l.line;
    else
      segments.push({
        start: l.line,
        end: l.line,
        commit: l.commit,
        runs: ids,
        ...(reverts.length ? { reverts } : {}),
        author: l.author,
        summary: l.summary,
      });
  }
  const ordered = [...runs.values()].sort((a, b) => (runDate(b) ?? '').localeCompare(runDate(a) ?? ''));
  return { file, segments, runs: ordered, unrecordedLines: unrecorded };
}

function range(s: BlameSegment): string {
  return s.start === s.end ? `${s.start}` : `${s.start}-${s.end}`;
}

export function renderBlame(report: BlameReport): string {
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
  for (const r of report.runs) {
    out.push(
      '',
      `${shortId(r.id)}  ${r.agent.name}  ${r.outcome.status}  ${shortDate(runDate(r))}  ${checkSummary(r)}`,
    );
    out.push(`  intent: ${truncate(r.task.intent || '(no intent)', 100)}`);
    for (const c of r.checks) {
      const stale = isStale(c) ? ', before the last edit' : '';
      const tries = c.attempts > 1 ? `, ${c.attempts} attempts` : '';
      out.push(`  check: ${c.status} ${c.name}${tries}${stale}`);
    }
    if (r.checks.length === 0) out.push('  checks: none recorded');
    for (const a of r.approvals)
      out.push(`  ${a.decision}: ${a.by} for ${a.scope}${a.note ? ` (${a.note})` : ''}`);
    if (r.approvals.length === 0) out.push('  approvals: none');
  }
  if (report.segments.length === 0) out.push('(no lines)');
  else if (report.runs.length === 0) out.push('', `No line of ${report.file} was written by a recorded run.`);
  return `${out.join('\n')}\n`;
}
