// `blame` through the built CLI on its fast path (hand-parsed argv, direct reads, git blame started
// first, the index read through its lookup file) against the same command through yargs and git
// (AGENT_LOG_SLOW_PATH=1), and against an independent reader (test/helpers/blame-reader.ts: plain
// `git blame --porcelain`, `git notes show` and `git log` give each line's commit, runs and revert
// trailer, and the expected report is written from them).
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { canonicalJson, refLine } from '../../src/record/note-lines.js';
import { blameReader } from '../helpers/blame-reader.js';
import { copyPackage } from '../helpers/package-copy.js';
import { makeRecord } from '../helpers/records.js';
import { cli, tempRepo, type TempRepo } from '../helpers/repo.js';

let repo: TempRepo;
const FILE = 'src/payments/charge.ts';
const A = 'k7f3q9x2mz';
const B = 'p4w8n2c6va';
const C = 'r2d5t8y1ub';
const D = 'e9h3j6l0qc';
const commits: Record<string, string> = {};
const notes = (...args: string[]) => repo.git('notes', '--ref=agent-log', ...args);
const indexFile = () => join(repo.dir, '.git', 'agent-log', 'index', 'records.v1');

function noteLine(id: string, fields: Parameters<typeof makeRecord>[1]) {
  return canonicalJson(makeRecord(id, fields));
}

beforeAll(async () => {
  repo = await tempRepo({ files: { 'README.md': 'shop\n' } });
  // The first line stays the initial commit's (a person's) throughout.
  const write = (lines: string[]) => repo.write(FILE, `// charge.ts\n${lines.join('\n')}\n`);
  write(['export function charge() {', '  return 0;', '}']);
  commits.person = await repo.commit('initial charge stub written by a person, long enough to be cut short');
  // Run A rewrites line 2 and adds lines 4-5.
  write(['export function charge() {', '  return total();', '}', 'function total() {', '  return 42; }']);
  commits.a = await repo.commit('run A');
  await notes(
    'add',
    '-m',
    noteLine(A, {
      task: { intent: 'compute the total   in one place\n(second line)', source: 'prompt', follow_ups: [] },
      agent: { name: 'claude-code', version: '2.1.3', model: 'claude-opus-4-1', session_ids: [] },
      ended_at: '2026-11-20T10:42:00Z',
      files: {
        read: ['/Users/alice/src/shop/src/payments/charge.ts'],
        changed: [{ path: FILE, status: 'modified', additions: 3, deletions: 1, via: 'edit' }],
      },
      commands: [
        {
          command: 'npm test -- charge',
          exit_code: 0,
          kind: 'test',
          output_tail: 'Tests: 12 passed, 12 total',
          tool_use_id: 'toolu_01A7bQm3kX9vT2pLs8DfRw4Z',
        },
      ],
      checks: [
        { name: 'npm test -- charge', kind: 'test', status: 'passed', attempts: 2, after_last_edit: true },
        {
          name: 'npx tsc --noEmit',
          kind: 'typecheck',
          status: 'passed',
          attempts: 1,
          after_last_edit: false,
        },
      ],
      approvals: [{ by: 'Thomas', scope: 'merge', decision: 'approved', note: 'after the review call' }],
      outcome: { status: 'completed' },
    }),
    commits.a,
  );
  // Run B: a pointer line on its first commit (line 6), the record on its second (lines 7-8).
  write([
    'export function charge() {',
    '  return total();',
    '}',
    'function total() {',
    '  return 42; }',
    '// B1',
  ]);
  commits.b1 = await repo.commit('run B part 1');
  write([
    'export function charge() {',
    '  return total();',
    '}',
    'function total() {',
    '  return 42; }',
    '// B1',
    '// B2',
    '// B3',
  ]);
  commits.b2 = await repo.commit('run B part 2');
  await notes('add', '-m', refLine(B), commits.b1);
  await notes(
    'add',
    '-m',
    noteLine(B, {
      task: { intent: 'ça marche \u202eevil\u202c — retry the charge', source: 'flag', follow_ups: [] },
      agent: { name: 'codex', session_ids: [] },
      started_at: '2026-11-21T08:00:00Z',
      checks: [
        { name: 'npm test', kind: 'test', status: 'skipped', attempts: 0, after_last_edit: null },
        { name: 'npx eslint src', kind: 'lint', status: 'failed', attempts: 3, after_last_edit: false },
      ],
      approvals: [{ by: 'Priya', scope: 'deploy', decision: 'denied' }],
      outcome: { status: 'failed' },
    }),
    commits.b2,
  );
  // Runs C and D both on one commit, which rewrites line 1.
  write([
    'export async function charge() {',
    '  return total();',
    '}',
    'function total() {',
    '  return 42; }',
    '// B1',
    '// B2',
    '// B3',
  ]);
  commits.cd = await repo.commit('runs C and D');
  await notes(
    'add',
    '-m',
    [
      noteLine(C, {
        task: { intent: '', source: 'prompt', follow_ups: [] },
        ended_at: '2026-11-19T07:00:00Z',
      }),
      noteLine(D, {
        task: { intent: 'make charge async', source: 'prompt', follow_ups: [] },
        agent: { name: 'gemini-cli', session_ids: [] },
        ended_at: '2026-11-22T12:30:00Z',
        outcome: { status: 'abandoned' },
      }),
    ].join('\n'),
    commits.cd,
  );
  // A revert of run A's line 5 (no note; the trailer names the run), then a person's edit of line 3.
  write([
    'export async function charge() {',
    '  return total();',
    '}',
    'function total() {',
    '  return 0; }',
    '// B1',
    '// B2',
    '// B3',
  ]);
  commits.revert = await repo.commit(`Revert part of run ${A}\n\nAgent-Log-Revert: ${A}`);
  write([
    'export async function charge() {',
    '  return total();',
    '} // end',
    'function total() {',
    '  return 0; }',
    '// B1',
    '// B2',
    '// B3',
  ]);
  commits.person2 = await repo.commit('tidy');
  // The index exists and is current (the fast path's case).
  expect((await cli(repo, ['log'])).code).toBe(0);
}, 120_000);
afterAll(() => repo?.cleanup());

