// The manual flow end to end through the built CLI (npm run build first), on real repositories:
// init → start → exec → approve → note → commit → finish → show/log, and its edge cases.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseNote } from '../../src/record/note-lines.js';
import type { RunRecord } from '../../src/record/schema.js';
import { cli, type CliResult, type TempRepo, tempRepo } from '../helpers/repo.js';

/** The engine the CLI is asked to use (AGENT_LOG_ENGINE); git hooks always run with the default. */
let engineEnv: NodeJS.ProcessEnv = {};
const run = (repo: TempRepo | string, args: string[]): Promise<CliResult> =>
  cli(repo, args, { env: engineEnv });

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanup.splice(0)) c();
});

async function repoWith(opts: { commit?: boolean; init?: boolean } = {}): Promise<TempRepo> {
  const repo = await tempRepo(opts.commit === false ? {} : { files: { 'README.md': '# demo\n' } });
  cleanup.push(() => repo.cleanup());
  if (opts.init !== false) expect((await run(repo, ['init'])).code).toBe(0);
  return repo;
}

async function ok(repo: TempRepo | string, args: string[]) {
  const r = await run(repo, args);
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r;
}

async function start(repo: TempRepo | string, task = 'fix the parser') {
  return (await ok(repo, ['start', '--task', task])).stdout.trim();
}

/** Records (full lines) in the note on `rev`, as git shows it. */
async function recordsOn(repo: TempRepo, rev = 'HEAD'): Promise<RunRecord[]> {
  const body = await repo.git('notes', '--ref=agent-log', 'show', rev);
  return parseNote(body).flatMap((l) => (l.type === 'record' ? [l.record] : []));
}

const NODE_FAIL = `node -e "console.log('parser.test: 1 failed'); process.exit(1)"`;
const NODE_PASS = `node -e "console.log('parser.test: 12 passed')"`;

/** One clean error line on stderr (plus an optional hint), never a stack trace. */
function expectCleanError(stderr: string) {
  const lines = stderr.trim().split('\n');
  expect(lines[0]).toMatch(/^error: \S/);
  expect(lines.slice(1).every((l) => l.startsWith('hint: '))).toBe(true);
  expect(stderr).not.toMatch(/\n\s+at |Error:|node:internal/);
}

describe('init', () => {
  it('configures notes rewriting and hooks, and says so only the first time', async () => {
    const repo = await repoWith({ init: false });
    const first = await ok(repo, ['init']);
    expect(first.stdout).toMatch(/configured/);
    expect((await repo.git('config', '--get-all', 'notes.rewriteRef')).trim()).toBe('refs/notes/agent-log');
    expect((await repo.git('config', '--get', 'notes.rewriteMode')).trim()).toBe('cat_sort_uniq');
    // plain `git log` stays as it was unless asked (`init --display`)
    await expect(repo.git('config', '--get-all', 'notes.displayRef')).rejects.toThrow();
    await ok(repo, ['init', '--display']);
    expect((await repo.git('config', '--get-all', 'notes.displayRef')).trim()).toBe('refs/notes/agent-log');
    for (const hook of ['post-commit', 'prepare-commit-msg'])
      expect(statSync(join(repo.dir, '.git', 'hooks', hook)).mode & 0o111).not.toBe(0);

    const second = await ok(repo, ['init']);
    expect(second.stdout).toBe('agent-log: already configured\n');
    expect((await repo.git('config', '--get-all', 'notes.rewriteRef')).trim().split('\n')).toHaveLength(1);
    expect((await repo.git('config', '--get-all', 'notes.displayRef')).trim().split('\n')).toHaveLength(1);
  });
});

