// Team-safe amendments: approvals and notes added after sealing are event lines that survive two
// clones writing at once; forged future-dated lines are flagged; the verify gate takes approvals that
// cover a breach, signed approvals checked with a real ssh key, and tells a fresh clone how to fetch.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { cli, type CliResult, gitEnv, type TempRepo, tempRepo } from '../helpers/repo.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A person at their own clone: the git identity comes from the clone's config, as for a real user. */
interface Person {
  name: string;
  email: string;
  dir: string;
}

const asPerson: NodeJS.ProcessEnv = {
  GIT_AUTHOR_NAME: undefined,
  GIT_AUTHOR_EMAIL: undefined,
  GIT_COMMITTER_NAME: undefined,
  GIT_COMMITTER_EMAIL: undefined,
};

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, env: gitEnv(asPerson), encoding: 'utf8' });
}

async function run(p: Person | TempRepo, args: string[]): Promise<CliResult> {
  return cli(p.dir, args, { env: asPerson });
}

async function ok(p: Person | TempRepo, args: string[]): Promise<CliResult> {
  const r = await run(p, args);
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r;
}

function cloneAs(remote: string, name: string, email: string): Person {
  const dir = tempDir('agent-log-clone-');
  execFileSync('git', ['clone', '-q', remote, dir], { env: gitEnv() });
  git(dir, 'config', 'user.name', name);
  git(dir, 'config', 'user.email', email);
  return { name, email, dir };
}

/** A bare origin (file://) with one commit, and a recorded, sealed and pushed run on it. */
async function teamWithRun(files: Record<string, string>, task: string, startArgs: string[] = []) {
  const seed = await tempRepo({ files });
  cleanups.push(() => seed.cleanup());
  const bare = tempDir('agent-log-origin-');
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare]);
  await seed.git('push', '-q', bare, 'main');
  const remote = `file://${bare}`;
  const priya = cloneAs(remote, 'Priya Raman', 'priya.raman@example.org');
  await ok(priya, ['init']);
  const id = (await ok(priya, ['start', '--task', task, ...startArgs])).stdout.trim();
  return { remote, priya, id };
}

