// A finished run with no commit yet is pending: a later commit takes it only on evidence (it changes
// the run's files, or names it), never because it came next. `finish --commit REV` and `adopt --id`
// attach by hand; `log` and `doctor` list pending runs with their age; plain `finish` recovers a run
// whose seal was interrupted. Real repositories with the hooks `init` installs.
import { randomUUID } from 'node:crypto';
import { statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { cli, type TempRepo, tempRepo } from '../helpers/repo.js';

const repos: TempRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

async function initRepo(files: Record<string, string>) {
  const repo = await tempRepo({ files });
  repos.push(repo);
  expect((await cli(repo, ['init'])).code).toBe(0);
  return repo;
}

/** Record ids of the lines in the note on `rev` (an independent reader: plain git notes show). */
async function noteIds(repo: TempRepo, rev = 'HEAD'): Promise<string[]> {
  const r = await repo.git('notes', '--ref=agent-log', 'list', rev).catch(() => '');
  if (!r.trim()) return [];
  const body = await repo.git('notes', '--ref=agent-log', 'show', rev);
  return body
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l).id as string);
}

async function pendingRun(repo: TempRepo, task: string, edits: Record<string, string>) {
  const id = (await cli(repo, ['start', '--task', task])).stdout.trim();
  for (const [p, c] of Object.entries(edits)) repo.write(p, c);
  const fin = await cli(repo, ['finish']);
  expect(fin.code, fin.stderr).toBe(0);
  expect(fin.stderr).toMatch(/has no commit yet: pending/);
  return id;
}

describe('pending runs', () => {
  test(
    'an unrelated human commit never takes a pending run; the commit with its files does',
    { timeout: 300_000 },
    async () => {
      const repo = await initRepo({
        'src/delay.ts': 'export const DELAY = 100;\n',
        '.gitignore': 'node_modules\n',
      });
      const id = await pendingRun(repo, 'raise the delay', { 'src/delay.ts': 'export const DELAY = 500;\n' });
      // The user discards the edit and commits something else by hand (post-commit hook runs attach).
      await repo.git('checkout', '--', 'src/delay.ts');
      repo.write('.gitignore', 'node_modules\ndist\n');
      const human = await repo.commit('ignore dist');
      expect(await noteIds(repo, human)).toEqual([]);
      expect(await repo.git('log', '-1', '--format=%B')).not.toContain(`Agent-Log: ${id}`);
      const blame = await cli(repo, ['blame', '.gitignore', '--no-pager']);
      expect(blame.stdout).not.toContain(id.slice(0, 7));

      const log = await cli(repo, ['log', '--no-pager']);
      expect(log.stdout).toMatch(new RegExp(`^${id.slice(0, 7)}\\b.*\\bpending \\d+[smhd]\\b`, 'm'));
      const doctor = await cli(repo, ['doctor']);
      expect(doctor.stdout).toMatch(new RegExp(`run ${id} is pending for \\d+[smhd]`));

      // Later the change is made again and committed: that commit carries the run's file.
      repo.write('src/delay.ts', 'export const DELAY = 500;\n');
      const taken = await repo.commit('raise the delay');
      expect(await noteIds(repo, taken)).toEqual([id]);
      expect(await repo.git('log', '-1', '--format=%(trailers:key=Agent-Log,valueonly)')).toBe(`${id}\n\n`);
    },
  );

  test(
    "a same-size edit made in the second of the file's index entry is still the run's change",
    { timeout: 300_000 },
    async () => {
      // On a fast machine the initial commit, `init`, `start` and the run's edit fit in one second.
      // git then trusts an entry's stat data only while the index file is older than that second;
      // `finish` freezes the tree from a copy of the index, and a copy dated "now" made git skip the
      // edit: the run recorded no paths and the later commit of its file never took it (the old
      // 1-in-4 flake of the test above). Pinned here: file, entry and index all dated one second.
      const repo = await initRepo({ 'src/delay.ts': 'export const DELAY = 100;\n' });
      await repo.git('config', 'core.trustctime', 'false'); // ctime cannot be set back; mtime can
      const id = (await cli(repo, ['start', '--task', 'raise the delay'])).stdout.trim();
      const file = join(repo.dir, 'src/delay.ts');
      const second = Math.floor(statSync(file).mtimeMs / 1000); // the entry's mtime (committed as is)
      repo.write('src/delay.ts', 'export const DELAY = 500;\n');
      utimesSync(file, second, second);
      utimesSync(join(repo.dir, '.git', 'index'), second, second);
      expect(await repo.git('diff-files', '--name-only')).toBe('src/delay.ts\n'); // git sees the edit
      const fin = await cli(repo, ['finish']);
      expect(fin.code, fin.stderr).toBe(0);
      expect(fin.stderr).toMatch(/has no commit yet: pending/);
      // Only the run's frozen paths can make this commit take it (no trailer names it otherwise).
      const taken = await repo.commit('raise the delay');
      expect(await noteIds(repo, taken)).toEqual([id]);
      expect(await repo.git('log', '-1', '--format=%(trailers:key=Agent-Log,valueonly)')).toBe(`${id}\n\n`);
    },
  );

  test(
    'finish ID --commit REV attaches a pending run by hand; a bad REV is a usage error',
    { timeout: 300_000 },
    async () => {
      const repo = await initRepo({ 'a.txt': 'a\n' });
      const id = await pendingRun(repo, 'touch a', { 'a.txt': 'a2\n' });
      await repo.git('stash', '-q');
      repo.write('b.txt', 'b\n');
      const other = await repo.commit('b by hand');
      expect(await noteIds(repo, other)).toEqual([]);
      const bad = await cli(repo, ['finish', id, '--commit', 'no-such-rev']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/^error: --commit: unknown revision 'no-such-rev'$/m);
      const r = await cli(repo, ['finish', id, '--commit', 'HEAD']);
      expect(r.code, r.stderr).toBe(0);
      expect(await noteIds(repo, other)).toEqual([id]);
      const show = await cli(repo, ['show', id, '--json']);
      expect(JSON.parse(show.stdout).repo.commits).toEqual([other]);
    },
  );

  test(
    'adopt REV --id ID attaches a pending run to the commits that carry it',
    { timeout: 300_000 },
    async () => {
      const repo = await initRepo({ 'a.txt': 'a\n' });
      const id = await pendingRun(repo, 'touch a', { 'a.txt': 'a2\n' });
      await repo.git('stash', '-q');
      repo.write('c.txt', 'c\n');
      const c = await repo.commit('c');
      const r = await cli(repo, ['adopt', 'HEAD', '--id', id]);
      expect(r.code, r.stderr).toBe(0);
      expect(await noteIds(repo, c)).toEqual([id]);
    },
  );

  test('plain finish recovers a run whose seal was killed part way', { timeout: 300_000 }, async () => {
    const repo = await initRepo({ 'a.txt': 'a\n' });
    const id = (await cli(repo, ['start', '--task', 'edit a'])).stdout.trim();
    repo.write('a.txt', 'a2\n');
    await cli(repo, ['exec', '--', 'true']); // an event, as a real run has
    const commit = await repo.commit(`edit a\n\nsession ${randomUUID()}`);
    // SessionEnd-style crash: the first finish dies before the notes ref moves.
    const crashed = await cli(repo, ['finish'], { env: { AGENT_LOG_FAULT: 'before-cas' } });
    expect(crashed.code).not.toBe(0);
    expect(await noteIds(repo, commit)).toEqual([]);
    const again = await cli(repo, ['finish']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`sealed ${id}`);
    expect(await noteIds(repo, commit)).toEqual([id]);
    const third = await cli(repo, ['finish']);
    expect(third.code).toBe(1);
    expect(third.stderr).toMatch(/^error: no open run in this worktree$/m);
  });
});