describe.each(['native', 'isomorphic'])('on the %s engine', (engine) => {
  beforeAll(() => {
    engineEnv = { AGENT_LOG_ENGINE: engine };
  });
  afterAll(() => {
    engineEnv = {};
  });

  describe('a whole run', () => {
    it('records commands, approvals and notes, and seals them on the commit', async () => {
      const repo = await repoWith();
      const started = await ok(repo, ['start', '--task', 'fix the flaky parser test']);
      expect(started.stdout).toMatch(/^[0-9a-z]{10}\n$/);
      const id = started.stdout.trim();

      const failing = await run(repo, ['exec', '--check', 'unit-tests', '--', NODE_FAIL]);
      expect(failing.code).toBe(1);
      expect(failing.stdout).toContain('parser.test: 1 failed');
      repo.write('src/parser.js', 'export const parse = (s) => s.trim();\n');
      const passing = await run(repo, ['exec', '--check', 'unit-tests', '--', NODE_PASS]);
      expect(passing.code).toBe(0);
      await ok(repo, ['approve', '--by', 'Ann', '--for', 'PR creation']);
      await ok(repo, ['note', '--rollback', 'git revert HEAD; nothing else to undo']);
      const commit = await repo.commit('Fix the parser');
      expect(await repo.git('log', '-1', '--format=%B')).toContain(`Agent-Log: ${id}`);

      const finished = await ok(repo, ['finish']);
      expect(finished.stderr).toContain(`sealed ${id} on 1 commit`);
      const [record] = await recordsOn(repo);
      expect(record!.id).toBe(id);
      expect(record!.repo.commits).toEqual([commit]);
      expect(record!.commands.map((c) => c.exit_code)).toEqual([1, 0]);
      expect(record!.commands[0]!.output_tail).toContain('parser.test: 1 failed');
      expect(record!.checks).toEqual([
        expect.objectContaining({ name: 'unit-tests', status: 'passed', attempts: 2, after_last_edit: true }),
      ]);
      expect(record!.approvals).toEqual([expect.objectContaining({ by: 'Ann', scope: 'PR creation' })]);
      expect(record!.rollback.notes).toEqual(['git revert HEAD; nothing else to undo']);
      expect(record!.files.changed.map((f) => f.path)).toEqual(['src/parser.js']);
      expect(record!.outcome.status).toBe('completed');

      const md = await ok(repo, ['show', id]);
      expect(md.stdout).toMatch(new RegExp(`^# .*${id}`));
      expect(md.stdout).toContain('fix the flaky parser test');
      expect(md.stdout).toContain('unit-tests');
      const json = JSON.parse((await ok(repo, ['show', id, '--json'])).stdout);
      expect(json).toEqual(record);
      expect(JSON.parse((await ok(repo, ['show', 'HEAD', '--format', 'json'])).stdout).id).toBe(id);
      const log = await ok(repo, ['log']);
      expect(log.stdout.trim().split('\n')).toEqual([
        expect.stringMatching(new RegExp(`^${id.slice(0, 4)}[0-9a-z]* .*fix the flaky`)),
      ]);
      // the record is readable with plain git
      expect(await repo.git('log', '-1', '--notes=agent-log')).toContain(`"id":"${id}"`);
    });

    it('exec passes the command exit code through and records a missing command as 127', async () => {
      const repo = await repoWith();
      await start(repo);
      expect((await run(repo, ['exec', '--', 'node', '-e', 'process.exit(7)'])).code).toBe(7);
      const missing = await run(repo, ['exec', '--', 'no-such-command-agent-log']);
      expect(missing.code).toBe(127);
      await repo.commit('empty');
      await ok(repo, ['finish']);
      const [record] = await recordsOn(repo);
      expect(record!.commands.map((c) => c.exit_code)).toEqual([7, 127]);
    });

    it('approving after the seal adds an event line next to the untouched record line', async () => {
      const repo = await repoWith();
      const id = await start(repo);
      await repo.commit('work');
      await ok(repo, ['finish']);
      const sealedLine = (await repo.git('notes', '--ref=agent-log', 'show', 'HEAD')).trim();
      const before = await repo.git('rev-list', '--count', 'refs/notes/agent-log');
      await ok(repo, ['approve', id.slice(0, 6), '--by', 'Bob', '--for', 'deploy', '--note', 'after review']);
      const lines = (await repo.git('notes', '--ref=agent-log', 'show', 'HEAD')).trim().split('\n');
      expect(lines).toContain(sealedLine);
      expect(lines).toHaveLength(2);
      const event = JSON.parse(lines.find((l) => l !== sealedLine)!);
      expect(event).toMatchObject({ kind: 'event', id, type: 'approval', approver: 'Bob', scope: 'deploy' });
      expect(event.by).toEqual({ name: 'Test Author', email: 'author@example.com' });
      const shown = JSON.parse((await ok(repo, ['show', id, '--json'])).stdout) as RunRecord;
      expect(shown.approvals).toEqual([
        expect.objectContaining({ by: 'Bob', scope: 'deploy', decision: 'approved', note: 'after review' }),
      ]);
      expect(Number(await repo.git('rev-list', '--count', 'refs/notes/agent-log'))).toBe(Number(before) + 1);
    });

    it('a run over several commits has the record on the newest and pointers on the others', async () => {
      const repo = await repoWith();
      const id = await start(repo);
      const first = await repo.commit('one');
      const second = await repo.commit('two');
      await ok(repo, ['finish']);
      expect((await recordsOn(repo, second)).map((r) => r.id)).toEqual([id]);
      expect(parseNote(await repo.git('notes', '--ref=agent-log', 'show', first))).toEqual([
        expect.objectContaining({ type: 'ref', id }),
      ]);
      expect(JSON.parse((await ok(repo, ['show', first, '--json'])).stdout).id).toBe(id);
    });
  });

  describe('redaction', () => {
    it('a token printed by a command never reaches the journal or the notes; the record counts it', async () => {
      const repo = await repoWith();
      const token = `ghp_${'A1b2C3d4E5'.repeat(4)}`;
      await ok(repo, ['start', '--task', 'rotate keys; password=hunter2hunter2']);
      const r = await run(repo, [
        'exec',
        '--',
        'node',
        '-e',
        `console.log('using ' + process.argv[1])`,
        token,
      ]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(token); // the user still sees the real output live
      await repo.commit('rotate');
      await ok(repo, ['finish']);
      const note = await repo.git('notes', '--ref=agent-log', 'show', 'HEAD');
      const dir = join(repo.dir, '.git', 'agent-log');
      const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
      expect(files.length).toBeGreaterThan(0);
      const journals = files.map((d) => readFileSync(join(d.parentPath, d.name), 'utf8')).join('\n');
      for (const text of [note, journals]) {
        expect(text).not.toContain(token);
        expect(text).not.toContain('hunter2hunter2');
      }
      const [record] = await recordsOn(repo);
      expect(record!.redactions.map((x) => x.rule)).toContain('github-token');
    });
  });

  describe('pending runs', () => {
    it('finish with no commit keeps the run pending; the commit that carries its change attaches it', async () => {
      const repo = await repoWith();
      const id = await start(repo);
      repo.write('src/pending.ts', 'export const waiting = true;\n');
      const finished = await ok(repo, ['finish']);
      expect(finished.stderr).toContain('pending');
      expect(await repo.git('notes', '--ref=agent-log', 'list')).toBe('');
      expect((await ok(repo, ['log'])).stdout).toMatch(new RegExp(`^${id.slice(0, 4)}[0-9a-z]* .* pending `));
      const commit = await repo.commit('the commit it was waiting for'); // post-commit hook: attach
      expect(await repo.git('log', '-1', '--format=%B')).toContain(`Agent-Log: ${id}`);
      const [record] = await recordsOn(repo, commit);
      expect(record!.id).toBe(id);
      expect(record!.repo.commits).toEqual([commit]);
      expect(record!.outcome.status).toBe('completed');
    });

    it('without hooks, the next finish after a commit with its change attaches the pending run too', async () => {
      const repo = await repoWith({ init: false });
      await ok(repo, ['init', '--no-hooks']);
      const waiting = await start(repo, 'first');
      repo.write('first.txt', 'made by the first run\n');
      await ok(repo, ['finish']);
      const next = await start(repo, 'second');
      const commit = await repo.commit('work');
      const r = await ok(repo, ['finish']);
      expect(r.stderr).toContain(`attached pending run ${waiting}`);
      expect((await recordsOn(repo, commit)).map((x) => x.id).sort()).toEqual([waiting, next].sort());
    });
  });

  describe('ID resolution', () => {
    it('resolves a 4-character prefix, and an ambiguous prefix is a usage error', async () => {
      const repo = await repoWith();
      const id = await start(repo);
      await repo.commit('one');
      await ok(repo, ['finish']);
      expect(JSON.parse((await ok(repo, ['show', id.slice(0, 4), '--json'])).stdout).id).toBe(id);

      // two more records whose IDs share a prefix, written the way another clone would
      const json = JSON.parse((await ok(repo, ['show', id, '--json'])).stdout) as RunRecord;
      for (const [n, twin] of ['qqqq000001', 'qqqq000002'].entries()) {
        const c = await repo.commit(`twin ${n}`);
        const line = JSON.stringify({
          ...json,
          id: twin,
          repo: { ...json.repo, commits: [c], end_commit: c },
        });
        await repo.git('notes', '--ref=agent-log', 'add', '-m', line, c);
      }
      const ambiguous = await run(repo, ['show', 'qqqq']);
      expect(ambiguous.code).toBe(2);
      expect(ambiguous.stderr).toContain('ambiguous');
      expect(ambiguous.stderr).toContain('qqqq000001');
      expectCleanError(ambiguous.stderr);
      expect(JSON.parse((await ok(repo, ['show', 'qqqq000002', '--json'])).stdout).id).toBe('qqqq000002');
      expect((await ok(repo, ['log'])).stdout.trim().split('\n')).toHaveLength(3);
    });
  });

  describe('repository shapes', () => {
    it('a linked worktree has its own active run, with journal and notes in the common dir', async () => {
      const repo = await repoWith();
      const mainRun = await start(repo, 'main worktree task');
      const wt = mkdtempSync(join(tmpdir(), 'agent-log-wt-'));
      rmSync(wt, { recursive: true });
      cleanup.push(() => rmSync(wt, { recursive: true, force: true }));
      await repo.git('worktree', 'add', '-q', '-b', 'feature', wt);

      const wtRun = await start(wt, 'linked worktree task');
      expect(wtRun).not.toBe(mainRun);
      expect(existsSync(join(repo.dir, '.git', 'agent-log', 'runs', `${wtRun}.jsonl`))).toBe(true);
      expect(JSON.parse((await ok(wt, ['show', '--json'])).stdout).id).toBe(wtRun);
      expect(JSON.parse((await ok(repo, ['show', '--json'])).stdout).id).toBe(mainRun);

      await ok(wt, ['exec', '--', 'node', '-e', '0']);
      const wtHead = await (async () => {
        const { execFileSync } = await import('node:child_process');
        const { gitEnv } = await import('../helpers/repo.js');
        const env = gitEnv();
        execFileSync('git', ['commit', '-q', '--allow-empty', '-m', 'in the worktree'], { cwd: wt, env });
        return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: wt, env, encoding: 'utf8' }).trim();
      })();
      await ok(wt, ['finish']);
      // sealed on the worktree's own HEAD, readable from the main worktree
      const [record] = await recordsOn(repo, wtHead);
      expect(record!.id).toBe(wtRun);
      expect(record!.repo.branch).toBe('feature');
      expect(record!.repo.worktree).not.toBe('main');
      // the main worktree's run is still open and untouched
      expect(JSON.parse((await ok(repo, ['show', '--json'])).stdout).id).toBe(mainRun);
      expect((await run(repo, ['exec', '--', 'node', '-e', '0'])).code).toBe(0);
    });

    it("finishing a linked worktree's run from the main worktree seals it on that worktree's commits", async () => {
      const repo = await repoWith();
      const wt = mkdtempSync(join(tmpdir(), 'agent-log-wt-'));
      rmSync(wt, { recursive: true });
      cleanup.push(() => rmSync(wt, { recursive: true, force: true }));
      await repo.git('worktree', 'add', '-q', '-b', 'feature', wt);
      const id = await start(wt, 'work on the feature branch');
      const { execFileSync } = await import('node:child_process');
      const { gitEnv } = await import('../helpers/repo.js');
      execFileSync('git', ['commit', '-q', '--allow-empty', '-m', 'feature work'], {
        cwd: wt,
        env: gitEnv(),
      });
      const featureHead = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: wt, encoding: 'utf8' }).trim();
      const mainHead = await repo.commit('unrelated work on main');

      await ok(repo, ['finish', id]);
      expect(await repo.git('notes', '--ref=agent-log', 'list')).not.toContain(mainHead);
      const [record] = await recordsOn(repo, featureHead);
      expect(record!.id).toBe(id);
      expect(record!.repo.commits).toEqual([featureHead]);
      expect(record!.repo.branch).toBe('feature');

      // and the other way round: the main worktree's run, finished from the linked one
      const mainRun = await start(repo, 'work on main');
      const mainCommit = await repo.commit('main work for the run');
      await ok(wt, ['finish', mainRun]);
      expect((await recordsOn(repo, mainCommit)).map((r) => [r.id, r.repo.branch])).toEqual([
        [mainRun, 'main'],
      ]);
    });

    it('works on a detached HEAD', async () => {
      const repo = await repoWith();
      await repo.git('checkout', '-q', '--detach');
      const id = await start(repo);
      const commit = await repo.commit('detached work');
      await ok(repo, ['finish']);
      const [record] = await recordsOn(repo, commit);
      expect(record!.id).toBe(id);
      expect(record!.repo.branch).toBeNull();
      expect((await ok(repo, ['show', id])).stdout).toContain('detached');
    });

    it('works in an empty repository: start, pending finish, then the first commit attaches it', async () => {
      const repo = await repoWith({ commit: false });
      const id = await start(repo);
      repo.write('a.txt', 'first file\n');
      expect((await ok(repo, ['finish'])).stderr).toContain('pending');
      const commit = await repo.commit('first commit');
      const [record] = await recordsOn(repo, commit);
      expect(record!.id).toBe(id);
      expect(record!.repo.start_commit).toBeNull();
      expect(record!.repo.commits).toEqual([commit]);
      expect(record!.files.changed.map((f) => f.path)).toEqual(['a.txt']);
    });
  });
});

