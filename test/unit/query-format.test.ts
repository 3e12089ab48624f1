import { expect, test } from 'vitest';
import {
  checkSummary,
  formatJson,
  formatRecord,
  logLine,
  logLines,
  truncate,
} from '../../src/query/format.js';
import { makeRecord, sampleRecords, stored } from '../helpers/records.js';

const [alpha, bravo, charl, , echoo, foxtr] = sampleRecords();

test('check summary counts passed, failed, skipped and stale checks', () => {
  expect(checkSummary(alpha!)).toBe('✓1');
  expect(checkSummary(bravo!)).toBe('✗1 !1');
  expect(checkSummary(charl!)).toBe('~2');
  expect(checkSummary(foxtr!)).toBe('!1');
  expect(checkSummary(echoo!)).toBe('-');
});

test('a log line shows short ID, date, agent, status, checks and intent', () => {
  expect(logLine(stored(alpha!))).toBe(
    'alpha00 2026-11-20 10:00 claude-code completed ✓1 add server-side validation to signup endpoint',
  );
  expect(logLine(stored(echoo!))).toBe('echoo00 - manual pending - move the README to the root');
});

test('the intent is truncated to the width and flattened to one line', () => {
  const line = logLine(stored(alpha!), { width: 60 });
  expect([...line].length).toBe(60);
  expect(line.endsWith('…')).toBe(true);
  const multi = makeRecord('multi00001', {
    task: { intent: 'first\n\nsecond', source: 'flag', follow_ups: [] },
  });
  expect(logLine(stored(multi))).toMatch(/ first second$/);
  expect(truncate('abcdef', 4)).toBe('abc…');
});

test('lines of one listing align agent and status columns', () => {
  const lines = logLines([stored(alpha!), stored(bravo!)]);
  expect(lines[1]).toBe('bravo00 2026-11-10 09:00 codex       failed    ✗1 !1 retry failed charges');
  expect(lines[0]!.indexOf('completed')).toBe(lines[1]!.indexOf('failed'));
});

test('colour is added only when asked', () => {
  expect(logLine(stored(alpha!))).not.toContain('\u001b[');
  expect(logLine(stored(alpha!), { color: true })).toContain('\u001b[33malpha00\u001b[0m');
});

test('--format expands every placeholder', () => {
  const s = stored(bravo!, 'b'.repeat(40));
  expect(
    formatRecord(
      s,
      '%id|%short|%date|%agent|%model|%status|%intent|%checks|%files|%branch|%commit|%risk|%cost',
    ),
  ).toBe(
    `bravo00002|bravo00|2026-11-10T09:00:00Z|codex|gpt-5|failed|retry failed charges|✗1 !1|src/payments/charge.ts,migrations/001_retry.sql|main|${'b'.repeat(40)}|high|0.75`,
  );
});

test('--format keeps unknown placeholders, expands %n and %%', () => {
  expect(formatRecord(stored(alpha!), '%short%n%%%unknown %shortX')).toBe('alpha00\n%%unknown alpha00X');
  expect(formatRecord(stored(foxtr!), '[%cost]')).toBe('[]');
});

test('JSON output is an array of records', () => {
  const parsed = JSON.parse(formatJson([stored(alpha!), stored(bravo!)]));
  expect(parsed.map((r: { id: string }) => r.id)).toEqual(['alpha00001', 'bravo00002']);
  expect(parsed[0].task.intent).toBe('add server-side validation to signup endpoint');
});
