// `adopt [REV|RANGE] [--id ID…]`: re-attach records after a squash or rebase merge rewrote the
// run's commits. Runs are found through the `Agent-Log: <id>` trailers the new commits kept.
import type { Argv } from 'yargs';
import { UsageError } from '../../errors.js';
import { refLine } from '../../record/note-lines.js';
import { agentLogTrailers } from '../../store/config.js';
import { appendNoteLines, eventLine } from '../../store/events.js';
import { loadAllRecords } from '../../store/read.js';
import { listRuns } from '../../store/runs.js';
import { sealRun } from '../../capture/manual/session.js';
import type { Context } from '../context.js';
import { jsonText } from '../../record/display.js';
import { resolveRange } from '../range.js';

export const command = 'adopt [target]';
export const describe = 'Re-attach records to the commits a squash or rebase merge produced';

export const builder = (y: Argv) =>
  y
    .positional('target', { type: 'string', describe: 'commit or range A..B (default: HEAD)' })
    .option('id', {
      type: 'string',
      array: true,
      default: [],
      describe: 'record ID to attach (when no trailer names it)',
    })
    .option('json', { type: 'boolean', default: false });

export async function handler(argv: { target?: string; id: string[]; json: boolean }, ctx: Context) {
  const repo = await ctx.repo();
  const { engine } = repo;
  const target = argv.target ?? 'HEAD';
  let commits: string[];
  if (target.includes('..')) {
    const { from, to } = await resolveRange(engine, target);
    commits = await engine.commitsBetween(from, to);
  } else {
    const oid = await engine.resolve(target);
    if (!oid) throw new UsageError(`unknown revision '${target}'`);
    commits = [oid];
  }
  // id → the new commits that name it (newest first, as rev-list gives them), each commit once:
  // a squash message names a run once per squashed commit.
  const wanted = new Map<string, string[]>();
  for (const c of commits) {
    const ids = [
      ...agentLogTrailers((await engine.readCommit(c)).message),
      ...(target.includes('..') ? [] : argv.id.map((id) => id.toLowerCase())),
    ];
    for (const id of new Set(ids)) {
      const list = wanted.get(id) ?? [];
      if (!list.includes(c)) wanted.set(id, [...list, c]);
    }
  }
  if (wanted.size === 0)
    throw new UsageError(`no Agent-Log trailer in ${target}`, 'name the run with --id <record-id>');

  const { records } = await loadAllRecords(engine);
  const attached: { id: string; commits: string[] }[] = [];
  // commit → lines to add: the sealed record line as it is, pointers, and one adoption event per run
  const lines = new Map<string, string[]>();
  const add = (c: string, l: string) => lines.set(c, [...(lines.get(c) ?? []), l]);
  for (const [prefix, newCommits] of wanted) {
    const matches = records.filter((r) => r.record.id.startsWith(prefix));
    const waiting = matches.length ? [] : listRuns(repo.location).filter((r) => r.id.startsWith(prefix));
    if (waiting.length === 1 && waiting[0]!.state === 'pending') {
      // A finished run that no commit took: the user says which commits carry it.
      const outcome = await sealRun(repo, waiting[0]!, ctx.now(), { commits: newCommits });
      if (outcome.sealed) attached.push({ id: outcome.record.id, commits: newCommits });
      continue;
    }
    if (matches.length !== 1) {
      ctx.warn(
        matches.length ? `'${prefix}' matches several records; skipped` : `no record ${prefix}; skipped`,
      );
      continue;
    }
    const stored = matches[0]!;
    if (newCommits.every((c) => stored.commits.includes(c))) continue;
    // A sealed record line is never rewritten: the newest new commit gets the same line, byte for
    // byte, and an adoption event next to it; its other new commits get pointers. The old commits
    // keep their notes as they are (the branch they are on may still exist).
    const [home, ...rest] = newCommits;
    const { line } = await eventLine(
      engine,
      stored.record.id,
      { type: 'adoption', commits: newCommits },
      {
        now: ctx.now(),
      },
    );
    add(home!, stored.raw);
    add(home!, line);
    for (const c of rest) add(c, refLine(stored.record.id));
    attached.push({ id: stored.record.id, commits: newCommits });
  }
  if (lines.size)
    await appendNoteLines(engine, lines, `agent-log: adopt ${attached.map((a) => a.id).join(', ')}`);
  if (argv.json) ctx.out.write(`${jsonText({ attached })}\n`);
  else if (attached.length === 0) ctx.out.write('agent-log: nothing to adopt (records already attached)\n');
  else
    for (const a of attached)
      ctx.out.write(`adopted ${a.id} → ${a.commits.map((c) => c.slice(0, 12)).join(', ')}\n`);
}