describe('bad input', () => {
  it('an unknown ID is not-found: exit 1, one line on stderr', async () => {
    const repo = await repoWith();
    const r = await run(repo, ['show', 'zzzz9999']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expectCleanError(r.stderr);
  });

  it('outside a repository: exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-log-norepo-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const r = await run(dir, ['log']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a git repository/);
    expectCleanError(r.stderr);
  });

  it('malformed flags: exit 2', async () => {
    const repo = await repoWith();
    for (const args of [
      ['start', '--task', 'x', '--bogus'],
      ['start'],
      ['start', '--task', ''],
      ['finish', '--status', 'great'],
      ['approve', '--by', 'Bob'],
      ['show', '--format', 'pdf'],
      ['frobnicate'],
    ]) {
      const r = await run(repo, args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.split('\n')[0], args.join(' ')).toMatch(/^error: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('exec with no command: exit 2', async () => {
    const repo = await repoWith();
    await start(repo);
    for (const args of [['exec'], ['exec', '--']]) {
      const r = await run(repo, args);
      expect(r.code, args.join(' ')).toBe(2);
      expectCleanError(r.stderr);
    }
  });

  it('starting a second run in one worktree: exit 2 with a hint', async () => {
    const repo = await repoWith();
    const id = await start(repo);
    const r = await run(repo, ['start', '--task', 'another']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(id);
    expect(r.stderr).toMatch(/^hint: .*finish/m);
    expectCleanError(r.stderr);
  });

  it('exec, approve and finish without an open run: exit 1 with a hint', async () => {
    const repo = await repoWith();
    for (const args of [['exec', '--', 'true'], ['finish'], ['approve', '--by', 'A', '--for', 'x']]) {
      const r = await run(repo, args);
      expect(r.code, args.join(' ')).toBe(1);
      expectCleanError(r.stderr);
    }
  });
});
