// The hook never blocks or disturbs the agent: concurrent calls all land, bad input exits 0 silently
// (and is logged), huge payloads are clipped, and it finds the repository in every shape.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { cli, gitEnv, type TempRepo, tempRepo } from '../helpers/repo.js';

const QUIET = { AGENT_LOG_NO_BACKGROUND: '1' };
const repos: TempRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});
async function repoWithCommit() {
  const r = await tempRepo({ files: { 'a.txt': 'a\n' } });
  repos.push(r);
  return r;
}
const journal = (dir: string, session: string) =>
  join(dir, '.git/agent-log/sessions/claude-code', `${session}.jsonl`);
const lines = (path: string) =>
  existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];
const errors = (dir: string) => {
  const p = join(dir, '.git/agent-log/errors.log');
  return existsSync(p) ? readFileSync(p, 'utf8').split('\n').filter(Boolean) : [];
};

describe('hook robustness', () => {
  test('50 concurrent hook processes give 50 intact journal lines', async () => {
    const repo = await repoWithCommit();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        cli(repo, ['hook', 'claude-code'], {
          env: QUIET,
          input: JSON.stringify({
            session_id: 'par',
            cwd: repo.dir,
            hook_event_name: i % 2 ? 'PostToolUse' : 'PreToolUse',
            tool_name: 'Bash',
            tool_use_id: `toolu_${i}`,
            tool_input: { command: `echo ${i}`, padding: 'x'.repeat(3000) },
          }),
        }),
      ),
    );
    expect(results.every((r) => r.code === 0 && r.stdout === '' && r.stderr === '')).toBe(true);
    const got = lines(journal(repo.dir, 'par'));
    expect(got).toHaveLength(50);
    expect(new Set(got.map((l) => l.tool_use_id)).size).toBe(50);
    expect(got.every((l) => l.type === 'hook' && l.session_id === 'par')).toBe(true);
  });

  test.each([
    ['malformed JSON', '{"session_id": "x", "hook_event_name": ', /malformed JSON payload/],
    ['empty stdin', '', /empty payload/],
    ['a JSON array', '[1,2,3]', /not a JSON object/],
  ])('%s: exit 0, nothing printed, error logged', async (_name, input, logged) => {
    const repo = await repoWithCommit();
    const r = await cli(repo, ['hook', 'claude-code'], { input, env: QUIET });
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(errors(repo.dir).at(-1)).toMatch(logged);
  });

  test('a 60 MB payload is clipped: exit 0, a small line with head and tail kept, base64 dropped', async () => {
    const repo = await repoWithCommit();
    const big = `START${'y'.repeat(60 * 1024 * 1024)}END-OF-OUTPUT`;
    const image = 'iVBORw0KGgo'.repeat(100_000);
    const input = JSON.stringify({
      session_id: 'big',
      cwd: repo.dir,
      hook_event_name: 'PostToolUse',
      tool_name: 'Bash',
      tool_use_id: 'toolu_big',
      tool_input: { command: 'cat huge.log' },
      tool_response: { stdout: big, stderr: '', image },
    });
    const r = await cli(repo, ['hook', 'claude-code'], { input, env: QUIET });
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    const text = readFileSync(journal(repo.dir, 'big'), 'utf8');
    expect(text.length).toBeLessThan(64 * 1024);
    const [line] = lines(journal(repo.dir, 'big'));
    expect(line.payload.tool_input.command).toBe('cat huge.log');
    expect(line.payload.tool_response.stdout).toMatch(/^STARTy+\n…\[\d+ chars omitted\]…\ny+END-OF-OUTPUT$/);
    expect(line.payload.tool_response.image).toBe(`[base64 omitted: ${image.length} chars]`);
  });

  test('secrets in payloads are redacted before they reach the journal', async () => {
    const repo = await repoWithCommit();
    const token = `ghp_${'a1B2c3D4e5'.repeat(4)}`;
    await cli(repo, ['hook', 'claude-code'], {
      env: QUIET,
      input: JSON.stringify({
        session_id: 'sec',
        cwd: repo.dir,
        hook_event_name: 'UserPromptSubmit',
        prompt: `use ${token}`,
      }),
    });
    const text = readFileSync(journal(repo.dir, 'sec'), 'utf8');
    expect(text).not.toContain(token);
    expect(lines(journal(repo.dir, 'sec'))[0].redactions).toEqual([{ rule: 'github-token', count: 1 }]);
  });

  test('outside a repository: exit 0, nothing printed, nothing written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-log-norepo-'));
    const r = await cli(dir, ['hook', 'claude-code'], {
      input: JSON.stringify({ session_id: 'n', cwd: dir, hook_event_name: 'Stop' }),
      env: { ...QUIET, GIT_CEILING_DIRECTORIES: tmpdir() },
    });
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(existsSync(join(dir, '.git'))).toBe(false);
  });

  test('AGENT_LOG_DISABLE=1 and the pause flag record nothing', async () => {
    const repo = await repoWithCommit();
    const payload = JSON.stringify({ session_id: 'off', cwd: repo.dir, hook_event_name: 'Stop' });
    expect(
      await cli(repo, ['hook', 'claude-code'], { input: payload, env: { ...QUIET, AGENT_LOG_DISABLE: '1' } }),
    ).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
    mkdirSync(join(repo.dir, '.git/agent-log'), { recursive: true });
    writeFileSync(join(repo.dir, '.git/agent-log/paused'), '');
    await cli(repo, ['hook', 'claude-code'], { input: payload, env: QUIET });
    expect(existsSync(journal(repo.dir, 'off'))).toBe(false);
  });

  test('the first event of a session records HEAD and branch read from packed refs', async () => {
    const repo = await repoWithCommit();
    await repo.git('checkout', '-q', '-b', 'feature/x');
    await repo.git('pack-refs', '--all');
    const head = (await repo.git('rev-parse', 'HEAD')).trim();
    expect(existsSync(join(repo.dir, '.git/refs/heads/feature/x'))).toBe(false);
    await cli(repo, ['hook', 'claude-code'], {
      env: QUIET,
      input: JSON.stringify({
        session_id: 'pk',
        cwd: join(repo.dir),
        hook_event_name: 'UserPromptSubmit',
        prompt: 'hi',
      }),
    });
    const [first] = lines(journal(repo.dir, 'pk'));
    expect(first.head).toEqual({
      commit: head,
      branch: 'feature/x',
      root: repo.dir,
      git_dir: join(repo.dir, '.git'),
    });
  });

  test('a linked worktree journals into the common dir with its own HEAD; detached HEAD has no branch', async () => {
    const repo = await repoWithCommit();
    const wt = join(repo.dir, '..', `${repo.dir.split('/').pop()}-wt`);
    await repo.git('worktree', 'add', '-q', '--detach', wt);
    const head = (await repo.git('rev-parse', 'HEAD')).trim();
    mkdirSync(join(wt, 'sub'), { recursive: true });
    await cli(join(wt, 'sub'), ['hook', 'claude-code'], {
      env: QUIET,
      input: JSON.stringify({
        session_id: 'wt',
        cwd: join(wt, 'sub'),
        hook_event_name: 'SessionStart',
        source: 'startup',
      }),
    });
    const [first] = lines(journal(repo.dir, 'wt'));
    expect(first.head).toMatchObject({ commit: head, branch: null, root: wt });
    expect(first.head.git_dir).toMatch(/\.git\/worktrees\//);
  });
});

