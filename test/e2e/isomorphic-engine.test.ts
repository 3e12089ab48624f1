// The built CLI on the isomorphic engine: chosen by flag, by AGENT_LOG_ENGINE, or because no git is on
// PATH; records it seals are read by git and by the native engine, and unsupported shapes fail clearly.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { cli, gitEnv, type TempRepo, tempRepo } from '../helpers/repo.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function repo(files: Record<string, string>): Promise<TempRepo> {
  const r = await tempRepo({ files });
  cleanups.push(() => r.cleanup());
  return r;
}

const ISO = { AGENT_LOG_ENGINE: 'isomorphic' };

describe('isomorphic engine through the CLI', () => {
  test('a run recorded and sealed with the isomorphic engine is a note git and the native engine read', async () => {
    const r = await repo({ 'api/signup.ts': 'v1\n' });
    expect((await cli(r, ['init'], { env: ISO })).code).toBe(0);
    const start = await cli(r, ['--engine', 'isomorphic', 'start', '--task', 'validate signup']);
    expect(start.code).toBe(0);
    const id = start.stdout.trim();
    r.write('api/signup.ts', 'v2\n');
    expect((await cli(r, ['exec', '--check', 'unit', '--', 'true'], { env: ISO })).code).toBe(0);
    await r.commit('validate signup');
    const finish = await cli(r, ['finish'], { env: ISO });
    expect(finish.code).toBe(0);

    const note = await r.git('notes', '--ref=agent-log', 'show', 'HEAD');
    const line = note
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .find((l) => l.id === id);
    expect(line.kind).toBe('record');
    expect(line.files.changed).toEqual([
      expect.objectContaining({ path: 'api/signup.ts', status: 'modified' }),
    ]);
    await r.git('fsck', '--strict');

    const native = await cli(r, ['--engine', 'native', 'show', id, '--json']);
    expect(native.code).toBe(0);
    expect(JSON.parse(native.stdout).id).toBe(id);
    const iso = await cli(r, ['show', id, '--json'], { env: ISO });
    expect(JSON.parse(iso.stdout)).toEqual(JSON.parse(native.stdout));
  });

  test('without git on PATH the isomorphic engine is used automatically', async () => {
    const r = await repo({ 'a.txt': 'a\n' });
    await cli(r, ['start', '--task', 'small change']);
    r.write('a.txt', 'b\n');
    await r.commit('small change');
    expect((await cli(r, ['finish'])).code).toBe(0);
    const res = await cli(r, ['log'], { env: { PATH: '/nonexistent' } });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/small change/);
  });

  test.each(['after-objects', 'before-cas', 'after-cas'])(
    'a crash at %s leaves a consistent repository, and finishing again seals the run once',
    async (point) => {
      const r = await repo({ 'a.txt': 'a\n' });
      const id = (await cli(r, ['start', '--task', 'crash test'], { env: ISO })).stdout.trim();
      r.write('a.txt', 'b\n');
      await r.commit('crash test');
      const crashed = await cli(r, ['finish'], { env: { ...ISO, AGENT_LOG_FAULT: point } });
      expect(crashed.code).not.toBe(0);
      await r.git('fsck', '--strict');
      const tip = await r.git('rev-parse', '-q', '--verify', 'refs/notes/agent-log').catch(() => '');
      expect(tip !== '').toBe(point === 'after-cas');

      // The crashed finish already closed the run: it is pending, and sealing it again names it.
      expect((await cli(r, ['finish', id], { env: ISO })).code).toBe(0);
      const lines = (await r.git('notes', '--ref=agent-log', 'show', 'HEAD')).split('\n').filter(Boolean);
      expect(lines.map((l) => JSON.parse(l)).filter((l) => l.id === id)).toHaveLength(1);
      await r.git('fsck', '--strict');
    },
  );

  test('a SHA-256 repository is refused with one clear line and exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-log-sha256-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    execFileSync('git', ['init', '-q', '--object-format=sha256', dir], { env: gitEnv() });
    const res = await cli(dir, ['log'], { env: ISO });
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    const lines = res.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/isomorphic engine cannot open this repository: .*sha256.*native engine/);
  });
});
