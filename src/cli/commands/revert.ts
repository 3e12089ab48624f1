// `revert ID [--dry-run]`: undo the run's own change, and nothing else, on the current branch. The
// decision is src/report/revert-decision.ts: reverse-apply the commits that carry the run today when
// they are here; after a squash, the run's own commits with a 3-way merge (other work in the squash
// commit stays); refuse when the change is not on this branch. One commit, trailer
// `Agent-Log-Revert: <id>`, and a revert event on the run. A conflict changes nothing.
import type { Argv } from 'yargs';
import { GitError, NotFoundError, RepoError } from '../../errors.js';
import {
  commitStaged,
  dirtyFiles,
  headCommit,
  mergeCommits,
  operationInProgress,
  reverseApply,
} from '../../git/native/revert.js';
import { hasGitBinary } from '../../git/repo.js';
import { oneLine, shQuote } from '../../report/escape.js';
import { decideRevert } from '../../report/revert-decision.js';
import { planRollback, type RollbackPlan } from '../../report/rollback-plan.js';
import { appendRunEvent } from '../../store/events.js';
import type { Context } from '../context.js';
import { loadOneRecord } from '../report-input.js';
import { revertFacts } from '../revert-facts.js';
import { displayText } from '../../record/display.js';

export const command = 'revert <ref>';
export const describe = "Undo the run's own change (and nothing else) on the current branch";

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

const SOURCES = {
  carriers: "the run's commits on this branch",
  squash: "the run's own commits, merged 3-way into the squash commit's result (other work in it stays)",
  patch: "the run's own commits, whose change is on this branch (cherry-picked or rebased)",
} as const;

export async function handler(argv: RevertArgs, ctx: Context) {
  const stored = await loadOneRecord(ctx, argv.ref);
  const record = stored.record;
  const repo = await ctx.repo();
  const cwd = repo.location.worktree;
  if (!cwd) throw new RepoError('revert needs a working tree (this repository is bare)');
  if (!hasGitBinary()) throw new RepoError('revert needs git on PATH (it runs git revert)');

  const w = (s: string) => ctx.out.write(`${displayText(s)}\n`);
  w(`Plan to undo agent run ${record.id}: ${oneLine(record.task.intent) || '(no task recorded)'}`);
  const facts = await revertFacts(repo, stored);
  const decision = decideRevert(facts);
  if (decision.action === 'already-reverted') {
    w(`  already reverted by ${decision.commit.slice(0, 12)} on this branch: nothing to do`);
    return;
  }
  if (decision.action === 'refuse') throw new NotFoundError(decision.reason, decision.hint);

  const merges = await mergeCommits(cwd, decision.commits);
  if (merges.length) {
    throw new RepoError(
      `the run contains merge commit ${merges[0]!.slice(0, 12)}; git cannot revert it without choosing a parent`,
      `revert it by hand: git revert -m 1 ${merges[0]}`,
    );
  }
  const plan = planRollback(record, decision.commits);
  w(`  reverse-apply ${decision.commits.length} commit(s), newest first: ${SOURCES[decision.source]}`);
  w(`    git revert --no-commit ${decision.commits.join(' ')}`);
  w(`  then commit once, with the trailer Agent-Log-Revert: ${record.id}`);
  for (const p of plan.unsafe) w(`  recorded path outside the repository (ignored): ${shQuote(p)}`);
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

  const result = await reverseApply(cwd, decision.commits);
  if (!result.ok) {
    const files = result.conflicts.map(shQuote).join(' ');
    throw new GitError(
      `undoing run ${record.id} conflicts with later changes${files ? ` in ${files}` : ''}; nothing was changed`,
      `revert by hand: git revert --no-commit ${decision.commits.join(' ')}, resolve, then commit with the trailer 'Agent-Log-Revert: ${record.id}'`,
    );
  }
  if (result.empty) {
    w("  already reverted: this branch no longer holds the run's change; nothing to do");
    return;
  }
  const title = oneLine(record.task.intent).slice(0, 60) || 'no task recorded';
  const message =
    `Revert agent run ${record.id}: ${title}\n\n` +
    `Undoes the change of agent run ${record.id} (${SOURCES[decision.source]}):\n` +
    `${decision.commits.map((c) => `  ${c}`).join('\n')}\n\n` +
    `Agent-Log-Revert: ${record.id}\n`;
  const commit = await commitStaged(cwd, message);
  if (!commit) {
    w("  already reverted: this branch no longer holds the run's change; nothing to do");
    return;
  }
  if (stored.commit) {
    try {
      await appendRunEvent(
        repo.engine,
        { id: record.id, commit: stored.commit },
        { type: 'revert', commit, branch: (await repo.engine.head()).branch, reverted: decision.commits },
        { now: ctx.now() },
      );
    } catch (e) {
      ctx.warn(`the revert commit is made, but recording it on the run failed: ${(e as Error).message}`);
    }
  }
  w(
    `Reverted run ${record.id} in ${commit.slice(0, 12)}; HEAD is now ${(await headCommit(cwd)).slice(0, 12)}`,
  );
  followUps(plan, w, 'now');
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
