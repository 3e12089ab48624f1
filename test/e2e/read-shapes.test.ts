// The in-process read fast paths (show.cjs, read.cjs, blame.cjs) find the repository and read refs,
// packs and loose objects themselves. Here every repository is made by the real `git` in the shapes
// users have (crash-damaged HEAD, SHA-256, linked worktrees, alternates, bare, packs of every kind,
// refs of every kind, odd note blobs), and each read command's stdout, stderr and exit code on the fast
// path must equal the full path's (AGENT_LOG_SLOW_PATH=1), whose answers are checked against an
// independent reader (`git notes --ref=agent-log show`, JSON.parse). Where the fast path reads the
// shape itself, it must start no git; where it cannot, it hands over and gives the same bytes.
import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { canonicalJson, refLine } from '../../src/record/note-lines.js';
import { shopRecord } from '../helpers/records.js';
import { BIN, cli, type CliResult, finished, gitEnv, tempRepo, type TempRepo } from '../helpers/repo.js';

const made: TempRepo[] = [];
const scratch: string[] = [];
const trace = join(tmpdir(), `agent-log-shapes-trace-${process.pid}`);
const IDS = ['kq3v9x0a1b', 'wq7n3c5d8e', 'mz8p2w4e5f'] as const;

function recordLine(id: string, intent: string, day: number, path: string): string {
  return canonicalJson(shopRecord(id, intent, day, { path }));
}

