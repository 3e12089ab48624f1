// `import` on real session files: bad input is refused without writing anything, importing twice is one
// run, the live working tree is never read, and an imported run attaches only to a commit that changes
// a file it edited (or the one named with --commit). The session (codemie 4c2ddfdc, Claude Code
// 2.0.64, December 2025) wrote hello.py, hello.md and hello.js; the repositories here are newer.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { cli, ROOT, type TempRepo, tempRepo } from '../helpers/repo.js';

const SESSION = join(
  ROOT,
  'test/fixtures/corpus/claude-code/codemie/4c2ddfdc-b619-4525-8d03-1950fb1b0257.jsonl',
);
const repos: TempRepo[] = [];
afterAll(() => {
  for (const r of repos.splice(0)) r.cleanup();
});
async function repo() {
  const r = await tempRepo({ files: { 'README.md': 'readme\n' } });
  repos.push(r);
  return r;
}
const sessionsDir = (r: TempRepo) => join(r.dir, '.git/agent-log/sessions');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const runs = async (r: TempRepo): Promise<any[]> => JSON.parse((await cli(r, ['log', '--json'])).stdout);

describe('import refuses what is not a session', () => {
  test.each([
    ['/etc/passwd', /not a Claude Code transcript/],
    [ROOT, /not a file/],
  ])('%s: exit 2, one line, nothing written', async (path, message) => {
    const r = await repo();
    const res = await cli(r, ['import', 'claude-code', path]);
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(message);
    const dir = sessionsDir(r);
    expect(existsSync(dir) ? readdirSync(join(dir, 'claude-code')).length : 0).toBe(0);
    expect(await runs(r)).toEqual([]);
  });
});

describe('an imported run', () => {
  test('importing the same file twice lists one run', async () => {
    const r = await repo();
    const first = await cli(r, ['import', 'claude-code', SESSION, '--json']);
    const second = await cli(r, ['import', 'claude-code', SESSION, '--json']);
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(JSON.parse(second.stdout).id).toBe(JSON.parse(first.stdout).id);
    expect((await runs(r)).map((x) => x.id)).toEqual([JSON.parse(first.stdout).id]);
  });

  test('import --json reports the edit-tool files and nothing the user has uncommitted', async () => {
    const r = await repo();
    r.write('my-own-work.txt', 'not the agent\n');
    r.write('README.md', 'edited by the user\n');
    const res = await cli(r, ['import', 'claude-code', SESSION, '--json']);
    const record = JSON.parse(res.stdout);
    expect(record.files.changed).toEqual([
      { path: 'hello.py', status: 'added', additions: null, deletions: null, via: 'edit' },
      { path: 'hello.md', status: 'added', additions: null, deletions: null, via: 'edit' },
      { path: 'hello.js', status: 'added', additions: null, deletions: null, via: 'edit' },
    ]);
  });

  test('an unrelated commit does not take it; a commit that changes a file it edited does', async () => {
    const r = await repo();
    const id = JSON.parse((await cli(r, ['import', 'claude-code', SESSION, '--json'])).stdout).id;
    r.write('unrelated.txt', 'x\n');
    await r.commit('unrelated work');
    let run = (await runs(r)).find((x) => x.id === id);
    expect(run.outcome.status).toBe('pending');
    r.write('hello.py', 'print("hello")\n');
    const evidence = await r.commit('add hello.py');
    run = (await runs(r)).find((x) => x.id === id);
    expect(run.outcome.status).toBe('completed');
    expect(run.repo.commits).toEqual([evidence]);
  });

  test('--commit REV attaches it to that commit; an unknown revision is a usage error', async () => {
    const r = await repo();
    r.write('other.txt', 'x\n');
    const named = await r.commit('the commit the user names');
    const bad = await cli(r, ['import', 'claude-code', SESSION, '--commit', 'no-such-rev']);
    expect(bad.code).toBe(2);
    const res = await cli(r, ['import', 'claude-code', SESSION, '--commit', 'HEAD', '--json']);
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout).repo.commits).toEqual([named]);
  });
});
