// Dates for --since/--until: ISO dates and times, `@<unix seconds>`, and git-style relative dates
// (`2.weeks`, `3 days ago`, `1 year 2 months`, `yesterday`, `today`, `now`). Times without an
// offset are UTC, like the timestamps in records. Pure: `now` comes in.
import { UsageError } from '../errors.js';

const UNIT_MS: Record<string, number> = {
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 7 * 86_400_000,
};

const UNIT_ALIASES: Record<string, string> = {
  s: 'second',
  sec: 'second',
  secs: 'second',
  second: 'second',
  seconds: 'second',
  m: 'minute',
  min: 'minute',
  mins: 'minute',
  minute: 'minute',
  minutes: 'minute',
  h: 'hour',
  hr: 'hour',
  hrs: 'hour',
  hour: 'hour',
  hours: 'hour',
  d: 'day',
  day: 'day',
  days: 'day',
  w: 'week',
  week: 'week',
  weeks: 'week',
  month: 'month',
  months: 'month',
  y: 'year',
  year: 'year',
  years: 'year',
};

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/** Parse a user-given date; throws UsageError naming the flag when it cannot. */
export function parseDate(input: string, now: Date, flag = 'date'): Date {
  const text = input.trim().toLowerCase();
  const parsed = parseIso(text) ?? parseUnix(text) ?? parseRelative(text, now);
  if (!parsed || Number.isNaN(parsed.getTime())) {
    throw new UsageError(
      `--${flag}: cannot read '${input}' as a date`,
      "use an ISO date (2026-11-01, 2026-11-01T09:30Z) or a relative one ('2.weeks', '3 days ago', 'yesterday')",
    );
  }
  return parsed;
}

function parseIso(text: string): Date | null {
  const m = ISO.exec(text);
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', tz] = m;
  const offset = !tz || tz === 'z' ? 'Z' : tz.length === 5 ? `${tz.slice(0, 3)}:${tz.slice(3)}` : tz;
  return new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${frac}${offset}`);
}

function parseUnix(text: string): Date | null {
  const m = /^@(\d+)$/.exec(text);
  return m ? new Date(Number(m[1]) * 1000) : null;
}

function parseRelative(text: string, now: Date): Date | null {
  if (text === 'now') return new Date(now);
  if (text === 'today' || text === 'midnight') return startOfDay(now);
  if (text === 'yesterday') return new Date(now.getTime() - UNIT_MS.day!);
  const tokens = text.split(/[\s.,_]+/).filter(Boolean);
  if (tokens.at(-1) === 'ago') tokens.pop();
  if (tokens.length === 0) return null;
  let t = new Date(now);
  let i = 0;
  while (i < tokens.length) {
    let n = 1;
    const tok = tokens[i]!;
    if (/^\d+$/.test(tok)) {
      n = Number(tok);
      i++;
    } else if (tok === 'last' || tok === 'a' || tok === 'an') i++;
    else {
      // `2weeks`, `3d`
      const glued = /^(\d+)([a-z]+)$/.exec(tok);
      if (!glued) return null;
      tokens.splice(i, 1, glued[1]!, glued[2]!);
      continue;
    }
    const unit = UNIT_ALIASES[tokens[i] ?? ''];
    if (!unit) return null;
    i++;
    t = subtract(t, n, unit);
  }
  return t;
}

function subtract(t: Date, n: number, unit: string): Date {
  if (unit === 'month' || unit === 'year') {
    const out = new Date(t);
    out.setUTCMonth(out.getUTCMonth() - (unit === 'year' ? 12 * n : n));
    return out;
  }
  return new Date(t.getTime() - n * UNIT_MS[unit]!);
}

function startOfDay(t: Date): Date {
  return new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate()));
}