/** A scratch directory removed after the file's tests. */
function scratchDir(name: string): string {
  const dir = join(tmpdir(), `agent-log-shapes-${name}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  scratch.push(dir);
  return dir;
}

/**
 * The shop: four commits (pay.ts, cart.ts), a record on each of the first three (the third also
 * pointed at from the fourth), written by plain `git notes`; `init` args for `git init`.
 */
async function shop(args: string[] = []): Promise<{ repo: TempRepo; commits: string[] }> {
  const repo = await tempRepo({ args });
  made.push(repo);
  const commits: string[] = [];
  for (let i = 0; i < 4; i++) {
    repo.write(i % 2 ? 'cart.ts' : 'pay.ts', `step ${i + 1}\n`);
    commits.push(await repo.commit(`step ${i + 1}`));
  }
  const notes = (...a: string[]) => repo.git('notes', '--ref=agent-log', ...a);
  await notes('add', '-m', recordLine(IDS[0], 'validate the card number', 0, 'pay.ts'), commits[0]!);
  await notes('add', '-m', recordLine(IDS[1], 'keep the cart on reload', 1, 'cart.ts'), commits[1]!);
  await notes('add', '-m', recordLine(IDS[2], 'round the totals', 2, 'pay.ts'), commits[2]!);
  await notes('add', '-m', refLine(IDS[2]), commits[3]!);
  return { repo, commits };
}

/** Plain git in `cwd` with the tests' identity and config isolation. */
function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: gitEnv(readerEnv), encoding: 'utf8' });
}

/** Environment of the independent reader's git (a test that needs a safe.directory sets it). */
let readerEnv: NodeJS.ProcessEnv = {};

/** Independent reader: the JSON objects of the note on `commit`, as plain git shows them. */
function noteObjects(gitDir: string, commit: string): Record<string, unknown>[] {
  return git(gitDir, 'notes', '--ref=agent-log', 'show', commit)
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function both(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const fast = await cli(cwd, args, { env });
  const slow = await cli(cwd, args, { env: { ...env, AGENT_LOG_SLOW_PATH: '1' } });
  return { fast, slow };
}

/** Fast and slow agree on `args`; the fast path's result. */
async function same(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const { fast, slow } = await both(cwd, args, env);
  expect({ cwd, args, ...fast }).toEqual({ cwd, args, ...slow });
  return fast;
}

/** The read invocations of every fast path (show.cjs, read.cjs, blame.cjs) on the shop. */
function readInvocations(commits: string[]): string[][] {
  return [
    ['show', 'HEAD', '--json'],
    ['show', commits[1]!, '--json'],
    ['show', IDS[0], '--json'],
    ['show', 'HEAD~1', '--json'],
    ['log'],
    ['query', '--file', 'pay.ts', '--format', '%id'],
    ['blame', 'pay.ts', '--no-pager'],
  ];
}

/** Fast and slow agree on every read invocation in `cwd`. */
async function allSame(cwd: string, commits: string[], env: NodeJS.ProcessEnv = {}) {
  for (const args of readInvocations(commits)) await same(cwd, args, env);
}

/** The git processes `args` starts on the fast path (GIT_TRACE names each). */
async function gitStarted(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  rmSync(trace, { force: true });
  const r = await cli(cwd, args, { env: { ...env, GIT_TRACE: trace } });
  expect(r.code, r.stderr).toBe(0);
  if (!existsSync(trace)) return [];
  return readFileSync(trace, 'utf8')
    .split('\n')
    .filter((l) => / trace: (built-in|exec|run_command): /.test(l));
}

/** `show HEAD --json` prints the record plain git shows for `id` on `commit`. */
function expectRecord(r: CliResult, gitDir: string, commit: string, id: string) {
  expect(r.code, r.stderr).toBe(0);
  const line = noteObjects(gitDir, commit).find((o) => o.id === id);
  expect(line).toBeDefined();
  expect(JSON.parse(r.stdout)).toEqual(line);
}

afterAll(() => {
  rmSync(trace, { force: true });
  for (const r of made) r.cleanup();
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

test(
  'a .git whose HEAD git rejects (empty after a crash, garbage): every read path gives git’s answer',
  { timeout: 300_000 },
  async () => {
    // A crash that truncates .git/HEAD leaves a directory git no longer takes for a repository.
    const { repo, commits } = await shop();
    // its own run on HEAD, which no answer may show once git no longer reads this repository
    const own = recordLine('hb1cd2ef3g', 'a run git cannot see', 3, 'pay.ts');
    await repo.git('notes', '--ref=agent-log', 'add', '-f', '-m', own, commits[3]!);
    expect((await cli(repo, ['log'])).code).toBe(0); // the index, as a first read builds it
    writeFileSync(join(repo.dir, '.git', 'HEAD'), '');
    expect(() => git(repo.dir, 'rev-parse', '--git-dir')).toThrow(/not a git repository/);
    for (const args of readInvocations(commits)) {
      const r = await same(repo.dir, args);
      expect({ args, code: r.code, stdout: r.stdout }).toEqual({ args, code: 2, stdout: '' });
    }
    // Inside another repository, git walks on to it: its records are the answer, not the broken one's.
    const outer = await shop();
    expect((await cli(outer.repo, ['log'])).code).toBe(0);
    const inner = join(outer.repo.dir, 'vendor', 'lib');
    mkdirSync(join(outer.repo.dir, 'vendor'));
    execFileSync('cp', ['-a', repo.dir, inner]);
    for (const head of ['', 'garbage\n', 'ref: HEAD\n']) {
      writeFileSync(join(inner, '.git', 'HEAD'), head);
      expect(git(inner, 'rev-parse', '--show-toplevel').trim()).toBe(outer.repo.dir);
      await allSame(inner, outer.commits);
      const r = await same(inner, ['show', 'HEAD', '--json']);
      expectRecord(r, outer.repo.dir, outer.commits[2]!, IDS[2]);
      expect((await same(inner, ['show', 'hb1cd2ef3g', '--json'])).code).toBe(1);
    }
  },
);

test(
  'SHA-256: the full path reads it, and the fast paths hand it over with the same bytes',
  { timeout: 300_000 },
  async () => {
    const { repo, commits } = await shop(['--object-format=sha256']);
    expect(commits[0]).toMatch(/^[0-9a-f]{64}$/);
    await allSame(repo.dir, commits);
    expectRecord(await same(repo.dir, ['show', 'HEAD', '--json']), repo.dir, commits[2]!, IDS[2]);
    expectRecord(await same(repo.dir, ['show', commits[1]!, '--json']), repo.dir, commits[1]!, IDS[1]);
    const log = await same(repo.dir, ['log', '--format', '%id']);
    expect(log.stdout.split('\n').filter(Boolean).sort()).toEqual([...IDS].sort());
  },
);

test(
  'a linked worktree, from its top and from a subdirectory: same answers, and no git for show',
  { timeout: 300_000 },
  async () => {
    const { repo, commits } = await shop();
    const wt = scratchDir('worktree');
    await repo.git('worktree', 'add', '-q', '-b', 'side', wt, commits[2]!);
    const deep = join(wt, 'src', 'deep');
    mkdirSync(deep, { recursive: true });
    for (const cwd of [wt, deep]) {
      await allSame(cwd, commits);
      expectRecord(await same(cwd, ['show', 'HEAD', '--json']), repo.dir, commits[2]!, IDS[2]);
      expect(await gitStarted(cwd, ['show', 'HEAD', '--json'])).toEqual([]);
      expect(await gitStarted(cwd, ['log'])).toEqual([]);
    }
  },
);

test(
  'a linked worktree whose main repository moved away: both paths give git’s refusal',
  { timeout: 300_000 },
  async () => {
    const { repo, commits } = await shop();
    const wt = scratchDir('orphan-worktree');
    await repo.git('worktree', 'add', '-q', '-b', 'side', wt, commits[2]!);
    expect((await cli(wt, ['log'])).code).toBe(0);
    const moved = scratchDir('moved-main');
    execFileSync('mv', [repo.dir, moved]);
    for (const args of readInvocations(commits)) {
      const r = await same(wt, args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toMatch(/^error: not a git repository/);
    }
    // the moved main repository itself still reads, on both paths
    expectRecord(await same(moved, ['show', 'HEAD', '--json']), moved, commits[2]!, IDS[2]);
  },
);

/** A record line of its own for `commit` (a new version of a note: git may store it as a delta). */
function extraLine(id: string, intent: string): string {
  return recordLine(id, intent, 4, 'pay.ts');
}

/** Every noted commit's `show <full id> --json`, `show HEAD --json` and `log`: same on both paths. */
async function notesSame(cwd: string, commits: string[]) {
  for (const c of commits) await same(cwd, ['show', c, '--json']);
  await same(cwd, ['show', 'HEAD', '--json']);
  await same(cwd, ['log']);
}

/** Answered from the files, no git started: `show` of each noted commit and `log`. */
async function noGit(cwd: string, commits: string[]) {
  for (const c of commits)
    expect({ c, git: await gitStarted(cwd, ['show', c, '--json']) }).toEqual({ c, git: [] });
  expect(await gitStarted(cwd, ['log'])).toEqual([]);
}

test(
  'packs as git writes them (aggressive gc, multi-pack-index, bitmaps, compression 0 and 9, .keep, cruft, loose over packed): read directly, same answers',
  { timeout: 600_000 },
  async () => {
    const { repo, commits } = await shop();
    const notes = (...a: string[]) => repo.git('notes', '--ref=agent-log', ...a);
    const noted = commits.slice(0, 3);
    expect((await cli(repo, ['log'])).code).toBe(0);
    // Versions of one note, so the packs hold deltas between them.
    for (let v = 1; v <= 3; v++)
      await notes('append', '-m', extraLine(`kq3v9x0a${v}${v}`, `card check v${v}`), noted[0]!);
    const packDir = join(repo.dir, '.git', 'objects', 'pack');
    const packs = () => readdirSync(packDir).sort();
    const shapes: [string, () => Promise<unknown>][] = [
      ['gc --aggressive', () => repo.git('gc', '-q', '--aggressive', '--prune=now')],
      ['repack --write-midx', () => repo.git('repack', '-q', '-a', '-d', '--write-midx')],
      ['repack --write-bitmap-index', () => repo.git('repack', '-q', '-a', '-d', '--write-bitmap-index')],
      ['pack.compression=0', () => repo.git('-c', 'pack.compression=0', 'repack', '-q', '-a', '-d', '-f')],
      ['pack.compression=9', () => repo.git('-c', 'pack.compression=9', 'repack', '-q', '-a', '-d', '-f')],
      [
        'core.compression=0, a loose note over its packed older version',
        async () => {
          await repo.git('config', 'core.compression', '0');
          await notes('append', '-m', extraLine('ab1cd2ef3g', 'loose and stored'), noted[0]!);
          await repo.git('config', '--unset', 'core.compression');
        },
      ],
      [
        'a .keep pack beside a new one',
        async () => {
          const pack = packs().find((n) => n.endsWith('.pack'))!;
          writeFileSync(join(packDir, pack.replace(/\.pack$/, '.keep')), '');
          await notes('append', '-m', extraLine('hb1cd2ef3g', 'beside the kept pack'), noted[1]!);
          await repo.git('repack', '-q', '-a', '-d');
          expect(packs().filter((n) => n.endsWith('.pack')).length).toBe(2);
        },
      ],
      [
        'a note blob stored in a cruft pack',
        async () => {
          for (const n of packs()) if (n.endsWith('.keep')) rmSync(join(packDir, n));
          // written while unreachable (so gc --cruft packs it as cruft), then noted
          const blob = execFileSync('git', ['hash-object', '-w', '--stdin'], {
            cwd: repo.dir,
            env: gitEnv(),
            input: `${extraLine('nb1cd2ef3g', 'from the cruft pack')}\n`,
            encoding: 'utf8',
          }).trim();
          await repo.git('gc', '-q', '--cruft', '--prune=1.week.ago');
          const cruft = packs().find((n) => n.endsWith('.mtimes'));
          expect(cruft).toBeDefined();
          const listed = execFileSync('git', ['show-index'], {
            input: readFileSync(join(packDir, cruft!.replace(/\.mtimes$/, '.idx'))),
            encoding: 'utf8',
          });
          expect(listed).toContain(blob);
          await notes('add', '-f', '-C', blob, commits[3]!);
        },
      ],
    ];
    for (const [name, make] of shapes) {
      await make();
      try {
        await notesSame(repo.dir, [...noted, commits[3]!]);
        await noGit(repo.dir, [...noted, commits[3]!]);
      } catch (e) {
        throw new Error(`after ${name}: ${(e as Error).message}`, { cause: e });
      }
    }
    // the independent reader agrees with what both paths printed last
    const shown = await same(repo.dir, ['show', noted[0]!, '--json']);
    expect((JSON.parse(shown.stdout) as { id: string }[]).map((r) => r.id).sort()).toEqual(
      noteObjects(repo.dir, noted[0]!)
        .map((o) => o.id as string)
        .sort(),
    );
    const cruftShown = await same(repo.dir, ['show', commits[3]!, '--json']);
    expectRecord(cruftShown, repo.dir, commits[3]!, 'nb1cd2ef3g');
  },
);

test(
  'pack indexes in every layout git writes (v1, v2 with 64-bit offsets) and a pack fetched thin: read directly, same answers',
  { timeout: 600_000 },
  async () => {
    const { repo, commits } = await shop();
    const noted = commits.slice(0, 3);
    // more objects, so offsets pass the thresholds below
    for (let i = 0; i < 12; i++) {
      repo.write('pay.ts', `line ${i}\n`.repeat(i + 1));
      await repo.commit(`more ${i}`);
    }
    expect((await cli(repo, ['log'])).code).toBe(0);
    await repo.git('gc', '-q', '--prune=now');
    const packDir = join(repo.dir, '.git', 'objects', 'pack');
    const pack = readdirSync(packDir).find((n) => n.endsWith('.pack'))!;
    const idx = join(packDir, pack.replace(/\.pack$/, '.idx'));
    // git index-pack --index-version=2,<offset>: every entry past the offset in the 64-bit table
    // (as in a pack over 2 GiB), then version 1 (no fanout magic, offsets beside the ids).
    for (const version of ['2,0x20', '1']) {
      rmSync(idx);
      execFileSync('git', ['index-pack', `--index-version=${version}`, join(packDir, pack)], {
        cwd: repo.dir,
        env: gitEnv(),
        stdio: 'ignore',
      });
      expect(execFileSync('git', ['verify-pack', idx], { cwd: repo.dir, env: gitEnv() }).length).toBe(0);
      const head = readFileSync(idx).subarray(0, 8);
      expect({ version, v2: head.readUInt32BE(0) === 0xff744f63 }).toEqual({ version, v2: version !== '1' });
      await notesSame(repo.dir, noted);
      await noGit(repo.dir, noted);
    }
    // A clone that fetches a new version of a note it has: the pack comes thin (its delta base is
    // the older version, already here) and is kept as a pack (unpackLimit=1), completed by git.
    const clone = scratchDir('thin-clone');
    execFileSync('git', ['clone', '-q', repo.dir, clone], { env: gitEnv() });
    git(clone, 'fetch', '-q', 'origin', 'refs/notes/agent-log:refs/notes/agent-log');
    await repo.git(
      'notes',
      '--ref=agent-log',
      'append',
      '-m',
      extraLine('ab1cd2ef3g', 'fetched thin'),
      noted[0]!,
    );
    expect((await cli(clone, ['log'])).code).toBe(0);
    git(
      clone,
      '-c',
      'fetch.unpackLimit=1',
      'fetch',
      '-q',
      'origin',
      '+refs/notes/agent-log:refs/notes/agent-log',
    );
    git(clone, 'repack', '-q', '-d');
    expect(
      readdirSync(join(clone, '.git', 'objects', 'pack')).filter((n) => n.endsWith('.pack')).length,
    ).toBe(2);
    await notesSame(clone, noted);
    expect((await same(clone, ['show', 'ab1cd2ef3g', '--json'])).code).toBe(0);
  },
);

test(
  'gc and repack between the index build and the read: the blobs move to other packs, both paths still agree',
  { timeout: 600_000 },
  async () => {
    const { repo, commits } = await shop();
    const noted = commits.slice(0, 3);
    expect((await cli(repo, ['log'])).code).toBe(0);
    expect((await cli(repo, ['blame', 'pay.ts', '--no-pager'])).code).toBe(0);
    const steps: string[][] = [
      ['gc', '-q', '--prune=now'],
      ['repack', '-q', '-a', '-d', '-f', '--depth=1'],
      ['repack', '-q', '-a', '-d', '-f', '--write-midx'],
      ['prune-packed'],
    ];
    for (const step of steps) {
      await repo.git(...step);
      await allSame(repo.dir, commits);
      await noGit(repo.dir, noted);
    }
    // loose again: every pack unpacked and deleted
    const packDir = join(repo.dir, '.git', 'objects', 'pack');
    const packs = readdirSync(packDir).filter((n) => n.endsWith('.pack'));
    const stash = scratchDir('unpacked');
    mkdirSync(stash);
    for (const p of packs) {
      execFileSync('mv', [join(packDir, p), stash]);
      for (const n of readdirSync(packDir))
        if (n.startsWith(p.replace(/\.pack$/, ''))) rmSync(join(packDir, n));
      rmSync(join(packDir, 'multi-pack-index'), { force: true });
      execFileSync('git', ['unpack-objects', '-q'], {
        cwd: repo.dir,
        env: gitEnv(),
        input: readFileSync(join(stash, p)),
      });
    }
    expect(readdirSync(packDir).filter((n) => n.endsWith('.pack'))).toEqual([]);
    await allSame(repo.dir, commits);
    await noGit(repo.dir, noted);
  },
);

test(
  'refs: a loose ref newer than packed-refs, a symbolic notes ref, a broken ref file, core.notesRef and GIT_NOTES_REF',
  { timeout: 600_000 },
  async () => {
    const { repo, commits } = await shop();
    const noted = commits.slice(0, 3);
    const notesRef = join(repo.dir, '.git', 'refs', 'notes', 'agent-log');
    expect((await cli(repo, ['log'])).code).toBe(0);
    await repo.git('pack-refs', '--all');
    expect(existsSync(notesRef)).toBe(false);
    // a new note: the loose ref is newer than packed-refs' line
    await repo.git(
      'notes',
      '--ref=agent-log',
      'add',
      '-f',
      '-m',
      extraLine('ab1cd2ef3g', 'newer than packed'),
      commits[3]!,
    );
    expect(readFileSync(join(repo.dir, '.git', 'packed-refs'), 'utf8')).toContain(' refs/notes/agent-log\n');
    await allSame(repo.dir, commits);
    expectRecord(await same(repo.dir, ['show', 'HEAD', '--json']), repo.dir, commits[3]!, 'ab1cd2ef3g');
    await noGit(repo.dir, [...noted, commits[3]!]);
    // settings for plain git's notes: ours stay on refs/notes/agent-log, read directly
    await repo.git('config', 'core.notesRef', 'refs/notes/commits');
    await repo.git('config', 'notes.displayRef', 'refs/notes/agent-log');
    await allSame(repo.dir, commits, { GIT_NOTES_REF: 'refs/notes/review' });
    await noGit(repo.dir, noted);
    // the notes ref as a symbolic ref to another: git resolves it, both paths show its notes
    const tip = (await repo.git('rev-parse', 'refs/notes/agent-log')).trim();
    await repo.git('update-ref', 'refs/notes/shared-log', tip);
    await repo.git('update-ref', '-d', 'refs/notes/agent-log');
    await repo.git('symbolic-ref', 'refs/notes/agent-log', 'refs/notes/shared-log');
    expect(readFileSync(notesRef, 'utf8')).toBe('ref: refs/notes/shared-log\n');
    await allSame(repo.dir, commits);
    expectRecord(await same(repo.dir, ['show', commits[1]!, '--json']), repo.dir, commits[1]!, IDS[1]);
    // a broken loose ref over a good packed one: git ignores the ref, and so do both paths
    await repo.git('symbolic-ref', '--delete', 'refs/notes/agent-log');
    await repo.git('update-ref', 'refs/notes/agent-log', tip);
    await repo.git('pack-refs', '--all');
    for (const broken of ['', 'not-an-object-id\n', `${tip.slice(0, 20)}\n`]) {
      writeFileSync(notesRef, broken);
      await allSame(repo.dir, commits);
    }
  },
);

test(
  'config: includes, includeIf, upper-case keys, core.worktree: same answers',
  { timeout: 600_000 },
  async () => {
    const { repo, commits } = await shop();
    const noted = commits.slice(0, 3);
    const config = join(repo.dir, '.git', 'config');
    const plain = readFileSync(config, 'utf8');
    expect((await cli(repo, ['log'])).code).toBe(0);
    writeFileSync(join(repo.dir, '.git', 'extra.cfg'), '[core]\n\tbare = false\n');
    for (const extra of [
      '[include]\n\tpath = extra.cfg\n',
      `[includeIf "gitdir:${repo.dir}/"]\n\tpath = extra.cfg\n`,
      '[Core]\n\tBare = FALSE\n\tLogAllRefUpdates = TRUE\n',
    ]) {
      writeFileSync(config, plain + extra);
      await allSame(repo.dir, commits);
      expectRecord(await same(repo.dir, ['show', 'HEAD', '--json']), repo.dir, commits[2]!, IDS[2]);
    }
    await noGit(repo.dir, noted); // upper-case keys: still read directly
    // core.worktree: the git dir elsewhere names its working tree
    writeFileSync(config, plain);
    const gitDir = scratchDir('core-worktree.git');
    execFileSync('cp', ['-a', join(repo.dir, '.git'), gitDir]);
    git(repo.dir, '--git-dir', gitDir, 'config', 'core.worktree', repo.dir);
    const outside = scratchDir('core-worktree-cwd');
    mkdirSync(outside);
    for (const cwd of [outside, repo.dir]) await allSame(cwd, commits, { GIT_DIR: gitDir });
  },
);

// Making a repository of another owner needs root (chown); elsewhere this test reports itself skipped.
test.runIf(process.getuid?.() === 0)(
  'a repository of another owner: git refuses it (safe.directory) on both paths, and with safe.directory set both answer',
  { timeout: 600_000 },
  async () => {
    const other = await shop();
    expect((await cli(other.repo, ['log'])).code).toBe(0);
    execFileSync('chown', ['-R', '4242:4242', other.repo.dir]);
    try {
      for (const args of readInvocations(other.commits)) {
        const r = await same(other.repo.dir, args);
        expect({ args, code: r.code }).toEqual({ args, code: 2 });
        expect(r.stderr).toMatch(/dubious ownership/);
      }
      const safe = scratchDir('safe-config');
      writeFileSync(safe, '[safe]\n\tdirectory = *\n');
      await allSame(other.repo.dir, other.commits, { GIT_CONFIG_GLOBAL: safe });
      readerEnv = { GIT_CONFIG_GLOBAL: safe };
      const r = await same(other.repo.dir, ['show', 'HEAD', '--json'], { GIT_CONFIG_GLOBAL: safe });
      expectRecord(r, other.repo.dir, other.commits[2]!, IDS[2]);
    } finally {
      readerEnv = {};
      execFileSync('chown', ['-R', `${process.getuid!()}:${process.getgid!()}`, other.repo.dir]);
    }
  },
);

/** `git <args>` with our CLI on PATH as git-agent-log (what `git agent-log …` runs). */
function viaGit(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const bin = scratchBin();
  const base = gitEnv(env);
  return finished(
    spawn('git', args, {
      cwd,
      env: { ...base, PATH: `${bin}:${base.PATH ?? ''}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
}

let binDir: string | undefined;
function scratchBin(): string {
  if (binDir) return binDir;
  binDir = scratchDir('bin');
  mkdirSync(binDir);
  symlinkSync(BIN, join(binDir, 'git-agent-log'));
  return binDir;
}

test(
  'alternates (clone --shared, --reference, GIT_ALTERNATE_OBJECT_DIRECTORIES), bare repositories, git --git-dir and git -C: same answers',
  { timeout: 600_000 },
  async () => {
    const { repo, commits } = await shop();
    await repo.git('gc', '-q');
    const fetchNotes = (dir: string) => git(dir, 'fetch', '-q', 'origin', 'refs/notes/*:refs/notes/*');
    const shared = scratchDir('shared');
    git(tmpdir(), 'clone', '-q', '--shared', repo.dir, shared);
    fetchNotes(shared);
    const referenced = scratchDir('referenced');
    git(tmpdir(), 'clone', '-q', '--reference', repo.dir, repo.dir, referenced);
    fetchNotes(referenced);
    for (const dir of [shared, referenced]) {
      expect(existsSync(join(dir, '.git', 'objects', 'info', 'alternates'))).toBe(true);
      await allSame(dir, commits);
      expectRecord(await same(dir, ['show', commits[1]!, '--json']), repo.dir, commits[1]!, IDS[1]);
    }
    // the alternate named by the environment only: without it git finds no commit at all
    writeFileSync(join(shared, '.git', 'objects', 'info', 'alternates'), '');
    const alt = { GIT_ALTERNATE_OBJECT_DIRECTORIES: join(repo.dir, '.git', 'objects') };
    await allSame(shared, commits, alt);
    expectRecord(await same(shared, ['show', 'HEAD', '--json'], alt), repo.dir, commits[2]!, IDS[2]);
    // bare: from the repository and through GIT_DIR from elsewhere (blame needs --rev there)
    const bare = scratchDir('bare.git');
    git(tmpdir(), 'clone', '-q', '--bare', repo.dir, bare);
    fetchNotes(bare);
    const outside = scratchDir('bare-cwd');
    mkdirSync(outside);
    for (const [cwd, env] of [
      [bare, {}],
      [outside, { GIT_DIR: bare }],
    ] as const) {
      await allSame(cwd, commits, env);
      expectRecord(await same(cwd, ['show', commits[0]!, '--json'], env), repo.dir, commits[0]!, IDS[0]);
      await same(cwd, ['blame', 'pay.ts', '--rev', 'HEAD', '--no-pager'], env);
    }
    // as a git subcommand: git -C, git --git-dir (git sets GIT_DIR), git --work-tree
    for (const lead of [
      ['-C', repo.dir],
      ['--git-dir', join(repo.dir, '.git')],
      ['--git-dir', join(repo.dir, '.git'), '--work-tree', repo.dir],
      ['--git-dir', bare],
    ]) {
      for (const args of [
        ['show', 'HEAD', '--json'],
        ['log'],
        ['query', '--file', 'pay.ts', '--format', '%id'],
      ]) {
        const fast = await viaGit(outside, [...lead, 'agent-log', ...args]);
        const slow = await viaGit(outside, [...lead, 'agent-log', ...args], { AGENT_LOG_SLOW_PATH: '1' });
        expect({ lead, args, ...fast }).toEqual({ lead, args, ...slow });
        expect({ lead, args, code: fast.code }).toEqual({ lead, args, code: 0 });
      }
    }
    const r = await viaGit(outside, ['-C', repo.dir, 'agent-log', 'show', 'HEAD', '--json']);
    expectRecord(r, repo.dir, commits[2]!, IDS[2]);
  },
);

/** A note holding exactly `bytes` (plain `git notes add -m` would clean it up first). */
async function rawNote(repo: TempRepo, commit: string, bytes: Buffer) {
  const blob = execFileSync('git', ['hash-object', '-w', '--stdin'], {
    cwd: repo.dir,
    env: gitEnv(),
    input: bytes,
  })
    .toString()
    .trim();
  await repo.git('notes', '--ref=agent-log', 'add', '-f', '-C', blob, commit);
}

test(
  'note blobs as other tools write them: empty, no final newline, CRLF, a BOM, a NUL, invalid UTF-8, 5 MB, over the limit',
  { timeout: 600_000 },
  async () => {
    const { repo } = await shop();
    const commits: string[] = [];
    for (let i = 0; i < 8; i++) {
      repo.write(`f${i}.txt`, `${i}\n`);
      commits.push(await repo.commit(`blob ${i}`));
    }
    expect((await cli(repo, ['log'])).code).toBe(0);
    const big = (id: string, mb: number) => {
      const o = JSON.parse(extraLine(id, `${mb} MB of output`)) as { commands: { output_tail: string }[] };
      o.commands[0]!.output_tail = 'x'.repeat(mb * 1024 * 1024);
      return canonicalJson(o);
    };
    const [before, after] = extraLine('ib1cd2ef3g', 'invalid utf-8 @@ here').split('@@');
    const shapes: [string, Buffer][] = [
      ['', Buffer.alloc(0)],
      ['tb1cd2ef3g', Buffer.from(extraLine('tb1cd2ef3g', 'no final newline'))],
      [
        'ab1cd2ef3g',
        Buffer.from(`${extraLine('ab1cd2ef3g', 'crlf')}\r\n{"schema":"other-tool/v2","note":"kept"}\r\n`),
      ],
      ['hb1cd2ef3g', Buffer.from(`\uFEFF${extraLine('hb1cd2ef3g', 'bom')}\n`)],
      ['nb1cd2ef3g', Buffer.from(`${extraLine('nb1cd2ef3g', 'a nul after')}\n\0\n`)],
      [
        'ib1cd2ef3g',
        Buffer.concat([Buffer.from(before!), Buffer.from([0xff, 0xfe]), Buffer.from(`${after}\n`)]),
      ],
      ['gb1cd2ef3g', Buffer.from(`${big('gb1cd2ef3g', 5)}\n`)],
      ['ob1cd2ef3g', Buffer.from(`${big('ob1cd2ef3g', 17)}\n`)],
    ];
    for (let i = 0; i < shapes.length; i++) await rawNote(repo, commits[i]!, shapes[i]![1]);
    /** Independent reader: the record line of the note as git stores it, decoded and parsed here. */
    const stored = (i: number) => {
      const bytes = execFileSync('git', ['cat-file', 'blob', `refs/notes/agent-log:${commits[i]}`], {
        cwd: repo.dir,
        env: gitEnv(),
        maxBuffer: 64 * 1024 * 1024,
      });
      expect(bytes.equals(shapes[i]![1])).toBe(true);
      const first = bytes
        .toString('utf8')
        .replace(/^\uFEFF/, '')
        .split('\n')[0]!
        .replace(/\r$/, '');
      return JSON.parse(first) as Record<string, unknown>;
    };
    const check = async () => {
      for (let i = 0; i < shapes.length; i++) {
        const [id] = shapes[i]!;
        const byCommit = await same(repo.dir, ['show', commits[i]!, '--json']);
        if (!id || id === 'ob1cd2ef3g') {
          // nothing, or over the 16 MiB every reader stops at: no record, and the same words on both paths
          expect({ id, code: byCommit.code, stdout: byCommit.stdout }).toEqual({ id, code: 1, stdout: '' });
          continue;
        }
        expect({ id, code: byCommit.code }).toEqual({ id, code: 0 });
        expect(JSON.parse(byCommit.stdout)).toEqual(stored(i));
        expect(JSON.parse((await same(repo.dir, ['show', id, '--json'])).stdout)).toEqual(stored(i));
      }
      const log = await same(repo.dir, ['log', '--format', '%id']);
      for (const [id] of shapes) if (id && id !== 'ob1cd2ef3g') expect(log.stdout).toContain(`${id}\n`);
      await same(repo.dir, ['query', '--file', 'pay.ts', '--format', '%id']);
    };
    await check();
    await noGit(repo.dir, commits.slice(1, 7)); // every readable shape is read directly
    await repo.git('gc', '-q', '--prune=now');
    await check();
    await noGit(repo.dir, commits.slice(1, 7));
  },
);

test(
  'blame FILE from a subdirectory means the file there, as git blame takes it (a monorepo with one name in two packages)',
  { timeout: 600_000 },
  async () => {
    const repo = await tempRepo();
    made.push(repo);
    repo.write('index.ts', 'export const root = 1;\n');
    const top = await repo.commit('root index');
    repo.write('packages/cart/index.ts', 'export const cart = 2;\n');
    const cart = await repo.commit('cart index');
    const notes = (...a: string[]) => repo.git('notes', '--ref=agent-log', ...a);
    await notes('add', '-m', recordLine(IDS[0], 'export the root', 0, 'index.ts'), top);
    await notes('add', '-m', recordLine(IDS[1], 'export the cart', 1, 'packages/cart/index.ts'), cart);
    expect((await cli(repo, ['log'])).code).toBe(0);
    const wt = scratchDir('blame-worktree');
    await repo.git('worktree', 'add', '-q', '-b', 'side', wt, cart);
    for (const base of [repo.dir, wt]) {
      const pkg = join(base, 'packages', 'cart');
      for (const [cwd, file] of [
        [pkg, 'index.ts'],
        [pkg, '../../index.ts'],
        [pkg, './index.ts:1'],
        [join(base, 'packages'), 'cart/index.ts'],
        [base, 'packages/cart/index.ts'],
      ] as const) {
        // independent reader: the commit plain git blame names, run where the user stands, and its note
        const path = file.replace(/:\d+$/, '');
        const porcelain = git(cwd, 'blame', '--porcelain', 'HEAD', '--', path);
        const commit = porcelain.slice(0, 40);
        const expected = noteObjects(repo.dir, commit).map((o) => o.id);
        const json = await same(cwd, ['blame', file, '--json']);
        expect({ cwd, file, code: json.code }).toEqual({ cwd, file, code: 0 });
        const report = JSON.parse(json.stdout) as { segments: { commit: string; runs: string[] }[] };
        expect({ cwd, file, segments: report.segments.map((s) => [s.commit, s.runs]) }).toEqual({
          cwd,
          file,
          segments: [[commit, expected]],
        });
        const text = await same(cwd, ['blame', file, '--no-pager']);
        expect({ cwd, file, code: text.code }).toEqual({ cwd, file, code: 0 });
        expect(text.stdout).toContain(commit.slice(0, 7));
      }
      // a path outside the working tree: git's refusal, on both paths
      const outside = await same(join(base, 'packages'), ['blame', '../../elsewhere.ts', '--no-pager']);
      expect(outside.code).toBe(2);
    }
  },
);

test(
  'an .idx whose .pack is gone (an interrupted repack leaves one; git ignores it): same answers, still read directly',
  { timeout: 600_000 },
  async () => {
    const { repo, commits } = await shop();
    const noted = commits.slice(0, 3);
    expect((await cli(repo, ['log'])).code).toBe(0);
    await repo.git('gc', '-q', '--prune=now');
    const packDir = join(repo.dir, '.git', 'objects', 'pack');
    const idx = readdirSync(packDir).find((n) => n.endsWith('.idx'))!;
    // sorted before the real one, so a reader that trusts it looks there first
    writeFileSync(join(packDir, `pack-${'0'.repeat(40)}.idx`), readFileSync(join(packDir, idx)));
    expect(git(repo.dir, 'count-objects', '-v')).toMatch(/^garbage: 1$/m);
    await allSame(repo.dir, commits);
    await noGit(repo.dir, noted);
  },
);

test(
  'a shallow clone and a blob-less partial clone (note blobs fetched on demand): same answers as git gives',
  { timeout: 600_000 },
  async () => {
    const { repo, commits } = await shop();
    await repo.git('config', 'uploadpack.allowFilter', 'true');
    const url = `file://${repo.dir}`;
    const shallow = scratchDir('shallow');
    git(tmpdir(), 'clone', '-q', '--depth=2', url, shallow);
    git(shallow, 'fetch', '-q', 'origin', 'refs/notes/*:refs/notes/*');
    expect(existsSync(join(shallow, '.git', 'shallow'))).toBe(true);
    await allSame(shallow, commits);
    // a record on a commit beyond the shallow line: found by its ID, its commit not in this clone
    expectRecord(await same(shallow, ['show', IDS[0], '--json']), repo.dir, commits[0]!, IDS[0]);
    const partial = scratchDir('partial');
    git(tmpdir(), 'clone', '-q', '--filter=blob:none', url, partial);
    // the clone's filter applies to this fetch too: the note blobs stay on the remote until read
    git(partial, 'fetch', '-q', 'origin', 'refs/notes/*:refs/notes/*');
    expect(git(partial, 'rev-list', '--objects', '--missing=print', 'refs/notes/agent-log')).toMatch(/^\?/m);
    for (const args of readInvocations(commits)) {
      const r = await same(partial, args);
      expect({ args, code: r.code }).toEqual({ args, code: 0 });
    }
    expectRecord(await same(partial, ['show', 'HEAD', '--json']), repo.dir, commits[2]!, IDS[2]);
  },
);

/** Independent reader: the commits plain git lists a note on. */
function notedByGit(dir: string): string[] {
  return git(dir, 'notes', '--ref=agent-log', 'list')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' ')[1]!);
}

