// An index update renames the new index into place, then writes its lookup file. Two updates at once
// while the notes move (A writes tip T2, B writes T3) can leave B's index beside A's lookup file, and
// an update killed between its two renames leaves the new index beside the old lookup file. Readers
// never trust a lookup file that describes another index; the first read that meets one beside a
// current index writes it anew from the index, so that the reads after it take the short way again.
// Both states are made by real processes of the built CLI: one killed there (AGENT_LOG_FAULT), and
// one stopped there (AGENT_LOG_FAULT_STOP) while the other runs, then continued.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { canonicalJson } from '../../src/record/note-lines.js';
import { recordIdsInNotes } from '../helpers/notes-reader.js';
import { shopRecord } from '../helpers/records.js';
import { BIN, cli, finished, gitEnv, tempRepo, type TempRepo } from '../helpers/repo.js';
import { until } from '../helpers/wait.js';

let repo: TempRepo;
const commits: string[] = [];
const ids = Array.from({ length: 8 }, (_, n) => `q${(0x2d7f3b1 + n * 104729).toString(36).padStart(9, '0')}`);
const indexFile = () => join(repo.dir, '.git', 'agent-log', 'index', 'records.v1');
const lookupFile = () => `${indexFile()}.at`;
const notes = (...args: string[]) => repo.git('notes', '--ref=agent-log', ...args);
let added = 0;

/** Run `added` on its own commit, with plain git: the notes ref moves. */
async function addRun(): Promise<string> {
  const n = added++;
  await notes('add', '-m', canonicalJson(shopRecord(ids[n]!, `fix the checkout, step ${n}`, n)), commits[n]!);
  return (await repo.git('rev-parse', 'refs/notes/agent-log')).trim();
}

const headerOf = (file: string) => {
  const bytes = readFileSync(file);
  return JSON.parse(bytes.toString('utf8', 0, bytes.indexOf(10))) as { tip: string; size?: number };
};

/** Whether the lookup file describes the index beside it (the notes tip and byte size it names). */
function lookupNamesIndex(): boolean {
  const look = headerOf(lookupFile());
  return look.tip === headerOf(indexFile()).tip && look.size === readFileSync(indexFile()).length;
}

/** The record line of run `id` as plain git shows it on its commit. */
async function gitRecord(id: string): Promise<Record<string, unknown>> {
  const text = await notes('show', commits[ids.indexOf(id)]!);
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .find((r) => r.id === id)!;
}

/** After one read: the lookup file names the index and is what a rebuild writes; answers are git's. */
async function expectRepairedByOneRead(id: string) {
  const shown = await cli(repo, ['show', id, '--json']);
  expect(shown.stderr).toBe('');
  expect(JSON.parse(shown.stdout)).toMatchObject(await gitRecord(id));
  expect(lookupNamesIndex()).toBe(true);
  const [index, lookup] = [readFileSync(indexFile()), readFileSync(lookupFile())];
  const listed = await cli(repo, ['query', '--format', '%id']);
  expect([...listed.stdout.trim().split('\n')].sort()).toEqual(recordIdsInNotes(repo.dir));
  rmSync(join(repo.dir, '.git', 'agent-log', 'index'), { recursive: true, force: true });
  expect(await cli(repo, ['query', '--format', '%id'])).toEqual(listed);
  expect(readFileSync(indexFile()).equals(index)).toBe(true);
  expect(readFileSync(lookupFile()).equals(lookup)).toBe(true);
}

beforeAll(async () => {
  repo = await tempRepo({ files: { 'README.md': 'shop\n' } });
  for (let i = 0; i < ids.length; i++) {
    repo.write('pay.ts', `export const step = ${i};\n`);
    commits.push(await repo.commit(`checkout step ${i}`));
  }
  await addRun();
  await addRun();
  expect((await cli(repo, ['query', '--format', '%id'])).code).toBe(0);
});

afterAll(() => repo?.cleanup());

test('an update killed between its renames leaves the old lookup file; the next read rewrites it', async () => {
  await cli(repo, ['log']);
  const tip = await addRun();
  const killed = await cli(repo, ['query', '--format', '%id'], { env: { AGENT_LOG_FAULT: 'index-renamed' } });
  expect(killed.code).not.toBe(0);
  expect(headerOf(indexFile()).tip).toBe(tip);
  expect(lookupNamesIndex()).toBe(false);
  await expectRepairedByOneRead(ids[added - 1]!);
});

test('two updates raced while the notes moved: the next read rewrites the lookup file left behind', async () => {
  await cli(repo, ['log']);
  const t2 = await addRun();
  // A brings the index to T2 and stops between its renames.
  const a = spawn(process.execPath, [BIN, 'query', '--format', '%id'], {
    cwd: repo.dir,
    env: gitEnv({ AGENT_LOG_FAULT_STOP: 'index-renamed' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const aDone = finished(a);
  try {
    const stat = `/proc/${a.pid}/stat`;
    await until('A to stop', () => readFileSync(stat, 'utf8').split(') ')[1]!.startsWith('T'));
    // The notes move; B brings the index to T3, both files.
    const t3 = await addRun();
    expect((await cli(repo, ['query', '--format', '%id'])).code).toBe(0);
    expect(headerOf(lookupFile()).tip).toBe(t3);
    // A goes on: its lookup file (T2) lands beside B's index (T3).
    a.kill('SIGCONT');
    expect((await aDone).code).toBe(0);
    expect(headerOf(indexFile()).tip).toBe(t3);
    expect(headerOf(lookupFile()).tip).toBe(t2);
  } finally {
    if (a.exitCode === null) a.kill('SIGKILL');
  }
  await expectRepairedByOneRead(ids[added - 2]!);
});

test('a lookup file that cannot be written: reads answer as before, and say nothing of it', async () => {
  await cli(repo, ['log']);
  // In its place, a directory: reading it and renaming over it both fail.
  rmSync(lookupFile());
  mkdirSync(lookupFile());
  try {
    const id = ids[0]!;
    const shown = await cli(repo, ['show', id, '--json']);
    expect([shown.code, shown.stderr]).toEqual([0, '']);
    expect(JSON.parse(shown.stdout)).toMatchObject(await gitRecord(id));
    const blamed = await cli(repo, ['blame', 'pay.ts']);
    expect([blamed.code, blamed.stderr]).toEqual([0, '']);
    const listed = await cli(repo, ['query', '--format', '%id']);
    expect([...listed.stdout.trim().split('\n')].sort()).toEqual(recordIdsInNotes(repo.dir));
  } finally {
    rmSync(lookupFile(), { recursive: true, force: true });
  }
});
