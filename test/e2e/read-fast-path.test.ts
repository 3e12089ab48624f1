// `show`, `log` and `query` in their common forms skip yargs and read refs and objects straight from
// the git directory. Through the built CLI on real repositories: every answer (stdout, stderr, exit
// code) is byte-identical to the slow path (AGENT_LOG_SLOW_PATH=1: yargs and git for everything), in
// every repository shape we read ourselves and in those we leave to git; and where we read ourselves,
// no git process starts at all (GIT_TRACE names every git process started).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { canonicalJson, refLine } from '../../src/record/note-lines.js';
import { copyPackage } from '../helpers/package-copy.js';
import { shopRecord } from '../helpers/records.js';
import { cli, type CliResult, ROOT, tempRepo, type TempRepo } from '../helpers/repo.js';

let repo: TempRepo;
const commits: string[] = [];
// Generous timeouts: each test runs the CLI a few dozen times, on a machine that may be loaded.
// Two IDs share the prefix `kq3v9x0a`: `show kq3v` is ambiguous.
const ids = ['kq3v9x0a1b', 'kq3v9x0a2c', 'mz8p2w4e5f'];
const traceFile = join(tmpdir(), `agent-log-fast-trace-${process.pid}`);
const notes = (...args: string[]) => repo.git('notes', '--ref=agent-log', ...args);

function recordLine(id: string, intent: string, day: number, path: string) {
  return canonicalJson(shopRecord(id, intent, day, { path }));
}

/** The common read invocations, and some the hand parser must leave to yargs. */
function invocations(): string[][] {
  return [
    ['show', 'HEAD', '--json'],
    ['show', '--json'],
    ['show', 'HEAD'],
    ['show', '--format', 'html', 'HEAD'],
    ['show', '--format=md', '--no-pager', commits[1]!],
    ['show', ids[2]!, '--json'],
    ['show', commits[0]!.slice(0, 9), '--json'],
    ['show', `${commits[3]}`, '--json'],
    ['log'],
    ['log', '-n', '1', '--no-pager'],
    ['log', '--json'],
    ['log', '--max-count=2', '--format', '%id %intent'],
    ['query', '--file', 'pay.ts', '--format', '%id'],
    ['query', '--agent', 'claude-code', '--json'],
    ['query', '--file', 'pay.ts', '--file', 'cart.ts', '--since', '2026-11-11', '-n', '5'],
    ['query', '--file', 'no/such/file.ts'],
    // errors: unknown and ambiguous names, bad values (same line on stderr, same exit code)
    ['show', 'no-such-revision'],
    ['show', 'HEAD~99', '--json'],
    ['show', 'kq3v', '--json'],
    ['show', 'a'.repeat(40), '--json'],
    ['log', '-n', 'abc'],
    ['query', '--status', 'done'],
    // left to yargs: a bad choice, an unknown option, a repeated one, list words, `--`
    ['show', 'HEAD', '--format', 'xml'],
    ['show', 'HEAD', 'HEAD'],
    ['query', '--bogus'],
    ['log', '-n', '1', '-n', '2'],
    ['query', '--file', 'pay.ts', 'cart.ts', '--format', '%id'],
    ['show', '--json', 'true'],
    ['log', '--', 'x'],
  ];
}

/** The shapes of repository after the first: the common invocations and one error. */
function core(): string[][] {
  return [
    ['show', 'HEAD', '--json'],
    ['show', 'HEAD'],
    ['show', ids[2]!, '--json'],
    ['log'],
    ['query', '--file', 'pay.ts', '--format', '%id'],
    ['show', 'no-such-revision'],
  ];
}

async function both(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const fast = await cli(cwd, args, { env });
  const slow = await cli(cwd, args, { env: { ...env, AGENT_LOG_SLOW_PATH: '1' } });
  return { fast, slow };
}

/** Fast and slow agree on every invocation. */
async function expectSameAnswers(cwd: string, env: NodeJS.ProcessEnv = {}, list = core()) {
  for (const args of list) {
    const { fast, slow } = await both(cwd, args, env);
    expect({ args, ...fast }).toEqual({ args, ...slow });
  }
}

/** The git processes `args` starts (GIT_TRACE lines naming a git command). */
async function gitStarted(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  rmSync(traceFile, { force: true });
  const r: CliResult = await cli(cwd, args, { env: { ...env, GIT_TRACE: traceFile } });
  expect(r.code).toBe(0);
  if (!existsSync(traceFile)) return [];
  return readFileSync(traceFile, 'utf8')
    .split('\n')
    .filter((l) => / trace: (built-in|exec|run_command): /.test(l));
}

