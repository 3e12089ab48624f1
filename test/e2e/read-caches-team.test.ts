// The read caches (the index records.v1, its lookup file .at and blame's facts file .facts) against
// history a teammate changes: two clones of a bare remote, each with `init`, real runs sealed by the
// CLI. After every step, in both clones, every read command answers through the fast paths with the
// caches as the step before left them, and must give the bytes the full path gives on a fresh cache
// (AGENT_LOG_SLOW_PATH=1, no index): a stale cache is the classic cache bug. What the notes hold is
// read with plain git (notes list, cat-file) to check the answers themselves.
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { type CliResult, cli, ROOT, type TempRepo } from '../helpers/repo.js';
import { handRun, type Team, team } from '../helpers/team.js';

const LONG = { timeout: 600_000 };
const FILE = 'src/pay.ts';
/** blame keeps its runs in the facts file from one commit on (the default threshold is for big files). */
const READ_ENV = { AGENT_LOG_BLAME_FACTS_FROM: '1' };

const teams: Team[] = [];
afterEach(() => {
  for (const t of teams.splice(0)) t.cleanup();
});

const cacheDir = (c: TempRepo) => join(c.dir, '.git', 'agent-log', 'index');

/** The cache files as they are now (to put back before each read: every read meets the old caches). */
function snapshot(c: TempRepo): string | null {
  const dir = cacheDir(c);
  if (!existsSync(dir)) return null;
  const copy = `${dir}.before`;
  rmSync(copy, { recursive: true, force: true });
  cpSync(dir, copy, { recursive: true });
  return copy;
}

function restore(c: TempRepo, copy: string | null): void {
  const dir = cacheDir(c);
  rmSync(dir, { recursive: true, force: true });
  if (copy) cpSync(copy, dir, { recursive: true });
}

/**
 * What notes ref `ref` holds, read with plain git: each annotated commit's lines, parsed (with
 * `fetched`, the lines of the fetched notes refs too, as a union: what a merge will at most add).
 */
async function notesByGit(c: TempRepo, fetched = false): Promise<Map<string, Record<string, unknown>[]>> {
  const out = new Map<string, Record<string, unknown>[]>();
  const refs = ['refs/notes/agent-log'];
  if (fetched)
    refs.push(
      ...(await c.git('for-each-ref', '--format=%(refname)', 'refs/notes/remotes/'))
        .split('\n')
        .filter(Boolean),
    );
  for (const ref of refs) {
    const list = await c.git('notes', `--ref=${ref}`, 'list').catch(() => '');
    for (const row of list.split('\n').filter(Boolean)) {
      const [blob, target] = row.split(' ') as [string, string];
      const body = await c.git('cat-file', 'blob', blob);
      const lines = body
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      out.set(target, [...(out.get(target) ?? []), ...lines]);
    }
  }
  return out;
}

/** The read invocations of this step: every record by ID, every annotated commit, the lists. */
async function readsOf(c: TempRepo): Promise<[string, string[]][]> {
  const notes = await notesByGit(c, true);
  const ids = new Set<string>();
  for (const lines of notes.values()) for (const l of lines) if (l.kind === 'record') ids.add(l.id as string);
  const reads: [string, string[]][] = [
    ['show HEAD --json', ['show', 'HEAD', '--json']],
    ['log --json', ['log', '--json']],
    ['query --file', ['query', '--file', FILE, '--json']],
    ['stats --json', ['stats', '--json']],
    ['blame', ['blame', FILE]],
    ['blame --json', ['blame', FILE, '--json']],
  ];
  // The packet as Markdown for one run (the same record reading as --json, rendered).
  if (ids.size) reads.push(['show ID', ['show', [...ids].sort()[0]!]]);
  for (const id of [...ids].sort()) reads.push([`show ${id} --json`, ['show', id, '--json']]);
  // By commit: the index's n lines (show.cjs) or the notes tree; a few commits are enough.
  for (const commit of [...notes.keys()].sort().slice(0, 4))
    reads.push([`show ${commit} --json`, ['show', commit, '--json']]);
  return reads;
}