describe('hook: which repository', () => {
  /** Independent reader: the git directory git itself takes from `cwd`. */
  const gitsGitDir = (cwd: string) =>
    execFileSync('git', ['rev-parse', '--absolute-git-dir'], { cwd, env: gitEnv(), encoding: 'utf8' }).trim();

  /** A Bash PreToolUse event from `cwd`, as Claude Code sends it; the hook's result. */
  const bashPreToolUse = (cwd: string, session: string, toolUseId: string) =>
    cli(cwd, ['hook', 'claude-code'], {
      env: QUIET,
      input: JSON.stringify({
        session_id: session,
        cwd,
        hook_event_name: 'PreToolUse',
        tool_name: 'Bash',
        tool_use_id: toolUseId,
        tool_input: { command: 'npm test' },
      }),
    });

  test('a nested .git whose HEAD git rejects (emptied by a crash): the events go where git says the repository is', async () => {
    const outer = await repoWithCommit();
    const inner = join(outer.dir, 'vendor', 'lib');
    mkdirSync(inner, { recursive: true });
    execFileSync('git', ['init', '-q', inner], { env: gitEnv() });
    writeFileSync(join(inner, '.git', 'HEAD'), '');
    // git itself takes the outer repository from there
    expect(gitsGitDir(inner)).toBe(realpathSync(join(outer.dir, '.git')));
    const r = await bashPreToolUse(inner, 'nested', 'toolu_01Jq8ZtF3kV9mWxR2bN7cYdE');
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(lines(journal(outer.dir, 'nested')).map((l) => l.tool_use_id)).toEqual([
      'toolu_01Jq8ZtF3kV9mWxR2bN7cYdE',
    ]);
    expect(existsSync(join(inner, '.git', 'agent-log'))).toBe(false);
  });

  test('a HEAD that is a symbolic link (core.preferSymlinkRefs) is a repository to git, and to the hook', async () => {
    const repo = await repoWithCommit();
    const branch = execFileSync('git', ['symbolic-ref', 'HEAD'], {
      cwd: repo.dir,
      env: gitEnv(),
      encoding: 'utf8',
    }).trim();
    rmSync(join(repo.dir, '.git', 'HEAD'));
    symlinkSync(branch, join(repo.dir, '.git', 'HEAD'));
    // git takes it
    expect(gitsGitDir(repo.dir)).toBe(realpathSync(join(repo.dir, '.git')));
    const r = await bashPreToolUse(repo.dir, 'linked-head', 'toolu_01Hq7ZtF3kV9mWxR2bN7cYdE');
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(lines(journal(repo.dir, 'linked-head')).map((l) => l.tool_use_id)).toEqual([
      'toolu_01Hq7ZtF3kV9mWxR2bN7cYdE',
    ]);
  });
});
