// `purge ID [--yes]`: remove a record from the notes ref's whole history, then say what remotes and
// clones must do. Rewrites history, so it is refused without --yes when no one can be asked.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Argv } from 'yargs';
import { AmbiguousIdError, NotFoundError, UsageError } from '../../errors.js';
import { indexDir, sealedDir } from '../../journal/paths.js';
import { MIN_PREFIX } from '../../record/id.js';
import { NOTES_REF } from '../../store/notes.js';
import { openRecordIndex } from '../../store/indexed.js';
import { purgeRecord } from '../../store/purge.js';
import { loadAllRecords } from '../../store/read.js';
import type { Context } from '../context.js';
import { jsonText } from '../../record/display.js';

export const command = 'purge <id>';
export const describe = "Remove a record from the notes ref's whole history (rewrites it)";

export const builder = (y: Argv) =>
  y
    .positional('id', { type: 'string', describe: 'record ID (a unique prefix of the current notes)' })
    .option('yes', { type: 'boolean', default: false, describe: 'do not ask for confirmation' })
    .option('json', { type: 'boolean', default: false });

interface PurgeArgs {
  id: string;
  yes: boolean;
  json: boolean;
  /** Test seam: whether stdin is a terminal. */
  stdinIsTTY?: boolean;
}

async function confirm(ctx: Context, id: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`Rewrite ${NOTES_REF} to remove record ${id} everywhere? [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
    void ctx;
  }
}

export async function handler(argv: PurgeArgs, ctx: Context): Promise<number> {
  const arg = String(argv.id).trim().toLowerCase();
  if (!/^[0-9a-z]+$/.test(arg) || arg.length < MIN_PREFIX)
    throw new UsageError(`'${argv.id}' is not a record ID (at least ${MIN_PREFIX} characters of one)`);
  const repo = await ctx.repo();
  const { records } = await loadAllRecords(repo.engine);
  const matches = [...new Set(records.map((r) => r.record.id).filter((id) => id.startsWith(arg)))];
  if (matches.length > 1)
    throw new AmbiguousIdError(`record ID prefix '${arg}' matches ${matches.join(', ')}`);
  // A record already gone from the tip may still sit in older notes commits: accept its full id.
  const id = matches[0] ?? arg;

  if (!argv.yes) {
    const tty = argv.stdinIsTTY ?? Boolean(process.stdin.isTTY);
    if (!tty)
      throw new UsageError(
        `purge rewrites ${NOTES_REF} history; refusing without --yes (stdin is not a terminal)`,
        `git agent-log purge ${id} --yes`,
      );
    if (!(await confirm(ctx, id))) {
      ctx.err.write('agent-log: purge cancelled\n');
      return 1;
    }
  }

  let result;
  try {
    result = await purgeRecord(repo.engine, id);
  } catch (e) {
    if (e instanceof NotFoundError && matches.length === 0)
      throw new NotFoundError(`no record '${arg}' in ${NOTES_REF} or its history`);
    throw e;
  }
  rmSync(join(sealedDir(repo.location.commonDir), `${id}.jsonl`), { force: true });
  // The query index holds each record's text: drop it now and rebuild from the rewritten ref, so
  // the purged text does not wait on disk for the next read command.
  rmSync(indexDir(repo.location.commonDir), { recursive: true, force: true });
  await openRecordIndex(repo.engine);

  if (argv.json) {
    ctx.out.write(`${jsonText({ id, ...result })}\n`);
    return 0;
  }
  const n = result.rewrittenCommits;
  ctx.out.write(
    [
      `purged ${id}: ${n} notes commit${n === 1 ? '' : 's'} rewritten, ${result.targets.length} note${result.targets.length === 1 ? '' : 's'} changed`,
      `${NOTES_REF}: ${result.oldTip.slice(0, 12)} -> ${result.newTip.slice(0, 12)}`,
      '',
      'The old notes commits still exist until they are pruned. To finish the job:',
      '  here:       git reflog expire --expire=now --all && git gc --prune=now',
      '              (and drop fetched copies: git for-each-ref refs/notes/remotes, then git update-ref -d each)',
      `  remotes:    git push --force <remote> ${NOTES_REF}`,
      '              (a hosted remote may keep old objects reachable from caches or pull requests:',
      '               ask the host to run its garbage collection if the record held a secret)',
      `  clones:     git fetch --force <remote> ${NOTES_REF}:${NOTES_REF}`,
      '              then: git notes --ref=agent-log prune && git reflog expire --expire=now --all && git gc --prune=now',
      "              and any read (git agent-log log): it rewrites that clone's query index without the record",
      '  any secret that was in the record: rotate it; a purge does not un-leak it.',
      '',
    ].join('\n'),
  );
  return 0;
}
