// A cold build of many notes reads them in one pass: `git cat-file` writes every blob into a scratch
// file, read back in slices of 4 MB (src/git/native/blob-stream.ts). Here the notes hold about 9 MB,
// so notes straddle slice ends over and over, and one note of 5 MB is larger than a slice (its
// buffer grows). Through the built CLI on a real repository: the index is byte for byte the one the
// build note by note writes, and the runs are the ones an independent reading of git's notes finds.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { fastImportCommits, fastImportNotes, recordNote, gitNotes } from '../helpers/notes-fixtures.js';
import { prng } from '../helpers/prng.js';
import { cli, tempRepo, type TempRepo } from '../helpers/repo.js';

const N = 150;
let repo: TempRepo;
const indexDir = () => join(repo.dir, '.git', 'agent-log', 'index');
const id = (i: number) => `bs${i.toString(36).padStart(8, '0')}`;
const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

beforeAll(async () => {
  repo = await tempRepo({ files: { 'README.md': 'x\n' } });
  const commits = fastImportCommits(repo, N);
  const rand = prng(20261130);
  // Some words are not ASCII (their UTF-8 bytes outnumber their characters).
  const words = (n: number) =>
    Array.from({ length: n }, () =>
      rand() < 0.1 ? 'Grüße→😀' : B62.slice(0, 3 + Math.floor(rand() * 20)),
    ).join(' ');
  const bodies = new Map<string, string>();
  commits.forEach((c, k) => {
    const i = k + 1;
    // 30-90 KB a note (about 9 MB in all), and one of 5 MB: more than a 4 MB slice.
    const size = i === 77 ? 5 << 20 : 30_000 + Math.floor(rand() * 60_000);
    const at = new Date(Date.UTC(2026, 10, 1) + i * 97_000).toISOString();
    bodies.set(c, recordNote(id(i), words(Math.ceil(size / 10)).slice(0, size), at));
  });
  fastImportNotes(repo, bodies);
}, 120_000);

afterAll(() => repo.cleanup());

async function coldBuild(env: NodeJS.ProcessEnv) {
  rmSync(indexDir(), { recursive: true, force: true });
  const log = await cli(repo, ['log', '--format', '%id', '--no-pager'], { env });
  return {
    log,
    index: readFileSync(join(indexDir(), 'records.v1'), 'utf8'),
    lookup: readFileSync(join(indexDir(), 'records.v1.at'), 'utf8'),
  };
}

test('notes read in one pass across 4 MB slices give the index read note by note', async () => {
  const onePass = await coldBuild({ AGENT_LOG_INDEX_BULK_FROM: '1' });
  const oneByOne = await coldBuild({ AGENT_LOG_INDEX_BULK_FROM: '1000000000' });
  expect(onePass.log.code).toBe(0);
  expect(onePass.log.stderr).toBe('');
  expect(onePass.index).toBe(oneByOne.index);
  expect(onePass.lookup).toBe(oneByOne.lookup);
  expect(onePass.log).toEqual(oneByOne.log);
  // The runs git's notes hold, read here with JSON.parse, each with its whole intent.
  const notes = [...gitNotes(repo.dir).values()].map((n) => JSON.parse(n.body) as Record<string, unknown>);
  const expected = notes.map((r) => r.id as string).sort();
  expect(expected).toHaveLength(N);
  expect(onePass.log.stdout.split('\n').filter(Boolean).sort()).toEqual(expected);
  const intents = new Map(notes.map((r) => [r.id, (r.task as { intent: string }).intent]));
  const lines = onePass.index.split('\n').filter((l) => l.startsWith('r\t'));
  expect(lines).toHaveLength(N);
  for (const l of lines) {
    const f = l.split('\t');
    const slim = JSON.parse(f[6]!) as { task: { intent: string } };
    expect(slim.task.intent).toBe(intents.get(f[1]));
  }
  expect(intents.get(id(77))!.length).toBe(5 << 20);
});

// From 20,000 notes (AGENT_LOG_INDEX_SPILL_FROM=1 here) a build moves each batch's record JSON to a
// scratch file; the worker's build (no query to answer while it writes) copies those bytes into the
// index undecoded, through a 1 MB write buffer that these 30-90 KB lines and the 5 MB one overflow.
test('a spilled build copies each run’s JSON from its scratch file: the index read note by note', async () => {
  const oneByOne = await coldBuild({ AGENT_LOG_INDEX_BULK_FROM: '1000000000' });
  const spill = { AGENT_LOG_INDEX_BULK_FROM: '1', AGENT_LOG_INDEX_SPILL_FROM: '1' };
  const inWorker = await coldBuild({ ...spill, AGENT_LOG_INDEX_WORKER: '1' });
  const inProcess = await coldBuild({ ...spill, AGENT_LOG_INDEX_WORKER: '0' });
  for (const built of [inWorker, inProcess]) {
    expect(built.log.code).toBe(0);
    expect(built.index).toBe(oneByOne.index);
    expect(built.lookup).toBe(oneByOne.lookup);
    expect(built.log).toEqual(oneByOne.log);
  }
  expect(oneByOne.index).toContain('Grüße→😀');
});
