// Revert and rollback undo the run's own change and nothing else, on real history rewritten by real
// git (rebase, squash with a reviewer's fix-up, cherry-pick) across clones of a file:// remote. The
// expected trees are written out by hand and built by git (helpers/team.ts expectedTree), never by
// the code under test.
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, test } from 'vitest';
import { cli, gitEnv, type TempRepo } from '../helpers/repo.js';
import { expectedTree, handRun, lines, type Team, team } from '../helpers/team.js';

const teams: Team[] = [];
afterEach(() => {
  for (const t of teams.splice(0)) t.cleanup();
});

async function newTeam(files: Record<string, string>) {
  const t = await team(files);
  teams.push(t);
  return t;
}

const head = async (r: TempRepo) => (await r.git('rev-parse', 'HEAD')).trim();
const tree = async (r: TempRepo, rev = 'HEAD') => (await r.git('rev-parse', `${rev}^{tree}`)).trim();
const edit = (text: string, line: number, to: string) => {
  const ls = text.split('\n');
  ls[line - 1] = to;
  return ls.join('\n');
};

function runScript(repo: TempRepo, script: string) {
  return spawnSync('bash', ['-s'], { cwd: repo.dir, input: script, env: gitEnv(), encoding: 'utf8' });
}

const DELAY = lines(12, 'delay');