const answer = (r: CliResult) => ({ code: r.code, stdout: r.stdout, stderr: r.stderr });

/**
 * Every read in clone `c`, against the full path on a fresh cache, then against git. Reads take
 * turns (by `turn`, so that over the steps each read meets both): on the caches as they were before
 * the step (`before`, put back first), or on the caches the reads before it left (current ones).
 */
async function agree(c: TempRepo, step: string, before: string | null, turn: number): Promise<void> {
  // The first read merges notes a fetch brought (every later read sees the merged ref).
  const reads = await readsOf(c);
  const fast = new Map<string, CliResult>();
  const stale = (i: number) => (i + turn) % 2 === 0;
  for (const [i, [name, args]] of reads.entries()) {
    if (stale(i)) restore(c, before);
    fast.set(name, await cli(c, args, { env: READ_ENV }));
  }
  const dir = cacheDir(c);
  const kept = `${dir}.warm`;
  rmSync(kept, { recursive: true, force: true });
  if (existsSync(dir)) renameSync(dir, kept);
  try {
    for (const [i, [name, args]] of reads.entries()) {
      rmSync(dir, { recursive: true, force: true });
      const full = await cli(c, args, { env: { ...READ_ENV, AGENT_LOG_SLOW_PATH: '1' } });
      expect(full.stderr, `${step}: ${name} (full path)`).not.toMatch(/\n\s+at /);
      const how = stale(i) ? 'the caches of the step before' : 'the caches the reads left';
      expect(answer(fast.get(name)!), `${step}: ${name} on ${how}`).toEqual(answer(full));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (existsSync(kept)) renameSync(kept, dir);
  }
  await agreeWithGit(c, step, fast);
}

/** The answers against the notes as git reads them: every record, every approval, every commit. */
async function agreeWithGit(c: TempRepo, step: string, answers: Map<string, CliResult>): Promise<void> {
  const notes = await notesByGit(c);
  const records = new Map<string, Record<string, unknown>>();
  const approvals = new Map<string, string[]>();
  for (const lines of notes.values())
    for (const l of lines) {
      if (l.kind === 'record') records.set(l.id as string, l);
      if (l.kind === 'event' && l.type === 'approval')
        approvals.set(l.id as string, [...(approvals.get(l.id as string) ?? []), l.event as string]);
    }
  const logged = JSON.parse(answers.get('log --json')!.stdout || '[]') as { id: string }[];
  expect(logged.map((r) => r.id).sort(), `${step}: log --json against git`).toEqual(
    [...records.keys()].sort(),
  );
  for (const id of records.keys()) {
    const shown = JSON.parse(answers.get(`show ${id} --json`)!.stdout) as {
      id: string;
      approvals: { by: string }[];
    };
    expect(shown.id).toBe(id);
    expect(shown.approvals.length, `${step}: approvals of ${id} against git`).toBe(
      new Set(approvals.get(id) ?? []).size,
    );
  }
  for (const [commit, lines] of notes) {
    if (!answers.has(`show ${commit} --json`)) continue;
    // A teammate's note on a commit this clone has not fetched: nothing to show here.
    if (!(await c.git('cat-file', '-t', commit).catch(() => '')).startsWith('commit')) continue;
    const r = answers.get(`show ${commit} --json`)!;
    const ids = new Set(lines.map((l) => l.id as string));
    const got = r.code === 0 ? [JSON.parse(r.stdout)].flat().map((x: { id: string }) => x.id) : [];
    expect(new Set(got), `${step}: show ${commit} against git`).toEqual(ids);
  }
}

let turn = 0;

/** The clones agree after `step` (each compared with the caches it had before the step). */
async function step(name: string, clones: TempRepo[], act: () => Promise<void>): Promise<void> {
  const before = clones.map(snapshot);
  await act();
  turn++;
  await Promise.all(
    clones.map((c, i) =>
      agree(c, `${name} [${c === clones[0] ? 'first' : 'second'} clone]`, before[i]!, turn),
    ),
  );
}

/** A clone's caches made warm by a few reads (a clone that reads before the teammate's step). */
async function warm(c: TempRepo): Promise<void> {
  for (const args of [['log'], ['blame', FILE], ['show', 'HEAD', '--json']])
    await cli(c, args, { env: READ_ENV });
}

async function pair() {
  const t = await team({ [FILE]: 'export const pay = 1;\n', 'README.md': 'shop\n' });
  teams.push(t);
  const a = await t.clone('Alice');
  const b = await t.clone('Bob');
  return { t, a, b };
}

const ok = (r: CliResult) => expect(r.code, r.stderr).toBe(0);

test('A seals and syncs; B reads, fetches, syncs: B follows every new tip', LONG, async () => {
  const { a, b } = await pair();
  await warm(b);
  // (A clone a step leaves untouched, refs, objects and caches, is not read again.)
  await step('A seals a run and pushes it with sync', [a], async () => {
    await handRun(a, 'charge in cents', [{ [FILE]: 'export const pay = 100;\n' }]);
    await a.git('push', '-q', 'origin', 'main');
    ok(await cli(a, ['sync']));
  });
  await step('B pulls the code and fetches the notes (plain git)', [b], async () => {
    await b.git('pull', '-q', '--ff-only');
  });
  await step('B seals its own run and syncs (notes merge)', [b], async () => {
    await handRun(b, 'round half up', [{ [FILE]: 'export const pay = 101;\n' }]);
    await b.git('push', '-q', 'origin', 'main');
    ok(await cli(b, ['sync']));
  });
  await step('A fetches and syncs', [a], async () => {
    await a.git('pull', '-q', '--ff-only');
    ok(await cli(a, ['sync']));
  });
});

test(
  'both seal at once and sync; B approves A\u2019s run and A denies it at once: every path shows both',
  LONG,
  async () => {
    const { a, b } = await pair();
    let aRun = '';
    await step('A seals, pushes, syncs; B pulls', [a, b], async () => {
      aRun = await handRun(a, 'charge in cents', [{ [FILE]: 'export const pay = 100;\n' }]);
      await a.git('push', '-q', 'origin', 'main');
      ok(await cli(a, ['sync']));
      await b.git('pull', '-q', '--ff-only');
    });
    await step(
      'both seal a run on a branch of their own, both sync (a notes merge commit)',
      [a, b],
      async () => {
        await handRun(a, 'log refunds', [{ 'src/refund.ts': 'export const refund = 1;\n' }], {
          branch: 'a-refund',
        });
        await handRun(b, 'log taxes', [{ 'src/tax.ts': 'export const tax = 1;\n' }], { branch: 'b-tax' });
        await a.git('push', '-q', 'origin', 'a-refund');
        await b.git('push', '-q', 'origin', 'b-tax');
        ok(await cli(a, ['sync']));
        ok(await cli(b, ['sync']));
        ok(await cli(a, ['sync']));
      },
    );
    await step(
      'B approves A\u2019s run, A denies it for deploy, at once, both sync (one note, two new lines)',
      [a, b],
      async () => {
        ok(await cli(b, ['approve', aRun, '--by', 'Bob', '--for', 'merge']));
        ok(await cli(a, ['approve', aRun, '--by', 'Alice', '--for', 'deploy', '--deny']));
        ok(await cli(b, ['sync']));
        ok(await cli(a, ['sync']));
        ok(await cli(b, ['sync']));
      },
    );
  },
);

test(
  'rebase, squash and adopt, amend, revert by ID, purge: every path follows the rewritten history',
  LONG,
  async () => {
    const { a, b } = await pair();
    let feature = '';
    await step('A seals a run of two commits on a branch', [a], async () => {
      feature = await handRun(
        a,
        'split the ledger',
        [{ [FILE]: 'export const pay = 2;\n' }, { 'src/ledger.ts': 'export const ledger = [];\n' }],
        { branch: 'feature' },
      );
    });
    await step('main moves; A rebases the branch (notes.rewriteRef copies the notes)', [a], async () => {
      await a.git('checkout', '-q', 'main');
      a.write('README.md', 'shop, now with a ledger\n');
      await a.commit('docs');
      await a.git('checkout', '-q', 'feature');
      await a.git('rebase', '-q', 'main');
    });
    await step('A squash-merges the branch and adopts it', [a], async () => {
      await a.git('checkout', '-q', 'main');
      await a.git('merge', '-q', '--squash', 'feature');
      await a.git('commit', '-q', '-m', `split the ledger (squashed)\n\nAgent-Log: ${feature}`);
      ok(await cli(a, ['adopt', 'HEAD']));
    });
    await step('A amends the squash commit (notes copied to the new commit)', [a], async () => {
      await a.git('commit', '-q', '--amend', '-m', `split the ledger\n\nAgent-Log: ${feature}`);
    });
    let other = '';
    await step('A seals another run, pushes and syncs; B pulls', [a, b], async () => {
      other = await handRun(a, 'rename pay', [{ [FILE]: 'export const payment = 2;\n' }]);
      await a.git('push', '-q', 'origin', 'main');
      ok(await cli(a, ['sync']));
      await b.git('pull', '-q', '--ff-only');
    });
    await step('B reverts A\u2019s run by its ID and syncs', [b], async () => {
      ok(await cli(b, ['revert', other]));
      await b.git('push', '-q', 'origin', 'main');
      ok(await cli(b, ['sync']));
    });
    await step('A purges the squashed run (the notes history rewritten)', [a], async () => {
      ok(await cli(a, ['purge', feature, '--yes']));
    });
  },
);

test('a force-pushed notes ref and notes edited by hand with git: every path follows', LONG, async () => {
  const { t, a, b } = await pair();
  await step('A seals two runs, pushes, syncs; B pulls and reads', [a, b], async () => {
    await handRun(a, 'charge in cents', [{ [FILE]: 'export const pay = 100;\n' }]);
    await handRun(a, 'round half up', [{ [FILE]: 'export const pay = 101;\n' }]);
    await a.git('push', '-q', 'origin', 'main');
    ok(await cli(a, ['sync']));
    await b.git('pull', '-q', '--ff-only');
  });
  // Carol never fetched notes: the small show and blame bundles answer in her clone.
  const c = await t.clone('Carol');
  const mine = await handRun(c, 'charge in cents', [{ [FILE]: 'export const pay = 100;\n' }]);
  await handRun(c, 'round half up', [{ [FILE]: 'export const pay = 101;\n' }]);
  await warm(c);
  await step('git notes add / append (an approval line) / copy / remove, by hand', [c], async () => {
    const notes = (...args: string[]) => c.git('notes', '--ref=agent-log', ...args);
    await notes('add', '-m', JSON.stringify({ schema: 'agent-log/v1', kind: 'ref', id: mine }), 'HEAD~2');
    const approval = {
      schema: 'agent-log/v1',
      kind: 'event',
      id: mine,
      event: 'q8z2m4k7wd',
      type: 'approval',
      at: '2026-11-30T10:00:00.000Z',
      by: { name: 'Bob', email: 'bob@example.com' },
      approver: 'Bob',
      scope: 'merge',
      decision: 'approved',
      note: null,
    };
    await notes('append', '-m', JSON.stringify(approval), 'HEAD~1');
    await notes('copy', '-f', 'HEAD~1', 'HEAD~2');
    await notes('remove', 'HEAD');
  });
  await step('A force-pushes its notes (the remote\u2019s tip replaced); B fetches it', [a, b], async () => {
    // B's tip is no descendant of what it fetches now: the remote's history was rewritten.
    await a.git(
      'update-ref',
      'refs/notes/agent-log',
      (
        await a.git(
          'commit-tree',
          '-m',
          'rewritten',
          (await a.git('rev-parse', 'refs/notes/agent-log^{tree}')).trim(),
        )
      ).trim(),
    );
    await a.git('push', '-q', '-f', t.url, 'refs/notes/agent-log:refs/notes/agent-log');
    await b.git('fetch', '-q', 'origin');
  });
  await step('B resets its notes to the remote\u2019s forced tip, then prunes (gc)', [b], async () => {
    await b.git('update-ref', 'refs/notes/agent-log', 'refs/notes/remotes/origin/agent-log');
    // The notes commit B's index describes is gone from B's object store.
    await b.git('reflog', 'expire', '--expire=now', '--all');
    await b.git('gc', '-q', '--prune=now');
  });
});

test(
  'an index whose notes tip lost its tree (an object removed by hand): every read rebuilds, as on a fresh cache',
  LONG,
  async () => {
    const { a } = await pair();
    await handRun(a, 'charge in cents', [{ [FILE]: 'export const pay = 100;\n' }]);
    ok(await cli(a, ['log'], { env: READ_ENV }));
    const old = (await a.git('rev-parse', 'refs/notes/agent-log')).trim();
    const oldTree = (await a.git('rev-parse', `${old}^{tree}`)).trim();
    await step(
      'a second run; the index\u2019s notes commit is kept, its tree object is gone',
      [a],
      async () => {
        await handRun(a, 'round half up', [{ [FILE]: 'export const pay = 101;\n' }]);
        // The new notes commit gets a tree of its own (same notes, one more entry), so only the old
        // tip's tree goes: what a damaged object store or a pruning by hand leaves.
        const loose = join(a.dir, '.git', 'objects', oldTree.slice(0, 2), oldTree.slice(2));
        expect(existsSync(loose)).toBe(true);
        rmSync(loose, { force: true });
        expect(await a.git('cat-file', '-t', old)).toBe('commit\n');
      },
    );
  },
);

/** Cache files from two index states of one clone (the older one copied back over the newer). */
function cacheFiles(dir: string): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const f of ['records.v1', 'records.v1.at', 'records.v1.facts'])
    if (existsSync(join(dir, f))) out[f] = readFileSync(join(dir, f));
  return out;
}

