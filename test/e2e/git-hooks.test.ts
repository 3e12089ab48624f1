// The git hooks `init` installs cost nothing when there is nothing to record: they decide in shell
// whether a run is open or waits here, skip sequencer replays, and start Node only with work. Node
// starts are counted by putting a `node` first on PATH that logs each call and runs the real one.
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseNote } from '../../src/record/note-lines.js';
import { cli, gitEnv, type TempRepo, tempRepo, tick } from '../helpers/repo.js';

const run = promisify(execFile);
let spy: string;
let nodeLog: string;

beforeAll(() => {
  spy = mkdtempSync(join(tmpdir(), 'agent-log-node-spy-'));
  nodeLog = join(spy, 'calls.log');
  writeFileSync(
    join(spy, 'node'),
    `#!/bin/sh\nprintf '%s\\n' "$*" >> '${nodeLog}'\nexec '${process.execPath}' "$@"\n`,
  );
  chmodSync(join(spy, 'node'), 0o755);
});
afterAll(() => rmSync(spy, { recursive: true, force: true }));

/** Node processes started by git hooks since the last call (their argv), and reset the log. */
function nodeCalls(): string[] {
  if (!existsSync(nodeLog)) return [];
  const calls = readFileSync(nodeLog, 'utf8').split('\n').filter(Boolean);
  rmSync(nodeLog);
  return calls;
}

/** git as a user runs it, with the spying `node` first on PATH. */
async function git(repo: TempRepo, ...args: string[]): Promise<string> {
  tick();
  const { stdout } = await run('git', args, {
    cwd: repo.dir,
    env: gitEnv({ PATH: `${spy}:${process.env.PATH}`, GIT_EDITOR: 'true' }),
  });
  return stdout;
}

async function commitFile(repo: TempRepo, path: string, content: string, message: string) {
  repo.write(path, content);
  await git(repo, 'add', path);
  await git(repo, 'commit', '-q', '-m', message);
  return (await git(repo, 'rev-parse', 'HEAD')).trim();
}

async function setup(): Promise<TempRepo> {
  const repo = await tempRepo({ files: { 'README.md': '# demo\n' } });
  expect((await cli(repo, ['init'])).code).toBe(0);
  nodeCalls();
  return repo;
}

/** Record ids on a commit's note, read with plain git (record lines and pointer lines). */
async function idsOn(repo: TempRepo, rev: string): Promise<string[]> {
  const note = await git(repo, 'notes', '--ref=agent-log', 'show', rev).catch(() => '');
  return parseNote(note).flatMap((l) =>
    l.type === 'record' ? [l.record.id] : l.type === 'ref' ? [l.id] : [],
  );
}

