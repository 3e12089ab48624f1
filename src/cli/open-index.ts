// Open the query index for a read command: progress bar on a long build, warnings printed once.
import type { Repo } from '../git/repo.js';
import type { IndexData } from '../index/model.js';
import { indexWarnings } from '../index/open.js';
import { openRecordIndex } from '../store/indexed.js';
import type { Context } from './context.js';
import { progressBar } from './progress.js';

export async function openIndexFor(ctx: Context, repo: Repo): Promise<IndexData> {
  const bar = progressBar(ctx, 'indexing run records');
  try {
    const data = await openRecordIndex(repo.engine, { onProgress: bar.update });
    for (const w of indexWarnings(data)) ctx.warn(w);
    return data;
  } finally {
    bar.done();
  }
}
