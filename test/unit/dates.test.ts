import { expect, test } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { parseDate } from '../../src/query/dates.js';

const now = new Date('2026-11-23T10:30:00Z');
const iso = (s: string) => parseDate(s, now).toISOString();

test('ISO dates and times are UTC unless an offset is given', () => {
  expect(iso('2026-11-01')).toBe('2026-11-01T00:00:00.000Z');
  expect(iso('2026-11-01T09:30')).toBe('2026-11-01T09:30:00.000Z');
  expect(iso('2026-11-01 09:30:15')).toBe('2026-11-01T09:30:15.000Z');
  expect(iso('2026-11-01T09:30:00+02:00')).toBe('2026-11-01T07:30:00.000Z');
  expect(iso('2026-11-01T09:30:00-0500')).toBe('2026-11-01T14:30:00.000Z');
  expect(iso('2026-11-01T09:30:00.250Z')).toBe('2026-11-01T09:30:00.250Z');
});

test('git-style relative dates count back from now', () => {
  expect(iso('2.weeks')).toBe('2026-11-09T10:30:00.000Z');
  expect(iso('2.weeks.ago')).toBe('2026-11-09T10:30:00.000Z');
  expect(iso('3 days ago')).toBe('2026-11-20T10:30:00.000Z');
  expect(iso('1 day')).toBe('2026-11-22T10:30:00.000Z');
  expect(iso('5 hours ago')).toBe('2026-11-23T05:30:00.000Z');
  expect(iso('90.minutes')).toBe('2026-11-23T09:00:00.000Z');
  expect(iso('1 year 2 months ago')).toBe('2025-09-23T10:30:00.000Z');
  expect(iso('3d')).toBe('2026-11-20T10:30:00.000Z');
  expect(iso('last week')).toBe('2026-11-16T10:30:00.000Z');
});

test('named days', () => {
  expect(iso('yesterday')).toBe('2026-11-22T10:30:00.000Z');
  expect(iso('today')).toBe('2026-11-23T00:00:00.000Z');
  expect(iso('now')).toBe('2026-11-23T10:30:00.000Z');
  expect(iso('@1790000000')).toBe('2026-09-21T14:13:20.000Z');
});

test('unreadable dates are usage errors naming the flag', () => {
  expect(() => parseDate('next tuesday-ish', now, 'since')).toThrow(UsageError);
  expect(() => parseDate('2 fortnights', now, 'since')).toThrow(/--since: cannot read '2 fortnights'/);
  expect(() => parseDate('', now)).toThrow(UsageError);
  expect(() => parseDate('2026-13-45', now)).toThrow(UsageError);
});
