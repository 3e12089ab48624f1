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
import { lookupCommitFacts } from '../../index/facts-file.js';
import { INDEX_FILE } from '../../index/format.js';
import { indexedRecord } from '../../index/lookup.js';
import { lookupCommitLines, RecordLine } from '../../index/lookup-file.js';
import type { IndexEntry } from '../../index/model.js';
import { type RunFacts, slimFactsIn } from '../../index/slim-facts.js';
import { indexDir } from '../../journal/paths.js';
import {
  blameReport,
  renderBlame,
  RENDERED_RUN_KIND,
  type RenderedRun,
  renderedRun,
  renderedRunJson,
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
  // The text of many lines: the runs rendered ahead in the index's facts file, when it is current.
  const file = join(indexDir(repo.location.commonDir), INDEX_FILE);
  const tip = await repo.engine.readRef(NOTES_REF);
  const many = !argv.json && commits.length >= FACTS_FROM;
  const stored = many ? renderedRuns(file, tip, commits) : null;
  if (stored && stored !== 'wanted' && stored.complete) {
    for (const w of stored.warnings) ctx.warn(w);
    const revertsOf = await revertsOn(repo, commits, (c) => stored.runs.has(c));
    const report = blameReport(target.file, lines, (c) => stored.rendered.get(c) ?? [], revertsOf);
    await writePaged(ctx, displayText(renderBlame(report)), !argv.pager);
    return;
  }
  const byCommit = await entriesOnCommits(ctx, repo, file, tip, commits);
  const revertsOf = await revertsOn(repo, commits, (c) => !!byCommit.get(c)?.length);
  if (argv.json) {
    const runsOn = (commit: string) =>
      (byCommit.get(commit) ?? []).flatMap((e) => indexedRecord(entryOf(e))?.record ?? []);
    ctx.out.write(`${jsonText(blameReport(target.file, lines, runsOn, revertsOf))}\n`);
    return;
  }
  // The text shows a few fields of each run: only those are parsed out of the index's records.
  const facts = new Map<IndexLine, RunFacts[]>();
  const factsOf = (e: IndexLine): RunFacts[] => {
    let found = facts.get(e);
    if (!found) {
      const slim = e instanceof RecordLine && e.hasRecord && slimFactsIn(e.text, e.jsonStart, e.end);
      const whole = slim ? null : indexedRecord(entryOf(e));
      found = slim ? [slim] : whole ? [whole.record] : [];
      facts.set(e, found);
    }
    return found;
  };
  const factsOn = (commit: string) => (byCommit.get(commit) ?? []).flatMap(factsOf);
  const report = blameReport(target.file, lines, factsOn, revertsOf);
  await writePaged(ctx, displayText(renderBlame(report)), !argv.pager);
  // A blame of many lines at this tip marks the facts file wanted; the next writes it, and the ones
  // after read it (unless it is current and a run of these did not render into it). index/file.ts
  // loads the index model: imported only here.
  if (many && (stored === null || stored === 'wanted')) {
    const write = await import('../../index/file.js');
    if (stored === null) write.markFactsWanted(file, RENDERED_RUN_KIND);
    else write.writeFactsFile(file, RENDERED_RUN_KIND, renderedRunJson);
  }
}

/** The runs on `commits` as the facts file holds them, rendered; null as for lookupCommitFacts. */
function renderedRuns(file: string, tip: string | null, commits: readonly string[]) {
  const stored = lookupCommitFacts(file, tip, commits, RENDERED_RUN_KIND);
  if (stored === null || stored === 'wanted') return stored;
  const rendered = new Map<string, RenderedRun[]>();
  for (const [commit, values] of stored.facts) {
    const runs = values.map(renderedRun);
    if (runs.includes(null)) return null;
    rendered.set(commit, runs as RenderedRun[]);
  }
  return { rendered, runs: stored.runs, warnings: stored.warnings, complete: stored.complete };
}

/** From this many commits on, the text report reads the facts file (whole) rather than index lines. */
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

/** The index lines on each commit: from a current index's lookup file, else after updating it. */
async function entriesOnCommits(
  ctx: Context,
  repo: Repo,
  file: string,
  tip: string | null,
  commits: readonly string[],
): Promise<Map<string, IndexLine[]>> {
  const looked = lookupCommitLines(file, tip, commits);
  if (!looked) return (await import('../open-index.js')).entriesOnCommitsFor(ctx, repo, commits);
  for (const w of looked.warnings) ctx.warn(w);
  return looked.byCommit;
}