describe('revert after history was rewritten', () => {
  test(
    'after a rebase onto a teammate\u2019s run in the same file, only the run\u2019s lines go',
    { timeout: 300_000 },
    async () => {
      const t = await newTeam({ 'src/delay.ts': DELAY, 'README.md': 'readme\n' });
      const alice = await t.clone('Alice');
      const bob = await t.clone('Bob');
      // Alice's run on a branch: line 2 of delay.ts.
      const r1 = await handRun(
        alice,
        'raise the retry delay',
        [{ 'src/delay.ts': edit(DELAY, 2, 'delay 2 = 500') }],
        {
          branch: 'retry',
        },
      );
      // Bob's run on main: line 10 of the same file and a new file, pushed first.
      const bobDelay = edit(DELAY, 10, 'delay 10 = jitter');
      await handRun(bob, 'add jitter', [
        { 'src/delay.ts': bobDelay, 'src/jitter.ts': 'export const j = 1;\n' },
      ]);
      await bob.git('push', '-q', 'origin', 'main');
      // Alice rebases her run onto Bob's and merges it: the run's commits now have new ids.
      await alice.git('fetch', '-q', 'origin');
      const before = (await alice.git('rev-parse', 'retry')).trim();
      await alice.git('rebase', '-q', 'origin/main');
      expect((await alice.git('rev-parse', 'retry')).trim()).not.toBe(before);
      await alice.git('checkout', '-q', 'main');
      await alice.git('merge', '-q', '--ff-only', 'origin/main');
      await alice.git('merge', '-q', '--ff-only', 'retry');
      alice.write('README.md', 'readme, later work\n');
      await alice.commit('later unrelated work');
      const keep = await expectedTree(alice, 'HEAD', { 'src/delay.ts': bobDelay });

      // The packet's own instruction, as a reviewer would paste it: it names the run's commit on this
      // branch, not the orphan the rebase left (which still carries the note), and does what it says.
      const packet = await cli(alice, ['show', r1, '--format', 'md']);
      expect(packet.code, packet.stderr).toBe(0);
      const line = packet.stdout.split('\n').find((l) => l.startsWith('git revert --no-edit '));
      expect(line, packet.stdout).toBe(
        `git revert --no-edit ${(await alice.git('rev-parse', 'retry')).trim()}`,
      );
      expect(packet.stdout).not.toContain(before);
      const pasted = runScript(alice, `set -e\n${line}\n`);
      expect(pasted.status, pasted.stderr).toBe(0);
      expect(await tree(alice)).toBe(keep);
      await alice.git('reset', '-q', '--hard', 'HEAD~1');

      const r = await cli(alice, ['revert', r1]);
      expect(r.code, r.stderr).toBe(0);
      expect(await tree(alice)).toBe(keep);
      expect(alice.read('src/jitter.ts')).toBe('export const j = 1;\n');
      expect(
        (await alice.git('log', '-1', '--format=%(trailers:key=Agent-Log-Revert,valueonly)')).trim(),
      ).toBe(r1);
    },
  );

  test(
    'after a squash merge with a reviewer\u2019s fix-up, the fix-up and later work stay',
    { timeout: 300_000 },
    async () => {
      const t = await newTeam({ 'src/delay.ts': DELAY, 'docs/ops.md': 'ops\n' });
      const alice = await t.clone('Alice');
      const base = await head(alice);
      const r1 = await handRun(
        alice,
        'cap the delay',
        [
          {
            'src/delay.ts': edit(DELAY, 3, 'delay 3 = min(x, cap)'),
            'src/cap.ts': 'export const CAP = 30;\n',
          },
        ],
        { branch: 'cap' },
      );
      // A reviewer's fix-up on the same branch, in the same file and in another one.
      const reviewed = edit(edit(DELAY, 3, 'delay 3 = min(x, cap)'), 11, 'delay 11 // reviewed');
      alice.write('src/delay.ts', reviewed);
      alice.write('docs/ops.md', 'ops: cap is 30s\n');
      await alice.commit('review fix-up');
      const pr = await cli(alice, ['pr', r1]);
      expect(pr.code, pr.stderr).toBe(0);
      await alice.git('checkout', '-q', 'main');
      await alice.git('merge', '-q', '--squash', 'cap');
      await alice.git('commit', '-q', '-m', `Cap the delay (#12)\n\n${pr.stdout}`);
      await alice.git('branch', '-q', '-D', 'cap');
      expect((await cli(alice, ['adopt', 'HEAD'])).code).toBe(0);
      alice.write('docs/later.md', 'later\n');
      await alice.commit('later work');
      const keep = await expectedTree(alice, 'HEAD', {
        'src/delay.ts': edit(DELAY, 11, 'delay 11 // reviewed'),
        'src/cap.ts': null,
      });
      expect(await tree(alice)).not.toBe(await tree(alice, base));

      const dry = await cli(alice, ['revert', r1, '--dry-run']);
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout).toMatch(/3-way into the squash commit/);
      const r = await cli(alice, ['revert', r1]);
      expect(r.code, r.stderr).toBe(0);
      expect(await tree(alice)).toBe(keep);
      expect(alice.read('docs/ops.md')).toBe('ops: cap is 30s\n');

      const script = await cli(alice, ['rollback', r1]);
      const again = runScript(alice, script.stdout);
      expect(again.status, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/already reverted/);
      expect(await tree(alice)).toBe(keep);
    },
  );

  test(
    'the rollback script makes the same decision after a squash with a fix-up',
    { timeout: 300_000 },
    async () => {
      const t = await newTeam({ 'src/delay.ts': DELAY });
      const alice = await t.clone('Alice');
      const r1 = await handRun(alice, 'cap', [{ 'src/delay.ts': edit(DELAY, 3, 'capped') }], {
        branch: 'cap',
      });
      alice.write('src/delay.ts', edit(edit(DELAY, 3, 'capped'), 12, 'delay 12 // fix-up'));
      await alice.commit('fix-up');
      await alice.git('checkout', '-q', 'main');
      await alice.git('merge', '-q', '--squash', 'cap');
      await alice.git('commit', '-q', '-m', `squash\n\nAgent-Log: ${r1}`);
      expect((await cli(alice, ['adopt'])).code).toBe(0);
      const keep = await expectedTree(alice, 'HEAD', {
        'src/delay.ts': edit(DELAY, 12, 'delay 12 // fix-up'),
      });
      const r = runScript(alice, (await cli(alice, ['rollback', r1])).stdout);
      expect(r.status, r.stderr).toBe(0);
      expect(await tree(alice)).toBe(keep);
      expect(
        (await alice.git('log', '-1', '--format=%(trailers:key=Agent-Log-Revert,valueonly)')).trim(),
      ).toBe(r1);
    },
  );

  test(
    'on a branch that never held the run, revert and the script refuse with exit 1 and change nothing',
    { timeout: 300_000 },
    async () => {
      const t = await newTeam({ 'src/delay.ts': DELAY });
      const alice = await t.clone('Alice');
      const r1 = await handRun(alice, 'tune', [{ 'src/delay.ts': edit(DELAY, 5, 'tuned') }]);
      await alice.git('checkout', '-q', '-b', 'release', 'origin/main');
      alice.write('src/delay.ts', edit(DELAY, 1, 'release fix'));
      await alice.commit('release fix');
      const at = await head(alice);
      for (const args of [
        ['revert', r1],
        ['revert', r1, '--dry-run'],
      ]) {
        const r = await cli(alice, args);
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/^error: the run's change is not on this branch/m);
      }
      const s = runScript(alice, (await cli(alice, ['rollback', r1])).stdout);
      expect(s.status).toBe(1);
      expect(s.stderr).toMatch(/is not on this branch/);
      expect(await head(alice)).toBe(at);
      expect(await alice.git('status', '--porcelain')).toBe('');
    },
  );

  test('a cherry-picked run is undone on the branch it was picked to', { timeout: 300_000 }, async () => {
    const t = await newTeam({ 'src/delay.ts': DELAY, 'src/other.ts': 'other\n' });
    const alice = await t.clone('Alice');
    const r1 = await handRun(alice, 'tune', [{ 'src/delay.ts': edit(DELAY, 5, 'tuned') }]);
    const picked = (await alice.git('rev-parse', 'HEAD')).trim();
    await alice.git('checkout', '-q', '-b', 'release', 'origin/main');
    alice.write('src/other.ts', 'release only\n');
    await alice.commit('release only');
    const keep = await tree(alice);
    await alice.git('cherry-pick', picked);
    const r = await cli(alice, ['revert', r1]);
    expect(r.code, r.stderr).toBe(0);
    expect(await tree(alice)).toBe(keep);
  });

  test('a second revert says "already reverted", exit 0, no conflict', { timeout: 300_000 }, async () => {
    const t = await newTeam({ 'src/delay.ts': DELAY });
    const alice = await t.clone('Alice');
    const r1 = await handRun(alice, 'tune', [{ 'src/delay.ts': edit(DELAY, 5, 'tuned') }]);
    const carrier = await head(alice);
    expect((await cli(alice, ['revert', r1])).code).toBe(0);
    const at = await head(alice);
    // The revert is on the run (an event line next to its record) and blame names it.
    const events = (await alice.git('notes', '--ref=agent-log', 'show', carrier))
      .split('\n')
      .filter((l) => l.includes('"kind":"event"'))
      .map((l) => JSON.parse(l));
    expect(events).toMatchObject([
      { type: 'revert', id: r1, commit: at, by: { name: 'Test Author', email: 'author@example.com' } },
    ]);
    const shown = JSON.parse((await cli(alice, ['show', r1, '--json'])).stdout);
    expect(shown.outcome).toMatchObject({ status: 'reverted', reverted: { commit: at } });
    const blame = await cli(alice, ['blame', 'src/delay.ts:5', '--no-pager']);
    expect(blame.stdout).toContain(`${at.slice(0, 7)}  revert of ${r1.slice(0, 7)} (Test Author)`);
    const again = await cli(alice, ['revert', r1]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/already reverted by [0-9a-f]{12}/);
    expect(await head(alice)).toBe(at);
    expect(await alice.git('status', '--porcelain')).toBe('');
  });

  test(
    'a record naming HEAD, HEAD~1 or --help as its commits reverts only the commit that carries it',
    { timeout: 300_000 },
    async () => {
      const t = await newTeam({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
      const alice = await t.clone('Alice');
      alice.write('a.txt', 'a changed by hand\n');
      const human = await alice.commit('a human commit');
      const r1 = await handRun(alice, 'edit b', [{ 'b.txt': 'b by the agent\n' }]);
      const carrier = await head(alice);
      // A forged copy of the record on the same commit, listing revisions and an option as commits.
      const note = await alice.git('notes', '--ref=agent-log', 'show', carrier);
      const rec = JSON.parse(note.split('\n').find((l) => l.includes('"kind":"record"'))!);
      rec.repo.commits = ['HEAD', 'HEAD~1', '--help'];
      rec.repo.end_commit = '--help';
      rec.id = 'zforged001';
      await alice.git('notes', '--ref=agent-log', 'append', '-m', JSON.stringify(rec), carrier);
      for (const cmd of [
        ['show', 'zforged001'],
        ['pr', 'zforged001'],
        ['rollback', 'zforged001'],
      ]) {
        const r = await cli(alice, cmd);
        expect(r.code, `${cmd.join(' ')}: ${r.stderr}`).toBe(0);
        expect(r.stdout).not.toMatch(/--help|HEAD~1/);
      }
      const keep = await expectedTree(alice, 'HEAD', { 'b.txt': 'b\n' });
      const r = await cli(alice, ['revert', 'zforged001']);
      expect(r.code, r.stderr).toBe(0);
      expect(await tree(alice)).toBe(keep);
      expect(alice.read('a.txt')).toBe('a changed by hand\n');
      expect(human).not.toBe(carrier);
      void r1;
    },
  );
});