beforeAll(async () => {
  repo = await tempRepo({ files: { 'README.md': 'shop\n' } });
  for (let i = 0; i < 4; i++) {
    repo.write(i % 2 ? 'cart.ts' : 'pay.ts', `step ${i + 1}\n`);
    commits.push(await repo.commit(`step ${i + 1}`));
  }
  await notes('add', '-m', recordLine(ids[0]!, 'validate the card number', 0, 'pay.ts'), commits[0]!);
  await notes('add', '-m', recordLine(ids[1]!, 'keep the cart on reload', 1, 'cart.ts'), commits[1]!);
  await notes('add', '-m', recordLine(ids[2]!, 'round the totals', 2, 'pay.ts'), commits[2]!);
  await notes('add', '-m', refLine(ids[2]!), commits[3]!);
  // build the index once, as a first read would
  expect((await cli(repo, ['log'])).code).toBe(0);
});

afterAll(() => {
  rmSync(traceFile, { force: true });
  repo?.cleanup();
});

test(
  'loose refs: fast and slow paths give the same bytes, and the fast one starts no git',
  { timeout: 300_000 },
  async () => {
    expect(existsSync(join(repo.dir, '.git', 'refs', 'notes', 'agent-log'))).toBe(true);
    await expectSameAnswers(repo.dir, {}, invocations());
    expect(await gitStarted(repo.dir, ['show', 'HEAD', '--json'])).toEqual([]);
    expect(await gitStarted(repo.dir, ['query', '--file', 'pay.ts', '--format', '%id'])).toEqual([]);
    expect(await gitStarted(repo.dir, ['log', '-n', '2'])).toEqual([]);
    // the trace does catch git when it runs
    expect(
      (await gitStarted(repo.dir, ['show', 'HEAD', '--json'], { AGENT_LOG_SLOW_PATH: '1' })).length,
    ).toBeGreaterThan(0);
  },
);

test('packed refs (git pack-refs --all): same answers, still no git', { timeout: 240_000 }, async () => {
  await repo.git('pack-refs', '--all');
  expect(existsSync(join(repo.dir, '.git', 'refs', 'notes', 'agent-log'))).toBe(false);
  expect(readFileSync(join(repo.dir, '.git', 'packed-refs'), 'utf8')).toContain(' refs/notes/agent-log\n');
  await expectSameAnswers(repo.dir);
  expect(await gitStarted(repo.dir, ['show', 'HEAD', '--json'])).toEqual([]);
  expect(await gitStarted(repo.dir, ['query', '--file', 'pay.ts', '--format', '%id'])).toEqual([]);
});

test(
  'objects in packs (gc with offset deltas, repack with ref deltas): same answers, still no git',
  { timeout: 240_000 },
  async () => {
    const showAll = [...ids.map((id) => ['show', id, '--json']), ['show', 'HEAD', '--json']];
    // The note blobs are alike: git stores some as deltas of others (the column after depth: a base).
    const deltas = async () => {
      const dir = join(repo.dir, '.git', 'objects', 'pack');
      const idx = readdirSync(dir).find((n) => n.endsWith('.idx'))!;
      const listing = await repo.git('verify-pack', '-v', join(dir, idx));
      return listing.split('\n').filter((l) => /^[0-9a-f]{40} blob .* [0-9a-f]{40}$/.test(l)).length;
    };
    await repo.git('gc', '-q', '--aggressive', '--prune=now');
    expect(await deltas()).toBeGreaterThan(0);
    await expectSameAnswers(repo.dir, {}, showAll);
    expect(await gitStarted(repo.dir, ['show', ids[0]!, '--json'])).toEqual([]);
    await repo.git('-c', 'repack.useDeltaBaseOffset=false', 'repack', '-a', '-d', '-q', '-f', '--depth=50');
    expect(await deltas()).toBeGreaterThan(0);
    await expectSameAnswers(repo.dir, {}, showAll);
    expect(await gitStarted(repo.dir, ['show', 'HEAD', '--json'])).toEqual([]);
  },
);

test(
  'a note added by plain git behind the index: both paths show it at once',
  { timeout: 240_000 },
  async () => {
    const line = recordLine('wq7n3c5d8e', 'show the new total in the header', 5, 'pay.ts');
    await notes('add', '-f', '-m', line, commits[3]!);
    const { fast, slow } = await both(repo.dir, ['show', 'HEAD', '--json']);
    expect(fast).toEqual(slow);
    // independent reader: the record line plain git shows on HEAD
    const shown = JSON.parse(fast.stdout) as { id: string; task: { intent: string } };
    expect(shown.id).toBe(JSON.parse((await notes('show', 'HEAD')).trim()).id);
    expect(shown.task.intent).toBe('show the new total in the header');
    await expectSameAnswers(repo.dir);
  },
);