// (repo is made in beforeAll)
const { gitBlame, notedRuns, revertedRuns, expectedText } = blameReader({
  git: (...args: string[]) => repo.git(...args),
});

// ---- the tests ---------------------------------------------------------------------------------

const SLOW = { AGENT_LOG_SLOW_PATH: '1' };

test('the text report is what git blame, git notes and git log say, line by line and run by run', async () => {
  const r = await cli(repo, ['blame', FILE, '--no-pager']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(await expectedText(FILE));
  // the cases the repository was built to hold are all there
  expect(r.stdout).toContain(`revert of ${A.slice(0, 7)} (Test Author)`);
  expect(r.stdout).toContain(`${D.slice(0, 7)},${C.slice(0, 7)}`); // IDs in order
  expect(r.stdout).toContain(B.slice(0, 7));
  expect(r.stdout).toContain(
    'no recorded run (Test Author: initial charge stub written by a person, long eno…)',
  );
});

test('a line range gives the same report as git blame -L', async () => {
  const r = await cli(repo, ['blame', `${FILE}:2,6`]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toBe(await expectedText(FILE, '2,6'));
});

test('JSON segments name, per line, the commit git blame gives and the runs its note holds', async () => {
  const r = await cli(repo, ['blame', FILE, '--json']);
  expect(r.code, r.stderr).toBe(0);
  const report = JSON.parse(r.stdout) as {
    segments: { start: number; end: number; commit: string; runs: string[]; reverts?: string[] }[];
    runs: { id: string }[];
  };
  for (const l of await gitBlame(FILE)) {
    const seg = report.segments.find((s) => s.start <= l.line && l.line <= s.end)!;
    expect(seg.commit).toBe(l.commit);
    const { ids } = await notedRuns(l.commit);
    expect(seg.runs).toEqual(ids);
    if (!ids.length) expect(seg.reverts ?? []).toEqual(await revertedRuns(l.commit));
  }
  expect(new Set(report.runs.map((x) => x.id))).toEqual(new Set([A, B, C, D]));
});

test('the fast path and the yargs path print the same bytes and exit the same way', async () => {
  const cases = [
    ['blame', FILE, '--no-pager'],
    ['blame', FILE, '--json'],
    ['blame', FILE, '--pager'],
    ['blame', `${FILE}:3`, '--no-pager'],
    ['blame', `${FILE}:2,6`, '--json'],
    ['blame', '--rev', commits.b2!, FILE],
    ['blame', FILE, '--rev', `${commits.cd!.slice(0, 10)}`, '--json'],
    ['blame', 'README.md'],
    ['blame', 'missing.ts'],
    ['blame', `${FILE}:9,1`],
    ['blame', `${FILE}:100`],
    ['blame', FILE, '--rev', 'no-such-rev'],
    ['blame'],
    ['blame', FILE, 'extra'],
  ];
  for (const args of cases) {
    const fast = await cli(repo, args);
    const slow = await cli(repo, args, { env: SLOW });
    expect({ args, ...fast }).toEqual({ args, ...slow });
  }
});

test('without an index, or with one behind the notes, the report is the same as from a current one', async () => {
  const current = (await cli(repo, ['blame', FILE, '--json'])).stdout;
  rmSync(indexFile());
  expect((await cli(repo, ['blame', FILE, '--json'])).stdout).toBe(current);
  // A note added behind the index's back (plain git): the next blame sees it.
  await notes('add', '-f', '-m', refLine(D), commits.person2!);
  const r = await cli(repo, ['blame', `${FILE}:4`, '--no-pager']);
  expect(r.stdout).toBe(await expectedText(FILE, '4,4'));
  expect(r.stdout).toContain(D.slice(0, 7));
  await notes('remove', commits.person2!);
  expect((await cli(repo, ['blame', FILE, '--json'])).stdout).toBe(current);
});

test('with a current index, blame starts one git process: git blame itself', async () => {
  await cli(repo, ['log']);
  const trace = join(repo.dir, '..', `blame-trace-${process.pid}.txt`);
  const r = await cli(repo, ['blame', FILE, '--no-pager'], { env: { GIT_TRACE: trace } });
  expect(r.code, r.stderr).toBe(0);
  const started = readFileSync(trace, 'utf8')
    .split('\n')
    .filter((l) => / trace: built-in: git /.test(l))
    .map((l) => l.replace(/^.* trace: built-in: git /, ''));
  rmSync(trace, { force: true });
  expect(started).toEqual([`blame --incremental HEAD -- ${FILE}`]);
});

test("git blame's output goes through a private scratch file that is gone afterwards, or a pipe when there is none", async () => {
  const expected = await expectedText(FILE);
  const tmp = join(repo.dir, '..', `blame-tmp-${process.pid}`);
  mkdirSync(tmp, { recursive: true });
  for (const args of [[FILE], ['missing.ts']]) {
    const r = await cli(repo, ['blame', ...args, '--no-pager'], { env: { TMPDIR: tmp } });
    if (args[0] === FILE) expect(r.stdout).toBe(expected);
    else expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(readdirSync(tmp)).toEqual([]);
  }
  rmSync(tmp, { recursive: true });
  // No temporary directory to write to: the same report, through a pipe.
  const piped = await cli(repo, ['blame', FILE, '--no-pager'], { env: { TMPDIR: join(tmp, 'gone') } });
  expect(piped).toMatchObject({ code: 0, stdout: expected });
});

test(
  'blame runs without the optimizing compiler yet keeps the code caches good for every command',
  { timeout: 240_000 },
  async () => {
    // A copy of the package without the blame and read bundles' caches, so the shared build is never touched.
    const pkg = copyPackage(['read.cjs', 'blame.cjs']);
    try {
      const run = (args: string[]) => pkg.run(repo.dir, args);
      const cache = join(pkg.dir, 'dist', 'read.cjs.cache');
      const blameCache = join(pkg.dir, 'dist', 'blame.cjs.cache');
      // A rejected cache is rewritten through a new file renamed over it: a new inode.
      const written = () => statSync(cache).ino;
      const blame = await expectedText(FILE);
      const show = (await cli(repo, ['show', A, '--json'])).stdout;
      run(['log']); // a current index; read.cjs has no cache: compiled, then written
      expect(run(['blame', FILE, '--no-pager'])).toBe(blame); // blame.cjs: compiled, then written
      const blameFirst = statSync(blameCache).ino;
      expect(run(['blame', FILE, '--no-pager'])).toBe(blame); // accepted (and not rewritten)
      expect(statSync(blameCache).ino).toBe(blameFirst);
      // The index as it was written has no current lookup file: blame.cjs hands over to read.cjs.
      rmSync(indexFile());
      expect(run(['blame', FILE, '--no-pager'])).toBe(blame);
      const first = written();
      expect(run(['blame', FILE, '--no-pager'])).toBe(blame);
      expect(run(['show', A, '--json'])).toBe(show); // accepted by a run of another command
      expect(written()).toBe(first);
      // A hand-over after blame.cjs set the flag (the lookup file fails once git blame ran): read.cjs
      // compiles under the flag for that run and its cache stays as it was.
      const lookup = `${indexFile()}.at`;
      writeFileSync(lookup, readFileSync(lookup).subarray(0, -2));
      expect(run(['blame', FILE, '--no-pager'])).toBe(blame);
      expect(written()).toBe(first);
      expect(run(['show', A, '--json'])).toBe(show);
      expect(written()).toBe(first);
      writeFileSync(cache, Buffer.alloc(statSync(cache).size, 7)); // damaged: V8 rejects it
      expect(run(['show', A, '--json'])).toBe(show);
      const second = written();
      expect(second).not.toBe(first);
      expect(run(['blame', FILE, '--no-pager'])).toBe(blame);
      expect(run(['show', A, '--json'])).toBe(show);
      expect(written()).toBe(second);
      expect(statSync(blameCache).ino).toBe(blameFirst);
    } finally {
      pkg.cleanup();
    }
  },
);
