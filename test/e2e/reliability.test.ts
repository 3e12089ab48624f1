// Nothing recorded is lost: a seal killed at any point leaves the notes ref old or new, the journal
// in place, and a second finish completes; stale locks are recovered; hostile notes and odd
// repository shapes get a one-line message or warning and the tool goes on.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, test } from 'vitest';
import { BIN, cli, gitEnv, type TempRepo, tempRepo } from '../helpers/repo.js';

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanup.splice(0)) c();
});

async function repoWith(opts: { files?: Record<string, string> } = {}): Promise<TempRepo> {
  const repo = await tempRepo({ files: opts.files ?? { 'README.md': '# demo\n' } });
  cleanup.push(() => repo.cleanup());
  return repo;
}

async function ok(repo: TempRepo | string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = await cli(repo, args, { env });
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r;
}

const notesTip = async (repo: TempRepo) =>
  (await repo.git('rev-parse', '-q', '--verify', 'refs/notes/agent-log').catch(() => '')).trim();

/** The run's journal is somewhere: still open/pending under runs/, or kept under sealed/. */
function journalKept(repo: TempRepo, id: string): boolean {
  const base = join(repo.dir, '.git', 'agent-log');
  return existsSync(join(base, 'runs', `${id}.jsonl`)) || existsSync(join(base, 'sealed', `${id}.jsonl`));
}

async function recordCount(repo: TempRepo, id: string): Promise<number> {
  const body = await repo.git('notes', '--ref=agent-log', 'show', 'HEAD');
  return body
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((l) => l.kind === 'record' && l.id === id).length;
}

/** A run with one commit, ready to finish; an earlier sealed run so the ref has an "old" value. */
async function runReadyToFinish(
  env: NodeJS.ProcessEnv = {},
): Promise<{ repo: TempRepo; id: string; old: string }> {
  const repo = await repoWith();
  await ok(repo, ['start', '--task', 'earlier run'], env);
  repo.write('a.txt', 'a\n');
  await repo.commit('earlier');
  await ok(repo, ['finish'], env);
  const old = await notesTip(repo);
  const id = (await ok(repo, ['start', '--task', 'crash test'], env)).stdout.trim();
  repo.write('a.txt', 'b\n');
  await repo.commit('crash test');
  return { repo, id, old };
}

async function expectRecovered(repo: TempRepo, id: string, old: string, env: NodeJS.ProcessEnv = {}) {
  const tip = await notesTip(repo);
  const history = (await repo.git('rev-list', 'refs/notes/agent-log')).trim().split('\n');
  // Old or new: the tip is the old commit, or a child of it — never something in between.
  expect(tip === old || history[1] === old).toBe(true);
  await repo.git('fsck', '--strict', '--no-dangling');
  expect(journalKept(repo, id)).toBe(true);
  const second = await cli(repo, ['finish', id], { env });
  // Either this finish seals it, or an earlier (killed after the ref moved) one already did.
  if (second.code !== 0) expect(second.stderr).toMatch(/no unsealed run matches/);
  expect(await recordCount(repo, id)).toBe(1);
  // A third finish changes nothing.
  const after = await notesTip(repo);
  await cli(repo, ['finish', id], { env });
  expect(await notesTip(repo)).toBe(after);
}