test(
  'a linked worktree (.git is a file; refs and objects in the common dir): same answers',
  { timeout: 240_000 },
  async () => {
    const wt = join(tmpdir(), `agent-log-fast-wt-${process.pid}`);
    await repo.git('worktree', 'add', '-q', '-b', 'side', wt, commits[2]!);
    try {
      expect(readFileSync(join(wt, '.git'), 'utf8')).toMatch(/^gitdir: /);
      await expectSameAnswers(wt);
      const { fast } = await both(wt, ['show', 'HEAD', '--json']);
      expect(JSON.parse(fast.stdout).id).toBe(ids[2]);
      expect(await gitStarted(wt, ['show', 'HEAD', '--json'])).toEqual([]);
    } finally {
      await repo.git('worktree', 'remove', '--force', wt);
    }
  },
);

test(
  'GIT_DIR (and GIT_WORK_TREE) set: same answers from a directory outside the repository',
  { timeout: 240_000 },
  async () => {
    const outside = join(tmpdir(), `agent-log-fast-outside-${process.pid}`);
    mkdirSync(outside, { recursive: true });
    try {
      const gitDir = join(repo.dir, '.git');
      await expectSameAnswers(outside, { GIT_DIR: gitDir });
      // outside the working tree git names: no working tree (as `rev-parse --is-inside-work-tree` says)
      await expectSameAnswers(outside, { GIT_DIR: gitDir, GIT_WORK_TREE: repo.dir }, core().slice(0, 3));
      const { fast } = await both(outside, ['show', 'HEAD', '--json'], { GIT_DIR: gitDir });
      expect(JSON.parse(fast.stdout).id).toBe('wq7n3c5d8e');
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  },
);

test('unknown and ambiguous names: the same one-line error and exit code on both paths', async () => {
  for (const args of [
    ['show', 'no-such-revision'],
    ['show', 'kq3v', '--json'],
    ['show', 'b'.repeat(40)],
  ]) {
    const { fast, slow } = await both(repo.dir, args);
    expect(fast).toEqual(slow);
    expect(fast.code).not.toBe(0);
    expect(fast.stdout).toBe('');
    expect(fast.stderr.trim().split('\n')[0]).toMatch(/^error: /);
  }
  expect((await cli(repo, ['show', 'kq3v'])).stderr).toContain('ambiguous');
});

const probe = join(ROOT, 'test', 'fixtures', 'load-probe.cjs');

/** Which of our bundles `args` reads (file names) and which node built-in modules it loads. */
async function loaded(args: string[], env: NodeJS.ProcessEnv = {}) {
  const out = join(tmpdir(), `agent-log-load-probe-${process.pid}.json`);
  rmSync(out, { force: true });
  const r = await cli(repo, args, {
    env: { ...env, NODE_OPTIONS: `--require=${probe}`, LOAD_PROBE_OUT: out },
  });
  expect(r.code, r.stderr).toBe(0);
  const { bundles, builtins } = JSON.parse(readFileSync(out, 'utf8')) as {
    bundles: string[];
    builtins: string[];
  };
  rmSync(out, { force: true });
  return { bundles: [...new Set(bundles.map((b) => basename(b)))].sort(), builtins };
}

test(
  'the read commands load a small bundle alone (show.cjs for `show HEAD --json`, read.cjs for the rest), and no child_process or crypto, when git is not needed',
  { timeout: 240_000 },
  async () => {
    for (const [args, small] of [
      [
        ['show', 'HEAD', '--json'],
        ['boot.cjs', 'show.cjs'],
      ],
      [
        ['log', '-n', '2'],
        ['boot.cjs', 'read.cjs'],
      ],
      [
        ['query', '--file', 'pay.ts', '--format', '%id'],
        ['boot.cjs', 'read.cjs'],
      ],
    ]) {
      const { bundles, builtins } = await loaded(args!);
      expect({ args, bundles }).toEqual({ args, bundles: small });
      expect(builtins).toContain('zlib'); // the probe sees built-ins: objects are inflated with zlib
      const heavy = builtins.filter((m) => m === 'child_process' || m === 'crypto');
      expect({ args, heavy }).toEqual({ args, heavy: [] });
    }
    // The packet in Markdown starts git for the run's commits, from the read bundle all the same.
    expect((await loaded(['show', 'HEAD', '--no-pager'])).bundles).toEqual(['boot.cjs', 'read.cjs']);
    // The slow path, and what the hand parser leaves to yargs, load the whole CLI (and start git).
    const slow = await loaded(['show', 'HEAD', '--json'], { AGENT_LOG_SLOW_PATH: '1' });
    expect(slow.bundles).toEqual(['boot.cjs', 'cli.cjs']);
    expect(slow.builtins).toContain('child_process');
    expect((await loaded(['show', 'HEAD', '--json', '--engine', 'native'])).bundles).toEqual([
      'boot.cjs',
      'cli.cjs',
    ]);
  },
);

test(
  'a missing or damaged code cache: the next run answers the same and writes a good one',
  { timeout: 240_000 },
  async () => {
    // A copy of the package (the bundles without their caches), so the shared build is never touched.
    const pkg = copyPackage(['show.cjs', 'read.cjs', 'cli.cjs']);
    try {
      const run = (args: string[]) => pkg.run(repo.dir, args);
      const expected = (await cli(repo, ['show', 'HEAD', '--json'])).stdout;
      // Each bundle's first run is the one that writes its cache (show.cjs's before read.cjs's).
      const argsFor: Record<string, string[]> = {
        'show.cjs': ['show', 'HEAD', '--json'],
        'read.cjs': ['show', '--json', 'HEAD~0'],
        'cli.cjs': ['show', 'HEAD', '--json', '--engine=native'],
      };
      for (const bundle of ['show.cjs', 'read.cjs', 'cli.cjs']) {
        const cache = join(pkg.dir, 'dist', `${bundle}.cache`);
        const args = argsFor[bundle]!;
        expect(existsSync(cache)).toBe(false);
        expect(run(args)).toBe(expected); // compiled from source
        expect(existsSync(cache)).toBe(true);
        const good = readFileSync(cache);
        expect(good.length).toBeGreaterThan(1000);
        writeFileSync(cache, Buffer.alloc(good.length, 7)); // damaged: V8 rejects it
        expect(run(args)).toBe(expected);
        expect(readFileSync(cache).equals(Buffer.alloc(good.length, 7))).toBe(false);
        expect(run(args)).toBe(expected); // from the rewritten cache
      }
    } finally {
      pkg.cleanup();
    }
  },
);

test('a code cache is used only by the bundle it was made for, not by another source of the same length', async () => {
  // V8 checks a cache against the source's length alone: a cache left by another build beside a
  // bundle of the same length (a run of the old build saving it after the new build replaced the
  // bundle) would run the old code. Two bundles of one length that print different words:
  const pkg = copyPackage(['show.cjs']);
  try {
    const bundle = join(pkg.dir, 'dist', 'show.cjs');
    const length = readFileSync(bundle).length;
    const fake = (build: string, word: string) => {
      const head = `/*agent-log build ${build}*/(function (exports) { exports.runShow = async () => { process.stdout.write('${word}\\n'); return 0; }; })`;
      return `${head}${' '.repeat(length - head.length)}`;
    };
    const run = () => pkg.run(repo.dir, ['show', 'HEAD', '--json']);
    writeFileSync(bundle, fake('aaaaaaaaaaaaaaaa', 'ONE'));
    expect(run()).toBe('ONE\n');
    expect(existsSync(`${bundle}.cache`)).toBe(true); // written by that run
    writeFileSync(bundle, fake('bbbbbbbbbbbbbbbb', 'TWO'));
    expect(readFileSync(bundle).length).toBe(length);
    expect(run()).toBe('TWO\n');
    expect(run()).toBe('TWO\n'); // from its own cache now
  } finally {
    pkg.cleanup();
  }
});

function gitSupportsReftable(): boolean {
  const dir = join(tmpdir(), `agent-log-reftable-probe-${process.pid}`);
  try {
    execFileSync('git', ['init', '-q', '--ref-format=reftable', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a repository whose refs or format we do not read (reftable, extensions): git answers, same bytes', async () => {
  if (gitSupportsReftable()) {
    const rt = await tempRepo({ files: { 'pay.ts': 'one\n' }, args: ['--ref-format=reftable'] });
    try {
      await rt.git(
        'notes',
        '--ref=agent-log',
        'add',
        '-m',
        recordLine(ids[2]!, 'round the totals', 2, 'pay.ts'),
      );
      for (const args of [['show', 'HEAD', '--json'], ['log'], ['query', '--file', 'pay.ts']]) {
        const { fast, slow } = await both(rt.dir, args);
        expect(fast).toEqual(slow);
        expect(fast.code).toBe(0);
      }
    } finally {
      rt.cleanup();
    }
  }
  // This git may predate reftable (2.45): a repository with an extension it does not know stands for
  // every shape we leave to git. Both paths must give git's own refusal, word for word.
  const ext = await tempRepo({ files: { 'pay.ts': 'one\n' } });
  try {
    await ext.git('config', 'core.repositoryformatversion', '1');
    await ext.git('config', 'extensions.agentLogTestUnknown', 'true');
    for (const args of [['show', 'HEAD', '--json'], ['log'], ['query', '--file', 'pay.ts']]) {
      const { fast, slow } = await both(ext.dir, args);
      expect(fast).toEqual(slow);
      expect(fast.code).not.toBe(0);
    }
  } finally {
    ext.cleanup();
  }
});