/** Independent reader: our lines in a clone's note on `rev`, parsed from `git notes show`. */
function noteLines(p: Person, rev: string): Record<string, unknown>[] {
  return git(p.dir, 'notes', '--ref=agent-log', 'show', rev)
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function showJson(r: CliResult) {
  return JSON.parse(r.stdout) as {
    task: { intent: string };
    approvals: { by: string; email?: string | null; scope: string }[];
    rollback: { notes: string[] };
    outcome: { status: string };
  };
}

describe('two clones amending one sealed record at once', () => {
  test('20 rounds of approve in one clone and note in the other, both syncing, lose nothing', async () => {
    const { remote, priya, id } = await teamWithRun({ 'src/charge.ts': 'v1\n' }, 'retry failed charges');
    writeFileSync(join(priya.dir, 'src/charge.ts'), 'v2\n');
    git(priya.dir, 'commit', '-q', '-am', 'retry failed charges');
    await ok(priya, ['finish']);
    git(priya.dir, 'push', '-q', 'origin', 'main');
    await ok(priya, ['sync']);
    const thomas = cloneAs(remote, 'Thomas Berg', 'thomas.berg@example.com');
    await ok(thomas, ['init']);
    await ok(thomas, ['sync']);
    const head = git(priya.dir, 'rev-parse', 'HEAD').trim();
    const sealedLine = noteLines(priya, head).find((l) => l.kind === 'record');
    expect(sealedLine?.id).toBe(id);

    const ROUNDS = 20;
    for (let i = 1; i <= ROUNDS; i++) {
      await Promise.all([
        ok(priya, ['approve', id, '--for', `deploy step ${i}`]),
        ok(thomas, ['note', id, '--rollback', `revert step ${i} with git revert ${head.slice(0, 12)}`]),
      ]);
      await Promise.all([ok(priya, ['sync']), ok(thomas, ['sync'])]);
    }
    await ok(priya, ['sync']);
    await ok(thomas, ['sync']);
    await ok(priya, ['sync']);

    for (const p of [priya, thomas]) {
      const lines = noteLines(p, head);
      // the sealed record line is still there, byte for byte the same object, and only once
      expect(lines.filter((l) => l.kind === 'record')).toEqual([sealedLine]);
      const approvals = lines.filter((l) => l.kind === 'event' && l.type === 'approval');
      const notes = lines.filter((l) => l.kind === 'event' && l.type === 'note');
      expect(approvals).toHaveLength(ROUNDS);
      expect(notes).toHaveLength(ROUNDS);
      const shown = showJson(await ok(p, ['show', id, '--json']));
      expect(shown.approvals.map((a) => a.scope).sort()).toEqual(
        approvals.map((a) => String(a.scope)).sort(),
      );
      expect(shown.rollback.notes.sort()).toEqual(notes.map((n) => String(n.rollback)).sort());
      expect(new Set(shown.approvals.map((a) => `${a.by} <${a.email}>`))).toEqual(
        new Set(['Priya Raman <priya.raman@example.org>']),
      );
    }
    // query and the index see every approval too
    const q = await ok(thomas, ['query', '--approved-by', 'Priya Raman', '--json']);
    expect((JSON.parse(q.stdout) as { approvals: unknown[] }[])[0]!.approvals).toHaveLength(ROUNDS);
  }, 900_000);
});

describe('forged and future-dated lines', () => {
  test('a copy dated 2999 replaces neither intent nor approvals, and doctor flags it and future events', async () => {
    const { priya, id } = await teamWithRun({ 'src/charge.ts': 'v1\n' }, 'retry failed charges');
    writeFileSync(join(priya.dir, 'src/charge.ts'), 'v2\n');
    git(priya.dir, 'commit', '-q', '-am', 'work');
    await ok(priya, ['finish']);
    await ok(priya, ['approve', id, '--for', 'merge']);
    expect((await run(priya, ['doctor'])).stdout).not.toMatch(/dated in the future/);

    const record = noteLines(priya, 'HEAD').find((l) => l.kind === 'record')!;
    const forged = {
      ...record,
      task: { intent: 'harmless refactor', source: 'prompt', follow_ups: [] },
      approvals: [],
      sealed_at: '2999-01-01T00:00:00.000Z',
    };
    const forgedEvent = {
      schema: 'agent-log/v1',
      kind: 'event',
      id,
      event: 'zq8m2k4w7x',
      type: 'status',
      at: '2999-01-01T00:00:00.000Z',
      by: { name: 'Mallory', email: 'mallory@example.net' },
      status: 'abandoned',
    };
    git(priya.dir, 'notes', '--ref=agent-log', 'append', '-m', JSON.stringify(forged), 'HEAD');
    git(priya.dir, 'notes', '--ref=agent-log', 'append', '-m', JSON.stringify(forgedEvent), 'HEAD');

    const shown = showJson(await ok(priya, ['show', id, '--json']));
    expect(shown.task.intent).toBe('retry failed charges');
    expect(shown.approvals.map((a) => a.scope)).toEqual(['merge']);
    expect(shown.outcome.status).toBe('completed');
    const doctor = await run(priya, ['doctor']);
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toContain(`record ${id} on`);
    expect(doctor.stdout).toMatch(/sealed_at 2999-01-01T00:00:00.000Z/);
    expect(doctor.stdout).toMatch(new RegExp(`a status event on run ${id} .* dated in the future`));
  }, 120_000);
});

describe('a verify gate people can act on', () => {
  test('an approval scoped to the breached path lets the run pass; the report says who covered it', async () => {
    const { priya, id } = await teamWithRun(
      { 'src/charge.ts': 'v1\n', 'README.md': '# pay\n' },
      'retry charges',
      ['--allow', 'src/**'],
    );
    writeFileSync(join(priya.dir, 'src/charge.ts'), 'v2\n');
    writeFileSync(join(priya.dir, 'README.md'), '# pay\n\nRetries failed charges.\n');
    await ok(priya, ['exec', '--kind', 'test', '--', 'node', '-e', '0']);
    git(priya.dir, 'commit', '-q', '-am', 'retry charges');
    await ok(priya, ['finish']);
    const before = await run(priya, ['verify', id]);
    expect(before.code).toBe(1);
    expect(before.stdout).toContain('changed README.md, outside the allowed paths');

    await ok(priya, ['approve', id, '--for', 'boundary:README.md', '--note', 'docs only']);
    const after = await run(priya, ['verify', id]);
    expect(after.code, after.stdout).toBe(0);
    expect(after.stdout).toContain('approved by Priya Raman ("boundary:README.md")');
  }, 120_000);

  test('a failed lint check the policy does not require does not fail the gate', async () => {
    const { priya, id } = await teamWithRun({ 'src/charge.ts': 'v1\n' }, 'retry charges');
    writeFileSync(join(priya.dir, 'src/charge.ts'), 'v2\n');
    await ok(priya, ['exec', '--kind', 'test', '--', 'node', '-e', '0']);
    expect((await run(priya, ['exec', '--kind', 'lint', '--', 'node', '-e', 'process.exit(1)'])).code).toBe(
      1,
    );
    git(priya.dir, 'commit', '-q', '-am', 'retry charges');
    await ok(priya, ['finish']);
    const r = await run(priya, ['verify', id, '--json']);
    expect(r.code, r.stdout).toBe(0);
    const verdict = JSON.parse(r.stdout).runs[0];
    expect(verdict.notes.join('\n')).toMatch(/failed \(not required by the policy\)/);
  }, 120_000);

  test('verify in a clone without notes says how to fetch them, and passes once fetched', async () => {
    const { remote, priya, id } = await teamWithRun({ 'src/charge.ts': 'v1\n' }, 'retry charges');
    writeFileSync(join(priya.dir, 'src/charge.ts'), 'v2\n');
    await ok(priya, ['exec', '--kind', 'test', '--', 'node', '-e', '0']);
    git(priya.dir, 'commit', '-q', '-am', 'retry charges');
    await ok(priya, ['finish']);
    git(priya.dir, 'push', '-q', 'origin', 'main');
    await ok(priya, ['sync']);
    const ci = cloneAs(remote, 'CI', 'ci@example.org');
    const r = await run(ci, ['verify', 'HEAD']);
    expect(r.code).toBe(1);
    const hint = r.stderr.split('\n').find((l) => l.startsWith('hint:'));
    expect(hint).toContain('git fetch origin refs/notes/agent-log:refs/notes/agent-log');
    git(ci.dir, 'fetch', '-q', 'origin', 'refs/notes/agent-log:refs/notes/agent-log');
    const again = await run(ci, ['verify', 'HEAD']);
    expect(again.stdout).toContain(`ok   ${id}`);
    expect(again.code).toBe(0);
  }, 120_000);
});

describe('status changes after sealing', () => {
  test('note --status is an event: show, log and verify see the new outcome, the record line stays', async () => {
    const { priya, id } = await teamWithRun({ 'src/charge.ts': 'v1\n' }, 'retry charges');
    writeFileSync(join(priya.dir, 'src/charge.ts'), 'v2\n');
    await ok(priya, ['exec', '--kind', 'test', '--', 'node', '-e', '0']);
    git(priya.dir, 'commit', '-q', '-am', 'retry charges');
    await ok(priya, ['finish']);
    const record = noteLines(priya, 'HEAD').find((l) => l.kind === 'record');
    expect((await run(priya, ['verify', id])).code).toBe(0);

    await ok(priya, ['note', id, '--status', 'failed', '--reason', 'double charges in production']);
    const lines = noteLines(priya, 'HEAD');
    expect(lines.find((l) => l.kind === 'record')).toEqual(record);
    expect(lines.find((l) => l.type === 'status')).toMatchObject({
      status: 'failed',
      reason: 'double charges in production',
      by: { name: 'Priya Raman', email: 'priya.raman@example.org' },
    });
    expect(showJson(await ok(priya, ['show', id, '--json'])).outcome.status).toBe('failed');
    expect((await ok(priya, ['log'])).stdout).toMatch(new RegExp(`^${id.slice(0, 7)} .* failed `, 'm'));
    const v = await run(priya, ['verify', id]);
    expect(v.code).toBe(1);
    expect(v.stdout).toContain('run ended failed');
  }, 120_000);

  test('note --status on a run that is still open is refused with the command that works', async () => {
    const { priya, id } = await teamWithRun({ 'src/charge.ts': 'v1\n' }, 'retry charges');
    const r = await run(priya, ['note', id, '--status', 'abandoned']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `hint: give its outcome when sealing: git agent-log finish ${id} --status abandoned`,
    );
  }, 60_000);
});

/** A sealed run in a repository whose gate wants a signed "merge" approval and nothing else. */
async function sealedRunNeedingSignedMerge() {
  const team = await teamWithRun(
    {
      'src/charge.ts': 'v1\n',
      '.agent-log/config.json': JSON.stringify({
        verify: { require_checks: [], require_approvals: ['merge'], require_signed_approvals: true },
      }),
    },
    'retry charges',
  );
  writeFileSync(join(team.priya.dir, 'src/charge.ts'), 'v2\n');
  git(team.priya.dir, 'commit', '-q', '-am', 'retry charges');
  await ok(team.priya, ['finish']);
  return team;
}

/** Edit the signed approval's note after signing (the signature kept): `verify` must fail. */
function tamperSignedNote(p: Person): void {
  const body = git(p.dir, 'notes', '--ref=agent-log', 'show', 'HEAD');
  const tampered = body.replace('"note":"lgtm"', '"note":"lgtm, deploy too"');
  expect(tampered).not.toBe(body);
  git(p.dir, 'notes', '--ref=agent-log', 'add', '-f', '-m', tampered.trim(), 'HEAD');
}

describe('signed approvals (openpgp, with a real gpg key)', () => {
  test("a good gpg signature whose user id has the writer's email counts; another key's and a tampered event do not", async () => {
    const { priya, id } = await sealedRunNeedingSignedMerge();

    const gnupg = tempDir('agent-log-gnupg-');
    chmodSync(gnupg, 0o700);
    const gpg = (...args: string[]) =>
      execFileSync('gpg', ['--batch', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], {
        env: { ...process.env, GNUPGHOME: gnupg },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    cleanups.push(() => {
      try {
        execFileSync('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, GNUPGHOME: gnupg } });
      } catch {
        // no agent left running
      }
    });
    gpg('--quick-gen-key', `Priya Raman <${priya.email}>`, 'ed25519', 'sign', 'never');
    gpg('--quick-gen-key', 'Mallory <mallory@example.net>', 'ed25519', 'sign', 'never');
    const fingerprint = (uid: string) =>
      /^fpr:+([0-9A-F]{40}):/m.exec(gpg('--with-colons', '--list-secret-keys', uid))![1]!;
    const withGpg = { ...asPerson, GNUPGHOME: gnupg };
    const runGpg = (args: string[]) => cli(priya.dir, args, { env: withGpg });
    git(priya.dir, 'config', 'gpg.format', 'openpgp');

    // signed by a key whose user id is someone else
    git(priya.dir, 'config', 'user.signingkey', fingerprint('mallory@example.net'));
    expect((await runGpg(['approve', id, '--for', 'merge', '--sign'])).code).toBe(0);
    let v = await runGpg(['verify', id]);
    expect(v.code).toBe(1);
    expect(v.stdout).toContain(`not ${priya.email}`);

    // signed by Priya's own key
    git(priya.dir, 'config', 'user.signingkey', fingerprint(priya.email));
    const signed = await runGpg(['approve', id, '--for', 'merge', '--sign', '--note', 'lgtm']);
    expect(signed.code, signed.stderr).toBe(0);
    const event = noteLines(priya, 'HEAD').find((l) => l.type === 'approval' && l.note === 'lgtm')!;
    expect((event.sig as { format: string; signature: string }).format).toBe('openpgp');
    expect((event.sig as { signature: string }).signature).toMatch(/^-----BEGIN PGP SIGNATURE-----/);
    v = await runGpg(['verify', id]);
    expect(v.code, v.stdout).toBe(0);

    // the event edited after signing: gpg reports a bad signature and the gate fails
    tamperSignedNote(priya);
    v = await runGpg(['verify', id]);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/signature that does not match it/);
  }, 180_000);
});

describe('signed approvals (ssh, as git signs commits)', () => {
  test('a signed approval by an allowed signer passes require_signed_approvals; unsigned, foreign-key and tampered ones do not', async () => {
    const { priya, id } = await sealedRunNeedingSignedMerge();

    const keys = tempDir('agent-log-keys-');
    const key = join(keys, 'id_ed25519');
    const other = join(keys, 'other_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', priya.email, '-f', key]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'someone@example.net', '-f', other]);
    const allowed = join(keys, 'allowed_signers');
    writeFileSync(allowed, `${priya.email} ${readFileSync(`${key}.pub`, 'utf8').trim()}\n`);
    git(priya.dir, 'config', 'gpg.format', 'ssh');
    git(priya.dir, 'config', 'gpg.ssh.allowedSignersFile', allowed);

    // unsigned: recorded, but does not count
    await ok(priya, ['approve', id, '--for', 'merge']);
    let v = await run(priya, ['verify', id]);
    expect(v.code).toBe(1);
    expect(v.stdout).toContain('no approval for "merge"');
    expect(v.stdout).toContain('it is not signed');

    // signed with a key the allowed signers file does not list for this email
    git(priya.dir, 'config', 'user.signingkey', other);
    await ok(priya, ['approve', id, '--for', 'merge', '--sign']);
    v = await run(priya, ['verify', id]);
    expect(v.code).toBe(1);
    expect(v.stdout).toContain(`key is not an allowed signer for ${priya.email}`);

    // signed with the allowed key
    git(priya.dir, 'config', 'user.signingkey', key);
    const signed = await ok(priya, ['approve', id, '--for', 'merge', '--sign', '--note', 'lgtm']);
    expect(signed.stderr).toContain('(signed)');
    const event = noteLines(priya, 'HEAD').find((l) => l.type === 'approval' && l.note === 'lgtm')!;
    expect((event.sig as { format: string; signature: string }).signature).toMatch(
      /^-----BEGIN SSH SIGNATURE-----/,
    );
    v = await run(priya, ['verify', id]);
    expect(v.code, v.stdout).toBe(0);

    // tamper with the signed event (its note), keeping the signature: the gate fails
    tamperSignedNote(priya);
    v = await run(priya, ['verify', id]);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/signature that does not match it/);
  }, 180_000);

  test('--sign without a signing key is a usage error with a hint, and nothing is recorded', async () => {
    const { priya, id } = await teamWithRun({ 'src/charge.ts': 'v1\n' }, 'retry charges');
    writeFileSync(join(priya.dir, 'src/charge.ts'), 'v2\n');
    git(priya.dir, 'commit', '-q', '-am', 'work');
    await ok(priya, ['finish']);
    git(priya.dir, 'config', 'gpg.format', 'ssh');
    const before = git(priya.dir, 'rev-parse', 'refs/notes/agent-log');
    const r = await run(priya, ['approve', id, '--for', 'merge', '--sign']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: no SSH signing key/m);
    expect(r.stderr).toMatch(/^hint: git config user.signingkey/m);
    expect(git(priya.dir, 'rev-parse', 'refs/notes/agent-log')).toBe(before);
  }, 120_000);
});
