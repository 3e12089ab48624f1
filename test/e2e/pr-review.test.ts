// The pull request without a server: integrations/review.sh (what action.yml and the GitLab template
// run) in a fresh CI clone of a real bare remote, with the built CLI. The forge's API is the only
// stand-in: a `gh` (or `curl`) on PATH that logs its calls, since GitHub is not reachable from a test.
// Verdicts and run ids are read back with plain git, never from the code under test.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { BIN, cli, gitEnv, ROOT, tempRepo } from '../helpers/repo.js';

const SCRIPT = join(ROOT, 'integrations', 'review.sh');
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, env: gitEnv(), encoding: 'utf8' });
}

async function ok(dir: string, args: string[]) {
  const r = await cli(dir, args);
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r;
}

/** A bare origin with `main`, and a developer clone with `init` done. */
async function origin(files: Record<string, string>) {
  const seed = await tempRepo({ files });
  cleanups.push(() => seed.cleanup());
  const bare = tempDir('agent-log-origin-');
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare]);
  await seed.git('push', '-q', bare, 'main');
  const dev = tempDir('agent-log-dev-');
  execFileSync('git', ['clone', '-q', bare, dev], { env: gitEnv() });
  await ok(dev, ['init']);
  return { bare, dev };
}

/** A recorded run on branch `feature`, pushed with its records by plain git. */
async function featureRun(dev: string, opts: { test: boolean; file?: string; allow?: string }) {
  git(dev, 'checkout', '-q', '-b', 'feature');
  const allow = opts.allow ? ['--allow', opts.allow] : [];
  const id = (await ok(dev, ['start', '--task', 'retry failed charges', ...allow])).stdout.trim();
  writeFileSync(join(dev, opts.file ?? 'src/charge.ts'), 'v2\n');
  if (opts.test) await ok(dev, ['exec', '--kind', 'test', '--', 'node', '-e', '0']);
  git(dev, 'add', '-A');
  git(dev, 'commit', '-q', '-m', 'retry failed charges');
  await ok(dev, ['finish']);
  git(dev, 'push', '-q', 'origin', 'feature', 'refs/notes/agent-log');
  return id;
}

/** A CI checkout: a fresh clone (no notes), at the pull request's head. */
function ciClone(bare: string, branch = 'feature'): { dir: string; base: string; head: string } {
  const dir = tempDir('agent-log-ci-');
  execFileSync('git', ['clone', '-q', bare, dir], { env: gitEnv() });
  git(dir, 'checkout', '-q', branch);
  return {
    dir,
    base: git(dir, 'rev-parse', 'origin/main').trim(),
    head: git(dir, 'rev-parse', 'HEAD').trim(),
  };
}

/** A `gh` that logs each call and the body file it was given; `FAKE_GH_EXISTING` answers the list. */
function fakeForge(): { bin: string; log: string } {
  const bin = tempDir('agent-log-fakebin-');
  const log = join(bin, 'calls.log');
  const script = `#!/usr/bin/env bash
{ printf 'CALL'; printf ' %s' "$@"; printf '\\n'; } >> "$FAKE_LOG"
for a in "$@"; do
  case $a in body=@*|body@*) f=\${a#body=@}; f=\${f#body@}; { echo BODY-BEGIN; cat "$f"; echo BODY-END; } >> "$FAKE_LOG";; esac
done
case "$*" in *--paginate*|*per_page*) [ -n "\${FAKE_GH_EXISTING:-}" ] && printf '%s\\n' "$FAKE_GH_EXISTING";; esac
exit 0
`;
  writeFileSync(join(bin, 'gh'), script);
  chmodSync(join(bin, 'gh'), 0o755);
  writeFileSync(log, '');
  return { bin, log };
}

/** The environment a GitHub pull-request job gives the script, with the logging `gh` first on PATH. */
function githubPullRequest(
  forge: { bin: string; log: string },
  ci: { base: string; head: string },
  pr: number,
  extra: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
  return {
    PATH: `${forge.bin}:${process.env.PATH}`,
    FAKE_LOG: forge.log,
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'acme/pay',
    AGENT_LOG_PR: String(pr),
    AGENT_LOG_BASE: ci.base,
    AGENT_LOG_HEAD: ci.head,
    ...extra,
  };
}

