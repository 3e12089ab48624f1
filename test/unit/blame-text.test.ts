// The shortcuts blame's text report takes for 2,000 runs must print what the general code prints:
// shortDate cuts the dates records hold instead of parsing them, truncate returns flat short text as
// it is, and runs are ordered by date without the collator when their dates are plain. Expected
// values come from the general forms written here (a Date, the flattening, localeCompare).
import fc from 'fast-check';
import { expect, test } from 'vitest';
import type { RunFacts } from '../../src/index/slim-facts.js';
import { blameReport } from '../../src/query/blame.js';
import { shortDate, truncate } from '../../src/query/format.js';

/** shortDate as it reads any date: through a Date. */
function byDate(iso: string): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso.slice(0, 16);
  return t.toISOString().slice(0, 16).replace('T', ' ');
}

const two = (lo: number, hi: number) =>
  fc.integer({ min: lo, max: hi }).map((n) => String(n).padStart(2, '0'));
// ISO-shaped text with fields in and out of range (month 13, 30 February, hour 24, second 60 …).
const isoShaped = fc
  .tuple(
    fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')),
    two(0, 13),
    two(0, 32),
    two(0, 25),
    two(0, 61),
    two(0, 61),
    fc.constantFrom('', '.000', '.123', '.5', '.1234'),
    fc.constantFrom('Z', 'z', '+00:00', ''),
  )
  .map(([y, mo, d, h, mi, s, frac, zone]) => `${y}-${mo}-${d}T${h}:${mi}:${s}${frac}${zone}`);

test('shortDate gives the minute a Date gives, for plain and odd ISO dates alike', () => {
  const real = fc.date({ min: new Date('0001-01-01'), max: new Date('9999-12-31'), noInvalidDate: true });
  fc.assert(
    fc.property(
      fc.oneof(
        isoShaped,
        real.map((d) => d.toISOString()),
        fc.string(),
      ),
      (iso) => {
        expect(shortDate(iso)).toBe(iso ? byDate(iso) : '-');
      },
    ),
    { numRuns: 5000 },
  );
  for (const iso of [
    '2024-02-29T23:59:59Z',
    '2023-02-29T10:00:00Z',
    '1900-02-29T00:00:00.000Z',
    '2026-04-31T00:00:00Z',
  ])
    expect(shortDate(iso)).toBe(byDate(iso));
});

test('truncate returns flat text as the flattening would', () => {
  const flatten = (text: string, width: number) => {
    const flat = text
      .slice(0, width * 4)
      .replace(/\s+/g, ' ')
      .trim();
    return [...flat].length <= width ? flat : `${[...flat].slice(0, width - 1).join('')}…`;
  };
  const spaced = fc.array(fc.constantFrom('a', 'é', ' ', '  ', '\t', '\n', '\u00a0', '\u2028', 'x y'), {
    maxLength: 30,
  });
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string(),
        spaced.map((p) => p.join('')),
      ),
      fc.integer({ min: 2, max: 40 }),
      (text, width) => {
        expect(truncate(text, width)).toBe(flatten(text, width));
      },
    ),
    { numRuns: 3000 },
  );
});

test('runs are listed newest first, as localeCompare orders their dates', () => {
  const date = fc.oneof(
    fc
      .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString()),
    fc
      .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
      .map((d) => `${d.toISOString().slice(0, 19)}Z`),
    fc.constantFrom('', 'yesterday', '2026-11-20 10:42'),
  );
  fc.assert(
    fc.property(fc.array(date, { minLength: 1, maxLength: 40 }), (dates) => {
      const runs = dates.map(
        (d, i) => ({ id: `k${String(i).padStart(9, '0')}`, ended_at: d || null }) as unknown as RunFacts,
      );
      const lines = runs.map((_, i) => ({
        line: i + 1,
        commit: `c${i}`,
        author: 'Alice',
        authorTime: 0,
        summary: 's',
      }));
      const report = blameReport('f', lines, (commit) => [runs[Number(commit.slice(1))]!]);
      const got = report.runs.map((r) => r.ended_at ?? '');
      expect(got).toEqual([...dates].sort((a, b) => b.localeCompare(a)));
    }),
    { numRuns: 500 },
  );
});
