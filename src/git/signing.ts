// Signing approvals the way git signs commits: the user's `gpg.format` (openpgp, ssh) and
// `user.signingkey`, through the same programs (`gpg.program`, `gpg.ssh.program`). SSH signatures use
// their own namespace so a signed approval can never pass as a signed commit, or the reverse.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { GitEngine } from './engine.js';

export const SSH_NAMESPACE = 'git-agent-log';

export interface EventSignature {
  format: 'ssh' | 'openpgp';
  signature: string;
  [k: string]: unknown;
}

export type SignatureCheck =
  /** Valid, and made by a key the repository trusts for the approver's email. */
  | { status: 'trusted'; detail: string }
  /** Mathematically valid, but no trust configuration vouches for the signer. */
  | { status: 'untrusted'; detail: string }
  /** Does not match the event: the event or the signature was changed. */
  | { status: 'bad'; detail: string }
  /** Could not be checked (program missing, unknown format). */
  | { status: 'unknown'; detail: string };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(program: string, args: string[], input: string, cwd: string): Promise<Run> {
  return new Promise((done) => {
    const child = execFile(program, args, { cwd, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 127) : 0;
      done({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    child.stdin?.on('error', () => {});
    child.stdin?.end(input);
  });
}

const firstLine = (s: string) =>
  s
    .split('\n')
    .find((l) => l.trim())
    ?.trim() ?? '';

function expandHome(p: string): string {
  return p.startsWith('~/') ? join(homedir(), p.slice(2)) : p;
}

function withTemp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'agent-log-sig-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

/** The signing set-up of this repository, as git would use it for `commit -S`. */
async function signingConfig(engine: GitEngine) {
  const format = ((await engine.getConfig('gpg.format')) ?? 'openpgp').toLowerCase();
  const key = await engine.getConfig('user.signingkey');
  const cwd = engine.location.worktree ?? engine.location.gitDir;
  return { format, key, cwd };
}

/** A signer for appendRunEvent's `sign` option; throws UsageError when no signing key is set up. */
export async function gitSigner(engine: GitEngine): Promise<(payload: string) => Promise<EventSignature>> {
  const { format, key, cwd } = await signingConfig(engine);
  if (format === 'ssh') {
    if (!key)
      throw new UsageError(
        'no SSH signing key: user.signingkey is not set',
        'git config user.signingkey ~/.ssh/id_ed25519.pub',
      );
    const program = (await engine.getConfig('gpg.ssh.program')) ?? 'ssh-keygen';
    return (payload) =>
      withTemp(async (dir) => {
        let keyFile = expandHome(key);
        const literal = /^key::/.test(key) ? key.slice(5) : /^(ssh-|ecdsa-|sk-)/.test(key) ? key : null;
        if (literal) {
          keyFile = join(dir, 'key.pub');
          writeFileSync(keyFile, `${literal}\n`);
        } else if (!isAbsolute(keyFile)) keyFile = resolve(cwd, keyFile);
        const args = ['-Y', 'sign', '-n', SSH_NAMESPACE, '-f', keyFile, ...(literal ? ['-U'] : [])];
        const r = await run(program, args, payload, cwd);
        if (r.code !== 0 || !r.stdout.includes('BEGIN SSH SIGNATURE'))
          throw new UsageError(`ssh signing failed: ${firstLine(r.stderr) || `exit ${r.code}`}`);
        return { format: 'ssh', signature: r.stdout.trim() };
      });
  }
  if (format === 'openpgp') {
    const program = (await engine.getConfig('gpg.program')) ?? 'gpg';
    return async (payload) => {
      const args = ['--batch', '--status-fd=2', '--armor', '--detach-sign', ...(key ? ['-u', key] : [])];
      const r = await run(program, args, payload, cwd);
      if (r.code !== 0 || !r.stdout.includes('BEGIN PGP SIGNATURE'))
        throw new UsageError(`gpg signing failed: ${firstLine(r.stderr) || `exit ${r.code}`}`);
      return { format: 'openpgp', signature: r.stdout.trim() };
    };
  }
  throw new UsageError(`gpg.format ${format} is not supported for approvals (use ssh or openpgp)`);
}

/**
 * Check a signature over `payload`. SSH: with `gpg.ssh.allowedSignersFile`, the key must be allowed
 * for the approver's email (`ssh-keygen -Y verify -I <email>`); without it only validity is checked.
 * OpenPGP: `gpg --verify`; trusted when gpg reports a good signature whose user id has the email.
 */
export async function checkSignature(
  engine: GitEngine,
  sig: unknown,
  payload: string,
  email: string | null,
): Promise<SignatureCheck> {
  const s = sig as Partial<EventSignature> | null;
  if (!s || typeof s.signature !== 'string') return { status: 'bad', detail: 'malformed signature' };
  const cwd = engine.location.worktree ?? engine.location.gitDir;
  if (s.format === 'ssh') {
    const program = (await engine.getConfig('gpg.ssh.program')) ?? 'ssh-keygen';
    const allowed = await engine.getConfig('gpg.ssh.allowedSignersFile');
    return withTemp(async (dir) => {
      const sigFile = join(dir, 'event.sig');
      writeFileSync(sigFile, `${s.signature}\n`);
      const valid = await run(
        program,
        ['-Y', 'check-novalidate', '-n', SSH_NAMESPACE, '-s', sigFile],
        payload,
        cwd,
      );
      if (valid.code === 127) return { status: 'unknown', detail: `${program} not found` };
      if (valid.code !== 0) return { status: 'bad', detail: 'signature does not match the event' };
      if (!allowed) return { status: 'untrusted', detail: 'no gpg.ssh.allowedSignersFile configured' };
      if (!email)
        return { status: 'untrusted', detail: 'the approval names no email to check the key against' };
      const file = resolve(cwd, expandHome(allowed));
      const r = await run(
        program,
        ['-Y', 'verify', '-f', file, '-I', email, '-n', SSH_NAMESPACE, '-s', sigFile],
        payload,
        cwd,
      );
      return r.code === 0
        ? { status: 'trusted', detail: firstLine(r.stdout) }
        : { status: 'untrusted', detail: `key is not an allowed signer for ${email}` };
    });
  }
  if (s.format === 'openpgp') {
    const program = (await engine.getConfig('gpg.program')) ?? 'gpg';
    return withTemp(async (dir) => {
      const sigFile = join(dir, 'event.asc');
      writeFileSync(sigFile, `${s.signature}\n`);
      const r = await run(program, ['--batch', '--status-fd=1', '--verify', sigFile, '-'], payload, cwd);
      if (r.code === 127) return { status: 'unknown', detail: `${program} not found` };
      if (/^\[GNUPG:\] BADSIG/m.test(r.stdout))
        return { status: 'bad', detail: 'signature does not match the event' };
      const good = /^\[GNUPG:\] GOODSIG \S+ (.*)$/m.exec(r.stdout);
      if (!good)
        return { status: 'untrusted', detail: firstLine(r.stderr) || 'signature could not be verified' };
      if (email && !good[1]!.toLowerCase().includes(`<${email.toLowerCase()}>`))
        return { status: 'untrusted', detail: `signed by ${good[1]}, not ${email}` };
      return { status: 'trusted', detail: `good signature from ${good[1]}` };
    });
  }
  return { status: 'unknown', detail: `unknown signature format ${String(s.format)}` };
}
