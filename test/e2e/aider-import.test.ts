// `import aider` on a real Aider chat history (Aider's own, see test/fixtures/corpus/README.md): each
// session is a run; a session attaches to the commits Aider says it made and the repository still has
// (not those /undo took back), in the zone of those commits; without them, in this machine's zone.
// Expected values come from the history read with line matching and from git, never from the tool.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { cli, gitEnv, ROOT, type TempRepo, tempRepo } from '../helpers/repo.js';

const HISTORY = readFileSync(join(ROOT, 'test/fixtures/corpus/aider/aider-ai/chat-history-head.md'), 'utf8');
/** The last session of the file (08:47:10): 11 Aider commits, 7 of them undone at the end. */
const LAST = HISTORY.slice(HISTORY.indexOf('# aider chat started at 2024-08-06 08:47:10'));

const repos: TempRepo[] = [];
afterAll(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

/** A commit at a given local time and zone, as Aider would make it on that machine. */
function commitAt(r: TempRepo, path: string, content: string, message: string, date: string): string {
  r.write(path, content);
  const env = gitEnv({ GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
  execFileSync('git', ['add', '-A'], { cwd: r.dir, env });
  execFileSync('git', ['commit', '-q', '-m', message], { cwd: r.dir, env });
  return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: r.dir, env, encoding: 'utf8' }).trim();
}

async function repo() {
  const r = await tempRepo();
  repos.push(r);
  commitAt(r, 'README.md', 'aider\n', 'base', '2024-08-01T10:00:00 +0200');
  return r;
}

/** What the session's text says, by line matching. */
function said(text: string) {
  const lines = text.split('\n');
  return {
    prompts: lines.filter(
      (l, i) => l.startsWith('#### ') && !lines[i - 1]?.startsWith('####') && !/^#### \//.test(l),
    ),
    edited: [
      ...new Set(lines.filter((l) => l.startsWith('> Applied edit to ')).map((l) => l.slice(18).trim())),
    ],
    usd: lines.reduce((a, l) => a + Number(/Cost: \$([\d.]+) request/.exec(l)?.[1] ?? 0), 0),
    undos: lines.filter((l) => l.startsWith('> Removed: ')).length,
    tests: lines.filter((l) => l.startsWith('#### /test ')).map((l) => l.slice(11).trim()),
  };
}

describe('import aider', () => {
  test('a session is sealed on the commits Aider made that the branch still has, in their zone', async () => {
    const r = await repo();
    // Aider's four commits that survived the session's /undo, made here at the session's times
    // (local time in +0200), and one that /undo took back (made, then reset away).
    const kept = [
      commitAt(
        r,
        'tests/basic/test_repo.py',
        'a\n',
        'feat: Add tests for `subtree_only`',
        '2024-08-06T08:49:00 +0200',
      ),
      commitAt(
        r,
        'tests/basic/test_repomap.py',
        'b\n',
        'feat: Add test for RepoMap',
        '2024-08-06T08:52:00 +0200',
      ),
      commitAt(
        r,
        'tests/basic/test.ml',
        'c\n',
        'style: Fix formatting in OCaml test file',
        '2024-08-06T08:52:05 +0200',
      ),
      commitAt(
        r,
        'tests/basic/test_repomap.py',
        'd\n',
        'fix: Add import for GitRepo class',
        '2024-08-06T09:01:00 +0200',
      ),
    ];
    const undone = commitAt(
      r,
      'tests/basic/test_repomap.py',
      'e\n',
      'style: Fix linter issues',
      '2024-08-06T09:01:05 +0200',
    );
    execFileSync('git', ['reset', '-q', '--hard', kept[3]!], { cwd: r.dir, env: gitEnv() });
    // The history names Aider's ids; in this repository the same commits have these.
    const ids: Record<string, string> = {
      '04fff71': kept[0]!,
      '58a16ef': kept[1]!,
      '978cc55': kept[2]!,
      d724ac1: kept[3]!,
      '0a25f61': undone,
    };
    let text = LAST;
    for (const [theirs, ours] of Object.entries(ids)) text = text.replaceAll(theirs, ours.slice(0, 7));
    const file = join(r.dir, '.aider.chat.history.md');
    writeFileSync(file, text);

    const res = await cli(r, ['import', 'aider', file, '--json'], { env: { TZ: 'America/Los_Angeles' } });
    expect(res.stderr).toMatch(/^imported .* on 4 commits\n$/);
    expect(res.code).toBe(0);
    const record = JSON.parse(res.stdout);
    const truth = said(text);

    expect([...record.repo.commits].sort()).toEqual([...kept].sort());
    expect(record.agent.name).toBe('aider');
    // 08:47:10 in the zone of its commits (+0200), not in this process's (Los Angeles).
    expect(record.started_at).toBe('2024-08-06T06:47:10.000Z');
    expect(record.task.intent).toBe(truth.prompts[0]!.slice(5).trim());
    const viaEdit = record.files.changed
      .filter((f: { via: string }) => f.via === 'edit')
      .map((f: { path: string }) => f.path);
    expect(viaEdit.sort()).toEqual([...truth.edited].sort());
    expect(record.cost.usd).toBeCloseTo(truth.usd, 6);
    const commands = record.commands.map((c: { command: string }) => c.command);
    expect(commands.filter((c: string) => c.startsWith('/undo '))).toHaveLength(truth.undos);
    const pytest = record.commands.filter((c: { command: string }) => truth.tests.includes(c.command));
    expect(pytest.map((c: { exit_code: number }) => c.exit_code)).toEqual(truth.tests.map(() => 1));
    // git agrees: the note is on each of the kept commits and on none other.
    for (const c of kept)
      expect(
        execFileSync('git', ['notes', '--ref=agent-log', 'show', c], { cwd: r.dir, encoding: 'utf8' }),
      ).toContain(record.id);
  });

  test('--all imports every session that did work, once; without its commits a session keeps this machine’s zone', async () => {
    const r = await repo();
    const file = join(r.dir, 'history.md');
    writeFileSync(file, HISTORY);
    const sessions = HISTORY.split(/^# aider chat started at /m).slice(1);
    const worked = sessions.filter((s) =>
      /^#### (?!\/)|^> Applied edit to |^> Commit [0-9a-f]{7} |^#### \/(?:run|test) /m.test(s),
    );
    const env = { TZ: 'Asia/Tokyo' };
    const first = await cli(r, ['import', 'aider', file, '--all', '--json'], { env });
    expect(first.code).toBe(0);
    const records = JSON.parse(first.stdout);
    expect(records).toHaveLength(worked.length);
    // Tokyo is UTC+9 all year: 2024-08-05 19:33:32 there.
    const times = worked.map((s) => {
      const [d, t] = s.slice(0, 19).split(' ');
      return new Date(Date.parse(`${d}T${t}+09:00`)).toISOString();
    });
    expect(records.map((x: { started_at: string }) => x.started_at)).toEqual(times);
    const again = await cli(r, ['import', 'aider', file, '--all', '--json'], { env });
    expect(JSON.parse(again.stdout).map((x: { id: string }) => x.id)).toEqual(
      records.map((x: { id: string }) => x.id),
    );
    const log = JSON.parse((await cli(r, ['log', '--json'])).stdout);
    expect(log.map((x: { id: string }) => x.id).sort()).toEqual(
      records.map((x: { id: string }) => x.id).sort(),
    );
    // Without --all: only the last session that did work.
    const last = JSON.parse((await cli(r, ['import', 'aider', file, '--json'], { env })).stdout);
    expect(last.id).toBe(records.at(-1).id);
    // A copy holding only that session (a history cut or rotated) is still the same run.
    const cut = join(r.dir, 'cut.md');
    writeFileSync(cut, LAST);
    const fromCut = JSON.parse((await cli(r, ['import', 'aider', cut, '--json'], { env })).stdout);
    expect(fromCut.id).toBe(last.id);
    expect(fromCut.agent.session_ids).toEqual(['aider-20240806084710']);
    expect(fromCut.commands).toEqual(last.commands);
  });

  test('what is not an Aider history, and install aider, get one line and exit 2', async () => {
    const r = await repo();
    const notHistory = await cli(r, ['import', 'aider', join(r.dir, 'README.md')]);
    expect(notHistory.code).toBe(2);
    expect(notHistory.stderr.trim().split('\n')).toHaveLength(1);
    expect(notHistory.stderr).toMatch(/not an Aider chat history/);
    const install = await cli(r, ['install', 'aider']);
    expect(install.code).toBe(2);
    expect(install.stderr.trim().split('\n')).toHaveLength(1);
    expect(install.stderr).toMatch(/Aider has no hooks: .*import aider/);
  });
});