/** The same header line with one field changed (a file another version of the tool wrote). */
function withHeader(bytes: Buffer, change: (h: Record<string, unknown>) => void): Buffer {
  const nl = bytes.indexOf(10);
  const h = JSON.parse(bytes.toString('latin1', 0, nl)) as Record<string, unknown>;
  change(h);
  return Buffer.concat([Buffer.from(JSON.stringify(h), 'latin1'), bytes.subarray(nl)]);
}

test(
  'cache files that do not belong together, cut short or of another version: never trusted',
  LONG,
  async () => {
    const { a } = await pair();
    await handRun(a, 'charge in cents', [{ [FILE]: 'export const pay = 100;\n' }]);
    for (const args of [['log'], ['blame', FILE], ['show', 'HEAD']])
      ok(await cli(a, args, { env: READ_ENV }));
    const older = cacheFiles(cacheDir(a));
    const first = (await a.git('rev-parse', 'HEAD')).trim();
    const second = await handRun(a, 'round half up', [
      { [FILE]: 'export const pay = 101;\n', 'src/tax.ts': 'tax\n' },
    ]);
    ok(await cli(a, ['approve', second, '--by', 'Bob', '--for', 'merge']));
    for (const args of [['log'], ['blame', FILE], ['show', 'HEAD']])
      ok(await cli(a, args, { env: READ_ENV }));
    const newer = cacheFiles(cacheDir(a));
    expect(Object.keys(older).sort()).toEqual(['records.v1', 'records.v1.at', 'records.v1.facts']);
    expect(Object.keys(newer).sort()).toEqual(Object.keys(older).sort());
    const shapes: Record<string, Record<string, Buffer>> = {};
    for (const f of Object.keys(newer)) {
      shapes[`${f} of the older index`] = { ...newer, [f]: older[f]! };
      shapes[`${f} cut in half`] = { ...newer, [f]: newer[f]!.subarray(0, newer[f]!.length >> 1) };
      shapes[`${f} without its last byte`] = { ...newer, [f]: newer[f]!.subarray(0, -1) };
      shapes[`${f} of a newer version`] = {
        ...newer,
        [f]: withHeader(newer[f]!, (h) => (h.version = (h.version as number) + 1)),
      };
      shapes[`${f} of an older version`] = {
        ...newer,
        [f]: withHeader(newer[f]!, (h) => (h.version = (h.version as number) - 1)),
      };
    }
    shapes['the older index alone, the newer side files'] = { ...newer, 'records.v1': older['records.v1']! };
    shapes['no lookup file'] = {
      'records.v1': newer['records.v1']!,
      'records.v1.facts': newer['records.v1.facts']!,
    };
    const reads = [
      ['show', 'HEAD', '--json'],
      ['show', first, '--json'],
      ['show', 'HEAD'],
      ['log', '--json'],
      ['query', '--file', FILE, '--json'],
      ['blame', FILE],
      ['blame', FILE, '--json'],
    ];
    const dir = cacheDir(a);
    const full = new Map<string, CliResult>();
    rmSync(`${dir}.warm`, { recursive: true, force: true });
    renameSync(dir, `${dir}.warm`);
    for (const args of reads) {
      rmSync(dir, { recursive: true, force: true });
      full.set(args.join(' '), await cli(a, args, { env: { ...READ_ENV, AGENT_LOG_SLOW_PATH: '1' } }));
    }
    for (const [shape, files] of Object.entries(shapes))
      for (const args of reads) {
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        for (const [f, bytes] of Object.entries(files)) writeFileSync(join(dir, f), bytes);
        const got = await cli(a, args, { env: READ_ENV });
        expect(answer(got), `${shape}: ${args.join(' ')}`).toEqual(answer(full.get(args.join(' '))!));
      }
  },
);

