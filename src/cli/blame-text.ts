// `blame`'s text report from a current index, for both ways in: the full path (commands/blame.ts)
// and the small blame bundle (blame-main.ts), so they print the same bytes. Of many lines, the runs
// come from the index's facts file where it holds them (copied as bytes), the others from the
// index's record lines through its lookup file, rendered, and then added to the facts file.
import type { BlameLine } from '../git/blame.js';
import { type NewCommit, readFacts, type StoredFacts, writeFacts } from '../index/facts-file.js';
import { indexedRecord } from '../index/lookup.js';
import { currentIndexWarnings, lookupCommitLines, type RecordLine } from '../index/lookup-file.js';
import { slimFactsIn } from '../index/slim-facts.js';
import {
  BLAME_FACTS_FROM,
  blameReport,
  renderBlame,
  renderBlameBytes,
  RENDERED_RUN_KIND,
  type RenderedRun,
  renderedRun,
  withText,
} from '../query/blame.js';
import { displayText } from '../record/display.js';
import { revertTrailers } from '../store/config.js';

export interface BlameText {
  /** The report, cleaned for display: as text, or as its UTF-8 bytes. */
  output: string | Buffer;
  /** The index's warnings, to print before it. */
  warnings: string[];
  /** Keep what was rendered in the facts file (after the output is written). */
  save(): void;
}

/**
 * The text report of `lines` of `file` from the index at `indexFile` when it describes notes tip
 * `tip`; null when it does not (or its lookup file does not match it): the caller updates the index.
 * `messageOf` gives a commit's message (to find revert trailers); null when it cannot be read there,
 * and then the answer is null too.
 */
export async function blameTextFromIndex(
  indexFile: string,
  tip: string | null,
  file: string,
  lines: readonly BlameLine[],
  messageOf: (commit: string) => Promise<string | null>,
): Promise<BlameText | null> {
  const commits = [...new Set(lines.map((l) => l.commit))];
  const many = commits.length >= BLAME_FACTS_FROM;
  const stored = many ? readFacts(indexFile, tip, RENDERED_RUN_KIND) : null;
  const missing = stored ? commits.filter((c) => !stored.commits.has(c)) : commits;
  const looked = missing.length ? lookupCommitLines(indexFile, tip, missing) : null;
  if (missing.length && !looked) return null;
  const warnings = looked ? looked.warnings : stored!.warnings;
  const linesOn = (c: string) => stored?.commits.get(c)?.lines ?? looked?.byCommit.get(c)?.length ?? 0;
  const reverts = new Map<string, string[]>();
  for (const c of commits) {
    if (linesOn(c) > 0) continue;
    const message = await messageOf(c);
    if (message === null) return null;
    const ids = revertTrailers(message);
    if (ids.length) reverts.set(c, ids);
  }
  const revertsOf = (c: string) => reverts.get(c) ?? [];
  if (stored && !looked) return fromFacts(stored, file, lines, revertsOf, warnings);
  // Runs from index lines: only the few fields the text shows are cut out of their records.
  const rendered = new Map<RecordLine, ReturnType<typeof renderedRun>[]>();
  const renderedOf = (e: RecordLine) => {
    let found = rendered.get(e);
    if (!found) {
      const slim = e.hasRecord && slimFactsIn(e.text, e.jsonStart, e.end);
      const whole = slim ? null : indexedRecord(e.entry());
      found = slim ? [renderedRun(slim)] : whole ? [renderedRun(whole.record)] : [];
      rendered.set(e, found);
    }
    return found;
  };
  const added = new Map<string, NewCommit>();
  const runsOn = (commit: string): RenderedRun[] => {
    const kept = stored?.commits.get(commit);
    if (kept) return withText({ ...EMPTY, runs: kept.runs }, stored!.text).runs;
    const on = looked!.byCommit.get(commit) ?? [];
    const runs = on.flatMap(renderedOf);
    added.set(commit, { lines: on.length, runs });
    return runs;
  };
  const report = blameReport(file, lines, runsOn, revertsOf, (r) => r.date);
  return {
    output: displayText(renderBlame(report)),
    warnings,
    save: () => {
      if (many) writeFacts(indexFile, tip, RENDERED_RUN_KIND, warnings, stored, added, commits);
    },
  };
}

/**
 * Keep runs rendered from a just-updated index's entries (a blame that could not read the index
 * first) in its facts file, as blameTextFromIndex keeps what it renders, for a blame of many lines;
 * with the index's warnings as its lookup file gives them (the order a later blame prints them in).
 */
export function keepRendered(
  indexFile: string,
  tip: string | null,
  rendered: ReadonlyMap<string, NewCommit>,
  commits: readonly string[],
): void {
  if (commits.length < BLAME_FACTS_FROM) return;
  const warnings = currentIndexWarnings(indexFile, tip);
  if (warnings) writeFacts(indexFile, tip, RENDERED_RUN_KIND, warnings, null, rendered, commits);
}

const EMPTY = { file: '', segments: [], unrecordedLines: 0 };

/** The report when the facts file holds every commit: its runs' bytes copied into one buffer. */
function fromFacts(
  stored: StoredFacts,
  file: string,
  lines: readonly BlameLine[],
  revertsOf: (commit: string) => string[],
  warnings: string[],
): BlameText {
  const report = blameReport(
    file,
    lines,
    (c) => stored.commits.get(c)!.runs,
    revertsOf,
    (r) => r.date,
  );
  const output =
    renderBlameBytes(report, stored.text) ?? displayText(renderBlame(withText(report, stored.text)));
  return { output, warnings, save: () => {} };
}
