// Manual runs: start, record commands/approvals/notes, finish and seal. The shell around fold.ts.
import { EMPTY_TREE, type GitEngine, type HeadInfo } from '../../git/engine.js';
import { type Repo, worktreeHead } from '../../git/repo.js';
import { newRecordId } from '../../record/id.js';
import type { RunRecord } from '../../record/schema.js';
import { resolveRecords } from '../../store/read.js';
import {
  appendRunEvent,
  clearActive,
  createRun,
  listRuns,
  markSealed,
  type RunJournal,
  readRun,
} from '../../store/runs.js';
import { commitsWithEvidence } from '../../store/attach-evidence.js';
import { sealRecords } from '../../store/seal.js';
import { describeChanges } from '../changes.js';
import { runControl } from '../guard/control-files.js';
import { withLimits } from '../guard/limits.js';
import { pruneSnapshots, readableTree } from '../snapshots.js';
import { foldManualRun } from './fold.js';

export interface StartOptions {
  task: string;
  allow?: string[];
  deny?: string[];
  level?: string | null;
  constraints?: string[];
  agent?: string;
  model?: string;
  /** The run's own guard limits (budget, time, attempts, level, grants, paths). */
  guard?: Record<string, unknown>;
}

export async function startRun(repo: Repo, opts: StartOptions): Promise<string> {
  const head = await repo.engine.head();
  const startTree =
    (await repo.engine.snapshotWorktree()) ??
    (head.commit ? (await repo.engine.readCommit(head.commit)).tree : EMPTY_TREE);
  const id = newRecordId();
  createRun(repo.location, id, {
    task: opts.task,
    allow: opts.allow ?? [],
    deny: opts.deny ?? [],
    level: opts.level ?? null,
    constraints: opts.constraints ?? [],
    agent: opts.agent ?? 'manual',
    model: opts.model ?? null,
    branch: head.branch,
    start_commit: head.commit,
    start_tree: startTree,
    ...(opts.guard ? { guard: opts.guard } : {}),
  });
  return id;
}

export interface SealOutcome {
  record: RunRecord;
  /** False while the run has no commit: it stays pending and is attached to the next commit. */
  sealed: boolean;
  notesCommit: string | null;
}

/**
 * Build the record of a journaled run from git facts; seal it when it has commits. The commits made
 * while the run was open are its own; commits made after it finished (pending) count only on
 * evidence (src/store/attach-evidence.ts). `opts.commits` attaches it to given commits instead
 * (`finish --commit REV`, `adopt --id`); `opts.head` is this worktree's HEAD when the caller has
 * just read it.
 */
export async function sealRun(
  repo: Repo,
  run: RunJournal,
  now: Date = new Date(),
  opts: { commits?: string[]; head?: HeadInfo } = {},
): Promise<SealOutcome> {
  const { engine } = repo;
  const start = run.events.find((e) => e.type === 'start');
  const finish = run.events.findLast((e) => e.type === 'finish');
  const startCommit = typeof start?.start_commit === 'string' ? start.start_commit : null;
  const sameWorktree = run.worktreeKey === null || run.worktreeKey === repo.location.worktreeKey;
  // `opts.head`: this worktree's HEAD as `finishRun` just read and froze it (two git processes fewer)
  const head = sameWorktree
    ? (opts.head ?? (await engine.head()))
    : await headOfWorktree(engine, run.worktreeKey!);
  const headTree = head.commit ? (await engine.readCommit(head.commit)).tree : EMPTY_TREE;
  // What the run left behind is frozen when it finishes; later edits in the tree are not the run's.
  // (Its untracked objects live in the snapshot store, which a racing seal may have removed.)
  const frozen = typeof finish?.end_tree === 'string' ? finish.end_tree : null;
  const frozenTree =
    frozen &&
    (await engine.readTree(frozen).then(
      () => true,
      () => false,
    ))
      ? frozen
      : null;
  const endTree = frozenTree ?? (sameWorktree ? await engine.snapshotWorktree() : null) ?? headTree;
  const startTree = await readableTree(
    engine,
    typeof start?.start_tree === 'string' ? start.start_tree : EMPTY_TREE,
    startCommit,
  );
  const changes = await describeChanges(engine, startTree, endTree, {});
  const commitsNewestFirst =
    opts.commits ??
    (head.commit
      ? await runCommitsSince(engine, run.id, startCommit, finish, head.commit, changes.changed)
      : []);
  const record = withLimits(
    foldManualRun(run.id, run.events, {
      commits: [...commitsNewestFirst].reverse(),
      endTree,
      changes,
      sealedAt: now.toISOString(),
      branch: head.branch,
    }),
    run.events,
    runControl(repo.location.commonDir, run.id),
  );
  if (commitsNewestFirst.length === 0) return { record, sealed: false, notesCommit: null };
  const result = await sealRecords(engine, [{ record, commits: commitsNewestFirst }]);
  markSealed(repo.location, run.id);
  pruneSnapshots(repo);
  return { record, sealed: true, notesCommit: result.notesCommit };
}

