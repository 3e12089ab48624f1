// query, log, show and stats through the built CLI on a real history: branches, a merge, a rebase
// with notes copied by notes.rewriteRef, pointer lines, several runs on one commit, a foreign line.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli } from '../helpers/repo.js';
import { buildQueryFixture, type QueryFixture, runId } from '../helpers/query-fixture.js';

let fx: QueryFixture;
beforeAll(async () => {
  fx = await buildQueryFixture();
}, 120_000);
afterAll(() => fx?.repo.cleanup());

const ids = (out: string) =>
  out
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => Number(l.slice(3, 5)));

async function query(...args: string[]) {
  const r = await cli(fx.repo, ['query', ...args, '--format', '%id']);
  // like grep: 0 when something matched, 1 when nothing did
  expect(r.code, r.stderr).toBe(r.stdout.trim() ? 0 : 1);
  expect(r.stderr).not.toMatch(/^error:/m);
  return ids(r.stdout);
}

describe('query filters on a real history', () => {
  test.each<[string, string[], number[]]>([
    ['agent and file glob', ['--agent', 'claude-code', '--file', 'src/payments/**'], [12, 0]],
    ['skipped checks', ['--check-status', 'skipped'], [20, 15, 10, 5, 0]],
    ['failed checks without approval', ['--check-status', 'failed', '--unapproved'], [21, 11, 1]],
    ['since a date, one agent', ['--since', '2026-11-20', '--agent', 'gemini'], [23, 20]],
    ['until a time', ['--until', '2026-11-03T00:00'], [1, 0]],
    ['a branch', ['--branch', 'topic'], [19, 18, 17, 16]],
    ['approver and agent', ['--approved-by', 'thomas', '--agent', 'codex'], [22, 16, 10, 4]],
    ['text', ['--text', 'run number 7'], [7]],
    ['two values of one filter', ['--agent', 'codex', '--agent', 'gemini', '--until', '2026-11-04'], [2, 1]],
    ['reachable from a merged branch', ['--commit', 'feature'], [15, 14, 13, 12, 11, 10, 5, 4, 3, 2, 1, 0]],
    [
      'reachable from the rebased branch (notes copied by rewriteRef)',
      ['--commit', 'topic'],
      [19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
    ],
    [
      'reachable from a revision expression',
      ['--commit', 'main~2'],
      [20, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
    ],
    ['commit and file', ['--commit', 'feature', '--file', 'src/payments/**'], [12, 4, 0]],
    ['nothing matches', ['--agent', 'nobody'], []],
  ])('%s', async (_name, args, expected) => {
    expect(await query(...args)).toEqual(expected);
  });

  test('--json prints the full records of the matches', async () => {
    const r = await cli(fx.repo, ['query', '--branch', 'topic', '--json']);
    const records = JSON.parse(r.stdout);
    expect(records.map((x: { id: string }) => x.id)).toEqual([19, 18, 17, 16].map(runId));
    expect(records[0].schema).toBe('agent-log/v1');
  });

  test('bad filter values are usage errors', async () => {
    const bad = await cli(fx.repo, ['query', '--check-status', 'maybe']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--check-status: 'maybe' is not one of/);
    expect((await cli(fx.repo, ['query', '--since', 'sometime'])).code).toBe(2);
    expect((await cli(fx.repo, ['query', '--command', '('])).code).toBe(2);
    const rev = await cli(fx.repo, ['query', '--commit', 'no-such-branch']);
    expect(rev.code).toBe(1);
    expect(rev.stderr).toMatch(/no revision 'no-such-branch'/);
  });
});

describe('log', () => {
  test('every run once, newest first, foreign lines skipped', async () => {
    const r = await cli(fx.repo, ['log', '--no-pager']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(24);
    expect(lines[0]).toMatch(/^run23xx 2026-11-24 12:00 gemini\s+completed ✓1 run number 23$/);
    expect(r.stderr).toBe('');
  });

  test('-n limits, --json prints records', async () => {
    const r = await cli(fx.repo, ['log', '-n', '3', '--format', '%id']);
    expect(ids(r.stdout)).toEqual([23, 22, 21]);
    const j = JSON.parse((await cli(fx.repo, ['log', '-n', '2', '--json'])).stdout);
    expect(j.map((x: { id: string }) => x.id)).toEqual([runId(23), runId(22)]);
  });
});

describe('show through the index', () => {
  test('an ID prefix resolves to the full record', async () => {
    const r = await cli(fx.repo, ['show', 'run07', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).id).toBe(runId(7));
  });

  test('a pointer line on a run’s first commit resolves to the full record', async () => {
    const rec = JSON.parse((await cli(fx.repo, ['show', 'run06', '--json'])).stdout);
    const first = rec.repo.commits[0];
    expect(first).not.toBe(fx.commitOf.get(6));
    const r = await cli(fx.repo, ['show', first, '--json']);
    expect(JSON.parse(r.stdout).id).toBe(runId(6));
  });

  test('an ambiguous prefix names the candidates', async () => {
    const r = await cli(fx.repo, ['show', 'run1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ambiguous: run10xxxxx, run11xxxxx/);
  });
});

describe('stats', () => {
  test('--json aggregates by agent and check', async () => {
    const r = await cli(fx.repo, ['stats', '--json', '--by', 'week']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.total.runs).toBe(24);
    expect(s.total.checks).toEqual({ total: 24, passed: 14, failed: 5, skipped: 5, stale: 0, weakened: 0 });
    expect(s.by_agent.map((b: { key: string; runs: number }) => [b.key, b.runs])).toEqual([
      ['claude-code', 8],
      ['codex', 8],
      ['gemini', 8],
    ]);
    expect(s.checks[0]).toMatchObject({ name: 'npm test', runs: 24, skipped: 5, failed: 5 });
  });

  test('filters apply to stats too', async () => {
    const s = JSON.parse((await cli(fx.repo, ['stats', '--json', '--agent', 'codex'])).stdout);
    expect(s.total.runs).toBe(8);
  });
});

describe('the index on disk', () => {
  test('a corrupt index is rebuilt transparently', async () => {
    const path = join(fx.repo.dir, '.git', 'agent-log', 'index', 'records.v1');
    writeFileSync(path, '{"format":"git-agent-log-index","version":1}\nr\tgarbage\n');
    expect(await query('--branch', 'topic')).toEqual([19, 18, 17, 16]);
    const again = await cli(fx.repo, ['log', '--format', '%id']);
    expect(ids(again.stdout)).toHaveLength(24);
  });

  test('an unreadable record line is skipped with a warning naming its commit', async () => {
    const c = fx.commitOf.get(2)!;
    await fx.repo.git(
      'notes',
      '--ref=agent-log',
      'append',
      '-m',
      '{"schema":"agent-log/v1","kind":"record","id":"BAD"}',
      c,
    );
    const r = await cli(fx.repo, ['log', '--format', '%id']);
    expect(r.code).toBe(0);
    expect(ids(r.stdout)).toHaveLength(24);
    expect(r.stderr).toContain(c);
  });
});