describe('git hooks with nothing to record', () => {
  let repo: TempRepo;
  beforeAll(async () => {
    repo = await setup();
  });
  afterAll(() => repo.cleanup());

  test('a commit starts no Node process and gets no trailer', async () => {
    await commitFile(repo, 'a.txt', 'a\n', 'plain commit');
    expect(nodeCalls()).toEqual([]);
    expect(await git(repo, 'log', '-1', '--format=%B')).toBe('plain commit\n\n');
  });

  test('a rebase of 5 commits starts no Node process', async () => {
    await git(repo, 'checkout', '-q', '-b', 'topic');
    for (let i = 0; i < 5; i++) await commitFile(repo, `t${i}.txt`, `${i}\n`, `topic ${i}`);
    await git(repo, 'checkout', '-q', 'main');
    await commitFile(repo, 'm.txt', 'm\n', 'main moves on');
    nodeCalls();
    await git(repo, 'rebase', '-q', 'main', 'topic');
    expect(nodeCalls()).toEqual([]);
    expect((await git(repo, 'rev-list', '--count', 'main..topic')).trim()).toBe('5');
  });

  test('the hook scripts carry a version stamp and no Node call outside the work path', () => {
    const text = readFileSync(join(repo.dir, '.git/hooks/post-commit'), 'utf8');
    expect(text).toMatch(/^# git-agent-log hook v\d+ \(post-commit\)/m);
    const beforeWork = text.slice(0, text.indexOf('marks/$agent_log_key.pending'));
    expect(beforeWork).not.toMatch(/git-agent-log (git-hook|attach|trailer)/);
  });
});

describe('git hooks during a run', () => {
  let repo: TempRepo;
  beforeAll(async () => {
    repo = await setup();
  });
  afterAll(() => repo.cleanup());

  test('a run started by hand: the shell adds its trailer from the marker, no Node starts', async () => {
    const id = (await cli(repo, ['start', '--task', 'rename the parser'])).stdout.trim();
    await commitFile(repo, 'src/parser.js', 'export const parse = 1;\n', 'rename parser');
    expect(nodeCalls()).toEqual([]);
    expect(await git(repo, 'log', '-1', '--format=%(trailers:key=Agent-Log,valueonly)')).toBe(`${id}\n\n`);
    expect((await cli(repo, ['finish'])).code).toBe(0);
    expect(await idsOn(repo, 'HEAD')).toEqual([id]);
  });

  test('a run finished before its commit is attached by that commit, then hooks go quiet', async () => {
    const id = (await cli(repo, ['start', '--task', 'add the lexer'])).stdout.trim();
    repo.write('src/lexer.js', 'export const lex = 1;\n');
    const finished = await cli(repo, ['finish']);
    expect(finished.stderr).toContain(`${id} has no commit yet: pending`);
    await git(repo, 'add', '-A');
    await git(repo, 'commit', '-q', '-m', 'add lexer');
    expect(nodeCalls().map((c) => c.split(' ').slice(1, 3).join(' '))).toEqual([
      'git-hook prepare-commit-msg',
      'git-hook post-commit',
    ]);
    expect(await git(repo, 'log', '-1', '--format=%(trailers:key=Agent-Log,valueonly)')).toBe(`${id}\n\n`);
    expect(await idsOn(repo, 'HEAD')).toEqual([id]);
    await commitFile(repo, 'later.txt', 'later\n', 'a later commit');
    expect(nodeCalls()).toEqual([]);
  });

  test('a rebase of the agent commits starts no Node and keeps their records and trailers', async () => {
    const base = (await git(repo, 'rev-parse', 'HEAD')).trim();
    await git(repo, 'checkout', '-q', '-b', 'agent-work');
    const id = (await cli(repo, ['start', '--task', 'three steps'])).stdout.trim();
    for (let i = 0; i < 3; i++) await commitFile(repo, `step${i}.js`, `${i}\n`, `step ${i}`);
    expect((await cli(repo, ['finish'])).code).toBe(0);
    await git(repo, 'checkout', '-q', 'main');
    await commitFile(repo, 'other.txt', 'other\n', 'someone else');
    // a run is open during the rebase: the replays must still not start Node
    const open = (await cli(repo, ['start', '--task', 'rebase it'])).stdout.trim();
    nodeCalls();
    await git(repo, 'rebase', '-q', 'main', 'agent-work');
    expect(nodeCalls()).toEqual([]);
    const rebased = (await git(repo, 'rev-list', '--reverse', 'main..agent-work')).trim().split('\n');
    expect(rebased).toHaveLength(3);
    for (const c of rebased) {
      expect(await git(repo, 'merge-base', '--is-ancestor', base, c)).toBe('');
      expect(await idsOn(repo, c)).toEqual([id]);
      expect(await git(repo, 'log', '-1', '--format=%(trailers:key=Agent-Log,valueonly)', c)).toBe(
        `${id}\n\n`,
      );
    }
    expect((await cli(repo, ['finish', open, '--status', 'abandoned'])).code).toBe(0);
  });

  test('cherry-picks and amends that reuse a message start no Node', async () => {
    const id = (await cli(repo, ['start', '--task', 'pick things'])).stdout.trim();
    await git(repo, 'checkout', '-q', '-b', 'picks', 'main');
    nodeCalls();
    await git(repo, 'cherry-pick', 'agent-work~1', 'agent-work');
    await git(repo, 'commit', '-q', '--amend', '--no-edit');
    expect(nodeCalls()).toEqual([]);
    expect((await cli(repo, ['finish', id, '--status', 'abandoned'])).code).toBe(0);
  });
});

describe('git hooks and an agent session', () => {
  test('a live session marks the worktree: its commit gets the trailer; after it ends the next commit seals it', async () => {
    const repo = await setup();
    try {
      const session = '2f0d6e0a-8a4b-4f0e-9d47-3c1b5e7a9f21';
      const payload = (event: string, extra: Record<string, unknown> = {}) =>
        JSON.stringify({
          session_id: session,
          transcript_path: `/Users/alice/.claude/projects/demo/${session}.jsonl`,
          cwd: repo.dir,
          hook_event_name: event,
          ...extra,
        });
      const env = { AGENT_LOG_NO_BACKGROUND: '1' };
      await cli(repo, ['hook', 'claude-code'], {
        input: payload('SessionStart', { source: 'startup' }),
        env,
      });
      await cli(repo, ['hook', 'claude-code'], {
        input: payload('UserPromptSubmit', { prompt: 'write the changelog' }),
        env,
      });
      await commitFile(repo, 'CHANGELOG.md', '# 1.0\n', 'changelog');
      expect(nodeCalls()).toHaveLength(1); // the trailer only: nothing waits yet
      const trailer = (await git(repo, 'log', '-1', '--format=%(trailers:key=Agent-Log,valueonly)')).trim();
      expect(trailer).toMatch(/^[a-z][0-9a-z]{9}$/);

      await cli(repo, ['hook', 'claude-code'], { input: payload('SessionEnd', { reason: 'exit' }), env });
      await commitFile(repo, 'NOTES.md', 'n\n', 'after the session');
      expect(nodeCalls()).toHaveLength(2);
      expect(await idsOn(repo, 'HEAD~1')).toContain(trailer);
      await commitFile(repo, 'MORE.md', 'm\n', 'quiet again');
      expect(nodeCalls()).toEqual([]);
    } finally {
      repo.cleanup();
    }
  });
});

describe('init and hook directories', () => {
  test('init rewrites an older block in place and keeps the rest of the hook', async () => {
    const repo = await tempRepo({ files: { 'README.md': '# demo\n' } });
    try {
      const hook = join(repo.dir, '.git/hooks/post-commit');
      mkdirSync(join(repo.dir, '.git/hooks'), { recursive: true });
      writeFileSync(
        hook,
        [
          '#!/bin/sh',
          'echo before',
          '# >>> git-agent-log >>>',
          "if [ -x '/opt/old/bin/git-agent-log' ]; then '/opt/old/bin/git-agent-log' attach --quiet || true",
          'elif command -v git-agent-log >/dev/null 2>&1; then git-agent-log attach --quiet || true; fi',
          '# <<< git-agent-log <<<',
          'echo after',
          '',
        ].join('\n'),
        { mode: 0o755 },
      );
      const before = JSON.parse((await cli(repo, ['doctor', '--json'])).stdout);
      expect(before.findings).toContainEqual(
        expect.objectContaining({
          level: 'warn',
          what: expect.stringMatching(/^post-commit hook is an outdated script \(v1\)/),
        }),
      );
      const r = await cli(repo, ['init']);
      expect(r.stdout).toContain('hook post-commit (updated)');
      const after = JSON.parse((await cli(repo, ['doctor', '--json'])).stdout);
      expect(after.findings.filter((f: { what: string }) => /hook/.test(f.what))).toContainEqual({
        level: 'ok',
        what: expect.stringMatching(/^git hooks current \(v\d+\): post-commit, prepare-commit-msg$/),
      });
      const text = readFileSync(hook, 'utf8');
      expect(text.startsWith('#!/bin/sh\necho before\n# >>> git-agent-log >>>\n# git-agent-log hook v')).toBe(
        true,
      );
      expect(text.endsWith('# <<< git-agent-log <<<\necho after\n')).toBe(true);
      expect(text).not.toContain('/opt/old');
      expect(text.match(/>>> git-agent-log >>>/g)).toHaveLength(1);
    } finally {
      repo.cleanup();
    }
  });

  test('with husky (core.hooksPath=.husky/_) the blocks go into .husky/<hook> without absolute paths', async () => {
    const repo = await tempRepo({ files: { 'README.md': '# demo\n' } });
    try {
      // what `husky` 9 writes: stubs in .husky/_ that run .husky/<hook> with `sh -e`
      mkdirSync(join(repo.dir, '.husky/_'), { recursive: true });
      writeFileSync(join(repo.dir, '.husky/_/.gitignore'), '*\n');
      writeFileSync(
        join(repo.dir, '.husky/_/h'),
        '#!/usr/bin/env sh\nn=$(basename "$0")\ns=$(dirname "$(dirname "$0")")/$n\n[ ! -f "$s" ] && exit 0\nsh -e "$s" "$@"\n',
        { mode: 0o755 },
      );
      for (const h of ['prepare-commit-msg', 'post-commit'])
        writeFileSync(join(repo.dir, '.husky/_', h), '#!/usr/bin/env sh\n. "$(dirname "$0")/h"\n', {
          mode: 0o755,
        });
      writeFileSync(join(repo.dir, '.husky/post-commit'), 'echo "husky post-commit ran" > .husky-ran\n');
      await repo.git('config', 'core.hooksPath', '.husky/_');
      expect((await cli(repo, ['init'])).code).toBe(0);
      for (const h of ['prepare-commit-msg', 'post-commit']) {
        const text = readFileSync(join(repo.dir, '.husky', h), 'utf8');
        expect(text).toContain('# >>> git-agent-log >>>');
        expect(text).not.toContain(repo.dir);
        expect(text).not.toMatch(/'\/[^']*git-agent-log'/); // no absolute path to any installation
        expect(readFileSync(join(repo.dir, '.husky/_', h), 'utf8')).not.toContain('git-agent-log');
      }
      expect(readFileSync(join(repo.dir, '.husky/post-commit'), 'utf8')).toMatch(
        /^echo "husky post-commit ran"/,
      );

      // the tool is on PATH in this clone: a run's commit gets its trailer through husky, under sh -e
      const bin = mkdtempSync(join(tmpdir(), 'agent-log-path-'));
      writeFileSync(
        join(bin, 'git-agent-log'),
        `#!/bin/sh\nexec '${process.execPath}' '${join(__dirname, '../../bin/git-agent-log')}' "$@"\n`,
        { mode: 0o755 },
      );
      const id = (await cli(repo, ['start', '--task', 'through husky'])).stdout.trim();
      repo.write('x.txt', 'x\n');
      await run('git', ['add', 'x.txt'], { cwd: repo.dir, env: gitEnv() });
      await run('git', ['commit', '-q', '-m', 'via husky'], {
        cwd: repo.dir,
        env: gitEnv({ PATH: `${bin}:${process.env.PATH}` }),
      });
      expect((await repo.git('log', '-1', '--format=%(trailers:key=Agent-Log,valueonly)')).trim()).toBe(id);
      expect(existsSync(join(repo.dir, '.husky-ran'))).toBe(true);
      rmSync(bin, { recursive: true, force: true });
    } finally {
      repo.cleanup();
    }
  });
});