/**
 * A hand-made notes tree in which only run 1 (on the shop's second commit) is a note to git: on both
 * paths, with the index as it stands and built again from nothing, `show <commit>` of each of
 * `commits` finds a record exactly where git lists a note, run 1's as git shows it; no run of
 * `hidden` is found by its ID; `log` lists run 1 alone.
 */
async function onlyRunOneShows(dir: string, commits: string[], hidden: string[]) {
  const listed = notedByGit(dir);
  const check = async () => {
    for (const c of commits) {
      const r = await same(dir, ['show', c, '--json']);
      expect({ c, code: r.code }).toEqual({ c, code: listed.includes(c) ? 0 : 1 });
    }
    expectRecord(await same(dir, ['show', commits[1]!, '--json']), dir, commits[1]!, IDS[1]);
    for (const id of hidden)
      expect({ id, code: (await same(dir, ['show', id, '--json'])).code }).toEqual({ id, code: 1 });
    expect((await same(dir, ['log', '--format', '%id'])).stdout).toBe(`${IDS[1]}\n`);
  };
  await check();
  rmSync(join(dir, '.git', 'agent-log', 'index'), { recursive: true, force: true });
  await check();
}

test(
  'a notes tree an attacker wrote: a record under a symlink, gitlink or tree entry is no note to git, and none to us either',
  { timeout: 600_000 },
  async () => {
    const { repo, commits } = await shop();
    const [c0, c1, c2, c3] = commits as [string, string, string, string];
    const blobOf = (c: string) => git(repo.dir, 'rev-parse', `refs/notes/agent-log:${c}`).trim();
    const hidden = (id: string) =>
      execFileSync('git', ['hash-object', '-w', '--stdin'], {
        cwd: repo.dir,
        env: gitEnv(),
        input: `${extraLine(id, 'an approval nobody sees in git')}\n`,
        encoding: 'utf8',
      }).trim();
    const sub = execFileSync('git', ['mktree'], {
      cwd: repo.dir,
      env: gitEnv(),
      input: `100644 blob ${hidden('tb1cd2ef3g')}\tx\n`,
      encoding: 'utf8',
    }).trim();
    // c0: the record as a symbolic link; c1: as an executable file (a note to git); c2: a gitlink;
    // c3: a tree named like the commit. git mktree writes exactly these entries.
    const tree = execFileSync('git', ['mktree'], {
      cwd: repo.dir,
      env: gitEnv(),
      input: [
        `120000 blob ${hidden('sb1cd2ef3g')}\t${c0}`,
        `100755 blob ${blobOf(c1)}\t${c1}`,
        `160000 commit ${c3}\t${c2}`,
        `040000 tree ${sub}\t${c3}`,
        '',
      ].join('\n'),
      encoding: 'utf8',
    }).trim();
    const tip = git(repo.dir, 'rev-parse', 'refs/notes/agent-log').trim();
    const next = git(repo.dir, 'commit-tree', '-p', tip, '-m', 'notes by hand', tree).trim();
    // built twice: from nothing, and updated from the index of the notes before
    expect((await cli(repo, ['log'])).code).toBe(0);
    git(repo.dir, 'update-ref', 'refs/notes/agent-log', next);
    expect(notedByGit(repo.dir)).toEqual([c1]);
    await onlyRunOneShows(repo.dir, commits, ['sb1cd2ef3g', 'tb1cd2ef3g', IDS[0], IDS[2]]);
  },
);

