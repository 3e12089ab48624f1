// blame on a file edited by two recorded runs and a person, through the built CLI.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { canonicalJson, refLine } from '../../src/record/note-lines.js';
import { makeRecord } from '../helpers/records.js';
import { cli, tempRepo, type TempRepo } from '../helpers/repo.js';

let repo: TempRepo;
const A = 'runa000001';
const B = 'runb000002';

beforeAll(async () => {
  repo = await tempRepo({ files: { 'README.md': 'x\n' } });
  const notes = (...args: string[]) => repo.git('notes', '--ref=agent-log', ...args);
  // Run A: two commits (pointer line on the first), lines 1-3.
  repo.write('pay.ts', 'one\ntwo\n');
  const a1 = await repo.commit('run A part 1');
  repo.write('pay.ts', 'one\ntwo\nthree\n');
  const a2 = await repo.commit('run A part 2');
  await notes('add', '-m', refLine(A), a1);
  await notes(
    'add',
    '-m',
    canonicalJson(
      makeRecord(A, {
        task: { intent: 'add the payment steps', source: 'flag', follow_ups: [] },
        agent: { name: 'claude-code', session_ids: [] },
        ended_at: '2026-11-20T10:00:00Z',
        checks: [{ name: 'npm test', kind: 'test', status: 'passed', attempts: 2, after_last_edit: true }],
        approvals: [{ by: 'Thomas', scope: 'merge', decision: 'approved' }],
        outcome: { status: 'completed' },
      }),
    ),
    a2,
  );
  // A person adds line 4.
  repo.write('pay.ts', 'one\ntwo\nthree\nfour\n');
  await repo.commit('person edit');
  // Run B rewrites line 2 and adds line 5.
  repo.write('pay.ts', 'one\nTWO\nthree\nfour\nfive\n');
  const b = await repo.commit('run B');
  await notes(
    'add',
    '-m',
    canonicalJson(
      makeRecord(B, {
        task: { intent: 'uppercase the second step', source: 'flag', follow_ups: [] },
        agent: { name: 'codex', session_ids: [] },
        ended_at: '2026-11-21T10:00:00Z',
        checks: [{ name: 'npm test', kind: 'test', status: 'skipped', attempts: 0, after_last_edit: null }],
        outcome: { status: 'completed' },
      }),
    ),
    b,
  );
}, 60_000);
afterAll(() => repo?.cleanup());

test('every line maps to its run, pointer lines included; the person’s line says so', async () => {
  const r = await cli(repo, ['blame', 'pay.ts', '--json']);
  expect(r.code, r.stderr).toBe(0);
  const report = JSON.parse(r.stdout);
  expect(
    report.segments.map((s: { start: number; end: number; runs: string[] }) => [s.start, s.end, s.runs]),
  ).toEqual([
    [1, 1, [A]],
    [2, 2, [B]],
    [3, 3, [A]],
    [4, 4, []],
    [5, 5, [B]],
  ]);
  expect(report.runs.map((x: { id: string }) => x.id)).toEqual([B, A]);
  expect(report.unrecordedLines).toBe(1);
});

test('the text report shows intent, checks and approvals per run', async () => {
  const r = await cli(repo, ['blame', 'pay.ts', '--no-pager']);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/^4\s+[0-9a-f]{7}\s+no recorded run \(Test Author: person edit\)$/m);
  expect(r.stdout).toContain('intent: add the payment steps');
  expect(r.stdout).toContain('check: passed npm test, 2 attempts');
  expect(r.stdout).toContain('approved: Thomas for merge');
  expect(r.stdout).toContain('check: skipped npm test');
  expect(r.stdout).toContain('approvals: none');
});

test('a line range narrows the report', async () => {
  const r = await cli(repo, ['blame', 'pay.ts:2,3', '--json']);
  const report = JSON.parse(r.stdout);
  expect(report.segments.map((s: { start: number; runs: string[] }) => [s.start, s.runs])).toEqual([
    [2, [B]],
    [3, [A]],
  ]);
  const one = JSON.parse((await cli(repo, ['blame', 'pay.ts:4', '--json'])).stdout);
  expect(one.runs).toEqual([]);
  expect((await cli(repo, ['blame', 'pay.ts:4', '--no-pager'])).stdout).toContain(
    'No line of pay.ts was written by a recorded run.',
  );
});

test('bad targets are usage errors', async () => {
  expect((await cli(repo, ['blame', 'missing.ts'])).code).toBe(2);
  expect((await cli(repo, ['blame', 'pay.ts:3,1'])).code).toBe(2);
});
