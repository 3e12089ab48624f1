// A partial clone (`git clone --filter=blob:none`) of a bare remote that has records: the notes'
// blobs are not in the clone until something reads them. git fetches each one from the promisor
// remote as it reads it, a request per note; our readers ask for the missing ones in one request,
// and when the remote cannot be reached they say so in one line instead of dying in cat-file.
// Expected records come from the full source repository, read with plain git (reading them in the
// partial clone with git would fetch them).
import { readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import {
  fastImportCommits,
  fastImportNotes,
  gitNotes,
  gitSync,
  recordNote,
  REF,
} from '../helpers/notes-fixtures.js';
import { cli, type TempRepo, tempRepo } from '../helpers/repo.js';

vi.setConfig({ testTimeout: 240_000 });

const RUNS = 40;
let source: TempRepo;
let remote: TempRepo;
/** Record IDs, from the source repository's notes as git shows them. */
let ids: string[];
const made: TempRepo[] = [];

beforeAll(async () => {
  source = await tempRepo();
  const commits = fastImportCommits(source, RUNS);
  const bodies = new Map(
    commits.map((c, i) => [
      c,
      recordNote(
        `p${String(i).padStart(9, '0')}`,
        `partial clone run ${i}`,
        `2026-11-01T10:${String(i).padStart(2, '0')}:00Z`,
      ),
    ]),
  );
  fastImportNotes(source, bodies);
  ids = [...gitNotes(source.dir).values()].map((n) => JSON.parse(n.body).id as string).sort();
  expect(ids).toHaveLength(RUNS);
  remote = await tempRepo({ bare: true });
  await remote.git('config', 'uploadpack.allowFilter', 'true');
  await source.git('push', '-q', remote.dir, 'main', `${REF}:${REF}`);
}, 120_000);
afterAll(() => {
  for (const r of [source, remote, ...made]) r?.cleanup();
});

/** A fresh `--filter=blob:none` clone of the remote (file://: a local path would copy every object). */
async function partialClone(opts: { fetchNotes?: boolean } = {}): Promise<TempRepo> {
  const repo = await tempRepo();
  made.push(repo);
  rmSync(join(repo.dir, '.git'), { recursive: true });
  gitSync(repo.dir, ['clone', '-q', '--filter=blob:none', `file://${remote.dir}`, '.']);
  if (opts.fetchNotes) gitSync(repo.dir, ['fetch', '-q', 'origin', `${REF}:${REF}`]);
  return repo;
}

/** Note blobs of the ref not in the clone, as git lists them without fetching (--missing=print). */
function missingNotes(repo: TempRepo): number {
  return gitSync(repo.dir, ['rev-list', '--objects', '--missing=print', REF])
    .split('\n')
    .filter((l) => l.startsWith('?')).length;
}

/** A command run with git's trace on, and how many requests reached the remote (upload-pack starts). */
async function traced(repo: TempRepo, args: string[]) {
  const trace = join(repo.dir, '.git', `trace-${Date.now()}.json`);
  const r = await cli(repo, args, { env: { GIT_TRACE2_EVENT: trace } });
  let requests = 0;
  try {
    for (const line of readFileSync(trace, 'utf8').split('\n')) {
      if (!line) continue;
      const e = JSON.parse(line) as { event: string; argv?: string[] };
      if (e.event === 'start' && e.argv?.[0] === 'git-upload-pack') requests++;
    }
  } catch {
    // no git started at all
  }
  return { ...r, requests };
}

const listedIds = (stdout: string) => (JSON.parse(stdout) as { id: string }[]).map((r) => r.id).sort();

describe('a partial clone with notes fetched but not their blobs', () => {
  test('log, query and stats read every record, asking the remote for the missing blobs once', async () => {
    for (const args of [
      ['log', '--json'],
      ['query', '--json'],
      ['stats', '--json'],
    ]) {
      const repo = await partialClone({ fetchNotes: true });
      expect(missingNotes(repo)).toBe(RUNS);
      const r = await traced(repo, args);
      expect(r.code, r.stderr).toBe(0);
      if (args[0] !== 'stats') expect(listedIds(r.stdout)).toEqual(ids);
      // git alone would have made one request per note (RUNS)
      expect(r.requests, args.join(' ')).toBe(1);
      expect(missingNotes(repo)).toBe(0);
    }
  });

  test('sync brings the records with every note blob, so that they read offline at once', async () => {
    const repo = await partialClone();
    const synced = await traced(repo, ['sync', 'origin']);
    expect(synced.code, synced.stderr).toBe(0);
    expect(missingNotes(repo)).toBe(0);
    // the notes ref, then their blobs: one request each
    expect(synced.requests).toBe(2);
    const away = `${remote.dir}.away`;
    renameSync(remote.dir, away);
    try {
      const r = await traced(repo, ['log', '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(listedIds(r.stdout)).toEqual(ids);
      expect(r.requests).toBe(0);
    } finally {
      renameSync(away, remote.dir);
    }
  });

  test('with the remote out of reach: one line that says so and what to do, exit 1', async () => {
    const repo = await partialClone({ fetchNotes: true });
    const away = `${remote.dir}.away`;
    renameSync(remote.dir, away);
    try {
      for (const args of [['log'], ['show', '--json', 'HEAD'], ['show', 'HEAD'], ['stats'], ['query']]) {
        const r = await cli(repo, args);
        const lines = r.stderr.split('\n').filter(Boolean);
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(1);
        expect(r.stdout).toBe('');
        expect(lines[0], args.join(' ')).toMatch(
          /^error: (\d+ objects are|object [0-9a-f]{40} is) not in this partial clone, and fetching from origin failed: /,
        );
        expect(lines[1]).toBe(
          'hint: run it again once origin can be reached (what it fetches then stays here)',
        );
        expect(lines).toHaveLength(2);
      }
      // doctor: a failed check that says the same, not the error of a check that crashed
      const doctor = await cli(repo, ['doctor']);
      expect(doctor.code).toBe(1);
      expect(doctor.stderr).toMatch(/^error: doctor: \d+ problems? found\n$/);
      expect(doctor.stdout).toMatch(
        new RegExp(
          `PROBLEM ${RUNS} of ${RUNS} notes were not in this partial clone, and fetching them from origin failed \\(.+\\): records cannot be read offline\\n +fix: run it again once origin can be reached; git agent-log sync origin then keeps every note here`,
        ),
      );
    } finally {
      renameSync(away, remote.dir);
    }
  });
});
