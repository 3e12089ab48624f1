// The spliced index update (index/splice.ts) against random histories made with real git: after each
// step (notes added, overwritten, appended, removed, pointer, event, foreign and unreadable lines,
// approvals through the CLI, a merge from a second clone through a bare remote, a purge, an amend and
// a rebase that copy notes through notes.rewriteRef, the notes ref deleted) the first read command
// updates the index; its index and lookup files must be byte for byte what a rebuild writes, and its
// answer the rebuild's. The run IDs listed are checked against plain `git notes list` + `git cat-file`.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { canonicalJson, refLine } from '../../src/record/note-lines.js';
import { recordIdsInNotes } from '../helpers/notes-reader.js';
import { shopRecord } from '../helpers/records.js';
import { BIN, cli, finished, gitEnv, tempRepo, type CliResult, type TempRepo } from '../helpers/repo.js';

/** IDs of the real shape (10 lower-case base-36 characters). */
const ID = (n: number) => `k${(0x3c9e5a7 + n * 104729).toString(36).padStart(9, '0')}`;
const IDS = 6;
const FILES = ['src/pay0.ts', 'src/pay1.ts', 'src/pay2.ts'];

/**
 * Run dates: days of November 2026, and what a foreign or hostile line may carry (the index orders
 * runs by this text): none, a lone surrogate (escaped in the note's JSON), full-width digits (they
 * sort between a surrogate and U+FFFD), a date with a tab in it.
 */
const DATES: (string | null)[] = [
  ...Array.from({ length: 8 }, (_, d) => `2026-11-${String(10 + d * 2).padStart(2, '0')}T10:00:00Z`),
  null,
  '\ud800',
  '\uff12\uff10\uff12\uff16',
  '2026-11-30\tlate',
];

function recordLine(id: number, date: number, variant: number): string {
  const r = shopRecord(ID(id), `fix the checkout total, take ${variant}`, 1, { path: FILES[variant % 3] });
  const when = DATES[date % DATES.length]!;
  return canonicalJson({ ...r, started_at: null, ended_at: when });
}

/** An event line of another clone's approval (the CLI writes these too). */
function eventLine(id: number, n: number): string {
  return canonicalJson({
    schema: 'agent-log/v1',
    kind: 'event',
    id: ID(id),
    event: `e${(0x9a2b7 + n * 7919).toString(36).padStart(9, '0')}`,
    type: 'approval',
    at: `2026-11-2${n % 10}T08:00:00Z`,
    by: { name: 'Priya Raman', email: 'priya@example.com' },
    scope: 'merge',
    decision: 'approved',
  });
}

const FOREIGN = [
  'Reviewed-by: Priya Raman <priya@example.com>',
  '{"schema":"trace/v3","kind":"span","id":"0af7651916cd43dd8448eb211c80319c"}',
];
/** Lines that do not read as a run (each gives a `w` line). */
const UNREADABLE = [
  '{"schema":"agent-log/v1","kind":"record","id":"Not-An-ID"}',
  '{"schema":"agent-log/v1","kind":"record","id":"k00000bad0","task":',
];

type Step =
  | { kind: 'add' | 'append'; commit: number; id: number; date: number; variant: number }
  | { kind: 'remove'; commit: number }
  | { kind: 'ref' | 'event'; commit: number; id: number; n: number }
  | { kind: 'foreign' | 'unreadable'; commit: number; n: number }
  | { kind: 'approve' | 'purge'; id: number; n: number }
  | { kind: 'clone'; commit: number; id: number; date: number; variant: number; remove: boolean }
  | { kind: 'twin'; commit: number; id: number; date: number; variant: number }
  | { kind: 'amend' | 'rebase' | 'drop-ref' | 'rewind' };

const nat = fc.nat({ max: 1000 });
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constantFrom('add' as const, 'append' as const),
      commit: nat,
      id: nat,
      date: nat,
      variant: nat,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), commit: nat }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constantFrom('ref' as const, 'event' as const),
      commit: nat,
      id: nat,
      n: nat,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constantFrom('foreign' as const, 'unreadable' as const),
      commit: nat,
      n: nat,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constantFrom('approve' as const, 'purge' as const), id: nat, n: nat }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('clone' as const),
      commit: nat,
      id: nat,
      date: nat,
      variant: nat,
      remove: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constantFrom('amend' as const, 'rebase' as const, 'drop-ref' as const, 'rewind' as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('twin' as const),
      commit: nat,
      id: nat,
      date: nat,
      variant: nat,
    }),
  },
);

