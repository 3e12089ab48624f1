// `revert ID [--dry-run]`: undo a run through git. Prints the plan first; then reverts the run's
// commits newest first in one `git revert --no-edit` sequence, or, when they are no longer on this
// branch (squash or rebase merge), restores the run's files from its start commit and commits that.
// On a conflict it stops like git does, with the next steps; nothing is lost.
import type { Argv } from 'yargs';
import { GitError, RepoError } from '../../errors.js';
import {
  commitStaged,
  dirtyFiles,
  existingCommits,
  headCommit,
  isAncestorOfHead,
  mergeCommits,
  newestFirst,
  operationInProgress,
  restorePaths,
  revertCommits,
} from '../../git/native/revert.js';
import { hasGitBinary } from '../../git/repo.js';
import { oneLine, shQuote } from '../../report/escape.js';
import { planRollback, type RollbackPlan } from '../../report/rollback-plan.js';
import type { Context } from '../context.js';
import { loadOneRecord } from '../report-input.js';
import { displayText } from '../../record/display.js';

export const command = 'revert <ref>';
export const describe = "Revert a run's commits (newest first) on the current branch";

export const builder = (y: Argv) =>
  y
    .positional('ref', {
      type: 'string',
      demandOption: true,
      describe: 'record ID (prefix of 4+) or revision',
    })
    .option('dry-run', { type: 'boolean', default: false, describe: 'print the plan, change nothing' });

interface RevertArgs {
  ref: string;
  dryRun: boolean;
}

export async function handler(argv: RevertArgs, ctx: Context) {
  const stored = await loadOneRecord(ctx, argv.ref);
  const record = stored.record;
  const repo = await ctx.repo();
  const cwd = repo.location.worktree;
  if (!cwd) throw new RepoError('revert needs a working tree (this repository is bare)');
  if (!hasGitBinary()) throw new RepoError('revert needs git on PATH (it runs git revert)');

  // The run's own commits if they are all on this branch; else the commits a squash or rebase merge
  // made of them (recorded by `adopt`); else restore the run's files from its start commit.
  const own = [...new Set(record.repo.commits.filter(Boolean))];
  const adopted = [...new Set((record.repo.adopted ?? []).map((a) => a.commit))];
  const target = (await allOnBranch(cwd, own)) ? own : (await allOnBranch(cwd, adopted)) ? adopted : null;
  const ordered = target ? await newestFirst(cwd, target, record.repo.start_commit) : [];
  const plan = planRollback(record, ordered);
  if (!target) plan.strategy = 'restore-files';

  const w = (s: string) => ctx.out.write(`${displayText(s)}\n`);
  w(`Plan to undo agent run ${record.id}: ${oneLine(record.task.intent) || '(no task recorded)'}`);
  const start = record.repo.start_commit;
  if (plan.strategy === 'revert-commits') {
    const merges = await mergeCommits(cwd, plan.commits);
    if (merges.length) {
      throw new RepoError(
        `the run contains merge commit ${merges[0]!.slice(0, 12)}; git cannot revert it without choosing a parent`,
        `revert it by hand: git revert -m 1 ${merges[0]}`,
      );
    }
    if (target === adopted) {
      w(
        '  the run was squash- or rebase-merged: revert the commits that merge made (they may hold other changes too)',
      );
    }
    w(`  revert ${plan.commits.length} commit(s) on the current branch, newest first:`);
    w(`    git revert --no-edit ${plan.commits.join(' ')}`);
  } else {
    if (!plan.paths.length) {
      w('  nothing to undo: the run changed no files');
      return;
    }
    if (!start || !(await existingCommits(cwd, [start])).length) {
      throw new RepoError(
        `the run's commits are not on this branch and its start commit ${start ? `${start.slice(0, 12)} ` : ''}is not here`,
        'fetch the missing history, or restore the files by hand',
      );
    }
    const why = own.length ? "the run's commits are not all on this branch" : 'the run has no commits';
    w(`  ${why}: restore its files from ${start.slice(0, 12)} and commit:`);
    for (const p of plan.paths) w(`    ${shQuote(p)}`);
  }
  for (const p of plan.unsafe) w(`  skipped (not a path inside the repository): ${shQuote(p)}`);
  followUps(plan, w);

  const busy = operationInProgress(repo.location.gitDir);
  const dirty = await dirtyFiles(cwd);
  if (argv.dryRun) {
    if (busy) w(`note: a ${busy} is in progress; finish or abort it first`);
    if (dirty.length) w('note: the working tree has uncommitted changes; commit or stash them first');
    w('(dry run: nothing changed)');
    return;
  }
  if (busy) throw new RepoError(`a ${busy} is in progress`, 'finish it or abort it, then run revert again');
  if (dirty.length) {
    throw new RepoError(
      `the working tree has uncommitted changes (${dirty.length} file(s)); nothing was reverted`,
      'commit or stash them first',
    );
  }

  const before = await headCommit(cwd);
  if (plan.strategy === 'revert-commits') {
    const result = await revertCommits(cwd, plan.commits);
    if (!result.ok) {
      ctx.err.write(result.output);
      const files = result.conflicts.map(shQuote).join(' ');
      throw new GitError(
        `the revert stopped on a conflict${files ? ` in ${files}` : ''}; commits already reverted are kept`,
        `resolve the conflicts and 'git add' them, then 'git revert --continue'; or 'git revert --abort' to return to ${before.slice(0, 12)}`,
      );
    }
    w(
      `Reverted ${plan.commits.length} commit(s) of run ${record.id}; HEAD is now ${(await headCommit(cwd)).slice(0, 12)}`,
    );
  } else {
    await restorePaths(cwd, start!, plan.paths);
    const committed = await commitStaged(
      cwd,
      `Roll back agent run ${record.id}`,
      `Restored the run's files from ${start}.`,
    );
    w(
      committed
        ? `Restored the files of run ${record.id}; HEAD is now ${(await headCommit(cwd)).slice(0, 12)}`
        : `Nothing to restore: the files already match ${start!.slice(0, 12)}`,
    );
  }
  followUps(plan, w, 'now');
}

async function allOnBranch(cwd: string, commits: readonly string[]): Promise<boolean> {
  if (!commits.length || (await existingCommits(cwd, commits)).length !== commits.length) return false;
  for (const c of commits) if (!(await isAncestorOfHead(cwd, c))) return false;
  return true;
}

function followUps(plan: RollbackPlan, w: (s: string) => void, when = 'afterwards') {
  for (const r of plan.reinstall)
    w(`  ${when}: reinstall dependencies (${shQuote(r.lockfile)} changed): ${r.command}`);
  if (plan.migrations.length) {
    w(
      `  warning: migrations changed or ran; undoing the code does not undo them: ${plan.migrations.map(shQuote).join(' ')}`,
    );
  }
}
