// An independent reader of what `blame` should print: plain `git blame --porcelain`, `git notes
// show` and `git log` give each line's commit, runs and revert trailer, and the report is written
// from them as the README describes it (no code of ours).
import type { TempRepo } from './repo.js';

export interface PorcelainLine {
  line: number;
  commit: string;
  author: string;
  summary: string;
}

type Raw = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- raw note JSON

export function blameReader(repo: Pick<TempRepo, 'git'>) {
  const notes = (...args: string[]) => repo.git('notes', '--ref=agent-log', ...args);
  async function gitBlame(file: string, range?: string): Promise<PorcelainLine[]> {
    const out = await repo.git('blame', '--porcelain', ...(range ? ['-L', range] : []), 'HEAD', '--', file);
    const details = new Map<string, { author: string; summary: string }>();
    const lines: PorcelainLine[] = [];
    let current: { commit: string; line: number } | null = null;
    for (const l of out.split('\n')) {
      const header = /^([0-9a-f]{40}) \d+ (\d+)/.exec(l);
      if (header) {
        current = { commit: header[1]!, line: Number(header[2]) };
        if (!details.has(current.commit)) details.set(current.commit, { author: '', summary: '' });
      } else if (current && l.startsWith('author ')) details.get(current.commit)!.author = l.slice(7);
      else if (current && l.startsWith('summary ')) details.get(current.commit)!.summary = l.slice(8);
      else if (current && l.startsWith('\t')) lines.push({ ...current, ...details.get(current.commit)! });
    }
    return lines;
  }

  const noteLines = async (commit: string): Promise<Raw[]> =>
    (await notes('show', commit).catch(() => ''))
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Raw);

  /** The runs a commit's note names (record and pointer lines), and their records wherever they are. */
  async function notedRuns(commit: string): Promise<{ ids: string[]; records: Raw[] }> {
    const ids = [...new Set((await noteLines(commit)).map((l) => l.id as string))].sort();
    const records: Raw[] = [];
    const annotated = (await notes('list')).split('\n').filter(Boolean);
    for (const line of annotated)
      for (const l of await noteLines(line.split(' ')[1]!))
        if (l.kind === 'record' && ids.includes(l.id)) records.push(l);
    return { ids, records };
  }

  async function revertedRuns(commit: string): Promise<string[]> {
    const message = await repo.git('log', '-1', '--format=%B', commit);
    return [...message.matchAll(/^Agent-Log-Revert:\s*([0-9a-z]{4,32})\s*$/gim)].map((m) => m[1]!);
  }

  /** The report as the README describes it, written from git's own answers. */
  async function expectedText(file: string, range?: string): Promise<string> {
    const lines = await gitBlame(file, range);
    const segments: { start: number; end: number; commit: string; who: string }[] = [];
    const records = new Map<string, Raw>();
    for (const l of lines) {
      const { ids, records: recs } = await notedRuns(l.commit);
      for (const r of recs) if (!records.has(r.id)) records.set(r.id, r);
      const reverts = ids.length ? [] : await revertedRuns(l.commit);
      const flat = l.summary.replace(/\s+/g, ' ').trim();
      const who = ids.length
        ? ids.map((id) => id.slice(0, 7)).join(',')
        : reverts.length
          ? `revert of ${reverts.map((id) => id.slice(0, 7)).join(',')} (${l.author})`
          : `no recorded run (${l.author}: ${[...flat].length > 50 ? `${[...flat].slice(0, 49).join('')}…` : flat})`;
      const last = segments.at(-1);
      if (last && last.commit === l.commit && last.end === l.line - 1) last.end = l.line;
      else segments.push({ start: l.line, end: l.line, commit: l.commit, who });
    }
    const range_ = (s: { start: number; end: number }) =>
      s.start === s.end ? `${s.start}` : `${s.start}-${s.end}`;
    const width = Math.max(5, ...segments.map((s) => range_(s).length));
    const out = [`${'lines'.padEnd(width)}  commit   run`];
    for (const s of segments) out.push(`${range_(s).padEnd(width)}  ${s.commit.slice(0, 7)}  ${s.who}`);
    const date = (r: Raw) => (r.ended_at ?? r.started_at ?? r.sealed_at ?? null) as string | null;
    const runs = [...records.values()].sort((a, b) => (date(b) ?? '').localeCompare(date(a) ?? ''));
    for (const r of runs) {
      const checks = (r.checks ?? []) as Raw[];
      const stale = (c: Raw) =>
        c.after_last_edit === false && (c.status === 'passed' || c.status === 'failed');
      const n = { passed: 0, failed: 0, skipped: 0, weakened: 0, stale: 0 };
      for (const c of checks) {
        if (c.status === 'skipped' || c.status === 'not-run') n.skipped++;
        else if (c.status === 'failed') n.failed++;
        else if (c.status === 'passed' && c.weakened) n.weakened++;
        else if (stale(c)) n.stale++;
        else if (c.status === 'passed') n.passed++;
      }
      const summary =
        [
          n.passed ? `✓${n.passed}` : '',
          n.failed ? `✗${n.failed}` : '',
          n.skipped ? `~${n.skipped}` : '',
          n.weakened ? `?${n.weakened}` : '',
          n.stale ? `!${n.stale}` : '',
        ]
          .filter(Boolean)
          .join(' ') || '-';
      const when = date(r) ? new Date(date(r)!).toISOString().slice(0, 16).replace('T', ' ') : '-';
      out.push(
        '',
        `${r.id.slice(0, 7)}  ${r.agent?.name ?? 'unknown'}  ${r.outcome?.status ?? 'pending'}  ${when}  ${summary}`,
      );
      out.push(`  intent: ${(r.task?.intent || '(no intent)').replace(/\s+/g, ' ').trim()}`);
      for (const c of checks)
        out.push(
          `  check: ${c.status} ${c.name}${c.attempts > 1 ? `, ${c.attempts} attempts` : ''}${c.weakened ? `, weakened: ${c.weakened}` : ''}${stale(c) ? ', before the last edit' : ''}`,
        );
      if (checks.length === 0) out.push('  checks: none recorded');
      for (const a of (r.approvals ?? []) as Raw[])
        out.push(`  ${a.decision}: ${a.by} for ${a.scope}${a.note ? ` (${a.note})` : ''}`);
      if (!r.approvals?.length) out.push('  approvals: none');
    }
    if (segments.length && runs.length === 0)
      out.push('', `No line of ${file} was written by a recorded run.`);
    // Recorded text reaches a terminal only without its bidi controls (shown as U+FFFD).
    return `${out.join('\n')}\n`.replace(/[\u202a-\u202e\u2066-\u2069]/g, '\ufffd');
  }

  return { gitBlame, notedRuns, revertedRuns, expectedText };
}