/** Read commands; each is run first on the moved notes (the update), then on a deleted index. */
const READS: ((w: World) => string[])[] = [
  () => ['query', '--format', '%id %date'],
  () => ['query', '--file', 'src/pay1.ts', '--format', '%id'],
  () => ['query', '--text', 'take 2', '--format', '%id'],
  () => ['query', '-n', '2', '--since', '2026-11-15', '--format', '%id'],
  () => ['query', '--approved-by', 'Priya Raman', '--json'],
  () => ['log'],
  (w) => ['show', ID(w.pick % IDS)],
  (w) => ['show', w.commits[w.pick % w.commits.length]!],
  () => ['blame', 'src/pay1.ts'],
  (w) => ['verify', ID(w.pick % IDS)],
  () => ['stats', '--no-pager'],
];

interface World {
  repo: TempRepo;
  clone: string;
  bare: string;
  /** Commits that may carry notes (the clone knows the first `shared`). */
  commits: string[];
  shared: number;
  pick: number;
}

const indexDir = (w: World) => join(w.repo.dir, '.git', 'agent-log', 'index');
const indexFile = (w: World) => join(indexDir(w), 'records.v1');
const notes = (w: World, ...args: string[]) => w.repo.git('notes', '--ref=agent-log', ...args);
const inClone = (w: World, ...args: string[]) =>
  execFileSync('git', args, { cwd: w.clone, env: gitEnv(), encoding: 'utf8' });

async function world(): Promise<World> {
  const repo = await tempRepo({ files: { 'README.md': 'shop\n' } });
  await repo.git('config', 'notes.rewriteRef', 'refs/notes/agent-log');
  const commits: string[] = [];
  for (let i = 0; i < 6; i++) {
    repo.write(FILES[i % 3]!, `export const step = ${i};\n`);
    commits.push(await repo.commit(`checkout step ${i}`));
  }
  const bare = `${repo.dir}-remote.git`;
  const clone = `${repo.dir}-clone`;
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare], { env: gitEnv() });
  await repo.git('remote', 'add', 'origin', bare);
  await repo.git('push', '-q', 'origin', 'main');
  execFileSync('git', ['clone', '-q', bare, clone], { env: gitEnv() });
  // Runs to start from, so that the first step already meets an index with lines to copy.
  for (const [n, c] of [1, 3, 0, 5].entries())
    await notes({ repo } as World, 'add', '-m', recordLine(n, 2 + n * 3, n), commits[c]!);
  return { repo, clone, bare, commits, shared: commits.length, pick: 0 };
}

function dispose(w: World): void {
  w.repo.cleanup();
  rmSync(w.clone, { recursive: true, force: true });
  rmSync(w.bare, { recursive: true, force: true });
}