test(
  'an index written before symbolic-link entries stopped counting as notes (format 3) is rebuilt, not trusted',
  { timeout: 600_000 },
  async () => {
    const { repo, commits } = await shop();
    const c0 = commits[0]!;
    const indexDir = join(repo.dir, '.git', 'agent-log', 'index');
    // The index as it stands with c0's record a regular note
    expect((await cli(repo, ['show', IDS[0], '--json'])).code).toBe(0);
    // The same tree with c0's entry made a symbolic link by hand: no note to git from here on
    const tip = git(repo.dir, 'rev-parse', 'refs/notes/agent-log').trim();
    const entries = git(repo.dir, 'ls-tree', tip);
    const blob0 = git(repo.dir, 'rev-parse', `${tip}:${c0}`).trim();
    const tree = execFileSync('git', ['mktree'], {
      cwd: repo.dir,
      env: gitEnv(),
      input: entries.replace(`100644 blob ${blob0}\t${c0}`, `120000 blob ${blob0}\t${c0}`),
      encoding: 'utf8',
    }).trim();
    expect(git(repo.dir, 'ls-tree', tree)).toContain(`120000 blob ${blob0}\t${c0}`);
    const next = git(repo.dir, 'commit-tree', '-p', tip, '-m', 'by hand', tree).trim();
    git(repo.dir, 'update-ref', 'refs/notes/agent-log', next);
    // What a version before the fix wrote at that tip: c0's record counted. Made from today's index
    // of the tip before (same entries) with the header of format 3 at the new tip; its side files
    // gone, as after a crash.
    const file = join(indexDir, 'records.v1');
    const [head, ...rest] = readFileSync(file, 'utf8').split('\n');
    const header = JSON.parse(head!) as { version: number; tip: string };
    writeFileSync(file, [JSON.stringify({ ...header, version: 3, tip: next }), ...rest].join('\n'));
    for (const side of readdirSync(indexDir)) if (side !== 'records.v1') rmSync(join(indexDir, side));
    // Independent reader: git lists no note on c0 any more
    expect(git(repo.dir, 'notes', '--ref=agent-log', 'list')).not.toContain(` ${c0}`);
    for (const args of [
      ['show', IDS[0], '--json'],
      ['show', c0, '--json'],
    ])
      expect({ args, code: (await same(repo.dir, args)).code }).toEqual({ args, code: 1 });
    const log = await same(repo.dir, ['log', '--format', '%id']);
    expect(log.stdout.split('\n').filter(Boolean).sort()).toEqual([IDS[1], IDS[2]].sort());
  },
);

