// `purge ID [--yes]`: remove a record from the notes ref's whole history, then say what remotes and
// clones must do. Rewrites history, so it is refused without --yes when no one can be asked. A run
// not sealed yet (pending, or a session not sealed) is dropped from its journal instead.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Argv } from 'yargs';
import { refreshMarks } from '../../capture/commit-runs.js';
import { forgetRunCommands } from '../../capture/guard/state.js';
import { AGENT_NAMES } from '../../capture/hook/agent-names.js';
import { pruneSnapshots } from '../../capture/snapshots.js';
import {
  dropSessionRun,
  retireSession,
  sealedMarkerPath,
  type SessionRun,
  STALE_MS,
  unsealedSessionRuns,
} from '../../capture/session/sessions.js';
import { AmbiguousIdError, NotFoundError, UsageError } from '../../errors.js';
import { indexDir, sealedDir } from '../../journal/paths.js';
import { MIN_PREFIX } from '../../record/id.js';
import { NOTES_REF } from '../../store/notes.js';
import { openRecordIndex } from '../../store/indexed.js';
import { purgeRecord } from '../../store/purge.js';
import { loadAllRecords } from '../../store/read.js';
import { discardRun, listRuns, type RunJournal } from '../../store/runs.js';
import type { RepoLocation } from '../../git/engine.js';
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

async function confirm(ctx: Context, question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
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
  const sealed = new Set(records.map((r) => r.record.id));
  const manual = listRuns(repo.location).filter((r) => r.id.startsWith(arg) && !sealed.has(r.id));
  const sessions = AGENT_NAMES.flatMap((a) =>
    unsealedSessionRuns(repo.location.commonDir, undefined, a),
  ).filter((r) => r.id.startsWith(arg) && !sealed.has(r.id));
  const matches = [
    ...new Set([
      ...[...sealed].filter((id) => id.startsWith(arg)),
      ...manual.map((r) => r.id),
      ...sessions.map((r) => r.id),
    ]),
  ];
  if (matches.length > 1)
    throw new AmbiguousIdError(`record ID prefix '${arg}' matches ${matches.join(', ')}`);
  // A record already gone from the tip may still sit in older notes commits: accept its full id.
  const id = matches[0] ?? arg;
  const unsealed = sealed.has(id) ? null : (manual[0] ?? sessions[0] ?? null);

  if (!argv.yes) {
    const tty = argv.stdinIsTTY ?? Boolean(process.stdin.isTTY);
    const what = unsealed
      ? `purge drops run ${id} (not sealed yet) from its journal`
      : `purge rewrites ${NOTES_REF} history`;
    if (!tty)
      throw new UsageError(
        `${what}; refusing without --yes (stdin is not a terminal)`,
        `git agent-log purge ${id} --yes`,
      );
    const question = unsealed
      ? `Drop run ${id}, which is not sealed yet, and erase it from its journal?`
      : `Rewrite ${NOTES_REF} to remove record ${id} everywhere?`;
    if (!(await confirm(ctx, question))) {
      ctx.err.write('agent-log: purge cancelled\n');
      return 1;
    }
  }
  if (unsealed) {
    const code = dropUnsealed(argv, ctx, repo.location, unsealed);
    // its start snapshot (untracked files included) goes with the store once no other run needs it
    pruneSnapshots(repo);
    return code;
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

/** A run with no record yet: its journal goes (a manual run), or its lines are blanked (a session). */
function dropUnsealed(
  argv: PurgeArgs,
  ctx: Context,
  loc: RepoLocation,
  run: RunJournal | SessionRun,
): number {
  let where: string;
  let kind: 'manual' | 'session' | 'import';
  let live = false;
  if ('sessionId' in run) {
    kind = run.imported ? 'import' : 'session';
    // Live: the session's last run, not ended, not quiet for two hours (the next tool call is its).
    live =
      !run.ended &&
      ctx.now().getTime() - Date.parse(run.lastAt) < STALE_MS &&
      !unsealedSessionRuns(loc.commonDir, run.sessionId, run.agent).some((r) => r.firstAt > run.firstAt);
    dropSessionRun(run);
    if (!run.imported) forgetRunCommands(loc.commonDir, run.agent, run.sessionId, run.id);
    // Every run of that journal sealed or dropped, and the session over: out of the hooks' way.
    if (!live && !unsealedSessionRuns(loc.commonDir, run.sessionId, run.agent).length) {
      // no `.sealed` list: no run of it was ever sealed, so every line in it is a dropped one's
      if (existsSync(sealedMarkerPath(run.path))) retireSession(loc.commonDir, run);
      else rmSync(run.path, { force: true });
    }
    where = `its lines in the ${run.agent} session journal ${run.sessionId} are blanked`;
  } else {
    kind = 'manual';
    discardRun(loc, run.id);
    where = 'its journal is deleted';
  }
  refreshMarks(loc, ctx.now());
  const state = kind === 'manual' ? (run as RunJournal).state : live ? 'live' : 'pending';
  if (argv.json) ctx.out.write(`${jsonText({ id: run.id, dropped: kind, state })}\n`);
  else
    ctx.out.write(
      `dropped ${run.id}: ${kind === 'import' ? 'imported' : kind} run, ${state} with no commit; ${where}\n`,
    );
  return 0;
}