describe('a seal killed part way', () => {
  test.each(['after-objects', 'before-cas', 'after-cas'])(
    'native engine, killed at %s: ref old or new, journal kept, a second finish completes',
    async (point) => {
      const { repo, id, old } = await runReadyToFinish();
      const crashed = await cli(repo, ['finish'], { env: { AGENT_LOG_FAULT: point } });
      expect(crashed.code).not.toBe(0);
      if (point !== 'after-cas') expect(await notesTip(repo)).toBe(old);
      await expectRecovered(repo, id, old);
    },
  );

  test('isomorphic engine, killed holding the ref lock: the lock is recovered once stale', async () => {
    const ISO = { AGENT_LOG_ENGINE: 'isomorphic' };
    const { repo, id, old } = await runReadyToFinish(ISO);
    const crashed = await cli(repo, ['finish'], { env: { ...ISO, AGENT_LOG_FAULT: 'holding-lock' } });
    expect(crashed.code).not.toBe(0);
    const lock = join(repo.dir, '.git', 'refs', 'notes', 'agent-log.lock');
    expect(existsSync(lock)).toBe(true);
    expect(await notesTip(repo)).toBe(old);
    // Time passes (the dead owner's lock ages past the stale limit).
    const past = new Date(Date.now() - 60_000);
    utimesSync(lock, past, past);
    await expectRecovered(repo, id, old, ISO);
    expect(existsSync(lock)).toBe(false);
  });

  test('native engine: a stale ref lock left by a killed git is recovered', async () => {
    const { repo, id, old } = await runReadyToFinish();
    const lock = join(repo.dir, '.git', 'refs', 'notes', 'agent-log.lock');
    writeFileSync(lock, '');
    const past = new Date(Date.now() - 60_000);
    utimesSync(lock, past, past);
    await expectRecovered(repo, id, old);
  });

  test('killed at random moments: always old or new, and always recoverable', async () => {
    const { repo, id, old } = await runReadyToFinish();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 600 }), async (delay) => {
        // Each try starts from the crashed state of the last; only the first success moves the ref.
        await new Promise<void>((resolve) => {
          const child = spawn(process.execPath, [BIN, 'finish', id], {
            cwd: repo.dir,
            env: gitEnv(),
            stdio: 'ignore',
          });
          const timer = setTimeout(() => child.kill('SIGKILL'), delay);
          child.on('close', () => {
            clearTimeout(timer);
            resolve();
          });
        });
        const tip = await notesTip(repo);
        const history = (await repo.git('rev-list', 'refs/notes/agent-log')).trim().split('\n');
        expect(tip === old || history[1] === old).toBe(true);
        await repo.git('fsck', '--strict', '--no-dangling');
        expect(journalKept(repo, id)).toBe(true);
      }),
      { numRuns: 6 },
    );
    await expectRecovered(repo, id, old);
  });
});

