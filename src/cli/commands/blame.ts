// `blame FILE[:LINE[,END]]`: which recorded runs wrote these lines, with their intent, checks and
// approvals; lines written by no recorded run say so. git blame starts first and runs while we read;
// a current index answers through its lookup file, and only an index to update, or fetched notes to
// merge, load the rest of the index code (dynamic imports: the common case stays small).
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { UsageError } from '../../errors.js';
import { startBlame } from '../../git/blame.js';
import type { Repo } from '../../git/repo.js';
import { hasGitBinary } from '../../git/repo.js';
import { mayHaveFetchedNotes } from '../../git/sync.js';
import { type NewCommit, readFacts, writeFacts } from '../../index/facts-file.js';
import { INDEX_FILE } from '../../index/format.js';
import { indexedRecord } from '../../index/lookup.js';
import { lookupCommitLines, RecordLine } from '../../index/lookup-file.js';
import type { IndexEntry } from '../../index/model.js';
import { slimFactsIn } from '../../index/slim-facts.js';
import { indexDir } from '../../journal/paths.js';
import {
  blameReport,
  renderBlame,
  renderBlameBytes,
  RENDERED_RUN_KIND,
  type RenderedRun,
  renderedRun,
  withText,
} from '../../query/blame.js';
import { displayText, jsonText } from '../../record/display.js';
import { revertTrailers } from '../../store/config.js';
import { NOTES_REF } from '../../store/notes-ref.js';
import type { Context } from '../context.js';
import { writePaged } from '../pager.js';

export const command = 'blame <target>';
export const describe = 'Which runs wrote a file or lines of it (FILE, FILE:LINE or FILE:START,END)';

export const builder = (y: Argv) =>
  y
    .positional('target', { type: 'string', describe: 'FILE[:LINE[,END]]' })
    .option('rev', { type: 'string', describe: 'blame the file as of REV (default HEAD)' })
    .option('json', { type: 'boolean', default: false })
    .option('pager', { type: 'boolean', default: true, describe: 'page on a terminal (--no-pager)' });

interface BlameArgs {
  target: string;
  rev?: string;
  json: boolean;
  pager: boolean;
}

export function parseTarget(target: string): { file: string; start?: number; end?: number } {
  const m = /^(.+?):(\d+)(?:,(\d+))?$/.exec(target);
  if (!m) return { file: target };
  const start = Number(m[2]);
  const end = m[3] !== undefined ? Number(m[3]) : start;
  if (start < 1 || end < start)
    throw new UsageError(`bad line range in '${target}' (lines start at 1, END >= LINE)`);
  return { file: m[1]!, start, end };
}

