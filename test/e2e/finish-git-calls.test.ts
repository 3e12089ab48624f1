// `finish` asks git each question once. Every git process costs the CLI about 3-4 ms of CPU (the
// fork of a Node process and git's own start), and a seal of a manual run used to ask for HEAD three
// times, diff the same two trees twice (two processes each time) and list the same commits twice. GIT_TRACE (git's own account
// of every git process started) is the observer; the record is checked against plain git.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { parseNote } from '../../src/record/note-lines.js';
import type { RunRecord } from '../../src/record/schema.js';
import { cli, type TempRepo, tempRepo } from '../helpers/repo.js';

const traceFile = join(tmpdir(), `agent-log-finish-trace-${process.pid}`);
const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanup.splice(0)) c();
  rmSync(traceFile, { force: true });
});

async function ok(repo: TempRepo, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = await cli(repo, args, { env });
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r;
}

/** The git commands `finish` starts, as GIT_TRACE names them (one entry per git process). */
async function finishTraced(repo: TempRepo, args: string[] = []): Promise<string[]> {
  rmSync(traceFile, { force: true });
  await ok(repo, ['finish', ...args], { GIT_TRACE: traceFile });
  expect(existsSync(traceFile)).toBe(true);
  return readFileSync(traceFile, 'utf8')
    .split('\n')
    .flatMap((l) => {
      const m = / trace: (?:built-in|exec): git (.*)$/.exec(l);
      return m ? [m[1]!.replaceAll("'", '')] : []; // git quotes words like HEAD^{commit}
    });
}

const count = (calls: string[], re: RegExp) => calls.filter((c) => re.test(c)).length;

async function recordOn(repo: TempRepo, rev: string): Promise<RunRecord> {
  const body = await repo.git('notes', '--ref=agent-log', 'show', rev);
  const full = parseNote(body).flatMap((l) => (l.type === 'record' ? [l.record] : []));
  expect(full).toHaveLength(1);
  return full[0]!;
}

test('finish of a run with two commits asks git for HEAD and the diff once each, and lists its commits without rev-list', async () => {
  const repo = await tempRepo({ files: { 'README.md': '# demo\n', 'src/a.ts': 'a\n' } });
  cleanup.push(() => repo.cleanup());
  await ok(repo, ['init']);
  const start = (await repo.git('rev-parse', 'HEAD')).trim();
  const id = (await ok(repo, ['start', '--task', 'rename a'])).stdout.trim();
  repo.write('src/a.ts', 'a\nb\n');
  await repo.commit('first');
  await repo.git('mv', 'src/a.ts', 'src/b.ts');
  repo.write('src/c.ts', 'c\n');
  const head = await repo.commit('second');

  const calls = await finishTraced(repo);
  // HEAD once: its branch by symbolic-ref, its commit through the one long-lived cat-file
  expect(count(calls, /^symbolic-ref -q --short HEAD$/), calls.join('\n')).toBe(1);
  expect(count(calls, /^rev-parse --verify.* HEAD/), calls.join('\n')).toBe(0);
  expect(count(calls, /^cat-file --batch$/), calls.join('\n')).toBe(1);
  // the start and end trees diffed once, both listings from one diff-tree
  expect(count(calls, /^diff-tree .*--raw --numstat /), calls.join('\n')).toBe(1);
  expect(count(calls, /^diff-tree /), calls.join('\n')).toBe(1);
  // the run's two commits are a straight line from HEAD to the start: read through cat-file
  expect(count(calls, /^rev-list /), calls.join('\n')).toBe(0);
  // nothing ignored was ever snapshotted: one look at the private index is enough
  expect(count(calls, /^ls-files /), calls.join('\n')).toBe(1);

  // the record is what plain git says
  const record = await recordOn(repo, head);
  expect(record.id).toBe(id);
  const commits = (await repo.git('rev-list', '--reverse', `${start}..${head}`)).trim().split('\n');
  expect(record.repo.commits).toEqual(commits);
  const changed = (await repo.git('diff', '--name-status', '-M', start, head))
    .trim()
    .split('\n')
    .map((l) => l.split('\t'));
  expect(record.files.changed.map((c) => [c.status, c.old_path, c.path]).sort()).toEqual(
    changed
      .map(([s, a, b]) =>
        s!.startsWith('R')
          ? ['renamed', a, b]
          : [s === 'A' ? 'added' : s === 'D' ? 'deleted' : 'modified', undefined, a],
      )
      .sort(),
  );
});

test('a file the private index took before it was ignored leaves the snapshot; a tracked ignored one stays', async () => {
  const repo = await tempRepo({ files: { 'README.md': '# demo\n' } });
  cleanup.push(() => repo.cleanup());
  await ok(repo, ['init']);
  const start = (await repo.git('rev-parse', 'HEAD')).trim();
  repo.write('scratch.log', 'untracked, not ignored yet\n');
  await ok(repo, ['start', '--task', 'ignore logs']); // its snapshot takes scratch.log
  repo.write('.gitignore', '*.log\n');
  repo.write('kept.log', 'tracked although ignored\n');
  await repo.git('add', '.gitignore');
  await repo.git('add', '-f', 'kept.log');
  const head = await repo.commit('ignore logs', { all: false });

  const calls = await finishTraced(repo);
  // the private index holds an ignored file: the real index is asked which of those git tracks
  expect(count(calls, /^ls-files /), calls.join('\n')).toBe(2);
  const record = await recordOn(repo, head);
  const paths = record.files.changed.map((c) => `${c.status} ${c.path}`).sort();
  // scratch.log was in the start snapshot and is ignored now: gone from the end snapshot, as from a
  // fresh copy of the index; kept.log is tracked, so git keeps it despite .gitignore
  expect(paths).toEqual(['added .gitignore', 'added kept.log', 'deleted scratch.log']);
  expect((await repo.git('ls-files', '-c', '-i', '--exclude-standard')).trim()).toBe('kept.log');
  expect((await repo.git('rev-list', `${start}..${head}`)).trim()).toBe(head);
});

test('finish where git knows no identity: the notes commit is made under the fallback identity, git var asked once', async () => {
  const repo = await tempRepo({ files: { 'README.md': '# demo\n' } });
  cleanup.push(() => repo.cleanup());
  await ok(repo, ['init']);
  await ok(repo, ['start', '--task', 'no identity']);
  repo.write('a.txt', 'a\n');
  const head = await repo.commit('a');
  await repo.git('config', 'user.useConfigOnly', 'true');
  const noIdentity = {
    GIT_AUTHOR_NAME: undefined,
    GIT_AUTHOR_EMAIL: undefined,
    GIT_COMMITTER_NAME: undefined,
    GIT_COMMITTER_EMAIL: undefined,
    EMAIL: undefined,
  };
  // git var fails here (no name, and user.useConfigOnly forbids guessing one); the seal goes on
  const r = await cli(repo, ['finish'], { env: { ...noIdentity, GIT_TRACE: traceFile } });
  expect(r.code, r.stderr).toBe(0);
  const calls = readFileSync(traceFile, 'utf8')
    .split('\n')
    .filter((l) => / trace: (?:built-in|exec): git var /.test(l));
  expect(calls).toHaveLength(1);
  const who = await repo.git('log', '-1', '--format=%an <%ae>|%cn <%ce>', 'refs/notes/agent-log');
  expect(who.trim()).toBe('git-agent-log <agent-log@localhost>|git-agent-log <agent-log@localhost>');
  expect((await recordOn(repo, head)).outcome.status).toBe('completed');
});