async function apply(w: World, s: Step): Promise<void> {
  const on = (n: number) => w.commits[n % w.commits.length]!;
  switch (s.kind) {
    case 'add':
      await notes(w, 'add', '-f', '-m', recordLine(s.id % IDS, s.date, s.variant), on(s.commit));
      return;
    case 'append':
      await notes(w, 'append', '-m', recordLine(s.id % IDS, s.date, s.variant), on(s.commit));
      return;
    case 'remove':
      await notes(w, 'remove', '--ignore-missing', on(s.commit));
      return;
    case 'ref':
    case 'event':
      await notes(
        w,
        'append',
        '-m',
        s.kind === 'ref' ? refLine(ID(s.id % IDS)) : eventLine(s.id % IDS, s.n),
        on(s.commit),
      );
      return;
    case 'foreign':
    case 'unreadable': {
      const lines = s.kind === 'foreign' ? FOREIGN : UNREADABLE;
      await notes(w, 'append', '-m', lines[s.n % lines.length]!, on(s.commit));
      return;
    }
    case 'approve':
      // (A run that is not in the notes: refused, exit 1; the notes do not move.)
      await cli(w.repo, ['approve', ID(s.id % IDS), '--by', 'Priya Raman', '--for', `merge ${s.n}`]);
      return;
    case 'purge':
      await cli(w.repo, ['purge', ID(s.id % IDS), '--yes']);
      return;
    case 'clone': {
      // Another clone records (or removes) runs on one to three commits it has, and syncs through
      // the remote; then this one syncs (fetch, cat_sort_uniq merge, push): several notes move at once.
      await cli(w.clone, ['sync']);
      for (let k = 0; k <= s.variant % 3; k++) {
        const commit = w.commits[(s.commit + k) % w.shared]!;
        const line = recordLine((s.id + k) % IDS, s.date + k, s.variant + k);
        if (s.remove) inClone(w, 'notes', '--ref=agent-log', 'remove', '--ignore-missing', commit);
        else inClone(w, 'notes', '--ref=agent-log', 'append', '-m', line, commit);
      }
      await cli(w.clone, ['sync']);
      await cli(w.repo, ['sync']);
      return;
    }
    case 'amend':
    case 'rebase': {
      // Rewritten commits take their notes along (notes.rewriteRef); the old ones keep theirs.
      w.repo.write(FILES[w.commits.length % 3]!, `export const step = ${w.commits.length};\n`);
      if (s.kind === 'amend') await w.repo.git('commit', '-q', '-a', '--amend', '--no-edit');
      else {
        w.commits.push(await w.repo.commit(`checkout step ${w.commits.length}`));
        await w.repo.git('rebase', '-q', '--force-rebase', 'HEAD~2');
      }
      const head = (await w.repo.git('rev-list', '-n', '2', 'HEAD')).trim().split('\n');
      for (const c of head) if (!w.commits.includes(c)) w.commits.push(c);
      return;
    }
    case 'drop-ref':
      await w.repo.git('update-ref', '-d', 'refs/notes/agent-log');
      return;
    case 'rewind': {
      // The ref forced back to its parent, and the notes commits it left pruned: the index's tip
      // may be gone.
      const parent = await w.repo
        .git('rev-parse', '-q', '--verify', 'refs/notes/agent-log~1')
        .catch(() => '');
      if (!parent.trim()) return;
      await w.repo.git('update-ref', 'refs/notes/agent-log', parent.trim());
      await w.repo.git('reflog', 'expire', '--expire=now', '--all');
      await w.repo.git('gc', '-q', '--prune=now');
      return;
    }
    case 'twin': {
      // A notes tree no `git notes` writes (another tool, or an attacker): a commit annotated both
      // at its flat path and under a fan-out directory; git concatenates the two blobs.
      const tip = (
        await w.repo.git('rev-parse', '-q', '--verify', 'refs/notes/agent-log').catch(() => '')
      ).trim();
      if (!tip) return;
      const rows = (await w.repo.git('ls-tree', tip)).trim().split('\n');
      const flat = rows.filter((r) => /^100644 blob [0-9a-f]{40}\t[0-9a-f]{40}$/.test(r));
      if (!flat.length || rows.some((r) => r.startsWith('040000'))) return;
      const commit = flat[s.commit % flat.length]!.split('\t')[1]!;
      const blob = execFileSync('git', ['hash-object', '-w', '--stdin'], {
        cwd: w.repo.dir,
        env: gitEnv(),
        input: recordLine(s.id % IDS, s.date, s.variant) + '\n',
        encoding: 'utf8',
      }).trim();
      const mktree = (input: string) =>
        execFileSync('git', ['mktree'], { cwd: w.repo.dir, env: gitEnv(), input, encoding: 'utf8' }).trim();
      const sub = mktree(`100644 blob ${blob}\t${commit.slice(2)}\n`);
      const root = mktree(`${rows.join('\n')}\n040000 tree ${sub}\t${commit.slice(0, 2)}\n`);
      const next = (await w.repo.git('commit-tree', root, '-p', tip, '-m', 'twin note')).trim();
      await w.repo.git('update-ref', 'refs/notes/agent-log', next, tip);
      return;
    }
  }
}

const files = (w: World) =>
  existsSync(indexFile(w)) ? [readFileSync(indexFile(w)), readFileSync(`${indexFile(w)}.at`)] : [];
const answer = (r: CliResult) => [r.code, r.stdout, r.stderr];

/** The first read after a move (an update) against the same read on a deleted index (a rebuild). */
async function expectUpdateEqualsRebuild(w: World, read: string[], label: string): Promise<void> {
  const updated = await cli(w.repo, read);
  // (`show <rev>` with no index reads git directly and writes none: the query then builds it.)
  await cli(w.repo, ['query', '--format', '%id']);
  const bytes = files(w);
  rmSync(indexDir(w), { recursive: true, force: true });
  const rebuilt = await cli(w.repo, read);
  await cli(w.repo, ['query', '--format', '%id']);
  const again = files(w);
  expect(bytes.length, `${label}: index written`).toBe(again.length);
  for (let i = 0; i < bytes.length; i++)
    expect(bytes[i]!.equals(again[i]!), `${label}: ${i ? 'lookup file' : 'index'} bytes`).toBe(true);
  expect(answer(updated), `${label}: answer`).toEqual(answer(rebuilt));
}

