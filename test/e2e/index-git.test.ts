// The index against real notes refs: after every kind of notes change an incremental update equals
// a cold rebuild; unchanged fanout subtrees are not read.
import { execFileSync } from 'node:child_process';
import { afterEach, expect, test } from 'vitest';
import type { GitEngine } from '../../src/git/engine.js';
import { openRepo } from '../../src/git/repo.js';
import { serializeIndex } from '../../src/index/file.js';
import { indexPath, openIndex, updateIndex } from '../../src/index/open.js';
import { readIndexFile } from '../../src/index/file.js';
import { canonicalJson, refLine } from '../../src/record/note-lines.js';
import { gitEnv, tempRepo, type TempRepo } from '../helpers/repo.js';
import { makeRecord } from '../helpers/records.js';

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanup.splice(0)) c();
});

async function repoWithCommits(n: number): Promise<{ repo: TempRepo; commits: string[] }> {
  const repo = await tempRepo({ files: { 'a.txt': '0\n' } });
  cleanup.push(() => repo.cleanup());
  const commits: string[] = [];
  for (let i = 1; i <= n; i++) {
    repo.write('a.txt', `${i}\n`);
    commits.push(await repo.commit(`c${i}`));
  }
  return { repo, commits };
}

const line = (id: string, intent = id) =>
  canonicalJson(makeRecord(id, { task: { intent, source: 'flag', follow_ups: [] } }));

/** Incremental (from the stored index) and cold (from nothing) must serialize identically. */
async function expectIncrementalEqualsCold(engine: GitEngine) {
  const inc = await openIndex(engine);
  const cold = await updateIndex(engine, null, inc.tip);
  expect(serializeIndex(inc)).toEqual(serializeIndex(cold));
  expect(readIndexFile(indexPath(engine))!.tip).toBe(inc.tip);
  return inc;
}

test('incremental update equals a cold rebuild after add, overwrite, remove and merge', async () => {
  const { repo, commits } = await repoWithCommits(6);
  const { engine } = await openRepo(repo.dir, { engine: 'native' });
  cleanup.push(() => void engine.close());
  const notes = (...args: string[]) => repo.git('notes', '--ref=agent-log', ...args);

  let data = await expectIncrementalEqualsCold(engine);
  expect(data.entries.size).toBe(0);

  await notes('add', '-m', line('aaaa000001'), commits[0]!);
  await notes('add', '-m', refLine('bbbb000002'), commits[1]!);
  await notes('add', '-m', line('bbbb000002'), commits[2]!);
  data = await expectIncrementalEqualsCold(engine);
  expect(data.entries.get('bbbb000002')!.commits).toEqual([commits[1], commits[2]].sort());

  await notes('append', '-m', line('cccc000003'), commits[2]!); // a second run on one commit
  await expectIncrementalEqualsCold(engine);

  await notes('add', '-f', '-m', line('aaaa000001', 'rewritten intent'), commits[0]!); // overwrite
  data = await expectIncrementalEqualsCold(engine);
  expect(JSON.parse(data.entries.get('aaaa000001')!.json!).task.intent).toBe('rewritten intent');

  await notes('remove', commits[1]!); // the pointer line goes
  data = await expectIncrementalEqualsCold(engine);
  expect(data.entries.get('bbbb000002')!.commits).toEqual([commits[2]]);

  await notes('remove', commits[2]!); // both runs on that commit go
  data = await expectIncrementalEqualsCold(engine);
  expect([...data.entries.keys()]).toEqual(['aaaa000001']);

  // Another clone records a run and re-seals one of ours; merge with cat_sort_uniq.
  const other = `${repo.dir}-clone`;
  execFileSync('git', ['clone', '-q', repo.dir, other], { env: gitEnv() });
  cleanup.push(() => execFileSync('rm', ['-rf', other]));
  const inOther = (...args: string[]) => execFileSync('git', args, { cwd: other, env: gitEnv() });
  inOther('fetch', '-q', 'origin', 'refs/notes/agent-log:refs/notes/agent-log');
  inOther('notes', '--ref=agent-log', 'add', '-m', line('dddd000004'), commits[4]!);
  inOther('notes', '--ref=agent-log', 'append', '-m', line('aaaa000001', 'from the clone'), commits[0]!);
  await notes('add', '-m', line('eeee000005'), commits[5]!);
  await repo.git('fetch', '-q', other, 'refs/notes/agent-log:refs/notes/theirs');
  await notes('merge', '-s', 'cat_sort_uniq', 'refs/notes/theirs');
  data = await expectIncrementalEqualsCold(engine);
  expect([...data.entries.keys()].sort()).toEqual(['aaaa000001', 'dddd000004', 'eeee000005']);
});

test('a notes tree with fanout: one new note reads only the touched subtree', async () => {
  const { repo, commits } = await repoWithCommits(3);
  // 300 notes on synthetic targets by fast-import (2/38 fanout), plus one on a real commit.
  const targets = Array.from({ length: 300 }, (_, i) =>
    execFileSync('git', ['hash-object', '--stdin'], { input: `t${i}`, cwd: repo.dir })
      .toString()
      .trim(),
  );
  let stream = 'commit refs/notes/agent-log\ncommitter T <t@e> 1790000000 +0000\ndata 5\nnotes\n';
  targets.forEach((t, i) => {
    const body = `${line(`fan${String(i).padStart(7, '0')}`)}\n`;
    stream += `M 100644 inline ${t.slice(0, 2)}/${t.slice(2)}\ndata ${Buffer.byteLength(body)}\n${body}`;
  });
  execFileSync('git', ['fast-import', '--quiet'], { cwd: repo.dir, input: stream, env: gitEnv() });
  const { engine } = await openRepo(repo.dir, { engine: 'native' });
  cleanup.push(() => void engine.close());
  let data = await expectIncrementalEqualsCold(engine);
  expect(data.entries.size).toBe(300);

  await repo.git('notes', '--ref=agent-log', 'add', '-m', line('newrun0001'), commits[0]!);
  let treeReads = 0;
  const counting = Object.assign(Object.create(engine) as GitEngine, {
    readTree: (oid: string) => {
      treeReads++;
      return engine.readTree(oid);
    },
  });
  data = await openIndex(counting);
  expect(data.entries.size).toBe(301);
  // Old and new root, and the one fanout subtree that changed (or was added) on each side.
  expect(treeReads).toBeLessThanOrEqual(4);
  const cold = await updateIndex(engine, null, data.tip);
  expect(serializeIndex(data)).toEqual(serializeIndex(cold));
});

test('deleting the index loses nothing', async () => {
  const { repo, commits } = await repoWithCommits(2);
  await repo.git('notes', '--ref=agent-log', 'add', '-m', line('keep000001'), commits[0]!);
  const { engine } = await openRepo(repo.dir, { engine: 'native' });
  cleanup.push(() => void engine.close());
  const first = await openIndex(engine);
  execFileSync('rm', ['-rf', indexPath(engine)]);
  const again = await openIndex(engine);
  expect(serializeIndex(again)).toEqual(serializeIndex(first));
});