test(
  'readers while another process writes the notes, many times over: each answer is one whole state',
  LONG,
  async () => {
    const { a } = await pair();
    const run = await handRun(a, 'charge in cents', [{ [FILE]: 'export const pay = 100;\n' }]);
    await handRun(a, 'round half up', [{ [FILE]: 'export const pay = 101;\n' }]);
    await warm(a);
    const reads = [
      ['show', run, '--json'],
      ['show', 'HEAD~1', '--json'],
      ['log', '--json'],
      ['blame', FILE],
      ['query', '--file', FILE, '--json'],
    ];
    const APPROVALS = 8;
    // The writer: one approval after another, each a new notes commit (compare-and-swap on the ref).
    const writer = (async () => {
      for (let i = 0; i < APPROVALS; i++)
        ok(await cli(a, ['approve', run, '--by', `Reviewer ${i}`, '--for', `step ${i}`]));
    })();
    // Two readers, each going round the reads until the writer is done (each also updates the caches).
    let writing = true;
    void writer.finally(() => (writing = false));
    const seen: [string, CliResult][] = [];
    const reader = async (offset: number) => {
      for (let i = offset; writing || i < offset + reads.length; i++) {
        const args = reads[i % reads.length]!;
        seen.push([args.join(' '), await cli(a, args, { env: READ_ENV })]);
      }
    };
    await Promise.all([writer, reader(0), reader(2)]);
    // Every state the notes ref went through, read by the full path on a fresh cache.
    const tips = (await a.git('rev-list', '--first-parent', 'refs/notes/agent-log'))
      .split('\n')
      .filter(Boolean);
    expect(tips.length).toBeGreaterThan(APPROVALS);
    const final = tips[0]!;
    const states = new Map<string, Set<string>>();
    const dir = cacheDir(a);
    rmSync(`${dir}.warm`, { recursive: true, force: true });
    renameSync(dir, `${dir}.warm`);
    try {
      for (const tip of tips.slice(0, APPROVALS + 1)) {
        await a.git('update-ref', 'refs/notes/agent-log', tip);
        for (const args of reads) {
          rmSync(dir, { recursive: true, force: true });
          const full = await cli(a, args, { env: { ...READ_ENV, AGENT_LOG_SLOW_PATH: '1' } });
          const key = args.join(' ');
          states.set(key, (states.get(key) ?? new Set()).add(JSON.stringify(answer(full))));
        }
      }
    } finally {
      await a.git('update-ref', 'refs/notes/agent-log', final);
      rmSync(dir, { recursive: true, force: true });
      renameSync(`${dir}.warm`, dir);
    }
    for (const [key, r] of seen) {
      expect(r.stderr, key).not.toMatch(/\n\s+at /);
      expect(states.get(key)!.has(JSON.stringify(answer(r))), `${key}: ${r.code} ${r.stderr}`).toBe(true);
    }
    expect(seen.length).toBeGreaterThanOrEqual(2 * reads.length);
  },
);

