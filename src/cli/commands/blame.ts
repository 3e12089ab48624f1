// `blame FILE[:LINE[,END]]`: which recorded runs wrote these lines, with their intent, checks and
// approvals; lines written by no recorded run say so. git blame starts first and runs while we read;
// a current index answers through its facts and lookup files (blame-text.ts, shared with the small
// blame bundle), and only an index to update, or fetched notes to merge, load the rest of the index
// code (dynamic imports: the common case stays small).
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { UsageError } from '../../errors.js';
import { type BlameLine, fileFromTop, startBlame } from '../../git/blame.js';
import type { Repo } from '../../git/repo.js';
import { hasGitBinary } from '../../git/repo.js';
import { mayHaveFetchedNotes } from '../../git/sync.js';
import { INDEX_FILE } from '../../index/format.js';
import { indexedRecord } from '../../index/lookup.js';
import { lookupCommitLines, RecordLine } from '../../index/lookup-file.js';
import type { NewCommit } from '../../index/facts-file.js';
import type { IndexEntry } from '../../index/model.js';
import { indexDir } from '../../journal/paths.js';
import { blameReport, parseTarget, renderBlame, renderedRun } from '../../query/blame.js';
import { displayText, jsonText } from '../../record/display.js';
import { revertTrailers } from '../../store/config.js';
import type { Context } from '../context.js';
import { blameTextFromIndex, keepRendered } from '../blame-text.js';
import { writePaged } from '../pager.js';
import { notesTip } from '../../store/notes-tip.js';

export { parseTarget };

export const command = 'blame <target>';
export const describe = 'Which runs wrote a file or lines of it (FILE, FILE:LINE or FILE:START,END)';

export const builder = (y: Argv) =>
  y
    .positional('target', { type: 'string', describe: 'FILE[:LINE[,END]]' })
    .option('rev', { type: 'string', describe: 'blame the file as of REV (default HEAD)' })
    .option('json', { type: 'boolean', default: false })
    .option('pager', {
      type: 'boolean',
      default: true,
      describe: 'page long output on a terminal; --no-pager: never',
    });

interface BlameArgs {
  target: string;
  rev?: string;
  json: boolean;
  pager: boolean;
  /** This invocation's git blame, already run (the small blame bundle hands over after it: blame-main.ts). */
  blamed?: BlameLine[];
}

export async function handler(argv: BlameArgs, ctx: Context) {
  const target = parseTarget(argv.target);
  const repo = await ctx.repo();
  target.file = fileFromTop(repo.location, ctx.cwd, target.file);
  if (!hasGitBinary()) throw new UsageError('blame needs git on PATH');
  const blame = argv.blamed
    ? null
    : startBlame(repo.location, target.file, { rev: argv.rev, start: target.start, end: target.end });
  // While git works: fetched notes are merged (as by every read command; only when there may be any).
  const merged = mayHaveFetchedNotes(repo.location)
    ? import('../open-index.js').then((m) => m.mergeFetched(ctx, repo))
    : null;
  const lines = argv.blamed ?? (await blame!.lines);
  await merged;
  const commits = [...new Set(lines.map((l) => l.commit))];
  const file = join(indexDir(repo.location.commonDir), INDEX_FILE);
  const tip = await notesTip(repo.engine);
  if (argv.json) {
    const { byCommit } = await entriesOnCommits(ctx, repo, file, tip, commits);
    const revertsOf = await revertsOn(repo, commits, (c) => !!byCommit.get(c)?.length);
    const runsOn = (commit: string) =>
      (byCommit.get(commit) ?? []).flatMap((e) => indexedRecord(entryOf(e))?.record ?? []);
    ctx.out.write(`${jsonText(blameReport(target.file, lines, runsOn, revertsOf))}\n`);
    return;
  }
  // A current index: the runs rendered before (facts file), or cut from its record lines.
  const messageOf = async (c: string) => (await repo.engine.readCommit(c).catch(() => null))?.message ?? '';
  const text = await blameTextFromIndex(file, tip, target.file, lines, messageOf);
  if (text) {
    for (const w of text.warnings) ctx.warn(w);
    await writePaged(ctx, text.output, !argv.pager);
    text.save();
    return;
  }
  // Else the index is updated first, and its records read whole; the runs rendered are kept in the
  // facts file of the updated index, so the next blame at this tip reads them.
  const byCommit = await (await import('../open-index.js')).entriesOnCommitsFor(ctx, repo, commits);
  const revertsOf = await revertsOn(repo, commits, (c) => !!byCommit.get(c)?.length);
  const rendered = new Map<string, NewCommit>();
  const runsOn = (commit: string) => {
    let on = rendered.get(commit);
    if (!on) {
      const entries = byCommit.get(commit) ?? [];
      const runs = entries.flatMap((e) => {
        const whole = indexedRecord(e);
        return whole ? [renderedRun(whole.record)] : [];
      });
      rendered.set(commit, (on = { lines: entries.length, runs }));
    }
    return on.runs;
  };
  const report = blameReport(target.file, lines, runsOn, revertsOf, (r) => r.date);
  await writePaged(ctx, displayText(renderBlame(report)), !argv.pager);
  keepRendered(file, await notesTip(repo.engine), rendered, commits);
}

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