function review(dir: string, env: NodeJS.ProcessEnv) {
  const r = spawnSync('bash', [SCRIPT], {
    cwd: dir,
    env: gitEnv({ AGENT_LOG_BIN: `${process.execPath} ${BIN}`, ...env }),
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Our record ids on a commit, read with plain git. */
function idsOn(dir: string, rev: string, gitDirArgs: string[] = []): string[] {
  const text = execFileSync('git', [...gitDirArgs, 'notes', '--ref=agent-log', 'show', rev], {
    cwd: dir,
    env: gitEnv(),
    encoding: 'utf8',
  });
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { kind?: string; id?: string })
    .filter((l) => l.kind === 'record')
    .map((l) => l.id!);
}

/** GitHub's escaping of a workflow command's message, written here independently of the CLI. */
const ghData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

describe('GitHub: review mode', () => {
  test('a passing run: exit 0, one comment created with the packet, the same in the job summary', async () => {
    const { bare, dev } = await origin({ 'src/charge.ts': 'v1\n' });
    const id = await featureRun(dev, { test: true });
    const ci = ciClone(bare);
    const forge = fakeForge();
    const summary = join(tempDir('agent-log-summary-'), 'summary.md');
    const env = githubPullRequest(forge, ci, 7, { GITHUB_STEP_SUMMARY: summary });
    const r = review(ci.dir, env);
    expect(r.code, r.stderr).toBe(0);
    // the clone had no notes: the script fetched them, and the run is the one the developer recorded
    expect(idsOn(ci.dir, ci.head)).toEqual([id]);
    expect(r.stdout).toContain(`ok   ${id}`);

    const calls = readFileSync(forge.log, 'utf8');
    expect(calls).toContain('CALL api --paginate repos/acme/pay/issues/7/comments');
    expect(calls).toContain('CALL api -X POST repos/acme/pay/issues/7/comments');
    const body = calls.split('BODY-BEGIN\n')[1]!.split('BODY-END')[0]!;
    expect(body.startsWith('<!-- git-agent-log:review -->\n')).toBe(true);
    expect(body).toContain('verify passed');
    expect(body).toContain(id);
    expect(body).toContain('retry failed charges');
    expect(readFileSync(summary, 'utf8')).toBe(body);

    // the next push to the pull request updates that comment instead of adding one
    writeFileSync(forge.log, '');
    const again = review(ci.dir, { ...env, FAKE_GH_EXISTING: '4242' });
    expect(again.code).toBe(0);
    const second = readFileSync(forge.log, 'utf8');
    expect(second).toContain('CALL api -X PATCH repos/acme/pay/issues/comments/4242');
    expect(second).not.toContain('-X POST');
  }, 240_000);

  test('a run that breaks the policy fails the job with one error annotation per rule', async () => {
    const { bare, dev } = await origin({ 'src/charge.ts': 'v1\n', 'docs/x.md': '' });
    const id = await featureRun(dev, { test: false, file: 'docs/100%,final.md', allow: 'src/**' });
    const ci = ciClone(bare);
    const forge = fakeForge();
    const r = review(ci.dir, githubPullRequest(forge, ci, 8));
    expect(r.code).toBe(1);
    // what the gate says in text form, and the same reason as a GitHub annotation
    const text = await cli(ci.dir, ['verify', `${ci.base}..${ci.head}`]);
    const reasons = text.stdout
      .split('\n')
      .filter((l) => l.startsWith('     - '))
      .map((l) => l.slice(7));
    expect(reasons).toContain('no test check ran');
    expect(reasons).toContain('changed docs/100%,final.md, outside the allowed paths');
    const annotations = r.stdout.split('\n').filter((l) => l.startsWith('::error '));
    expect(annotations).toEqual(
      reasons.map((reason) => `::error title=agent-log verify%3A run ${id}::${ghData(reason)}`),
    );
    const body = readFileSync(forge.log, 'utf8').split('BODY-BEGIN\n')[1]!;
    expect(body).toContain('verify FAILED');
    expect(body).toContain('no test check ran');
  }, 240_000);

  test('a pull request without agent runs: exit 0 and no comment', async () => {
    const { bare, dev } = await origin({ 'a.txt': 'a\n' });
    git(dev, 'checkout', '-q', '-b', 'feature');
    writeFileSync(join(dev, 'a.txt'), 'b\n');
    git(dev, 'commit', '-q', '-am', 'human change');
    git(dev, 'push', '-q', 'origin', 'feature');
    const ci = ciClone(bare);
    const forge = fakeForge();
    const r = review(ci.dir, githubPullRequest(forge, ci, 9));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('no agent runs in range');
    expect(readFileSync(forge.log, 'utf8')).not.toMatch(/-X (POST|PATCH)/);
  }, 240_000);

  test('a missing base is bad input: exit 2, one line', () => {
    const r = review(tmpdir(), { AGENT_LOG_FORGE: 'none' });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      "agent-log: AGENT_LOG_BASE is not set (the pull request's base commit)",
    ]);
  });
});

describe('adopt mode after a squash merge', () => {
  test('CI re-attaches the run to the squash commit and pushes the record to the remote', async () => {
    const { bare, dev } = await origin({ 'src/charge.ts': 'v1\n' });
    const id = await featureRun(dev, { test: true });
    // the forge's squash merge: one commit on main whose message names the run
    git(dev, 'checkout', '-q', 'main');
    git(dev, 'merge', '-q', '--squash', 'feature');
    git(dev, 'commit', '-q', '-m', `Retry failed charges (#7)\n\nAgent-Log: ${id}`);
    git(dev, 'push', '-q', 'origin', 'main');
    const squash = git(dev, 'rev-parse', 'HEAD').trim();

    const ci = ciClone(bare, 'main');
    const r = review(ci.dir, { AGENT_LOG_MODE: 'adopt', AGENT_LOG_FORGE: 'github' });
    expect(r.code, r.stderr).toBe(0);
    expect(idsOn(bare, squash, [`--git-dir=${bare}`])).toEqual([id]);
  }, 240_000);

  test('a push whose commit names no run is a no-op', async () => {
    const { bare } = await origin({ 'a.txt': 'a\n' });
    const ci = ciClone(bare, 'main');
    const r = review(ci.dir, { AGENT_LOG_MODE: 'adopt', AGENT_LOG_FORGE: 'github' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('nothing to adopt');
  }, 240_000);
});
