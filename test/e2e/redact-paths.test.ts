// Random-looking file names are structure, not secrets: they keep their directory and their name in
// the record, so boundary globs, `verify` and `query --file` still see them. A name that holds a
// real token is redacted, and then counts as outside every allowed path (fail closed).
import { randomInt } from 'node:crypto';
import { afterEach, describe, expect, test } from 'vitest';
import { parseNote } from '../../src/record/note-lines.js';
import { cli, type TempRepo, tempRepo } from '../helpers/repo.js';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function mixed(n: number): string {
  for (;;) {
    const s = Array.from({ length: n }, () => BASE62[randomInt(62)]).join('');
    if (/[0-9]/.test(s) && /[a-z]/.test(s) && /[A-Z]/.test(s)) return s;
  }
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function recorded(
  files: Record<string, string>,
  boundary: string[],
): Promise<{ repo: TempRepo; id: string }> {
  const repo = await tempRepo({ files: { 'README.md': '# demo\n' } });
  cleanups.push(() => repo.cleanup());
  expect((await cli(repo, ['init'])).code).toBe(0);
  const start = await cli(repo, ['start', '--task', 'provision the stack', ...boundary]);
  expect(start.code, start.stderr).toBe(0);
  for (const [p, c] of Object.entries(files)) repo.write(p, c);
  expect((await cli(repo, ['exec', '--kind', 'test', '--', 'true'])).code).toBe(0);
  await repo.commit('provision');
  const fin = await cli(repo, ['finish']);
  expect(fin.code, fin.stderr).toBe(0);
  return { repo, id: start.stdout.trim() };
}

/** The changed paths of the record on HEAD, read straight from the note. */
async function changedPaths(repo: TempRepo): Promise<string[]> {
  const body = await repo.git('notes', '--ref=agent-log', 'show', 'HEAD');
  const rec = parseNote(body).find((l) => l.type === 'record');
  if (!rec || rec.type !== 'record') throw new Error('no record on HEAD');
  return rec.record.files.changed.map((f) => f.path).sort();
}

describe('hashed file names survive recording', () => {
  test('a denied directory with a random file name still fails verify; query --file finds it', async () => {
    const tf = `infra/prod/main-${mixed(24)}.tf`;
    const asset = `public/assets/app-${mixed(20)}.js`;
    const { repo, id } = await recorded({ [tf]: 'resource {}\n', [asset]: 'x()\n' }, ['--deny', 'infra/**']);
    expect(await changedPaths(repo)).toEqual([tf, asset].sort());
    const v = await cli(repo, ['verify', id]);
    expect(v.code).toBe(1);
    expect(v.stdout).toContain(`changed ${tf}, which the boundary denies`);
    const q = await cli(repo, ['query', '--file', 'infra/**', '--json']);
    expect(q.code, q.stderr).toBe(0);
    expect(q.stdout).toContain(id);
  });

  test('a file named after a real token is stored redacted and fails an allow-everything boundary', async () => {
    const token = `ghp_${mixed(36)}`;
    const { repo, id } = await recorded({ [`src/${token}.txt`]: 'x\n', 'src/ok.ts': '1\n' }, [
      '--allow',
      'src/**',
    ]);
    const paths = await changedPaths(repo);
    expect(paths).toEqual(['src/[REDACTED:github-token].txt', 'src/ok.ts']);
    const notes = await repo.git('log', '-p', '--format=%H', 'refs/notes/agent-log');
    expect(notes).not.toContain(token.slice(4));
    const v = await cli(repo, ['verify', id]);
    expect(v.code).toBe(1);
    expect(v.stdout).toContain('changed src/[REDACTED:github-token].txt, whose name held a secret');
    expect(v.stdout).not.toContain('changed src/ok.ts');
  });
});
