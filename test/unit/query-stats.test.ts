import { expect, test } from 'vitest';
import {
  computeStats,
  isoWeek,
  median,
  percentile,
  renderStats,
  runSucceeded,
} from '../../src/query/stats.js';
import { sampleRecords } from '../helpers/records.js';

const records = sampleRecords();

test('median and nearest-rank p90', () => {
  expect(median([3, 1, 2])).toBe(2);
  expect(median([4, 1, 2, 3])).toBe(2.5);
  expect(median([])).toBe(0);
  expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
  expect(percentile([1, 3], 90)).toBe(3);
});

test('ISO weeks start on Monday and may belong to the previous year', () => {
  expect(isoWeek(new Date('2026-11-23T00:00:00Z'))).toBe('2026-W48');
  expect(isoWeek(new Date('2026-11-22T23:00:00Z'))).toBe('2026-W47');
  expect(isoWeek(new Date('2027-01-01T00:00:00Z'))).toBe('2026-W53');
});

test('totals over all runs', () => {
  const { total } = computeStats(records);
  expect(total.runs).toBe(6);
  expect(total.outcomes).toEqual({ completed: 3, failed: 1, abandoned: 1, pending: 1 });
  // Of 5 finished runs, 3 completed, and only alpha's test passed after its last edit:
  // charlie skipped its test, foxtrot's test ran before its last edit.
  expect(total.succeeded).toBe(1);
  expect(total.success_rate).toBeCloseTo(1 / 5);
  // alpha ✓, bravo ✗ + stale ✓, charl skipped + not-run, foxtr stale ✓
  expect(total.checks).toEqual({ total: 6, passed: 3, failed: 1, skipped: 2, stale: 2, weakened: 0 });
  expect(total.retries).toBe(1 + 2);
  // files changed per run: 1, 2, 1, 0, 1, 3
  expect(total.files_per_run).toEqual({ median: 1, p90: 3 });
  expect(total.boundary_breaches).toBe(2);
  expect(total.dependency_changes).toBe(2);
  expect(total.tokens).toEqual({ input: 8300, output: 1350, cache_read: 0, cache_write: 0 });
  expect(total.cost_usd).toBe(2.5);
  expect(total.cost_unknown).toBe(3);
});

test('per agent, busiest first', () => {
  const { by_agent } = computeStats(records);
  expect(by_agent.map((b) => [b.key, b.runs])).toEqual([
    ['claude-code', 3],
    ['codex', 1],
    ['gemini', 1],
    ['manual', 1],
  ]);
  // claude-code: alpha succeeded; charlie (test skipped) and foxtrot (test stale) did not
  expect(by_agent[0]!.success_rate).toBeCloseTo(1 / 3);
  expect(by_agent[1]!.success_rate).toBe(0);
});

test('per period, oldest first, undated runs last', () => {
  const days = computeStats(records, 'day').by_period.map((b) => [b.key, b.runs]);
  expect(days).toEqual([
    ['2026-10-01', 1],
    ['2026-11-10', 1],
    ['2026-11-20', 1],
    ['2026-11-21', 1],
    ['2026-11-22', 1],
    ['undated', 1],
  ]);
  const months = computeStats(records, 'month').by_period.map((b) => [b.key, b.runs]);
  expect(months).toEqual([
    ['2026-10', 1],
    ['2026-11', 4],
    ['undated', 1],
  ]);
  const weeks = computeStats(records, 'week').by_period.map((b) => b.key);
  expect(weeks).toEqual(['2026-W40', '2026-W46', '2026-W47', 'undated']);
});

test('checks by name, the most often skipped, failed or stale first', () => {
  const { checks } = computeStats(records);
  expect(checks.map((c) => [c.name, c.runs, c.passed, c.failed, c.skipped, c.stale, c.retries])).toEqual([
    ['npm test', 3, 1, 1, 1, 1, 2],
    ['npx eslint src', 1, 1, 0, 0, 1, 0],
    ['tsc --noEmit', 1, 0, 0, 1, 0, 0],
    ['npm test -- signup', 1, 1, 0, 0, 0, 1],
  ]);
});

test('success needs every required check passing after the last edit, as the policy names them', () => {
  const [alpha, bravo, charlie] = records;
  // a completed run whose lint failed still succeeds when only tests are required …
  const lintFailed = {
    ...alpha!,
    checks: [...alpha!.checks, { ...bravo!.checks[1]!, status: 'failed' as const }],
  };
  expect(runSucceeded(lintFailed)).toBe(true);
  // … and not when lint is required too
  expect(runSucceeded(lintFailed, ['test', 'lint'])).toBe(false);
  // a weakened passing test proves nothing
  expect(
    runSucceeded({ ...alpha!, checks: [{ ...alpha!.checks[0]!, weakened: 'exit code ignored (|| true)' }] }),
  ).toBe(false);
  // changed files but ran no test at all
  expect(runSucceeded({ ...alpha!, checks: [] })).toBe(false);
  expect(runSucceeded(charlie!)).toBe(false);
  expect(runSucceeded(bravo!)).toBe(false);
});

test('the text report has an agent table and a check table', () => {
  const text = renderStats(computeStats(records));
  expect(text).toContain('claude-code');
  expect(text.split('\n')[0]).toMatch(/^agent\s+runs\s+success/);
  expect(text).toMatch(/\nall\s+6\s+20%/);
  expect(text).toContain(
    'success = completed, with every required check (test) passing, unweakened, after the last edit',
  );
  expect(text).toMatch(/\ncheck\s+runs\s+passed\s+failed\s+skipped\s+stale\s+weakened\s+retries\n/);
  expect(renderStats(computeStats([]))).toBe('No runs recorded.\n');
});