test(
  'a teammate\u2019s clone after a sync: show --json and blame answer from the small bundles; after a plain fetch they hand over, and the full path merges',
  LONG,
  async () => {
    const { a, b } = await pair();
    await handRun(a, 'charge in cents', [{ [FILE]: 'export const pay = 100;\n' }]);
    await a.git('push', '-q', 'origin', 'main');
    ok(await cli(a, ['sync']));
    await b.git('pull', '-q', '--ff-only');
    ok(await cli(b, ['sync']));
    await warm(b);
    const probe = join(ROOT, 'test', 'fixtures', 'load-probe.cjs');
    const probeOut = join(tmpdir(), `agent-log-teamread-probe-${process.pid}.json`);
    /** The fast run (the bundles it read) and the full path on a fresh cache, in B. */
    const both = async (args: string[]) => {
      rmSync(probeOut, { force: true });
      const fast = await cli(b, args, {
        env: { ...READ_ENV, NODE_OPTIONS: `--require=${probe}`, LOAD_PROBE_OUT: probeOut },
      });
      const { bundles } = JSON.parse(readFileSync(probeOut, 'utf8')) as { bundles: string[] };
      rmSync(probeOut, { force: true }); // (not left in the temporary directory)
      const dir = cacheDir(b);
      rmSync(`${dir}.warm`, { recursive: true, force: true });
      renameSync(dir, `${dir}.warm`);
      const full = await cli(b, args, { env: { ...READ_ENV, AGENT_LOG_SLOW_PATH: '1' } });
      rmSync(dir, { recursive: true, force: true });
      renameSync(`${dir}.warm`, dir);
      expect(answer(fast), args.join(' ')).toEqual(answer(full));
      return [...new Set(bundles.map((p) => basename(p)))].sort();
    };
    // B's notes hold what B fetched (the sync merged it): nothing to merge, no git for it.
    expect(await b.git('for-each-ref', 'refs/notes/remotes/')).toMatch(
      /refs\/notes\/remotes\/origin\/agent-log/,
    );
    expect(await both(['show', 'HEAD', '--json'])).toEqual(['boot.cjs', 'show.cjs']);
    expect(await both(['blame', FILE])).toEqual(['blame.cjs', 'boot.cjs']);
    // A records again; B fetches with plain git: the fetched notes are not in B's yet.
    await handRun(a, 'round half up', [{ [FILE]: 'export const pay = 101;\n' }]);
    await a.git('push', '-q', 'origin', 'main');
    ok(await cli(a, ['sync']));
    await b.git('pull', '-q', '--ff-only');
    const before = (await b.git('rev-parse', 'refs/notes/agent-log')).trim();
    expect(await both(['show', 'HEAD', '--json'])).toEqual(['boot.cjs', 'read.cjs', 'show.cjs']);
    const merged = (await b.git('rev-parse', 'refs/notes/agent-log')).trim();
    expect(merged).not.toBe(before);
    expect((await b.git('notes', '--ref=agent-log', 'show', 'HEAD')).length).toBeGreaterThan(0);
    // Merged now: the small bundles again, and log starts no git process to learn it.
    expect(await both(['blame', FILE])).toEqual(['blame.cjs', 'boot.cjs']);
    expect(await both(['show', 'HEAD', '--json'])).toEqual(['boot.cjs', 'show.cjs']);
    const trace = join(tmpdir(), `agent-log-teamread-trace-${process.pid}`);
    rmSync(trace, { force: true });
    ok(await cli(b, ['log', '--json'], { env: { ...READ_ENV, GIT_TRACE: trace } }));
    const gitRuns = existsSync(trace)
      ? readFileSync(trace, 'utf8')
          .split('\n')
          .filter((l) => / trace: (built-in|exec|run_command): /.test(l))
      : [];
    rmSync(trace, { force: true });
    expect(gitRuns).toEqual([]);
    // Another plain fetch: log merges it, as the full path does.
    await handRun(a, 'tax in cents', [{ 'src/tax.ts': 'export const tax = 7;\n' }]);
    await a.git('push', '-q', 'origin', 'main');
    ok(await cli(a, ['sync']));
    await b.git('pull', '-q', '--ff-only');
    const unmerged = (await b.git('rev-parse', 'refs/notes/agent-log')).trim();
    expect(await both(['log', '--json'])).toEqual(['boot.cjs', 'read.cjs']);
    expect((await b.git('rev-parse', 'refs/notes/agent-log')).trim()).not.toBe(unmerged);
    expect(JSON.parse((await cli(b, ['log', '--json'])).stdout)).toHaveLength(3);
  },
);

