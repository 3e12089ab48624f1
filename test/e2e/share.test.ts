// Records travel with plain git: `git push` (pre-push hook) sends the records of the commits being
// pushed, `git pull` brings a teammate's, read commands merge them; records of unpublished commits
// stay local; concurrent pushes lose nothing; a remote that refuses notes never fails the code push.
// Two clones of a file:// bare remote, real git throughout; expectations read with plain git.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { cli, type TempRepo } from '../helpers/repo.js';
import { handRun, type Team, team } from '../helpers/team.js';

const teams: Team[] = [];
afterEach(() => {
  for (const t of teams.splice(0)) t.cleanup();
});

const LONG = { timeout: 300_000 };

async function teamOf(files: Record<string, string>) {
  const t = await team(files);
  teams.push(t);
  return t;
}

/** A clone with the hooks a team rolls out: post-commit, prepare-commit-msg and pre-push. */
async function member(t: Team, name: string): Promise<TempRepo> {
  const repo = await t.clone(name);
  const r = await cli(repo, ['init', '--pre-push']);
  expect(r.code, r.stderr).toBe(0);
  return repo;
}

/** Record ids in the remote's notes (read from the bare repository with plain git). */
async function remoteIds(t: Team, owner: TempRepo): Promise<string[]> {
  const list = await owner.git('--git-dir', t.bare, 'notes', '--ref=agent-log', 'list').catch(() => '');
  const ids = new Set<string>();
  for (const line of list.split('\n').filter(Boolean)) {
    const target = line.split(' ')[1]!;
    const body = await owner.git('--git-dir', t.bare, 'notes', '--ref=agent-log', 'show', target);
    for (const l of body.split('\n').filter(Boolean)) ids.add(JSON.parse(l).id);
  }
  return [...ids].sort();
}

const logIds = async (repo: TempRepo) =>
  JSON.parse((await cli(repo, ['log', '--json'])).stdout)
    .map((r: { id: string }) => r.id)
    .sort();

describe('sharing with plain git', () => {
  test(
    'git push carries the run\u2019s record; git pull brings it and log shows it, no extra command',
    LONG,
    async () => {
      const t = await teamOf({ 'src/app.ts': 'v1\n' });
      const alice = await member(t, 'Alice');
      const bob = await member(t, 'Bob');
      const id = await handRun(alice, 'validate input', [{ 'src/app.ts': 'v2\n' }]);
      const push = await alice.git('push', '-q', 'origin', 'main');
      expect(push).toBe('');
      expect(await remoteIds(t, alice)).toEqual([id]);

      await bob.git('pull', '-q'); // plain pull: the configured refspecs, notes included
      expect(await logIds(bob)).toEqual([id]);
      const show = await cli(bob, ['show', id, '--json']);
      expect(JSON.parse(show.stdout).task.intent).toBe('validate input');
      const doctor = await cli(bob, ['doctor', '--json']);
      expect(JSON.stringify(JSON.parse(doctor.stdout).findings)).not.toMatch(/not merged/);
    },
  );

  test('records of commits that were never pushed stay local; sync lists them', LONG, async () => {
    const t = await teamOf({ 'src/app.ts': 'v1\n', 'src/wip.ts': 'w1\n' });
    const alice = await member(t, 'Alice');
    const wip = await handRun(alice, 'experiment', [{ 'src/wip.ts': 'w2\n' }], { branch: 'wip' });
    await alice.git('checkout', '-q', 'main');
    const shipped = await handRun(alice, 'ship it', [{ 'src/app.ts': 'v2\n' }]);
    await alice.git('push', '-q', 'origin', 'main');
    expect(await remoteIds(t, alice)).toEqual([shipped]);
    const sync = await cli(alice, ['sync']);
    expect(sync.code, sync.stderr).toBe(0);
    expect(sync.stdout).toContain(`not pushed (their commits are not on origin yet): ${wip}`);
    expect(await remoteIds(t, alice)).toEqual([shipped]);
    const doctor = await cli(alice, ['doctor']);
    expect(doctor.stdout).toContain(
      `1 record(s) stay local until their commits are pushed to origin: ${wip}`,
    );
    // Once the branch is pushed, its record goes too.
    await alice.git('push', '-q', 'origin', 'wip');
    expect(await remoteIds(t, alice)).toEqual([shipped, wip].sort());
  });

  test('concurrent pushes from two clones lose no record', LONG, async () => {
    const t = await teamOf({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    const alice = await member(t, 'Alice');
    const bob = await member(t, 'Bob');
    const ids: string[] = [];
    for (let round = 1; round <= 3; round++) {
      const a = await handRun(alice, `alice round ${round}`, [{ 'a.txt': `a${round}\n` }], {
        branch: `alice-${round}`,
      });
      const b = await handRun(bob, `bob round ${round}`, [{ 'b.txt': `b${round}\n` }], {
        branch: `bob-${round}`,
      });
      ids.push(a, b);
      await Promise.all([
        alice.git('push', '-q', 'origin', `alice-${round}`),
        bob.git('push', '-q', 'origin', `bob-${round}`),
      ]);
    }
    // A push that lost the notes race retried (lease on the remote's old tip): everything is there.
    expect(await remoteIds(t, alice)).toEqual([...ids].sort());
    await alice.git('fetch', '-q', 'origin');
    expect(await logIds(alice)).toEqual([...ids].sort());
  });

  test('a remote that refuses notes never fails the code push: one warning line', LONG, async () => {
    const t = await teamOf({ 'a.txt': 'a\n' });
    const hook = join(t.bare, 'hooks', 'pre-receive');
    writeFileSync(
      hook,
      '#!/bin/sh\nwhile read old new ref; do case "$ref" in refs/notes/*) echo "notes not allowed" >&2; exit 1;; esac; done\nexit 0\n',
    );
    chmodSync(hook, 0o755);
    const alice = await member(t, 'Alice');
    await handRun(alice, 'edit a', [{ 'a.txt': 'a2\n' }]);
    const { execFile } = await import('node:child_process');
    const r = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile('git', ['push', '-q', 'origin', 'main'], { cwd: alice.dir }, (e, _o, stderr) =>
        resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stderr }),
      ),
    );
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('agent-log:'))).toHaveLength(1);
    expect(r.stderr).toMatch(/^agent-log: records not shared with origin: /m);
    expect((await alice.git('ls-remote', 'origin', 'main')).split('\t')[0]).toBe(
      (await alice.git('rev-parse', 'HEAD')).trim(),
    );
  });
});
