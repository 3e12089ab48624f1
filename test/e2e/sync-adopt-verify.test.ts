import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { cli, gitEnv, type TempRepo, tempRepo } from '../helpers/repo.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function repoWith(files: Record<string, string>) {
  const repo = await tempRepo({ files });
  cleanups.push(() => repo.cleanup());
  await cli(repo, ['init']);
  return repo;
}

async function recordedRun(
  repo: TempRepo,
  task: string,
  edit: Record<string, string>,
  opts: { check?: string[]; allow?: string[] } = {},
) {
  const start = await cli(repo, [
    'start',
    '--task',
    task,
    ...(opts.allow ?? []).flatMap((a) => ['--allow', a]),
  ]);
  expect(start.code).toBe(0);
  const id = start.stdout.trim();
  for (const [p, c] of Object.entries(edit)) repo.write(p, c);
  if (opts.check)
    expect((await cli(repo, ['exec', '--check', 'test', '--kind', 'test', '--', ...opts.check])).code).toBe(
      0,
    );
  await repo.commit(task);
  expect((await cli(repo, ['finish'])).code).toBe(0);
  return id;
}

function cloneOf(remote: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'agent-log-clone-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync('git', ['clone', '-q', remote, dir], { env: gitEnv() });
  return dir;
}

describe('sync', () => {
  test(
    'two clones that recorded different runs both end up with both records',
    { timeout: 240_000 },
    async () => {
      const a = await repoWith({ 'f.txt': '1' });
      const bare = mkdtempSync(join(tmpdir(), 'agent-log-bare-'));
      cleanups.push(() => rmSync(bare, { recursive: true, force: true }));
      execFileSync('git', ['init', '-q', '--bare', bare]);
      await a.git('remote', 'add', 'origin', bare);
      await a.git('push', '-q', 'origin', 'main');
      const b = cloneOf(bare);
      await cli(b, ['init']);

      const idA = await recordedRun(a, 'run in A', { 'a.txt': 'a' });
      writeFileSync(join(b, 'b.txt'), 'b');
      const idB = (await cli(b, ['start', '--task', 'run in B'])).stdout.trim();
      execFileSync('git', ['add', '-A'], { cwd: b, env: gitEnv() });
      execFileSync('git', ['commit', '-qm', 'b'], { cwd: b, env: gitEnv() });
      await cli(b, ['finish']);

      // Records travel once their commits are published: A pushes its code, B rebases onto it.
      // (Plain git only: the pre-push hook is not installed here, so `sync` moves the notes.)
      const run = (dir: string, ...args: string[]) => execFileSync('git', args, { cwd: dir, env: gitEnv() });
      run(a.dir, 'push', '-q', 'origin', 'main');
      expect((await cli(a, ['sync'])).code).toBe(0);
      run(b, 'pull', '-q', '--rebase', 'origin', 'main');
      run(b, 'push', '-q', 'origin', 'HEAD:main'); // b's clone is on the bare repo's default branch
      const syncB = await cli(b, ['sync', '--json']);
      expect(syncB.code, syncB.stderr).toBe(0);
      expect(JSON.parse(syncB.stdout)).toMatchObject({ merge: 'merged', push: 'pushed', held: [] });
      expect((await cli(a, ['sync'])).code).toBe(0);

      for (const dir of [a.dir, b]) {
        const ids = JSON.parse((await cli(dir, ['log', '--json'])).stdout).map((r: { id: string }) => r.id);
        expect(ids.sort()).toEqual([idA, idB].sort());
      }
      const remoteNotes = execFileSync('git', ['--git-dir', bare, 'notes', '--ref=agent-log', 'list'], {
        encoding: 'utf8',
      });
      expect(remoteNotes.trim().split('\n')).toHaveLength(2);
    },
  );

  test('sync without a remote is a usage error', async () => {
    const a = await repoWith({ 'f.txt': '1' });
    const r = await cli(a, ['sync']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: .*no remote/);
  });
});

describe('adopt', () => {
  test('a squash merge gets the record back through the Agent-Log trailer', async () => {
    const repo = await repoWith({ 'f.txt': '1' });
    await repo.git('checkout', '-q', '-b', 'feature');
    const start = await cli(repo, ['start', '--task', 'feature work']);
    const id = start.stdout.trim();
    repo.write('x.txt', 'x');
    await repo.commit('x');
    repo.write('y.txt', 'y');
    await repo.commit('y');
    await cli(repo, ['finish']);
    await repo.git('checkout', '-q', 'main');
    await repo.git('merge', '-q', '--squash', 'feature');
    await repo.git('commit', '-q', '-m', `squashed feature\n\nAgent-Log: ${id}`);
    const squash = (await repo.git('rev-parse', 'HEAD')).trim();

    expect((await cli(repo, ['show', 'HEAD'])).code).toBe(1);
    // The notes of the feature commits before adopting (plain git reads them).
    const noteOf = (rev: string) => repo.git('notes', '--ref=agent-log', 'show', rev);
    const before = [await noteOf('feature'), await noteOf('feature~1')];
    const recordLine = before[0]!.split('\n').find((l) => JSON.parse(l).kind === 'record')!;
    const adopt = await cli(repo, ['adopt']);
    expect(adopt.code).toBe(0);
    expect(adopt.stdout).toContain(`adopted ${id}`);
    // Adopting is an event: the sealed record line is never rewritten, the old notes stay as they were.
    expect([await noteOf('feature'), await noteOf('feature~1')]).toEqual(before);
    const onSquash = (await noteOf(squash)).split('\n').filter(Boolean);
    expect(onSquash).toContain(recordLine);
    const events = onSquash.map((l) => JSON.parse(l)).filter((l) => l.kind === 'event');
    expect(events.map((e) => [e.type, e.id, e.commits])).toEqual([['adoption', id, [squash]]]);
    expect(events[0]!.by).toEqual({ name: 'Test Author', email: 'author@example.com' });
    const shown = JSON.parse((await cli(repo, ['show', 'HEAD', '--json'])).stdout);
    expect(shown.id).toBe(id);
    expect(shown.repo.adopted.map((a: { commit: string }) => a.commit)).toEqual([squash]);
    expect((await cli(repo, ['adopt'])).stdout).toMatch(/nothing to adopt/);
  });

  test('a commit without a trailer needs --id', async () => {
    const repo = await repoWith({ 'f.txt': '1' });
    const r = await cli(repo, ['adopt']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no Agent-Log trailer/);
  });
});