test(
  'notes tree names as git reads them: a four-digit directory or a 64-digit name in a SHA-1 repository is no note, an upper-case name is one',
  { timeout: 600_000 },
  async () => {
    const { repo, commits } = await shop();
    const [c0, c1, c2] = commits as [string, string, string, string];
    const tip = git(repo.dir, 'rev-parse', 'refs/notes/agent-log').trim();
    const blobOf = (c: string) => git(repo.dir, 'rev-parse', `${tip}:${c}`).trim();
    const mktree = (input: string) =>
      execFileSync('git', ['mktree'], { cwd: repo.dir, env: gitEnv(), input, encoding: 'utf8' }).trim();
    // c0's record below a directory of four digits; c1's under its name in capitals; c2's under a
    // 64-digit name; the pointer line on c3 stays as git wrote it.
    const deep = mktree(`100644 blob ${blobOf(c0)}\t${c0.slice(4)}\n`);
    const rest = git(repo.dir, 'ls-tree', tip)
      .split('\n')
      .filter((l) => l && ![c0, c1, c2].some((c) => l.endsWith(`\t${c}`)));
    const tree = mktree(
      [
        ...rest,
        `040000 tree ${deep}\t${c0.slice(0, 4)}`,
        `100644 blob ${blobOf(c1)}\t${c1.toUpperCase()}`,
        `100644 blob ${blobOf(c2)}\t${c2}${'0'.repeat(24)}`,
        '',
      ].join('\n'),
    );
    const next = git(repo.dir, 'commit-tree', '-p', tip, '-m', 'names by hand', tree).trim();
    // built twice: updated from the index of the notes before, and from nothing
    expect((await cli(repo, ['log'])).code).toBe(0);
    git(repo.dir, 'update-ref', 'refs/notes/agent-log', next);
    expect(notedByGit(repo.dir).sort()).toEqual([c1, commits[3]!].sort());
    // (c3's pointer line names run 2, whose full line is no note any more)
    await onlyRunOneShows(repo.dir, commits.slice(0, 3), [IDS[0], IDS[2]]);
    // An approval of the run noted in capitals: one note on c1 afterwards, in lower case, holding
    // the record once and the approval (no copy left under the old name for git to join to it)
    const approved = await cli(repo, ['approve', IDS[1], '--for', 'deploy']);
    expect(approved.code, approved.stderr).toBe(0);
    const paths = git(repo.dir, 'ls-tree', '-r', '--name-only', 'refs/notes/agent-log')
      .split('\n')
      .filter((p) => p.replaceAll('/', '').toLowerCase() === c1);
    expect(paths).toEqual([c1]);
    const lines = noteObjects(repo.dir, c1);
    expect(lines.filter((o) => o.id === IDS[1] && o.kind === 'record')).toHaveLength(1);
    expect(lines.filter((o) => o.kind === 'event')).toHaveLength(1);
  },
);