test(
  'random histories: every update writes what a rebuild writes, and reads answer the same',
  async () => {
    let sequences = 0;
    let steps = 0;
    const kinds = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 4, maxLength: 9 }), fc.nat(), async (plan, pick) => {
        const w = await world();
        sequences++;
        try {
          await cli(w.repo, ['query', '--format', '%id']);
          for (const [n, s] of plan.entries()) {
            await apply(w, s);
            kinds.add(s.kind);
            steps++;
            w.pick = pick + n;
            const read = READS[(pick + n) % READS.length]!(w);
            await expectUpdateEqualsRebuild(w, read, `step ${n} (${s.kind}), ${read.join(' ')}`);
            const listed = (await cli(w.repo, ['query', '--format', '%id'])).stdout
              .split('\n')
              .filter(Boolean);
            expect(listed.sort(), `step ${n}: runs listed`).toEqual(recordIdsInNotes(w.repo.dir));
          }
        } finally {
          dispose(w);
        }
      }),
      {
        numRuns: Number(process.env.SPLICE_RUNS) || 6,
        endOnFailure: true,
        seed: Number(process.env.SPLICE_SEED) || undefined,
      },
    );
    console.log(
      `splice property: ${sequences} sequences, ${steps} steps, kinds: ${[...kinds].sort().join(' ')}`,
    );
  },
  60_000 + (Number(process.env.SPLICE_RUNS) || 6) * 20_000,
);

test('a run whose date holds a lone surrogate sorts as the rebuild sorts it', async () => {
  const w = await world();
  try {
    await notes(w, 'add', '-f', '-m', recordLine(2, DATES.indexOf('\ud800'), 0), w.commits[1]!);
    await cli(w.repo, ['log']);
    await notes(w, 'add', '-m', recordLine(3, DATES.indexOf('\uff12\uff10\uff12\uff16'), 1), w.commits[4]!);
    await expectUpdateEqualsRebuild(w, ['query', '--format', '%id'], 'lone surrogate');
  } finally {
    dispose(w);
  }
}, 60_000);

test('two reads at once right after a move both update, and leave a sound index', async () => {
  const w = await world();
  try {
    await cli(w.repo, ['query', '--format', '%id']);
    for (let round = 0; round < 4; round++) {
      await notes(w, 'append', '-m', recordLine(round + 2, round * 3, round), w.commits[round]!);
      const both = await Promise.all(
        [0, 1].map(() =>
          finished(
            spawn(process.execPath, [BIN, 'query', '--format', '%id %date'], {
              cwd: w.repo.dir,
              env: gitEnv(),
              stdio: ['ignore', 'pipe', 'pipe'],
            }),
          ),
        ),
      );
      const bytes = files(w);
      rmSync(indexDir(w), { recursive: true, force: true });
      const rebuilt = await cli(w.repo, ['query', '--format', '%id %date']);
      const again = files(w);
      expect(bytes[0]!.equals(again[0]!), `round ${round}: index`).toBe(true);
      expect(bytes[1]!.equals(again[1]!), `round ${round}: lookup file`).toBe(true);
      for (const r of both) expect(answer(r)).toEqual(answer(rebuilt));
    }
  } finally {
    dispose(w);
  }
}, 60_000);

test('the notes move again while two reads update: the files they leave read as a rebuild', async () => {
  const w = await world();
  const read = () =>
    finished(
      spawn(process.execPath, [BIN, 'query', '--format', '%id %date'], {
        cwd: w.repo.dir,
        env: gitEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
  try {
    await cli(w.repo, ['query', '--format', '%id']);
    for (let round = 0; round < 3; round++) {
      await notes(w, 'append', '-m', recordLine(round + 2, round * 3, round), w.commits[round]!);
      const both = [read(), read()];
      await notes(w, 'append', '-m', refLine(ID(round)), w.commits[round + 3]!);
      await Promise.all(both);
      // The next read brings the index to the new tip if neither did.
      const after = await cli(w.repo, ['query', '--format', '%id %date']);
      const shown = await cli(w.repo, ['show', ID(round + 2), '--format', 'json']);
      const [index, lookup] = files(w);
      rmSync(indexDir(w), { recursive: true, force: true });
      const rebuilt = await cli(w.repo, ['query', '--format', '%id %date']);
      expect(answer(after)).toEqual(answer(rebuilt));
      expect(answer(shown)).toEqual(answer(await cli(w.repo, ['show', ID(round + 2), '--format', 'json'])));
      const [index2, lookup2] = files(w);
      expect(index!.equals(index2!), `round ${round}: index`).toBe(true);
      // A lookup file left by the slower writer names another index: `show` above wrote it anew.
      expect(lookup!.equals(lookup2!), `round ${round}: lookup file`).toBe(true);
    }
  } finally {
    dispose(w);
  }
}, 60_000);
