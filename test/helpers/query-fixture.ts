// A history of 24 recorded runs for query tests, written with real git notes:
// runs 0-9 on main, 10-15 on `feature` (branched after run 5, merged into main), 16-19 on `topic`
// (rebased onto main with notes.rewriteRef copying the notes), 20-23 on main; runs 22 and 23 share
// one commit; every run with i % 6 == 0 has two commits (a pointer line on the first); run 3's note
// also carries a line a person appended.
import { canonicalJson, refLine } from '../../src/record/note-lines.js';
import { tempRepo, type TempRepo, tick } from './repo.js';
import { makeRecord } from './records.js';

export const runId = (i: number) => `run${String(i).padStart(2, '0')}xxxxx`;
export const AGENTS = ['claude-code', 'codex', 'gemini'];

/** The traits of run i, by formula; tests state their expectations as explicit lists. */
export function runTraits(i: number) {
  return {
    agent: AGENTS[i % 3]!,
    file: i % 4 === 0 ? `src/payments/p${i}.ts` : `src/app/a${i}.ts`,
    check: i % 5 === 0 ? 'skipped' : i % 5 === 1 ? 'failed' : 'passed',
    date: `2026-11-${String(i + 1).padStart(2, '0')}T12:00:00Z`,
    approved: i % 2 === 0,
  };
}

export function runRecord(i: number, branch: string, commits: string[]) {
  const t = runTraits(i);
  return makeRecord(runId(i), {
    task: { intent: `run number ${i}`, source: 'flag', follow_ups: [] },
    agent: { name: t.agent, session_ids: [] },
    repo: { branch, commits },
    started_at: t.date,
    ended_at: t.date,
    files: {
      read: [],
      changed: [{ path: t.file, status: 'modified', additions: 1, deletions: 0, via: 'edit' }],
    },
    checks: [{ name: 'npm test', kind: 'test', status: t.check, attempts: 1, after_last_edit: true }],
    approvals: t.approved ? [{ by: 'Thomas', scope: 'merge', decision: 'approved' }] : [],
    outcome: { status: 'completed' },
  });
}

export interface QueryFixture {
  repo: TempRepo;
  /** Commit that carries run i's full record line (after the rebase, for topic runs). */
  commitOf: Map<number, string>;
}

export async function buildQueryFixture(): Promise<QueryFixture> {
  const repo = await tempRepo({ files: { 'README.md': '# fixture\n' } });
  await repo.git('config', 'notes.rewriteRef', 'refs/notes/agent-log');
  await repo.git('config', 'notes.rewriteMode', 'cat_sort_uniq');
  const commitOf = new Map<number, string>();
  const pending: { i: number; branch: string; commits: string[] }[] = [];

  const runCommits = async (i: number, branch: string) => {
    const t = runTraits(i);
    const commits: string[] = [];
    const count = i % 6 === 0 ? 2 : 1;
    for (let k = 0; k < count; k++) {
      repo.write(t.file, `// run ${i} part ${k}\n`);
      commits.push(await repo.commit(`run ${i} part ${k}`));
    }
    pending.push({ i, branch, commits });
    return commits;
  };
  const sealRun = async (i: number, branch: string, commits: string[]) => {
    const last = commits.at(-1)!;
    for (const c of commits.slice(0, -1))
      await repo.git('notes', '--ref=agent-log', 'append', '-m', refLine(runId(i)), c);
    await repo.git(
      'notes',
      '--ref=agent-log',
      'append',
      '-m',
      canonicalJson(runRecord(i, branch, commits)),
      last,
    );
    commitOf.set(i, last);
  };

  for (let i = 0; i <= 5; i++) await sealRun(i, 'main', await runCommits(i, 'main'));
  await repo.git(
    'notes',
    '--ref=agent-log',
    'append',
    '-m',
    'reviewed by a person, not agent-log JSON',
    commitOf.get(3)!,
  );
  await repo.git('checkout', '-q', '-b', 'feature');
  for (let i = 10; i <= 15; i++) await sealRun(i, 'feature', await runCommits(i, 'feature'));
  await repo.git('checkout', '-q', 'main');
  for (let i = 6; i <= 9; i++) await sealRun(i, 'main', await runCommits(i, 'main'));
  tick();
  await repo.git('merge', '-q', '--no-ff', '-m', 'merge feature', 'feature');
  await repo.git('checkout', '-q', '-b', 'topic', 'HEAD~1');
  for (let i = 16; i <= 19; i++) await sealRun(i, 'topic', await runCommits(i, 'topic'));
  tick();
  await repo.git('rebase', '-q', 'main');
  // notes.rewriteRef copied every topic note onto the rebased commits: follow run 16-19 there.
  const rebased = (await repo.git('rev-list', '--reverse', 'main..topic')).trim().split('\n');
  let k = 0;
  for (let i = 16; i <= 19; i++) {
    k += i % 6 === 0 ? 2 : 1;
    commitOf.set(i, rebased[k - 1]!);
  }
  await repo.git('checkout', '-q', 'main');
  for (let i = 20; i <= 21; i++) await sealRun(i, 'main', await runCommits(i, 'main'));
  // Runs 22 and 23 on one commit: two full lines in one note.
  repo.write('src/app/shared.ts', 'shared\n');
  const shared = await repo.commit('runs 22 and 23');
  for (const i of [22, 23]) {
    await repo.git(
      'notes',
      '--ref=agent-log',
      'append',
      '-m',
      canonicalJson(runRecord(i, 'main', [shared])),
      shared,
    );
    commitOf.set(i, shared);
  }
  return { repo, commitOf };
}
