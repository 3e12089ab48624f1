// One contract, two engines: every assertion here runs on the native engine (git plumbing) and on the
// isomorphic engine (isomorphic-git objects + our own refs and CAS), against real git repositories
// and checked with the real `git`.
import { execFile, execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { chmod, open, readFile as readFileAsync, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deflateSync } from 'node:zlib';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { UnsupportedRepoError } from '../../src/errors.js';
import { EMPTY_TREE, type EngineName, type GitEngine, type TreeEntry } from '../../src/git/engine.js';
import { writeFileAtomic } from '../../src/git/isomorphic/atomic-fs.js';
import { createIsomorphicEngine } from '../../src/git/isomorphic/engine.js';
import { Packs } from '../../src/git/isomorphic/packs.js';
import { NativeEngine } from '../../src/git/native/engine.js';
import { locateWithFs, locateWithGit } from '../../src/git/repo.js';
import { gitEnv, ROOT, type TempRepo, tempRepo, tick } from '../helpers/repo.js';

const run = promisify(execFile);

// Hermetic git for both the engines (they read process.env) and the checks.
beforeAll(() => {
  Object.assign(process.env, {
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    HOME: tmpdir(),
    TZ: 'UTC',
  });
  for (const k of [
    'GIT_AUTHOR_NAME',
    'GIT_AUTHOR_EMAIL',
    'GIT_COMMITTER_NAME',
    'GIT_COMMITTER_EMAIL',
    'EMAIL',
  ]) {
    delete process.env[k];
  }
  for (const k of ['GIT_AUTHOR_DATE', 'GIT_COMMITTER_DATE', 'GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE']) {
    delete process.env[k];
  }
});

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, env: gitEnv(), maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** git that also reads the private snapshot store (where snapshot trees and untracked files live). */
async function snapGit(cwd: string, ...args: string[]): Promise<string> {
  const common = (await git(cwd, 'rev-parse', '--path-format=absolute', '--git-common-dir')).trim();
  const alt = join(common, 'agent-log', 'snapshots', 'objects');
  const { stdout } = await run('git', args, {
    cwd,
    env: gitEnv({ GIT_ALTERNATE_OBJECT_DIRECTORIES: alt }),
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

async function gitBuf(cwd: string, ...args: string[]): Promise<Buffer> {
  const { stdout } = await run('git', args, { cwd, env: gitEnv(), encoding: 'buffer' });
  return stdout;
}

function gitWithInput(cwd: string, input: string | Buffer, ...rest: (string | NodeJS.ProcessEnv)[]): string {
  const env = typeof rest[rest.length - 1] === 'object' ? (rest.pop() as NodeJS.ProcessEnv) : {};
  return execFileSync('git', rest as string[], { cwd, env: gitEnv(env), input, encoding: 'utf8' });
}

function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'agent-log-engine-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The object format of the repositories the running block makes (SHA-256: 32-byte ids). */
let format: 'sha1' | 'sha256' = 'sha1';
const SHA256_EMPTY_TREE = '6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321';
const emptyTree = () => (format === 'sha256' ? SHA256_EMPTY_TREE : EMPTY_TREE);
/** A well-formed id that names no object. */
const absentOid = () => '1'.repeat(format === 'sha256' ? 64 : 40);

async function repo(files?: Record<string, string>, opts: { bare?: boolean } = {}): Promise<TempRepo> {
  const args = format === 'sha256' ? ['--object-format=sha256'] : [];
  const r = await tempRepo({ files, ...opts, args });
  cleanups.push(() => r.cleanup());
  return r;
}

async function openEngine(name: EngineName, dir: string): Promise<GitEngine> {
  const engine =
    name === 'native'
      ? new NativeEngine(locateWithGit(dir))
      : await createIsomorphicEngine(locateWithFs(dir));
  cleanups.push(() => engine.close());
  return engine;
}

const NOTES = 'refs/notes/agent-log';

describe.each([
  ['native', 'sha1'],
  ['isomorphic', 'sha1'],
  ['native', 'sha256'],
] as const)('%s engine, %s repositories', (name, objectFormat) => {
  beforeAll(() => {
    format = objectFormat;
  });
  afterAll(() => {
    format = 'sha1';
  });

  describe('objects', () => {
    test('a blob it writes is read back byte for byte by git, binary included', async () => {
      const r = await repo();
      const engine = await openEngine(name, r.dir);
      const bytes = Buffer.from([0, 1, 2, 255, 10, 0, 65]);
      const oid = await engine.writeBlob(bytes);
      expect(oid).toBe(gitWithInput(r.dir, bytes, 'hash-object', '--stdin').trim());
      expect(await gitBuf(r.dir, 'cat-file', 'blob', oid)).toEqual(bytes);
      const text = await engine.writeBlob('hello\n');
      expect(text).toBe(gitWithInput(r.dir, 'hello\n', 'hash-object', '--stdin').trim());
      expect(await git(r.dir, 'cat-file', '-t', text)).toBe('blob\n');
    });

    test('a tree it writes has the id and listing git gives the same entries', async () => {
      const r = await repo();
      const engine = await openEngine(name, r.dir);
      const blob = await engine.writeBlob('x\n');
      const sub = await engine.writeTree([{ mode: '100644', type: 'blob', oid: blob, name: 'inner' }]);
      const entries: TreeEntry[] = [
        { mode: '100644', type: 'blob', oid: blob, name: 'a.b' },
        { mode: '040000', type: 'tree', oid: sub, name: 'a' },
        { mode: '100755', type: 'blob', oid: blob, name: 'run.sh' },
        { mode: '120000', type: 'blob', oid: blob, name: 'link' },
        { mode: '100644', type: 'blob', oid: blob, name: 'a-b' },
      ];
      const oid = await engine.writeTree(entries);
      const mktree = entries.map((e) => `${e.mode} ${e.type} ${e.oid}\t${e.name}`).join('\n');
      expect(oid).toBe(gitWithInput(r.dir, `${mktree}\n`, 'mktree').trim());
      expect(await git(r.dir, 'ls-tree', oid)).toBe(
        [
          `100644 blob ${blob}\ta-b`,
          `100644 blob ${blob}\ta.b`,
          `040000 tree ${sub}\ta`,
          `120000 blob ${blob}\tlink`,
          `100755 blob ${blob}\trun.sh`,
          '',
        ].join('\n'),
      );
      expect(await engine.readTree(oid)).toEqual(
        [entries[4], entries[0], entries[1], entries[3], entries[2]].map((e) => ({ ...e })),
      );
    });

    test('a commit it writes is the commit git commit-tree makes from the same input', async () => {
      const r = await repo({ 'a.txt': 'a\n' });
      const engine = await openEngine(name, r.dir);
      const head = (await git(r.dir, 'rev-parse', 'HEAD')).trim();
      const tree = (await git(r.dir, 'rev-parse', 'HEAD^{tree}')).trim();
      const who = { name: 'Ada Lovelace', email: 'ada@example.com' };
      const oid = await engine.writeCommit({
        tree,
        parents: [head],
        message: 'notes: seal run\n\nbody line\n',
        author: who,
        committer: { name: 'Bot', email: 'bot@example.com' },
        time: 1_800_000_000,
      });
      const byGit = gitWithInput(
        r.dir,
        'notes: seal run\n\nbody line\n',
        'commit-tree',
        tree,
        '-p',
        head,
        '-F',
        '-',
        {
          GIT_AUTHOR_NAME: who.name,
          GIT_AUTHOR_EMAIL: who.email,
          GIT_COMMITTER_NAME: 'Bot',
          GIT_COMMITTER_EMAIL: 'bot@example.com',
          GIT_AUTHOR_DATE: '@1800000000 +0000',
          GIT_COMMITTER_DATE: '@1800000000 +0000',
        },
      );
      expect(oid).toBe(byGit.trim());
      const info = await engine.readCommit(oid);
      expect(info).toEqual({
        oid,
        tree,
        parents: [head],
        author: { ...who, timestamp: 1_800_000_000, tz: '+0000' },
        committer: { name: 'Bot', email: 'bot@example.com', timestamp: 1_800_000_000, tz: '+0000' },
        message: 'notes: seal run\n\nbody line\n',
      });
    });

    test('without an explicit time it honours GIT_AUTHOR_DATE / GIT_COMMITTER_DATE as git commit-tree does', async () => {
      const r = await repo();
      await git(r.dir, 'config', 'user.name', 'Repo User');
      await git(r.dir, 'config', 'user.email', 'repo@example.com');
      Object.assign(process.env, {
        GIT_AUTHOR_DATE: '@1800000100 +0200',
        GIT_COMMITTER_DATE: '2027-01-15T10:00:00Z',
      });
      try {
        const engine = await openEngine(name, r.dir);
        const oid = await engine.writeCommit({ tree: emptyTree(), parents: [], message: 'pinned\n' });
        const byGit = gitWithInput(r.dir, 'pinned\n', 'commit-tree', emptyTree(), '-F', '-', {
          GIT_AUTHOR_DATE: '@1800000100 +0200',
          GIT_COMMITTER_DATE: '2027-01-15T10:00:00Z',
          GIT_AUTHOR_NAME: 'Repo User',
          GIT_AUTHOR_EMAIL: 'repo@example.com',
          GIT_COMMITTER_NAME: 'Repo User',
          GIT_COMMITTER_EMAIL: 'repo@example.com',
        });
        expect(oid).toBe(byGit.trim());
      } finally {
        delete process.env.GIT_AUTHOR_DATE;
        delete process.env.GIT_COMMITTER_DATE;
      }
    });

    test('it reads commits, trees and blobs git wrote, loose and packed', async () => {
      const r = await repo({ 'src/a.ts': 'export const a = 1;\n', 'README.md': '# r\n' });
      tick();
      r.write('src/a.ts', 'export const a = 2;\n');
      const head = await r.commit('second\n\nwith body');
      for (const packed of [false, true]) {
        if (packed) await git(r.dir, 'gc', '-q', '--prune=now');
        const engine = await openEngine(name, r.dir);
        const c = await engine.readCommit(head);
        expect(c.tree).toBe((await git(r.dir, 'rev-parse', 'HEAD^{tree}')).trim());
        expect(c.parents).toEqual([(await git(r.dir, 'rev-parse', 'HEAD~1')).trim()]);
        expect(c.author.name).toBe('Test Author');
        expect(c.author.email).toBe('author@example.com');
        expect(c.author.timestamp).toBe(Number((await git(r.dir, 'log', '-1', '--format=%at')).trim()));
        expect(c.message).toBe(
          (await git(r.dir, 'cat-file', 'commit', head)).split('\n\n').slice(1).join('\n\n'),
        );
        const top = await engine.readTree(c.tree);
        expect(top.map((e) => `${e.mode} ${e.type} ${e.oid}\t${e.name}`).join('\n')).toBe(
          (await git(r.dir, 'ls-tree', c.tree)).trim(),
        );
        const src = top.find((e) => e.name === 'src')!;
        const [file] = await engine.readTree(src.oid);
        expect((await engine.readBlob(file!.oid)).toString()).toBe('export const a = 2;\n');
        expect((await engine.readTree(head)).map((e) => e.name)).toEqual(['README.md', 'src']);
      }
    });

    test('readBlobs returns what exists and leaves out missing ids', async () => {
      const r = await repo();
      const engine = await openEngine(name, r.dir);
      const a = await engine.writeBlob('one\n');
      const b = await engine.writeBlob('two\n');
      const missing = absentOid();
      const got = await engine.readBlobs([a, missing, b, a]);
      expect([...got.keys()].sort()).toEqual([a, b].sort());
      expect(got.get(a)?.toString()).toBe('one\n');
      expect(got.get(b)?.toString()).toBe('two\n');
      await expect(engine.readBlob(missing)).rejects.toThrow(/missing/);
    });
  });

  describe('refs', () => {
    test('casRef creates with expected null, refuses a stale expectation, and moves on a match', async () => {
      const r = await repo({ 'a.txt': 'a\n' });
      const engine = await openEngine(name, r.dir);
      const tree = (await git(r.dir, 'rev-parse', 'HEAD^{tree}')).trim();
      const c1 = await engine.writeCommit({ tree, parents: [], message: 'one\n', time: 1 });
      const c2 = await engine.writeCommit({ tree, parents: [c1], message: 'two\n', time: 2 });
      expect(await engine.readRef(NOTES)).toBeNull();
      expect(await engine.casRef(NOTES, c1, null, 'agent-log: first seal')).toBe(true);
      expect((await git(r.dir, 'rev-parse', NOTES)).trim()).toBe(c1);
      expect(await engine.readRef(NOTES)).toBe(c1);

      expect(await engine.casRef(NOTES, c2, null, 'must not exist')).toBe(false);
      expect(await engine.casRef(NOTES, c2, c2, 'wrong old value')).toBe(false);
      expect((await git(r.dir, 'rev-parse', NOTES)).trim()).toBe(c1);

      expect(await engine.casRef(NOTES, c2, c1, 'agent-log: second seal')).toBe(true);
      expect((await git(r.dir, 'rev-parse', NOTES)).trim()).toBe(c2);
      const reflog = await git(r.dir, 'reflog', 'show', '--format=%H %gs', NOTES);
      expect(reflog).toBe(`${c2} agent-log: second seal\n${c1} agent-log: first seal\n`);
    });

    test('casRef throws at once, not a lost race to retry, when git refuses the update itself', async () => {
      const r = await repo({ 'a.txt': 'a\n' });
      const engine = await openEngine(name, r.dir);
      await expect(engine.casRef(NOTES, 'not-an-object-id', null, 'x')).rejects.toThrow();
      expect(await engine.readRef(NOTES)).toBeNull();
    });

    test('isReachable: commits on HEAD, a branch, a remote-tracking branch or a tag are live, others not', async () => {
      const r = await repo({ 'a.txt': 'a\n' });
      const c1 = (await git(r.dir, 'rev-parse', 'HEAD')).trim();
      tick();
      const c2 = await r.commit('two');
      const loose = async (message: string) =>
        (await git(r.dir, 'commit-tree', emptyTree(), '-p', c1, '-m', message)).trim();
      const orphan = await loose('rebased away');
      const tagged = await loose('tagged');
      const tracked = await loose('fetched');
      const side = await loose('on a branch');
      await git(r.dir, 'tag', '-a', '-m', 'release', 'v1', tagged);
      await git(r.dir, 'update-ref', 'refs/remotes/origin/topic', tracked);
      await git(r.dir, 'update-ref', 'refs/heads/side', side);
      for (const packed of [false, true]) {
        if (packed) await git(r.dir, 'pack-refs', '--all');
        const engine = await openEngine(name, r.dir);
        for (const live of [c1, c2, tagged, tracked, side]) expect(await engine.isReachable(live)).toBe(true);
        expect(await engine.isReachable(orphan)).toBe(false);
        expect(await engine.isReachable(absentOid())).toBe(false);
      }
      await git(r.dir, 'branch', '-q', '-D', 'side');
      expect(await (await openEngine(name, r.dir)).isReachable(side)).toBe(false);
    });

    test('casRef works on a packed ref and readRef sees packed refs', async () => {
      const r = await repo({ 'a.txt': 'a\n' });
      const head = (await git(r.dir, 'rev-parse', 'HEAD')).trim();
      await git(r.dir, 'update-ref', NOTES, head);
      await git(r.dir, 'pack-refs', '--all');
      expect(existsSync(join(r.dir, '.git', NOTES))).toBe(false);
      const engine = await openEngine(name, r.dir);
      expect(await engine.readRef(NOTES)).toBe(head);
      const next = await engine.writeCommit({ tree: emptyTree(), parents: [head], message: 'n\n', time: 5 });
      expect(await engine.casRef(NOTES, next, null, 'x')).toBe(false);
      expect(await engine.casRef(NOTES, next, head, 'x')).toBe(true);
      expect((await git(r.dir, 'rev-parse', NOTES)).trim()).toBe(next);
    });

    test('casRef returns false while another process holds the ref lock', async () => {
      const r = await repo({ 'a.txt': 'a\n' });
      const head = (await git(r.dir, 'rev-parse', 'HEAD')).trim();
      await git(r.dir, 'update-ref', NOTES, head);
      await writeFile(join(r.dir, '.git', `${NOTES}.lock`), '');
      const engine = await openEngine(name, r.dir);
      const next = await engine.writeCommit({ tree: emptyTree(), parents: [head], message: 'n\n', time: 5 });
      expect(await engine.casRef(NOTES, next, head, 'x')).toBe(false);
      expect((await git(r.dir, 'rev-parse', NOTES)).trim()).toBe(head);
    });

    test('deleteRef removes a loose or packed ref only when it has the expected value', async () => {
      const r = await repo({ 'a.txt': 'a\n' });
      const head = (await git(r.dir, 'rev-parse', 'HEAD')).trim();
      const engine = await openEngine(name, r.dir);
      for (const ref of ['refs/notes/loose', 'refs/notes/packed']) {
        await git(r.dir, 'update-ref', ref, head);
      }
      await git(r.dir, 'pack-refs', '--all');
      await git(r.dir, 'update-ref', 'refs/notes/loose', head);
      for (const ref of ['refs/notes/loose', 'refs/notes/packed']) {
        expect(await engine.deleteRef(ref, emptyTree())).toBe(false);
        expect((await git(r.dir, 'rev-parse', ref)).trim()).toBe(head);
        expect(await engine.deleteRef(ref, head)).toBe(true);
        await expect(git(r.dir, 'rev-parse', '--verify', '-q', ref)).rejects.toThrow();
        expect(await engine.readRef(ref)).toBeNull();
      }
      expect((await git(r.dir, 'rev-parse', 'refs/heads/main')).trim()).toBe(head);
    });
  });

  describe('HEAD and revisions', () => {
    test('head() names the branch and its commit', async () => {
      const r = await repo({ 'a.txt': 'a\n' });
      const engine = await openEngine(name, r.dir);
      expect(await engine.head()).toEqual({
        branch: 'main',
        commit: (await git(r.dir, 'rev-parse', 'HEAD')).trim(),
      });
    });

    test('head() on a detached HEAD has no branch', async () => {
      const r = await repo({ 'a.txt': 'a\n' });
      const first = (await git(r.dir, 'rev-parse', 'HEAD')).trim();
      tick();
      await r.commit('second');
      await git(r.dir, 'checkout', '-q', '--detach', first);
      const engine = await openEngine(name, r.dir);
      expect(await engine.head()).toEqual({ branch: null, commit: first });
    });

    test('head() in an empty repository has a branch and no commit', async () => {
      const r = await repo();
      const engine = await openEngine(name, r.dir);
      expect(await engine.head()).toEqual({ branch: 'main', commit: null });
      expect(await engine.resolve('HEAD')).toBeNull();
      expect(await engine.readRef('refs/heads/main')).toBeNull();
    });

    test('in a linked worktree it reads that worktree’s HEAD and writes where the main worktree sees it', async () => {
      const r = await repo({ 'a.txt': 'a\n' });
      const wt = join(scratchDir(), 'wt');
      await git(r.dir, 'worktree', 'add', '-q', '-b', 'side', wt);
      tick();
      await git(wt, 'commit', '-q', '--allow-empty', '-m', 'on side');
      const sideHead = (await git(wt, 'rev-parse', 'HEAD')).trim();
      const engine = await openEngine(name, wt);
      expect(engine.location.worktree).toBe(wt);
      expect(engine.location.commonDir).toBe(join(r.dir, '.git'));
      expect(await engine.head()).toEqual({ branch: 'side', commit: sideHead });
      expect(await engine.resolve('HEAD')).toBe(sideHead);

      const mainHead = (await git(r.dir, 'rev-parse', 'HEAD')).trim();
      const mainEngine = await openEngine(name, r.dir);
      expect(await mainEngine.resolve('worktrees/wt/HEAD')).toBe(sideHead);
      expect(await engine.resolve('main-worktree/HEAD')).toBe(mainHead);
      expect(await engine.resolve('worktrees/nope/HEAD')).toBeNull();

      const blob = await engine.writeBlob('from the worktree\n');
      const tree = await engine.writeTree([{ mode: '100644', type: 'blob', oid: blob, name: 'n' }]);
      const commit = await engine.writeCommit({ tree, parents: [], message: 'notes\n' });
      expect(await engine.casRef(NOTES, commit, null, 'from worktree')).toBe(true);
      expect((await git(r.dir, 'rev-parse', NOTES)).trim()).toBe(commit);
      expect(await git(r.dir, 'cat-file', 'blob', blob)).toBe('from the worktree\n');
      expect(existsSync(join(r.dir, '.git', 'worktrees', 'wt', 'objects'))).toBe(false);
      expect(existsSync(join(r.dir, '.git', 'worktrees', 'wt', 'refs', 'notes'))).toBe(false);
    });

    test('resolve() understands HEAD, ~N, ^N, branch and tag names and short ids', async () => {
      const r = await repo({ 'a.txt': 'a\n' });
      const c1 = (await git(r.dir, 'rev-parse', 'HEAD')).trim();
      tick();
      const c2 = await r.commit('two');
      await git(r.dir, 'tag', '-a', '-m', 'release', 'v1', c1);
      const engine = await openEngine(name, r.dir);
      expect(await engine.resolve('HEAD')).toBe(c2);
      expect(await engine.resolve('HEAD~1')).toBe(c1);
      expect(await engine.resolve('HEAD^')).toBe(c1);
      expect(await engine.resolve('main')).toBe(c2);
      expect(await engine.resolve('refs/heads/main')).toBe(c2);
      expect(await engine.resolve('v1')).toBe(c1);
      expect(await engine.resolve(c2.slice(0, 10))).toBe(c2);
      expect(await engine.resolve(c2)).toBe(c2);
      expect(await engine.resolve('no-such-branch')).toBeNull();
      expect(await engine.resolve('HEAD~5')).toBeNull();
      expect(await engine.resolve(absentOid())).toBeNull();
    });
  });

  describe('history', () => {
    async function historyRepo() {
      // main: c1 - c2 ------- m (merge of side) - c5
      //              \- s1 - s2 /
      const r = await repo({ 'a.txt': '1\n' });
      const c1 = (await git(r.dir, 'rev-parse', 'HEAD')).trim();
      tick();
      r.write('a.txt', '2\n');
      const c2 = await r.commit('c2');
      await git(r.dir, 'checkout', '-q', '-b', 'side');
      tick();
      r.write('s.txt', 's1\n');
      const s1 = await r.commit('s1');
      tick();
      r.write('s.txt', 's2\n');
      const s2 = await r.commit('s2');
      await git(r.dir, 'checkout', '-q', 'main');
      tick();
      r.write('b.txt', 'b\n');
      const c3 = await r.commit('c3');
      tick();
      await r.git('merge', '-q', '--no-ff', '-m', 'merge side', 'side');
      const m = (await git(r.dir, 'rev-parse', 'HEAD')).trim();
      tick();
      r.write('a.txt', '5\n');
      const c5 = await r.commit('c5');
      return { r, c1, c2, s1, s2, c3, m, c5 };
    }

    test('commitsBetween lists what git rev-list lists, merges included, newest first', async () => {
      const h = await historyRepo();
      const engine = await openEngine(name, h.r.dir);
      const revList = async (...args: string[]) =>
        (await git(h.r.dir, 'rev-list', ...args)).split('\n').filter(Boolean);
      expect(await engine.commitsBetween(h.c1, h.c5)).toEqual(await revList(h.c5, `^${h.c1}`));
      expect(await engine.commitsBetween(h.c1, h.c5)).toHaveLength(6);
      expect(await engine.commitsBetween(h.s1, h.c5)).toEqual(await revList(h.c5, `^${h.s1}`));
      expect(await engine.commitsBetween(h.c3, h.s2)).toEqual([h.s2, h.s1]);
      expect(await engine.commitsBetween(null, h.c5)).toEqual(await revList(h.c5));
      expect(await engine.commitsBetween(h.c5, h.c5)).toEqual([]);
    });

    test('commitsBetween on straight lines (short, longer than a walk, a replaced or grafted parent, shallow) lists what git rev-list lists', async () => {
      const r = await repo();
      const line: string[] = [];
      for (let i = 0; i < 24; i++) {
        const args = [
          'commit-tree',
          emptyTree(),
          ...(line.length ? ['-p', line.at(-1)!] : []),
          '-m',
          `l${i}`,
        ];
        const when = `@${1_790_000_000 + i * 60} +0000`;
        const { stdout } = await run('git', args, {
          cwd: r.dir,
          env: gitEnv({ GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when }),
        });
        line.push(stdout.trim());
      }
      await git(r.dir, 'update-ref', 'refs/heads/line', line.at(-1)!);
      const revList = async (dir: string, to: string, from: string) =>
        (await git(dir, 'rev-list', to, `^${from}`)).split('\n').filter(Boolean);
      const pairs: [number, number][] = [
        [0, 1],
        [0, 3],
        [5, 5],
        [3, 0],
        [0, 23],
        [2, 20],
        [6, 23],
        // across l10 (replaced below: parent l4) and l15 (grafted below: no parent)
        [3, 12],
        [6, 12],
        [12, 18],
        [14, 16],
      ];
      const check = async (dir: string) => {
        const engine = await openEngine(name, dir);
        for (const [a, b] of pairs)
          expect(await engine.commitsBetween(line[a]!, line[b]!), `${a}..${b}`).toEqual(
            await revList(dir, line[b]!, line[a]!),
          );
        await engine.close();
      };
      await check(r.dir);
      // Replaced objects and grafts are git's view of history, which both engines take.
      // a replacement gives l10 the parent l4 (git reads the replaced object's parents)
      const l10 = await git(r.dir, 'cat-file', 'commit', line[10]!);
      writeFileSync(join(r.dir, 'fake-commit'), l10.replace(/^parent \S+/m, `parent ${line[4]}`));
      const fakeOid = (await git(r.dir, 'hash-object', '-t', 'commit', '-w', 'fake-commit')).trim();
      await git(r.dir, 'replace', line[10]!, fakeOid);
      await check(r.dir);
      await git(r.dir, 'replace', '-d', line[10]!);
      // a graft (info/grafts) makes l15 a root for git
      mkdirSync(join(r.dir, '.git', 'info'), { recursive: true });
      writeFileSync(join(r.dir, '.git', 'info', 'grafts'), `${line[15]}\n`);
      await check(r.dir);
      rmSync(join(r.dir, '.git', 'info', 'grafts'));
      // a shallow clone cut at l12: git sees l12 without parents
      const shallow = join(r.dir, 'shallow');
      await git(r.dir, 'clone', '-q', '--no-local', '--depth', '12', '--branch', 'line', r.dir, shallow);
      const inShallow: [number, number][] = [
        [12, 23],
        [14, 20],
        [20, 23],
      ];
      const engine = await openEngine(name, shallow);
      for (const [a, b] of inShallow)
        expect(await engine.commitsBetween(line[a]!, line[b]!), `shallow ${a}..${b}`).toEqual(
          await revList(shallow, line[b]!, line[a]!),
        );
      // from below the cut: git has no such commit and refuses (a walk would stop on l12's parent line)
      await expect(git(shallow, 'rev-list', line[23]!, `^${line[11]}`)).rejects.toThrow();
      await expect(engine.commitsBetween(line[11]!, line[23]!)).rejects.toThrow();
      await engine.close();
    });

    test('on a random DAG of merges, commitsBetween and isAncestor agree with git for every pair tried', async () => {
      const r = await repo();
      let seed = 7;
      const random = (n: number) => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed % n;
      };
      const commits: string[] = [];
      for (let i = 0; i < 40; i++) {
        const parents = new Set<string>();
        if (i > 0) parents.add(commits[i - 1 - random(Math.min(i, 6))]!);
        if (i > 3 && random(3) === 0) parents.add(commits[random(i)]!);
        const args = ['commit-tree', emptyTree(), ...[...parents].flatMap((p) => ['-p', p]), '-m', `c${i}`];
        const when = `@${1_790_000_000 + i * 60} +0000`;
        const { stdout } = await run('git', args, {
          cwd: r.dir,
          env: gitEnv({ GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when }),
        });
        commits.push(stdout.trim());
      }
      const engine = await openEngine(name, r.dir);
      for (let k = 0; k < 25; k++) {
        const a = commits[random(commits.length)]!;
        const b = commits[random(commits.length)]!;
        const expected = (await git(r.dir, 'rev-list', b, `^${a}`)).split('\n').filter(Boolean);
        expect(await engine.commitsBetween(a, b)).toEqual(expected);
        const ancestor = await run('git', ['merge-base', '--is-ancestor', a, b], {
          cwd: r.dir,
          env: gitEnv(),
        }).then(
          () => true,
          () => false,
        );
        expect(await engine.isAncestor(a, b)).toBe(ancestor);
      }
    });

    test('isAncestor follows every parent', async () => {
      const h = await historyRepo();
      const engine = await openEngine(name, h.r.dir);
      expect(await engine.isAncestor(h.c1, h.c5)).toBe(true);
      expect(await engine.isAncestor(h.s1, h.c5)).toBe(true);
      expect(await engine.isAncestor(h.c5, h.c5)).toBe(true);
      expect(await engine.isAncestor(h.c5, h.c1)).toBe(false);
      expect(await engine.isAncestor(h.c3, h.s2)).toBe(false);
    });
  });

  describe('diffTrees', () => {
    test('reports adds, modifications, deletions, renames and binaries with git’s line counts', async () => {
      const long = Array.from({ length: 40 }, (_, i) => `line ${i}\n`).join('');
      const r = await repo({
        'keep.txt': 'a\nb\nc\nd\n',
        'gone.txt': 'bye\nbye\n',
        'old/name.txt': long,
        'same.txt': long.replace('line 3', 'line three'),
        'img.bin': '\0\x01\x02',
        'tail.txt': 'no newline',
        'run.sh': 'echo hi\n',
      });
      const from = (await git(r.dir, 'rev-parse', 'HEAD')).trim();
      tick();
      r.write('keep.txt', 'a\nB\nc\nd\ne\n');
      rmSync(join(r.dir, 'gone.txt'));
      rmSync(join(r.dir, 'old'), { recursive: true });
      r.write('new/name.txt', long.replace('line 7\n', 'line seven\n'));
      r.write('img.bin', '\0\x01\x03\x04');
      r.write('tail.txt', 'no newline\nnow two\n');
      r.write('added.md', '# one\n\ntwo\n');
      r.write('same-copy.txt', long.replace('line 3', 'line three'));
      await chmod(join(r.dir, 'run.sh'), 0o755);
      const to = await r.commit('change');
      const engine = await openEngine(name, r.dir);
      const changes = await engine.diffTrees(from, to);

      const numstat = (await git(r.dir, 'diff', '--numstat', '-M', from, to)).trim().split('\n');
      const expected = numstat.map((line) => {
        const [a, d, p] = line.split('\t') as [string, string, string];
        const rename = p.match(/^(.*)\{(.*) => (.*)\}(.*)$/);
        const path = rename ? `${rename[1]}${rename[3]}${rename[4]}` : p;
        return { path, additions: a === '-' ? null : Number(a), deletions: d === '-' ? null : Number(d) };
      });
      const byPath = (x: { path: string }, y: { path: string }) => (x.path < y.path ? -1 : 1);
      expect(
        changes.map((c) => ({ path: c.path, additions: c.additions, deletions: c.deletions })).sort(byPath),
      ).toEqual(expected.sort(byPath));
      const status = Object.fromEntries(changes.map((c) => [c.path, c.status]));
      expect(status).toEqual({
        'keep.txt': 'modified',
        'gone.txt': 'deleted',
        'new/name.txt': 'renamed',
        'img.bin': 'modified',
        'tail.txt': 'modified',
        'added.md': 'added',
        'same-copy.txt': 'added',
        'run.sh': 'modified',
      });
      expect(changes.find((c) => c.path === 'new/name.txt')?.old_path).toBe('old/name.txt');
      expect(changes.find((c) => c.path === 'img.bin')?.binary).toBe(true);
      expect(await engine.diffTrees(to, to)).toEqual([]);
    });

    test('paths with a tab, a leading colon or digits and tabs, and a type change read as git lists them', async () => {
      const r = await repo({ 'plain.txt': 'p\n', 'to-link.txt': 'l\n', 'tab\tname.txt': 'x\n' });
      const from = (await git(r.dir, 'rev-parse', 'HEAD')).trim();
      tick();
      r.write('tab\tname.txt', 'x\ny\n');
      r.write(':colon.txt', 'c\n');
      r.write('1\t2\tthree.txt', 'n\n');
      rmSync(join(r.dir, 'to-link.txt'));
      symlinkSync('plain.txt', join(r.dir, 'to-link.txt'));
      const to = await r.commit('odd names');
      const engine = await openEngine(name, r.dir);
      const changes = await engine.diffTrees(from, to);
      // plain git, each listing on its own
      const status = (await git(r.dir, 'diff', '-z', '--name-status', '-M', from, to)).split('\0');
      const want = new Map<string, string>();
      for (let i = 0; i < status.length - 1; i += 2) want.set(status[i + 1]!, status[i]!);
      const numstat = (await git(r.dir, 'diff', '-z', '--numstat', '-M', from, to)).split('\0');
      const counts = new Map<string, [number, number]>();
      for (const rec of numstat.slice(0, -1)) {
        const m = /^(\d+)\t(\d+)\t(.*)$/s.exec(rec)!;
        counts.set(m[3]!, [Number(m[1]), Number(m[2])]);
      }
      const letter = { added: 'A', modified: 'M', 'type-changed': 'T' } as Record<string, string>;
      expect(new Map(changes.map((c) => [c.path, letter[c.status]]))).toEqual(want);
      expect(new Map(changes.map((c) => [c.path, [c.additions, c.deletions]]))).toEqual(counts);
    });

    test('diffs against the empty tree list every file as added', async () => {
      const r = await repo({ 'a.txt': 'a\nb\n', 'd/e.txt': 'e\n' });
      const engine = await openEngine(name, r.dir);
      const head = (await git(r.dir, 'rev-parse', 'HEAD')).trim();
      const changes = await engine.diffTrees(emptyTree(), head);
      expect(changes.map((c) => [c.path, c.status, c.additions, c.deletions])).toEqual([
        ['a.txt', 'added', 2, 0],
        ['d/e.txt', 'added', 1, 0],
      ]);
    });
  });

  describe('snapshotWorktree', () => {
    test('equals git add -A && git write-tree in a throwaway index, and leaves the user’s index alone', async () => {
      const r = await repo({
        '.gitignore': 'build/\n*.log\n!keep.log\n',
        'src/a.ts': 'a\n',
        'src/b.ts': 'b\n',
        'forced.log': 'tracked although ignored\n',
        'staged.txt': 'v1\n',
        'deleted.txt': 'going\n',
      });
      await git(r.dir, 'add', '-f', 'forced.log');
      tick();
      await r.git('commit', '-q', '-m', 'force-add a log');
      r.write('src/a.ts', 'a changed\n');
      r.write('src/new.ts', 'untracked\n');
      r.write('build/out.js', 'ignored dir\n');
      r.write('debug.log', 'ignored file\n');
      r.write('keep.log', 'unignored\n');
      r.write('sub/.gitignore', 'secret.txt\n');
      r.write('sub/secret.txt', 'ignored by nested rule\n');
      r.write('sub/ok.txt', 'fine\n');
      r.write('staged.txt', 'v2\n');
      await git(r.dir, 'add', 'staged.txt');
      r.write('staged.txt', 'v3 (unstaged on top)\n');
      rmSync(join(r.dir, 'deleted.txt'));
      r.write('tool.sh', '#!/bin/sh\n');
      await chmod(join(r.dir, 'tool.sh'), 0o755);
      symlinkSync('src/a.ts', join(r.dir, 'link'));

      const indexBefore = readFileSync(join(r.dir, '.git', 'index'));
      const scratch = scratchDir();
      const tmpIndex = join(scratch, 'index');
      copyFileSync(join(r.dir, '.git', 'index'), tmpIndex);
      const env = gitEnv({ GIT_INDEX_FILE: tmpIndex });
      await run('git', ['add', '-A'], { cwd: r.dir, env });
      const expected = (await run('git', ['write-tree'], { cwd: r.dir, env })).stdout.trim();

      const engine = await openEngine(name, r.dir);
      const tree = await engine.snapshotWorktree();
      expect(tree).toBe(expected);
      expect(readFileSync(join(r.dir, '.git', 'index'))).toEqual(indexBefore);
      const files = (await snapGit(r.dir, 'ls-tree', '-r', '--name-only', tree!)).trim().split('\n');
      expect(files).toContain('forced.log');
      expect(files).toContain('keep.log');
      expect(files).not.toContain('debug.log');
      expect(files).not.toContain('build/out.js');
      expect(files).not.toContain('sub/secret.txt');
      expect(files).not.toContain('deleted.txt');
    });

    async function addAllTree(worktree: string, gitDir: string): Promise<string> {
      const tmpIndex = join(scratchDir(), 'index');
      if (existsSync(join(gitDir, 'index'))) copyFileSync(join(gitDir, 'index'), tmpIndex);
      const env = gitEnv({ GIT_INDEX_FILE: tmpIndex });
      await run('git', ['add', '-A'], { cwd: worktree, env });
      return (await run('git', ['write-tree'], { cwd: worktree, env })).stdout.trim();
    }

    test('in a linked worktree it snapshots that worktree, with its own index', async () => {
      const r = await repo({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
      const wt = join(scratchDir(), 'wt');
      await git(r.dir, 'worktree', 'add', '-q', '-b', 'side', wt);
      await writeFile(join(wt, 'a.txt'), 'changed in the worktree\n');
      await writeFile(join(wt, 'new.txt'), 'new\n');
      rmSync(join(wt, 'b.txt'));
      r.write('main-only.txt', 'not in the linked worktree\n');
      const expected = await addAllTree(wt, join(r.dir, '.git', 'worktrees', 'wt'));
      const tree = await (await openEngine(name, wt)).snapshotWorktree();
      expect(tree).toBe(expected);
      expect((await snapGit(r.dir, 'ls-tree', '--name-only', tree!)).trim().split('\n')).toEqual([
        'a.txt',
        'new.txt',
      ]);
    });

    test('honours the user’s core.excludesFile like git add does', async () => {
      const r = await repo({ 'a.txt': 'a\n' });
      const excludes = join(scratchDir(), 'ignore');
      await writeFile(excludes, '*.tmp\n');
      await git(r.dir, 'config', 'core.excludesFile', excludes);
      r.write('scratch.tmp', 'junk\n');
      r.write('kept.txt', 'kept\n');
      const tree = await (await openEngine(name, r.dir)).snapshotWorktree();
      expect(tree).toBe(await addAllTree(r.dir, join(r.dir, '.git')));
      expect(await snapGit(r.dir, 'ls-tree', '--name-only', tree!)).toBe('a.txt\nkept.txt\n');
    });

    test('sees a same-size edit made in the second the index was written (git’s racy-clean rule)', async () => {
      // A clone, an edit and the agent's next command can fall in one second: the index entry's stat
      // data still match the edited file, and only the index file's own mtime tells git to look.
      const r = await repo({ 'charge.ts': 'v1\n' });
      await git(r.dir, 'config', 'core.trustctime', 'false');
      const second = 1_700_000_000;
      await utimes(join(r.dir, 'charge.ts'), second, second);
      await git(r.dir, 'add', 'charge.ts');
      r.write('charge.ts', 'v2\n');
      await utimes(join(r.dir, 'charge.ts'), second, second);
      await utimes(join(r.dir, '.git', 'index'), second, second);
      const edited = (await git(r.dir, 'hash-object', 'charge.ts')).trim();
      // diff-files reads the index without rewriting it (status would refresh and smudge the entry).
      expect(await git(r.dir, 'diff-files', '--name-only')).toBe('charge.ts\n');
      const tree = await (await openEngine(name, r.dir)).snapshotWorktree();
      expect(await snapGit(r.dir, 'rev-parse', `${tree}:charge.ts`)).toBe(`${edited}\n`);
    });

    test('keeps submodules as gitlinks, checked out or not', async () => {
      const sub = await repo({ 'lib.txt': 'lib\n' });
      const r = await repo({ 'a.txt': 'a\n' });
      await git(r.dir, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub.dir, 'vendor/lib');
      tick();
      await r.git('commit', '-q', '-m', 'add submodule');
      r.write('a.txt', 'changed\n');
      expect(await (await openEngine(name, r.dir)).snapshotWorktree()).toBe(
        await addAllTree(r.dir, join(r.dir, '.git')),
      );
      const clone = join(scratchDir(), 'clone');
      await git(r.dir, 'clone', '-q', r.dir, clone);
      expect(readdirSync(join(clone, 'vendor', 'lib'))).toEqual([]);
      const tree = await (await openEngine(name, clone)).snapshotWorktree();
      expect(tree).toBe(await addAllTree(clone, join(clone, '.git')));
      expect(await snapGit(clone, 'ls-tree', '-r', tree!)).toMatch(
        /^160000 commit ([0-9a-f]{40}|[0-9a-f]{64})\tvendor\/lib$/m,
      );
    });

    test('keeps what a sparse checkout leaves out of the worktree', async () => {
      const r = await repo({
        'top.txt': 't\n',
        'in/a.txt': 'a\n',
        'out/b.txt': 'b\n',
        'out/deep/c.txt': 'c\n',
      });
      await git(r.dir, 'sparse-checkout', 'set', 'in');
      expect(existsSync(join(r.dir, 'out'))).toBe(false);
      r.write('in/a.txt', 'edited\n');
      const tree = await (await openEngine(name, r.dir)).snapshotWorktree();
      expect(tree).toBe(await addAllTree(r.dir, join(r.dir, '.git')));
      expect(await snapGit(r.dir, 'ls-tree', '-r', '--name-only', tree!)).toBe(
        'in/a.txt\nout/b.txt\nout/deep/c.txt\ntop.txt\n',
      );
    });

    test('untracked content lands in the private snapshot store, never in the repository’s objects', async () => {
      const r = await repo({ 'a.txt': 'a\n' });
      const secret = `DB_PASSWORD=${'Zq9'.repeat(8)}-never-in-objects\n`;
      r.write('.env.local', secret);
      r.write('a.txt', 'tracked edit, also only in the private store\n');
      const engine = await openEngine(name, r.dir);
      const tree = (await engine.snapshotWorktree())!;
      const head = (await engine.readCommit((await engine.head()).commit!)).tree;
      // Every object git can see in the repository itself (loose and packed), without the private store.
      const all = (await gitBuf(r.dir, 'cat-file', '--batch-all-objects', '--batch')).toString('latin1');
      expect(all).not.toContain('never-in-objects');
      expect(all).not.toContain('tracked edit');
      expect(await git(r.dir, 'cat-file', '-t', tree).catch(() => 'missing')).toBe('missing');
      // Our own reads and diffs see it.
      expect((await engine.readTree(tree)).map((e) => e.name)).toEqual(['.env.local', 'a.txt']);
      const diff = await engine.diffTrees(head, tree);
      expect(diff.map((d) => [d.path, d.status, d.additions])).toEqual([
        ['.env.local', 'added', 1],
        ['a.txt', 'modified', 1],
      ]);
      const store = join(r.dir, '.git', 'agent-log', 'snapshots');
      expect(statSync(store).mode & 0o777).toBe(0o700);
      expect(await snapGit(r.dir, 'cat-file', '-p', `${tree}:.env.local`)).toBe(secret);
    });

    test('the persistent private index follows the real index and .gitignore like a fresh copy', async () => {
      const r = await repo({ '.gitignore': 'dist/\n', 'a.txt': 'a\n', 'b.txt': 'b\n' });
      const engine = await openEngine(name, r.dir);
      const oracle = () => addAllTree(r.dir, join(r.dir, '.git'));
      r.write('u1.txt', 'untracked one\n');
      r.write('dir/u2.txt', 'untracked two\n');
      expect(await engine.snapshotWorktree()).toBe(await oracle());
      // An untracked file ignored later leaves the snapshot.
      r.write('.gitignore', 'dist/\nu1.txt\n');
      expect(await engine.snapshotWorktree()).toBe(await oracle());
      // The real index moves (a commit), a carried untracked file changes, another appears.
      await git(r.dir, 'add', '.gitignore', 'dir/u2.txt');
      tick();
      await r.git('commit', '-q', '-m', 'track u2');
      r.write('dir/u2.txt', 'untracked two, edited and longer\n');
      r.write('u3.txt', 'three\n');
      expect(await engine.snapshotWorktree()).toBe(await oracle());
      // A tracked file dropped from the index and ignored leaves; a force-added ignored file stays.
      r.write('dist/keep.js', 'forced\n');
      await git(r.dir, 'add', '-f', 'dist/keep.js');
      r.write('.gitignore', 'dist/\nu1.txt\nb.txt\n');
      await git(r.dir, 'rm', '-q', '--cached', 'b.txt');
      rmSync(join(r.dir, 'u3.txt'));
      const tree = await engine.snapshotWorktree();
      expect(tree).toBe(await oracle());
      expect((await snapGit(r.dir, 'ls-tree', '-r', '--name-only', tree!)).trim().split('\n')).toEqual([
        '.gitignore',
        'a.txt',
        'dir/u2.txt',
        'dist/keep.js',
      ]);
    });

    test('an empty worktree is the empty tree, a bare repository has none', async () => {
      const r = await repo();
      expect(await (await openEngine(name, r.dir)).snapshotWorktree()).toBe(emptyTree());
      const bare = await repo(undefined, { bare: true });
      expect(await (await openEngine(name, bare.dir)).snapshotWorktree()).toBeNull();
    });
  });

  describe('config and identity', () => {
    test('getConfig reads repository config, case-insensitive in section and key', async () => {
      const r = await repo();
      await git(r.dir, 'config', 'agentLog.Level', 'edit');
      await git(r.dir, 'config', 'remote.origin.url', 'https://example.com/r.git');
      const engine = await openEngine(name, r.dir);
      expect(await engine.getConfig('agentlog.level')).toBe('edit');
      expect(await engine.getConfig('remote.origin.url')).toBe('https://example.com/r.git');
      expect(await engine.getConfig('agentlog.missing')).toBeNull();
    });

    test('identity is what git var GIT_COMMITTER_IDENT reports: repo config, overridden by the environment', async () => {
      const r = await repo();
      await git(r.dir, 'config', 'user.name', 'Repo User');
      await git(r.dir, 'config', 'user.email', 'repo@example.com');
      expect(await (await openEngine(name, r.dir)).identity()).toEqual({
        name: 'Repo User',
        email: 'repo@example.com',
      });
      process.env.GIT_COMMITTER_NAME = 'Env Person';
      try {
        const ident = await (await openEngine(name, r.dir)).identity();
        const { stdout } = await run('git', ['var', 'GIT_COMMITTER_IDENT'], { cwd: r.dir, env: process.env });
        expect(stdout).toMatch(/^Env Person <repo@example.com> /);
        expect(ident).toEqual({ name: 'Env Person', email: 'repo@example.com' });
      } finally {
        delete process.env.GIT_COMMITTER_NAME;
      }
    });
  });

  describe('repository shapes', () => {
    test('a bare repository can be read', async () => {
      const src = await repo({ 'a.txt': 'a\n' });
      tick();
      await src.commit('two');
      const bareDir = join(scratchDir(), 'r.git');
      await git(src.dir, 'clone', '-q', '--bare', src.dir, bareDir);
      const engine = await openEngine(name, bareDir);
      expect(engine.location.bare).toBe(true);
      const head = (await git(bareDir, 'rev-parse', 'HEAD')).trim();
      expect(await engine.head()).toEqual({ branch: 'main', commit: head });
      expect(await engine.commitsBetween(null, head)).toHaveLength(2);
      expect((await engine.readTree(head)).map((e) => e.name)).toEqual(['a.txt']);
    });

    test('a shallow clone is read up to its boundary', async () => {
      const src = await repo({ 'a.txt': '0\n' });
      for (let i = 1; i < 5; i++) {
        tick();
        src.write('a.txt', `${i}\n`);
        await src.commit(`c${i}`);
      }
      const dir = join(scratchDir(), 'shallow');
      await git(src.dir, 'clone', '-q', '--depth', '2', `file://${src.dir}`, dir);
      const engine = await openEngine(name, dir);
      expect(engine.location.shallow).toBe(true);
      const head = (await git(dir, 'rev-parse', 'HEAD')).trim();
      const all = await engine.commitsBetween(null, head);
      expect(all).toEqual((await git(dir, 'rev-list', 'HEAD')).split('\n').filter(Boolean));
      expect(all).toHaveLength(2);
      expect(await engine.isAncestor(all[1]!, head)).toBe(true);
      expect((await engine.readBlob((await engine.readTree(head))[0]!.oid)).toString()).toBe('4\n');
    });
  });
});

describe('native engine only', () => {
  test('an unchanged untracked file is not hashed again: its stat data stay in the private index', async () => {
    const r = await repo({ 'a.txt': 'a\n' });
    await git(r.dir, 'config', 'core.trustctime', 'false');
    const file = join(r.dir, 'big.bin');
    const old = 1_600_000_000;
    await writeFile(file, 'first content\n');
    await utimes(file, old, old);
    const engine = await openEngine('native', r.dir);
    const first = (await engine.snapshotWorktree())!;
    // Same size, same inode, same mtime: only a re-hash would see the new bytes. git add trusts the
    // stat data (that is the whole point), so the snapshot keeps the first blob.
    await writeFile(file, 'other content\n');
    await utimes(file, old, old);
    expect(await engine.snapshotWorktree()).toBe(first);
    // A real change (new mtime) is seen.
    await writeFile(file, 'third content\n');
    expect(await engine.snapshotWorktree()).not.toBe(first);
  });
});

describe('isomorphic engine only', () => {
  async function refusal(dir: string): Promise<Error> {
    return createIsomorphicEngine(locateWithFs(dir)).then(
      () => {
        throw new Error('expected the engine to refuse this repository');
      },
      (e: Error) => e,
    );
  }

  test('refuses a SHA-256 repository with one line naming the shape and the native engine', async () => {
    const r = await repo(undefined);
    const dir = join(scratchDir(), 'sha256');
    await git(r.dir, 'init', '-q', '--object-format=sha256', dir);
    const e = await refusal(dir);
    expect(e).toBeInstanceOf(UnsupportedRepoError);
    expect(e.message).toMatch(/sha256/);
    expect(e.message).toMatch(/native engine/);
    expect(e.message).not.toContain('\n');
    expect(readdirSync(join(dir, '.git', 'objects')).filter((d) => /^[0-9a-f]{2}$/.test(d))).toEqual([]);
  });

  test('refuses a repository that borrows objects through alternates', async () => {
    const src = await repo({ 'a.txt': 'a\n' });
    const dir = join(scratchDir(), 'shared');
    await git(src.dir, 'clone', '-q', '--shared', src.dir, dir);
    expect((await refusal(dir)).message).toMatch(/alternates/);
  });

  test('refuses a partial clone', async () => {
    const src = await repo({ 'a.txt': 'a\n' });
    await git(src.dir, 'config', 'uploadpack.allowFilter', 'true');
    const dir = join(scratchDir(), 'partial');
    await git(src.dir, 'clone', '-q', '--filter=blob:none', `file://${src.dir}`, dir);
    expect((await refusal(dir)).message).toMatch(/partial clone/);
  });

  test('refuses reftable ref storage', async () => {
    const r = await repo({ 'a.txt': 'a\n' });
    await git(r.dir, 'config', 'extensions.refStorage', 'reftable');
    expect((await refusal(r.dir)).message).toMatch(/reftable/);
  });

  test('a stale lock left by a dead process is removed; a fresh one or a live owner’s is respected', async () => {
    const r = await repo({ 'a.txt': 'a\n' });
    const head = (await git(r.dir, 'rev-parse', 'HEAD')).trim();
    await git(r.dir, 'update-ref', NOTES, head);
    const engine = await openEngine('isomorphic', r.dir);
    const next = await engine.writeCommit({ tree: EMPTY_TREE, parents: [head], message: 'n\n', time: 5 });
    const lock = join(r.dir, '.git', `${NOTES}.lock`);
    const old = new Date(Date.now() - 60_000);

    await writeFile(lock, `git-agent-log lock ${process.pid} ${hostname()}\n`);
    await utimes(lock, old, old);
    expect(await engine.casRef(NOTES, next, head, 'x')).toBe(false);

    await writeFile(lock, '');
    expect(await engine.casRef(NOTES, next, head, 'x')).toBe(false);
    await utimes(lock, old, old);
    expect(await engine.casRef(NOTES, next, head, 'x')).toBe(true);
    expect(existsSync(lock)).toBe(false);
    expect((await git(r.dir, 'rev-parse', NOTES)).trim()).toBe(next);
  });

  test('reads an object that sits past 2 GiB in a pack (64-bit idx offsets), which isomorphic-git cannot load', async () => {
    const r = await repo({ 'a.txt': 'a\n' });
    const content = Buffer.from('an object beyond the 2 GiB mark\n');
    const oid = gitWithInput(r.dir, content, 'hash-object', '--stdin').trim();
    const offset = 2 ** 31 + 4096;
    // A sparse pack: header, a hole, one undeltified blob entry past 2 GiB, a trailer.
    const entry = Buffer.concat([
      Buffer.from([0x30 | (content.length & 15) | 0x80, content.length >> 4]),
      deflateSync(content),
    ]);
    const packDir = join(r.dir, '.git', 'objects', 'pack');
    const base = join(packDir, 'pack-big');
    const pack = await open(`${base}.pack`, 'w');
    const header = Buffer.alloc(12);
    header.write('PACK', 0, 'latin1');
    header.writeUInt32BE(2, 4);
    header.writeUInt32BE(1, 8);
    await pack.write(header, 0, 12, 0);
    await pack.write(entry, 0, entry.length, offset);
    await pack.write(Buffer.alloc(20), 0, 20, offset + entry.length);
    await pack.close();
    const idx = Buffer.alloc(8 + 1024 + 20 + 4 + 4 + 8 + 40);
    idx.writeUInt32BE(0xff744f63, 0);
    idx.writeUInt32BE(2, 4);
    const first = parseInt(oid.slice(0, 2), 16);
    for (let i = 0; i < 256; i++) idx.writeUInt32BE(i >= first ? 1 : 0, 8 + i * 4);
    Buffer.from(oid, 'hex').copy(idx, 8 + 1024);
    idx.writeUInt32BE(0x80000000, 8 + 1024 + 20 + 4); // index 0 of the 64-bit offset table
    idx.writeBigUInt64BE(BigInt(offset), 8 + 1024 + 20 + 4 + 4);
    await writeFile(`${base}.idx`, idx);
    expect(statSync(`${base}.pack`).size).toBeGreaterThan(2 ** 31);

    const engine = await openEngine('isomorphic', r.dir);
    expect((await engine.readBlob(oid)).equals(content)).toBe(true);
    expect((await engine.readBlobs([oid])).get(oid)?.equals(content)).toBe(true);
  });

  test('the atomic fs never shows a reader a partly written file and leaves no temp files', async () => {
    const dir = scratchDir();
    const path = join(dir, 'deep', 'er', 'ref');
    const a = Buffer.alloc(512 * 1024, 'a');
    const b = Buffer.alloc(512 * 1024, 'b');
    await writeFileAtomic(path, a);
    let done = false;
    const seen = new Set<string>();
    const reader = (async () => {
      while (!done) {
        const got = await readFileAsync(path);
        seen.add(
          got.length === a.length && (got.equals(a) || got.equals(b)) ? 'whole' : `torn:${got.length}`,
        );
      }
    })();
    for (let i = 0; i < 40; i++) await writeFileAtomic(path, i % 2 ? a : b);
    done = true;
    await reader;
    expect([...seen]).toEqual(['whole']);
    expect(readdirSync(join(dir, 'deep', 'er'))).toEqual(['ref']);
  });

  test('objects and ref updates go to the common dir through the atomic fs (no torn loose objects)', async () => {
    const r = await repo();
    const engine = await openEngine('isomorphic', r.dir);
    const oid = await engine.writeBlob('x'.repeat(10_000));
    const objectDir = join(r.dir, '.git', 'objects', oid.slice(0, 2));
    expect(readdirSync(objectDir)).toEqual([oid.slice(2)]);
    expect(await git(r.dir, 'cat-file', '-s', oid)).toBe('10000\n');
    await git(r.dir, 'fsck', '--strict');
  });

  test('an object git already has packed is not written again as a loose copy', async () => {
    const r = await repo({ 'a.txt': 'packed content\n' });
    await git(r.dir, 'gc', '-q', '--prune=now');
    const engine = await openEngine('isomorphic', r.dir);
    const looseCount = () =>
      readdirSync(join(r.dir, '.git', 'objects')).filter((d) => /^[0-9a-f]{2}$/.test(d)).length;
    expect(looseCount()).toBe(0);
    const blob = await engine.writeBlob('packed content\n');
    expect(blob).toBe((await git(r.dir, 'rev-parse', 'HEAD:a.txt')).trim());
    expect(await engine.writeTree(await engine.readTree((await engine.resolve('HEAD'))!))).toBe(
      (await git(r.dir, 'rev-parse', 'HEAD^{tree}')).trim(),
    );
    expect(looseCount()).toBe(0);
    const fresh = await engine.writeBlob('not there yet\n');
    expect(looseCount()).toBe(1);
    expect(await git(r.dir, 'cat-file', 'blob', fresh)).toBe('not there yet\n');
  });

  test.each([
    ['gc --aggressive (offset deltas)', ['gc', '-q', '--aggressive', '--prune=now']],
    ['pack-objects without --delta-base-offset (ref deltas)', []],
    ['a version 1 pack index', ['--index-version=1']],
  ])('reads every object of a pack made by %s exactly as git cat-file does', async (_label, how) => {
    const r = await repo({ 'data.json': '{}\n' });
    for (let i = 0; i < 40; i++) {
      // Similar versions of one file and of the trees above it: plenty of delta chains.
      r.write(
        'data.json',
        JSON.stringify({ i, items: Array.from({ length: 60 }, (_, k) => `item ${k}`) }, null, 1),
      );
      r.write(`dir${i % 4}/f.txt`, `version ${i}\n`.repeat(20));
      tick();
      await r.commit(`c${i}`);
    }
    if (how[0] === 'gc') {
      await git(r.dir, ...how);
    } else {
      const objects = await git(r.dir, 'rev-list', '--objects', '--all');
      const packDir = join(r.dir, '.git', 'objects', 'pack');
      execFileSync('git', ['pack-objects', '-q', ...how, join(packDir, 'pack')], {
        cwd: r.dir,
        env: gitEnv(),
        input: objects,
      });
      await git(r.dir, 'prune-packed');
    }
    expect(await git(r.dir, 'verify-pack', '-s', ...packIndexes(r.dir))).toMatch(/chain length = [1-9]/);
    const all = catFileAll(r.dir);
    expect(all.size).toBeGreaterThan(100);
    // The pack reader alone (no fallback to isomorphic-git), then the engine on top of it.
    const packs = new Packs(join(r.dir, '.git', 'objects'));
    cleanups.push(() => packs.close());
    for (const [oid, want] of all) {
      const got = await packs.read(oid, () => Promise.resolve(null));
      expect(got?.type).toBe(want.type);
      expect(got?.content.equals(want.content)).toBe(true);
    }
    const engine = await openEngine('isomorphic', r.dir);
    const blobs = [...all].filter(([, o]) => o.type === 'blob').map(([oid]) => oid);
    const read = await engine.readBlobs(blobs);
    expect(blobs.every((oid) => read.get(oid)?.equals(all.get(oid)!.content))).toBe(true);
  });

  async function race(engines: EngineName[]) {
    const r = await repo();
    const bundle = await bundleEngines();
    const fixture = join(ROOT, 'test', 'fixtures', 'cas-increment.mjs');
    const startAt = String(Date.now() + 1500);
    const results = await Promise.all(
      engines.map((engine) =>
        run(process.execPath, [fixture, bundle, r.dir, startAt, engine], { env: gitEnv() }),
      ),
    );
    expect(results.map((x) => Number(x.stdout.trim())).every((n) => n >= 1)).toBe(true);
    const tip = (await git(r.dir, 'rev-parse', 'refs/notes/counter')).trim();
    expect(await git(r.dir, 'cat-file', 'blob', `${tip}:count`)).toBe(String(engines.length));
    expect((await git(r.dir, 'rev-list', '--count', tip)).trim()).toBe(String(engines.length));
    const reflog = (await git(r.dir, 'reflog', 'show', 'refs/notes/counter')).trim().split('\n');
    expect(reflog).toHaveLength(engines.length);
    await git(r.dir, 'fsck', '--strict');
  }

  test('20 processes incrementing one ref with CAS and retry all land', async () => {
    await race(Array.from({ length: 20 }, () => 'isomorphic'));
  });

  test('our lock is git’s lock: 10 isomorphic and 10 native (git update-ref) writers all land', async () => {
    await race(Array.from({ length: 20 }, (_, i) => (i % 2 ? 'native' : 'isomorphic')));
  });
});

function packIndexes(dir: string): string[] {
  const packDir = join(dir, '.git', 'objects', 'pack');
  return readdirSync(packDir)
    .filter((f) => f.endsWith('.idx'))
    .map((f) => join(packDir, f));
}

/** Every object git has, read with one `git cat-file --batch-all-objects --batch`. */
function catFileAll(dir: string): Map<string, { type: string; content: Buffer }> {
  const out = execFileSync('git', ['cat-file', '--batch-all-objects', '--batch'], {
    cwd: dir,
    env: gitEnv(),
    maxBuffer: 256 * 1024 * 1024,
  });
  const objects = new Map<string, { type: string; content: Buffer }>();
  let at = 0;
  while (at < out.length) {
    const nl = out.indexOf(10, at);
    const [oid, type, size] = out.toString('latin1', at, nl).split(' ') as [string, string, string];
    const start = nl + 1;
    objects.set(oid, { type, content: out.subarray(start, start + Number(size)) });
    at = start + Number(size) + 1;
  }
  return objects;
}

/** Both engines as one ESM file the fixture scripts can import (packages stay external). */
async function bundleEngines(): Promise<string> {
  const out = join(ROOT, 'node_modules', '.cache', 'git-agent-log-test', 'engines.mjs');
  await build({
    stdin: {
      contents:
        "export { createIsomorphicEngine } from './src/git/isomorphic/engine.ts';\n" +
        "export { NativeEngine } from './src/git/native/engine.ts';\n" +
        "export { locateWithFs, locateWithGit } from './src/git/repo.ts';\n",
      resolveDir: ROOT,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile: out,
    logLevel: 'silent',
  });
  return out;
}