/**
 * Commits up to HEAD at `finish` were made while the run was open: they are its own. Later ones
 * (the run was pending) need evidence. A journal from before `finish` recorded HEAD: all need it.
 */
async function runCommitsSince(
  engine: GitEngine,
  id: string,
  startCommit: string | null,
  finish: { head?: unknown; t?: string } | undefined,
  head: string,
  changed: readonly { path: string; old_path?: string }[],
): Promise<string[]> {
  const all = await commitsSince(engine, startCommit, head);
  if (!finish) return all; // finishing now: everything since the start was made while it was open
  const finishHead =
    typeof finish.head === 'string' && (await engine.resolve(finish.head)) ? finish.head : null;
  // finished just now (HEAD has not moved since): the same list, without a second rev-list
  const live =
    finishHead && startCommit !== finishHead
      ? finishHead === head
        ? all
        : await commitsSince(engine, startCommit, finishHead)
      : [];
  const later = all.filter((c) => !live.includes(c));
  const paths = new Set(changed.flatMap((f) => (f.old_path ? [f.path, f.old_path] : [f.path])));
  const evidenced = await commitsWithEvidence(engine, later, { id, paths });
  return all.filter((c) => live.includes(c) || evidenced.includes(c));
}

/**
 * The HEAD of the run's own worktree: a run finished from another worktree must be sealed on its
 * own worktree's commits, not on this one's. This worktree's HEAD only when that one is gone.
 */
async function headOfWorktree(engine: GitEngine, key: string): Promise<HeadInfo> {
  return (await worktreeHead(engine, key)) ?? engine.head();
}

async function commitsSince(engine: GitEngine, start: string | null, head: string): Promise<string[]> {
  if (start && !(await engine.resolve(start))) return [head]; // start commit gone (shallow, rewritten)
  return engine.commitsBetween(start, head);
}

export async function finishRun(
  repo: Repo,
  run: RunJournal,
  status: string,
  now = new Date(),
  commits?: string[],
): Promise<SealOutcome> {
  let head: HeadInfo | undefined;
  if (run.state === 'open') {
    // Freeze what the run left: HEAD and the working tree now. A later commit takes the run only
    // when it carries this change (see sealRun), never because it came next.
    head = await repo.engine.head();
    const endTree = await repo.engine.snapshotWorktree().catch(() => null);
    const startTree = run.events.find((e) => e.type === 'start')?.start_tree;
    const changed =
      endTree && typeof startTree === 'string'
        ? await repo.engine.diffTrees(startTree, endTree).catch(() => [])
        : [];
    appendRunEvent(repo.location, run.id, {
      type: 'finish',
      status,
      head: head.commit,
      ...(endTree ? { end_tree: endTree } : {}),
      // the paths a later commit must change to take the run (prepare-commit-msg reads them)
      paths: changed.flatMap((c) => (c.old_path ? [c.path, c.old_path] : [c.path])),
    });
  }
  clearActive(repo.location, run.id);
  // The seal reads the HEAD the finish event froze, not a second answer to the same question.
  return sealRun(repo, readRun(repo.location, run.id), now, {
    ...(commits ? { commits } : {}),
    ...(head ? { head } : {}),
  });
}

/** Attach finished runs of this worktree that were waiting for a commit. */
export async function attachPending(repo: Repo, now = new Date()): Promise<SealOutcome[]> {
  const waiting = listRuns(repo.location).filter(
    (run) => run.state === 'pending' && run.worktreeKey === repo.location.worktreeKey,
  );
  // HEAD is asked only when a run waits (two git processes, at the end of every `finish`)
  if (waiting.length === 0 || !(await repo.engine.head()).commit) return [];
  const out: SealOutcome[] = [];
  for (const run of waiting) {
    const outcome = await sealRun(repo, run, now);
    if (outcome.sealed) out.push(outcome);
  }
  return out;
}

/** Unsealed runs as records (for showing and ID resolution). */
export async function unsealedRecords(repo: Repo): Promise<RunRecord[]> {
  const out: RunRecord[] = [];
  for (const run of listRuns(repo.location)) {
    const start = run.events.find((e) => e.type === 'start');
    const startTree = typeof start?.start_tree === 'string' ? start.start_tree : EMPTY_TREE;
    const record = withLimits(
      foldManualRun(run.id, run.events, {
        commits: [],
        endTree: null,
        changes: { changed: [], dependencies: [], config_changes: [] },
        sealedAt: '',
        branch: null,
      }),
      run.events,
      runControl(repo.location.commonDir, run.id),
    );
    record.repo.start_tree = startTree;
    record.outcome.status = run.state === 'open' ? 'pending' : record.outcome.status;
    delete record.sealed_at;
    out.push(record);
  }
  return out;
}

export { resolveRecords };