describe('hostile notes and odd repositories', () => {
  async function sealed(): Promise<{ repo: TempRepo; id: string }> {
    const repo = await repoWith();
    const id = (await ok(repo, ['start', '--task', 'good run'])).stdout.trim();
    repo.write('a.txt', 'a\n');
    await repo.commit('one');
    await ok(repo, ['finish']);
    return { repo, id };
  }

  test('a corrupt line and an unknown schema version beside a good record: warnings, and the good record reads', async () => {
    const { repo, id } = await sealed();
    await repo.git(
      'notes',
      '--ref=agent-log',
      'append',
      '-m',
      '{"schema":"agent-log/v1","kind":"record","id":"bad"',
      'HEAD',
    );
    await repo.git(
      'notes',
      '--ref=agent-log',
      'append',
      '-m',
      '{"schema":"agent-log/v1","kind":"record","id":"x!","repo":5}',
      'HEAD',
    );
    await repo.git(
      'notes',
      '--ref=agent-log',
      'append',
      '-m',
      '{"schema":"agent-log/v7","kind":"record","id":"future0001"}',
      'HEAD',
    );
    const log = await cli(repo, ['log']);
    expect(log.code).toBe(0);
    expect(log.stdout).toContain(id.slice(0, 7));
    for (const line of log.stderr.split('\n').filter(Boolean)) expect(line).toMatch(/^warning: /);
    expect((await cli(repo, ['show', id])).code).toBe(0);
    expect((await cli(repo, ['scan'])).code).toBe(0);
  });

  test('a notes tree with the same commit at two paths (flat and fanned out) still reads', async () => {
    const { repo, id } = await sealed();
    const head = (await repo.git('rev-parse', 'HEAD')).trim();
    const blob = (await repo.git('rev-parse', `refs/notes/agent-log:${head}`)).trim();
    const sub = await mktree(repo, `100644 blob ${blob}\t${head.slice(2)}\n`);
    const root = await mktree(
      repo,
      `100644 blob ${blob}\t${head}\n040000 tree ${sub}\t${head.slice(0, 2)}\n`,
    );
    const tip = (await repo.git('rev-parse', 'refs/notes/agent-log')).trim();
    const commit = (await repo.git('commit-tree', root, '-p', tip, '-m', 'duplicate entries')).trim();
    await repo.git('update-ref', 'refs/notes/agent-log', commit);
    const log = await cli(repo, ['log']);
    expect(log.code).toBe(0);
    expect(log.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect((await cli(repo, ['show', id])).code).toBe(0);
    expect((await cli(repo, ['scan'])).code).toBe(0);
  });

  test('files the tool creates are 0600 and its directories 0700', async () => {
    const { repo } = await sealed();
    repo.write('scratch/untracked.txt', 'a file the snapshot stores privately\n');
    await ok(repo, ['start', '--task', 'open run']);
    await ok(repo, ['exec', '--', 'node', '-e', '0']);
    await ok(repo, ['pause']);
    const base = join(repo.dir, '.git', 'agent-log');
    const walk = (dir: string): string[] =>
      readdirSync(dir).flatMap((n) => {
        const p = join(dir, n);
        return statSync(p).isDirectory() ? [p, ...walk(p)] : [p];
      });
    const entries = [base, ...walk(base)];
    expect(entries.some((p) => p.endsWith('paused'))).toBe(true);
    // the snapshot's private store holds the untracked file's blob, read-only as git writes objects
    const objects = join('/snapshots', 'objects');
    expect(entries.some((p) => p.slice(base.length).startsWith(`${objects}/`) && statSync(p).isFile())).toBe(
      true,
    );
    for (const p of entries) {
      const mode = statSync(p).mode & 0o777;
      const rel = p.slice(base.length) || '/';
      const want = statSync(p).isDirectory() ? '700' : rel.startsWith(`${objects}/`) ? '400' : '600';
      expect(`${rel} ${mode.toString(8)}`).toBe(`${rel} ${want}`);
    }
  });

  test('outside any repository: one clear line, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-log-norepo-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    for (const args of [['scan'], ['pause'], ['purge', 'abcd1234', '--yes']]) {
      const r = await cli(dir, args, { env: { GIT_CEILING_DIRECTORIES: tmpdir() } });
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')[0]).toMatch(/^error: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  test('an empty repository (no commits): scan finds nothing, pause and resume work', async () => {
    const repo = await tempRepo();
    cleanup.push(() => repo.cleanup());
    expect((await cli(repo, ['scan'])).code).toBe(0);
    await ok(repo, ['pause']);
    await ok(repo, ['resume']);
    const purge = await cli(repo, ['purge', 'abcd1234', '--yes']);
    expect(purge.code).toBe(1);
    expect(purge.stderr.trim().split('\n')).toHaveLength(1);
    // git's words for an unborn branch (git log: "your current branch 'main' does not have any
    // commits yet"), not "no revision matches", on both engines and every command that reads HEAD
    const branch = (await repo.git('symbolic-ref', '--short', 'HEAD')).trim();
    for (const engine of ['native', 'isomorphic'])
      for (const args of [['show'], ['show', 'HEAD', '--json'], ['verify'], ['pr'], ['rollback', 'HEAD']]) {
        const r = await cli(repo, ['--engine', engine, ...args]);
        expect(r.code, `${engine} ${args.join(' ')}: ${r.stderr}`).toBe(1);
        expect(r.stderr.split('\n')[0], `${engine} ${args.join(' ')}`).toBe(
          `error: your current branch '${branch}' does not have any commits yet`,
        );
      }
  });

  test('a detached HEAD: record, seal, scan and purge', async () => {
    const repo = await repoWith();
    await repo.git('checkout', '-q', '--detach', 'HEAD');
    const id = (await ok(repo, ['start', '--task', 'detached'])).stdout.trim();
    repo.write('a.txt', 'x\n');
    await repo.commit('on a detached head');
    await ok(repo, ['finish']);
    expect((await cli(repo, ['scan'])).code).toBe(0);
    await ok(repo, ['purge', id, '--yes']);
    expect((await cli(repo, ['show', id])).code).toBe(1);
  });

  test('a shallow clone with fetched notes: log and scan work', async () => {
    const { repo, id } = await sealed();
    repo.write('b.txt', 'b\n');
    await repo.commit('two');
    const dir = mkdtempSync(join(tmpdir(), 'agent-log-shallow-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    await runGit(tmpdir(), ['clone', '-q', '--depth', '1', `file://${repo.dir}`, dir]);
    await runGit(dir, ['fetch', '-q', 'origin', 'refs/notes/agent-log:refs/notes/agent-log']);
    const log = await cli(dir, ['log']);
    expect(log.code).toBe(0);
    expect(log.stdout).toContain(id.slice(0, 7));
    expect((await cli(dir, ['scan'])).code).toBe(0);
  });

  test('arbitrary bytes on the hook: exit 0, nothing printed, other records untouched', async () => {
    const { repo, id } = await sealed();
    const before = await notesTip(repo);
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), async (bytes) => {
        const r = await cli(repo, ['hook', 'claude-code'], {
          input: Buffer.from(bytes),
          env: { AGENT_LOG_NO_BACKGROUND: '1' },
        });
        expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
      }),
      { numRuns: 8 },
    );
    expect(await notesTip(repo)).toBe(before);
    expect((await cli(repo, ['show', id])).code).toBe(0);
  });
});

async function mktree(repo: TempRepo, spec: string): Promise<string> {
  return (await runGit(repo.dir, ['mktree'], spec)).trim();
}

function runGit(cwd: string, args: string[], input = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, env: gitEnv() });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`git ${args.join(' ')}: ${err}`)),
    );
    child.stdin.end(input);
  });
}
