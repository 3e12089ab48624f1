// `export --format agent-trace`: one Agent Trace record per run and commit carrying it today, as
// JSON Lines on stdout or in --output. The ranges are the lines that commit added (against its first
// parent) to the files the run changed; binary, deleted and unchanged files have none.
import { appendFileSync, writeFileSync } from 'node:fs';
import { readPath } from '../capture/changes.js';
import { addedRanges, type LineRange, traceRecord } from '../export/agent-trace.js';
import type { RowContext } from '../export/rows.js';
import type { Repo } from '../git/repo.js';
import { jsonText } from '../record/display.js';
import type { StoredRecord } from '../store/read.js';
import type { Context } from './context.js';

async function commitFiles(repo: Repo, commit: string, s: StoredRecord) {
  const info = await repo.engine.readCommit(commit);
  const parent = info.parents[0] ? await repo.engine.readCommit(info.parents[0]) : null;
  const files: { path: string; ranges: LineRange[] }[] = [];
  for (const f of s.record.files.changed) {
    if (f.status === 'deleted' || f.binary) continue;
    const after = await readPath(repo.engine, info.tree, f.path);
    if (after === null || after.includes('\0')) continue;
    const before = parent ? ((await readPath(repo.engine, parent.tree, f.old_path ?? f.path)) ?? '') : '';
    if (before === after || before.includes('\0')) continue;
    files.push({ path: f.path, ranges: addedRanges(before, after) });
  }
  return { files, time: new Date(info.committer.timestamp * 1000).toISOString() };
}

export async function exportAgentTrace(
  argv: { output?: string; append: boolean },
  ctx: Context,
  repo: Repo,
  stored: StoredRecord[],
  rowCtx: RowContext,
) {
  let text = '';
  let traces = 0;
  for (const s of stored)
    for (const commit of s.commits) {
      let found: Awaited<ReturnType<typeof commitFiles>>;
      try {
        found = await commitFiles(repo, commit, s);
      } catch {
        ctx.warn(`run ${s.record.id}: commit ${commit.slice(0, 12)} is not in this clone; left out`);
        continue;
      }
      const t = traceRecord(s.record, commit, found.files, {
        repository: rowCtx.repository,
        fallbackTime: found.time,
      });
      if (!t) continue;
      text += `${jsonText(t, 0)}\n`;
      traces++;
    }
  if (argv.output === undefined) ctx.out.write(text);
  else {
    if (argv.append) appendFileSync(argv.output, text);
    else writeFileSync(argv.output, text);
    ctx.err.write(`exported ${traces} trace record${traces === 1 ? '' : 's'} to ${argv.output}\n`);
  }
}