/** Files under `dir` (recursively) whose bytes hold `text`. */
function filesHolding(dir: string, text: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && readFileSync(p).includes(text)) out.push(p.slice(dir.length + 1));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out.sort();
}

test(
  'a purge reaches a teammate\u2019s caches: after the steps purge prints for clones and one read, none of B\u2019s files holds the record',
  LONG,
  async () => {
    const { a, b } = await pair();
    const id = await handRun(a, 'charge in cents (PURGE-ME-7Q2)', [{ [FILE]: 'export const pay = 100;\n' }]);
    await handRun(a, 'tax in cents', [{ 'src/tax.ts': 'export const tax = 7;\n' }]);
    await a.git('push', '-q', 'origin', 'main');
    ok(await cli(a, ['sync']));
    await b.git('pull', '-q', '--ff-only');
    // B reads: its index and blame's facts file now hold the run's text.
    for (const args of [['log'], ['blame', FILE]]) ok(await cli(b, args, { env: READ_ENV }));
    const agentLog = join(b.dir, '.git', 'agent-log');
    expect(filesHolding(agentLog, 'PURGE-ME-7Q2')).toEqual(['index/records.v1', 'index/records.v1.facts']);
    const purge = await cli(a, ['purge', id, '--yes']);
    ok(purge);
    await a.git('push', '-q', '--force', 'origin', 'refs/notes/agent-log');
    // What purge tells each clone to do, line by line.
    const steps = purge.stdout.split('\n');
    const clones = steps.findIndex((l) => l.trim().startsWith('clones:'));
    expect(clones).toBeGreaterThan(0);
    await b.git('fetch', '-q', '--force', 'origin', 'refs/notes/agent-log:refs/notes/agent-log');
    await b.git('notes', '--ref=agent-log', 'prune');
    await b.git('reflog', 'expire', '--expire=now', '--all');
    await b.git('gc', '-q', '--prune=now');
    expect(steps.slice(clones).join('\n')).toMatch(/any read \(git agent-log log\)/);
    ok(await cli(b, ['log'], { env: READ_ENV }));
    expect(filesHolding(agentLog, 'PURGE-ME-7Q2')).toEqual([]);
    // And B's reads give what the full path gives on a fresh index.
    await agree(b, 'after the purge', null, 1);
  },
);
