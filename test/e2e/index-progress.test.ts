// What a person at a terminal sees while the first query builds the index: a progress bar on
// stderr counting the notes read, then, for a build large enough to spill (20,000 notes: several
// seconds of writing at 100k), that it is writing the index, rather than a full bar that sits
// still; the bar is wiped before the answer is printed. Through the built CLI on a real repository,
// with stdout and stderr on a terminal (util-linux `script`); the thresholds are lowered by their
// variables so a small history takes the large build's path. The number of notes comes from `git
// notes list`.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { fastImportCommits, fastImportNotes, recordNote, gitSync } from '../helpers/notes-fixtures.js';
import { cli, tempRepo, type TempRepo } from '../helpers/repo.js';
import { onTerminal } from '../helpers/terminal.js';

const N = 600;
let repo: TempRepo;
const id = (i: number) => `pg${i.toString(36).padStart(8, '0')}`;
const LARGE = {
  AGENT_LOG_PROGRESS_AFTER_MS: '0',
  AGENT_LOG_INDEX_BULK_FROM: '1',
  AGENT_LOG_INDEX_SPILL_FROM: '1',
};

beforeAll(async () => {
  repo = await tempRepo({ files: { 'README.md': 'x\n' } });
  const commits = fastImportCommits(repo, N);
  const bodies = new Map<string, string>();
  commits.forEach((c, k) => {
    const at = new Date(Date.UTC(2026, 10, 1) + k * 60_000).toISOString();
    const agent = { name: 'claude-code', version: '2.1.3', model: 'claude-opus-4-1', session_ids: [] };
    bodies.set(c, recordNote(id(k), `fix /Users/alice/shop/src/pay${k % 5}.ts`, at, { agent }));
  });
  fastImportNotes(repo, bodies);
}, 120_000);

afterAll(() => repo.cleanup());

const notesInGit = () =>
  gitSync(repo.dir, ['notes', '--ref=agent-log', 'list']).split('\n').filter(Boolean).length;

function firstQuery(env: NodeJS.ProcessEnv): string {
  rmSync(join(repo.dir, '.git', 'agent-log', 'index'), { recursive: true, force: true });
  return onTerminal(repo, ['log', '--format', '%id', '--no-pager'], env);
}

test('a large first build on a terminal counts the notes, then says it is writing the index, then wipes the bar', () => {
  const total = notesInGit();
  expect(total).toBe(N);
  for (const worker of ['1', '0']) {
    const seen = firstQuery({ ...LARGE, AGENT_LOG_INDEX_WORKER: worker });
    const draws = seen.split('\r').filter((d) => d.startsWith('indexing run records ['));
    // one draw per batch of 250 notes read, counting up to every note, then the writing stage
    const counts = draws.map((d) => /\] (\d+)\/(\d+)/.exec(d)!.slice(1).map(Number));
    expect(counts.every(([, t]) => t === total)).toBe(true);
    expect(counts.map(([d]) => d)).toEqual([250, 500, 600, 600]);
    expect(draws.at(-1)).toBe(
      `indexing run records [${'#'.repeat(30)}] ${total}/${total}, writing the index`,
    );
    expect(draws.filter((d) => d.includes('writing'))).toHaveLength(1);
    // the bar is wiped before the answer: every ID on a line of its own, none after a bar
    const answer = seen.slice(seen.lastIndexOf('\r\u001b[K') + 4);
    expect(answer.split('\n').filter(Boolean).sort()).toEqual(
      Array.from({ length: N }, (_, k) => id(k)).sort(),
    );
  }
});

test('a build that does not spill shows no writing stage, and off a terminal nothing is drawn', async () => {
  const small = firstQuery({ AGENT_LOG_PROGRESS_AFTER_MS: '0', AGENT_LOG_INDEX_BULK_FROM: '1' });
  expect(small).toContain(`] ${N}/${N}`);
  expect(small).not.toContain('writing the index');
  rmSync(join(repo.dir, '.git', 'agent-log', 'index'), { recursive: true, force: true });
  const piped = await cli(repo, ['log', '--format', '%id', '--no-pager'], {
    env: { ...LARGE, AGENT_LOG_INDEX_WORKER: '1' },
  });
  expect(piped.code).toBe(0);
  expect(piped.stderr).toBe('');
  expect(piped.stdout.split('\n').filter(Boolean)).toHaveLength(N);
});