describe('verify', () => {
  test('a run that kept its boundary and passed a test after its last edit passes', async () => {
    const repo = await repoWith({ 'src/a.ts': '1' });
    const id = await recordedRun(repo, 'ok run', { 'src/a.ts': '2' }, { allow: ['src/**'], check: ['true'] });
    const r = await cli(repo, ['verify', id]);
    expect(r.stdout).toContain(`ok   ${id}`);
    expect(r.code).toBe(0);
  });

  test('a boundary breach and a missing test fail with reasons and exit 1', async () => {
    const repo = await repoWith({ 'src/a.ts': '1' });
    const id = await recordedRun(
      repo,
      'bad run',
      { 'src/a.ts': '2', 'migrations/001.sql': 'drop' },
      { allow: ['src/**'] },
    );
    const r = await cli(repo, ['verify', id]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('changed migrations/001.sql, outside the allowed paths');
    expect(r.stdout).toContain('no test check ran');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('a test that ran before the last edit does not count', async () => {
    const repo = await repoWith({ 'src/a.ts': '1' });
    const id = (await cli(repo, ['start', '--task', 'stale'])).stdout.trim();
    repo.write('src/a.ts', '2');
    await cli(repo, ['exec', '--kind', 'test', '--', 'true']);
    repo.write('src/a.ts', '3');
    await repo.commit('edit after test');
    await cli(repo, ['finish']);
    const r = await cli(repo, ['verify', id, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).runs[0].reasons).toContain('no passing test check after the last edit');
  });

  test('a range reports commits that name a run with no record', async () => {
    const repo = await repoWith({ 'f.txt': '1' });
    const base = (await repo.git('rev-parse', 'HEAD')).trim();
    repo.write('g.txt', 'g');
    await repo.git('add', '-A');
    await repo.git('commit', '-q', '-m', 'agent work\n\nAgent-Log: zzzzzzzzzz');
    const r = await cli(repo, ['verify', `${base}..HEAD`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/names run zzzzzzzzzz .* no record exists/);
  });

  test('the policy comes from .agent-log/config.json', async () => {
    const repo = await repoWith({
      'src/a.ts': '1',
      '.agent-log/config.json': JSON.stringify({
        verify: { require_checks: [], require_approvals: ['merge'] },
      }),
    });
    const id = await recordedRun(repo, 'needs approval', { 'src/a.ts': '2' });
    expect((await cli(repo, ['verify', id])).stdout).toContain('no approval for "merge"');
    expect((await cli(repo, ['approve', id, '--by', 'Ana', '--for', 'merge'])).code).toBe(0);
    expect((await cli(repo, ['verify', id])).code).toBe(0);
  });
});

describe('doctor', () => {
  test('an unconfigured repository is reported with the fix, exit 1', async () => {
    const repo = await tempRepo({ files: { 'f.txt': '1' } });
    cleanups.push(() => repo.cleanup());
    const r = await cli(repo, ['doctor']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('notes.rewriteRef is not set');
    expect(r.stdout).toContain('fix: git agent-log init');
  });

  test('a configured repository with records is healthy', async () => {
    const repo = await repoWith({ 'f.txt': '1' });
    await recordedRun(repo, 'run', { 'g.txt': '2' });
    const r = await cli(repo, ['doctor', '--json']);
    expect(r.code).toBe(0);
    expect(
      JSON.parse(r.stdout).findings.some(
        (f: { what: string }) => f.what === '1 record on refs/notes/agent-log',
      ),
    ).toBe(true);
  });
});

describe('a run journal torn by a crash', () => {
  test('is recovered: doctor names the damaged line, and finish seals every intact event', async () => {
    const repo = await repoWith({ 'f.txt': '1' });
    const id = (await cli(repo, ['start', '--task', 'crash mid-write'])).stdout.trim();
    await cli(repo, ['exec', '--check', 'unit', '--kind', 'test', '--', 'true']);
    appendFileSync(join(repo.dir, '.git', 'agent-log', 'runs', `${id}.jsonl`), '{"v":1,"t":"2026-');
    const doctor = await cli(repo, ['doctor']);
    expect(doctor.stdout).toContain(`journal of run ${id} has 1 damaged line(s)`);
    repo.write('g.txt', '2');
    await repo.commit('work');
    expect((await cli(repo, ['finish'])).code).toBe(0);
    const record = JSON.parse((await cli(repo, ['show', id, '--json'])).stdout);
    expect(record.checks.map((c: { name: string; status: string }) => [c.name, c.status])).toEqual([
      ['unit', 'passed'],
    ]);
  });
});