export async function handler(argv: BlameArgs, ctx: Context) {
  const target = parseTarget(argv.target);
  const repo = await ctx.repo();
  if (!hasGitBinary()) throw new UsageError('blame needs git on PATH');
  const blame = startBlame(repo.location, target.file, {
    rev: argv.rev,
    start: target.start,
    end: target.end,
  });
  // While git works: fetched notes are merged (as by every read command; only when there may be any).
  const merged = mayHaveFetchedNotes(repo.location)
    ? import('../open-index.js').then((m) => m.mergeFetched(ctx, repo))
    : null;
  const lines = await blame.lines;
  await merged;
  const commits = [...new Set(lines.map((l) => l.commit))];
  const file = join(indexDir(repo.location.commonDir), INDEX_FILE);
  const tip = await repo.engine.readRef(NOTES_REF);
  if (argv.json) {
    const { byCommit } = await entriesOnCommits(ctx, repo, file, tip, commits);
    const revertsOf = await revertsOn(repo, commits, (c) => !!byCommit.get(c)?.length);
    const runsOn = (commit: string) =>
      (byCommit.get(commit) ?? []).flatMap((e) => indexedRecord(entryOf(e))?.record ?? []);
    ctx.out.write(`${jsonText(blameReport(target.file, lines, runsOn, revertsOf))}\n`);
    return;
  }
  // The text of many lines: the runs a blame at this notes tip rendered before, from the index's
  // facts file, when it holds every commit blamed.
  const many = commits.length >= FACTS_FROM;
  const stored = many ? readFacts(file, tip, RENDERED_RUN_KIND) : null;
  const missing = stored ? commits.filter((c) => !stored.commits.has(c)) : commits;
  if (stored && missing.length === 0) {
    for (const w of stored.warnings) ctx.warn(w);
    const on = (c: string) => stored.commits.get(c)!;
    const revertsOf = await revertsOn(repo, commits, (c) => on(c).lines > 0);
    const report = blameReport(
      target.file,
      lines,
      (c) => on(c).runs,
      revertsOf,
      (r) => r.date,
    );
    const bytes = renderBlameBytes(report, stored.text);
    await writePaged(ctx, bytes ?? displayText(renderBlame(withText(report, stored.text))), !argv.pager);
    return;
  }
  // The others from the index: only the few fields the text shows are parsed out of its records.
  const { byCommit, warnings } = await entriesOnCommits(ctx, repo, file, tip, missing);
  const rendered = new Map<IndexLine, ReturnType<typeof renderedRun>[]>();
  const renderedOf = (e: IndexLine) => {
    let found = rendered.get(e);
    if (!found) {
      const slim = e instanceof RecordLine && e.hasRecord && slimFactsIn(e.text, e.jsonStart, e.end);
      const whole = slim ? null : indexedRecord(entryOf(e));
      found = slim ? [renderedRun(slim)] : whole ? [renderedRun(whole.record)] : [];
      rendered.set(e, found);
    }
    return found;
  };
  const added = new Map<string, NewCommit>();
  const runsOn = (commit: string): RenderedRun[] => {
    const kept = stored?.commits.get(commit);
    if (kept) return withText({ ...EMPTY, runs: kept.runs }, stored!.text).runs;
    const on = byCommit.get(commit) ?? [];
    const runs = on.flatMap(renderedOf);
    added.set(commit, { lines: on.length, runs });
    return runs;
  };
  const hasRuns = (c: string) => (stored?.commits.get(c)?.lines ?? byCommit.get(c)?.length ?? 0) > 0;
  const revertsOf = await revertsOn(repo, commits, hasRuns);
  const report = blameReport(target.file, lines, runsOn, revertsOf, (r) => r.date);
  await writePaged(ctx, displayText(renderBlame(report)), !argv.pager);
  // What was rendered here goes into the facts file (for an index read through its lookup file: one
  // that describes this tip), for the next blame of these lines.
  if (many && warnings) writeFacts(file, tip, RENDERED_RUN_KIND, warnings, stored, added, commits);
}

const EMPTY = { file: '', segments: [], unrecordedLines: 0 };

/** From this many commits on, the text report reads and fills the facts file. */
const FACTS_FROM = Number(process.env.AGENT_LOG_BLAME_FACTS_FROM) || 64;

/** Lines no run wrote may come from a revert of one: its commit names the run in a trailer. */
async function revertsOn(
  repo: Repo,
  commits: readonly string[],
  hasRuns: (commit: string) => boolean,
): Promise<(commit: string) => string[]> {
  const reverts = new Map<string, string[]>();
  for (const c of commits) {
    if (hasRuns(c)) continue;
    const ids = revertTrailers((await repo.engine.readCommit(c).catch(() => null))?.message ?? '');
    if (ids.length) reverts.set(c, ids);
  }
  return (commit) => reverts.get(commit) ?? [];
}

/** An index line on a blamed commit: as read through the lookup file (undecoded), or an entry. */
type IndexLine = RecordLine | IndexEntry;

function entryOf(e: IndexLine): IndexEntry {
  return e instanceof RecordLine ? e.entry() : e;
}

/**
 * The index lines on each commit: from a current index's lookup file (with its warnings, printed),
 * else after updating it (warnings null: printed by the update).
 */
async function entriesOnCommits(
  ctx: Context,
  repo: Repo,
  file: string,
  tip: string | null,
  commits: readonly string[],
): Promise<{ byCommit: Map<string, IndexLine[]>; warnings: string[] | null }> {
  const looked = lookupCommitLines(file, tip, commits);
  if (!looked) {
    const byCommit = await (await import('../open-index.js')).entriesOnCommitsFor(ctx, repo, commits);
    return { byCommit, warnings: null };
  }
  for (const w of looked.warnings) ctx.warn(w);
  return looked;
}