describe('doctor checks that capture works', () => {
  test(
    'hooks installed but nothing recorded, and tool ids that name two calls, are reported',
    { timeout: 300_000 },
    async () => {
      const repo = await initRepo({ 'a.txt': 'a\n' });
      expect((await cli(repo, ['install', 'claude-code'])).code).toBe(0);
      const quiet = await cli(repo, ['doctor']);
      expect(quiet.stdout).toMatch(
        /Claude Code hooks are installed but no hook event was ever recorded here/,
      );
      // Two PreToolUse payloads reusing one tool id for different calls (real id shape).
      const session = randomUUID();
      const toolId = `toolu_01${'A1b2C3d4E5f6G7h8I9j0Kl'}`;
      for (const command of ['npm test', 'rm -rf build']) {
        const payload = {
          session_id: session,
          hook_event_name: 'PreToolUse',
          cwd: repo.dir,
          transcript_path: `/Users/alice/.claude/projects/x/${session}.jsonl`,
          tool_name: 'Bash',
          tool_use_id: toolId,
          tool_input: { command },
        };
        const r = await cli(repo, ['hook', 'claude-code'], {
          input: JSON.stringify(payload),
          env: { AGENT_LOG_NO_BACKGROUND: '1' },
        });
        expect(r.code).toBe(0);
      }
      const doctor = await cli(repo, ['doctor']);
      expect(doctor.code).toBe(1);
      expect(doctor.stdout).toContain(`session ${session}: 1 tool id(s) naming two different calls`);
      expect(doctor.stdout).not.toMatch(/no hook event was ever recorded/);
    },
  );
});
