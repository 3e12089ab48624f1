// Open the query index for a read command: progress bar on a long build, warnings printed once.
import type { Repo } from '../git/repo.js';
import type { IndexedRecord } from '../index/lookup.js';
import type { IndexData } from '../index/model.js';
import { indexWarnings } from '../index/open.js';
import type { FilterSpec } from '../query/filters.js';
import { selectFromIndex } from '../query/select.js';
import { entriesOnCommits, openRecordIndex } from '../store/indexed.js';
import type { IndexEntry } from '../index/model.js';
import { mergeFetchedNotes } from '../store/share.js';
import type { Context } from './context.js';
import { progressBar } from './progress.js';

/** Notes a plain `git fetch`/`git pull` brought in are merged into ours before reading (local only). */
export async function mergeFetched(ctx: Context, repo: Repo): Promise<void> {
  await mergeFetchedNotes(repo, ctx.warn);
}

export async function openIndexFor(ctx: Context, repo: Repo): Promise<IndexData> {
  await mergeFetched(ctx, repo);
  const bar = progressBar(ctx, 'indexing run records');
  try {
    const data = await openRecordIndex(repo.engine, { onProgress: bar.update });
    for (const w of indexWarnings(data)) ctx.warn(w);
    return data;
  } finally {
    bar.done();
  }
}

/** The index entries on each commit (a current index is read through its lookup file), warnings printed. */
export async function entriesOnCommitsFor(
  ctx: Context,
  repo: Repo,
  commits: readonly string[],
): Promise<Map<string, IndexEntry[]>> {
  await mergeFetched(ctx, repo);
  const bar = progressBar(ctx, 'indexing run records');
  try {
    const { byCommit, warnings } = await entriesOnCommits(repo.engine, commits, { onProgress: bar.update });
    for (const w of warnings) ctx.warn(w);
    return byCommit;
  } finally {
    bar.done();
  }
}

/** Records matching `spec` for a read command (streamed from a current index), warnings printed. */
export async function selectFor(
  ctx: Context,
  repo: Repo,
  spec: FilterSpec,
  limit?: number,
): Promise<IndexedRecord[]> {
  await mergeFetched(ctx, repo);
  const bar = progressBar(ctx, 'indexing run records');
  try {
    const { records, warnings } = await selectFromIndex(repo.engine, spec, limit, { onProgress: bar.update });
    for (const w of warnings) ctx.warn(w);
    return records;
  } finally {
    bar.done();
  }
}

/** What fullRecords needs of a selected record. */
export function entryOf(r: IndexedRecord) {
  return { id: r.record.id, blob: r.blob, commit: r.commit, commits: r.commits, events: r.record.events };
}
