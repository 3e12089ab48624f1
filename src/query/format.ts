// How runs are printed by `log` and `query`: one line each, a user `--format`, or JSON. Pure.
import { displayLine, jsonText } from '../record/display.js';
import type { RunRecord } from '../record/schema.js';
import { isSkipped, isStale, runDate, type StoredRecordLike } from './filters.js';

export const SHORT_ID_LENGTH = 7;

export interface LineOptions {
  /** Total width to fit the line into (the intent is truncated); 0 = no limit. */
  width?: number;
  color?: boolean;
  /** Column widths for agent and status, so lines of one listing align. */
  agentWidth?: number;
  statusWidth?: number;
}

export function shortId(id: string): string {
  return id.slice(0, SHORT_ID_LENGTH);
}

/** `2026-11-23 10:42` (UTC), or `-` for a run with no time at all. */
export function shortDate(iso: string | null): string {
  if (!iso) return '-';
  // What records hold (toISOString's own form): cut, not parsed (a listing of 2,000 runs built a Date each).
  if (isPlainUtc(iso)) return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso.slice(0, 16);
  return t.toISOString().slice(0, 16).replace('T', ' ');
}

/**
 * `YYYY-MM-DDTHH:MM:SSZ` or `YYYY-MM-DDTHH:MM:SS.sssZ` with every field in range (the day in its
 * month): what toISOString writes, so a Date made from it gives back the same minute.
 */
function isPlainUtc(s: string): boolean {
  if (s.length !== 20 && (s.length !== 24 || s.charCodeAt(19) !== 46 || !digits(s, 20, 23))) return false;
  if (s[4] !== '-' || s[7] !== '-' || s[10] !== 'T' || s[13] !== ':' || s[16] !== ':' || s.at(-1) !== 'Z')
    return false;
  if (!digits(s, 0, 4) || !digits(s, 5, 7) || !digits(s, 8, 10) || !digits(s, 11, 13)) return false;
  if (!digits(s, 14, 16) || !digits(s, 17, 19)) return false;
  const num = (from: number) => (s.charCodeAt(from) - 48) * 10 + s.charCodeAt(from + 1) - 48;
  const year = num(0) * 100 + num(2);
  const month = num(5);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days =
    month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return (
    month >= 1 &&
    month <= 12 &&
    num(8) >= 1 &&
    num(8) <= days &&
    num(11) <= 23 &&
    num(14) <= 59 &&
    num(17) <= 59
  );
}

function digits(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

export interface CheckCounts {
  passed: number;
  failed: number;
  skipped: number;
  stale: number;
  weakened: number;
}

/**
 * Passed and current, failed, skipped or never run, passed but weakened (it could not have failed:
 * `|| true`, a pipe without pipefail…), passed or failed before the last edit.
 */
export function countChecks(record: Pick<RunRecord, 'checks'>): CheckCounts {
  const n: CheckCounts = { passed: 0, failed: 0, skipped: 0, stale: 0, weakened: 0 };
  for (const c of record.checks) {
    if (isSkipped(c)) n.skipped++;
    else if (c.status === 'failed') n.failed++;
    else if (c.status === 'passed' && c.weakened) n.weakened++;
    else if (isStale(c)) n.stale++;
    else if (c.status === 'passed') n.passed++;
  }
  return n;
}

/** `✓3 ✗1 ~1 ?1 !1` (passed, failed, skipped, weakened, stale); `-` when the run recorded no checks. */
export function checkSummary(record: Pick<RunRecord, 'checks'>): string {
  const n = countChecks(record);
  const parts = [
    n.passed ? `✓${n.passed}` : '',
    n.failed ? `✗${n.failed}` : '',
    n.skipped ? `~${n.skipped}` : '',
    n.weakened ? `?${n.weakened}` : '',
    n.stale ? `!${n.stale}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(' ') : '-';
}

/** Longest text one field may take in a listing line: a record from a remote can hold megabytes. */
export const MAX_FIELD_CHARS = 1000;

export function truncate(text: string, width: number): string {
  if (width <= 0 || width > MAX_FIELD_CHARS) width = MAX_FIELD_CHARS;
  // Already flat (no whitespace but single inner spaces) and short: as it is.
  if (text.length <= width && !/[^\S ]| {2}|^ | $/.test(text)) return text;
  const flat = text
    .slice(0, width * 4)
    .replace(/\s+/g, ' ')
    .trim();
  // No more UTF-16 units than `width`: no more code points either (spreading 2,000 intents is slow).
  if (width <= 0 || flat.length <= width || [...flat].length <= width) return flat;
  if (width === 1) return '…';
  return `${[...flat].slice(0, width - 1).join('')}…`;
}

const paint = (on: boolean, code: string, s: string) => (on ? `\u001b[${code}m${s}\u001b[0m` : s);

const STATUS_COLOR: Record<string, string> = {
  completed: '32',
  failed: '31',
  abandoned: '90',
  pending: '33',
};

/** `k7f3q9x 2026-11-23 10:42 claude-code completed ✓3 ✗1 add server-side validation…` */
export function logLine(stored: StoredRecordLike, opts: LineOptions = {}): string {
  const r = stored.record;
  const color = opts.color ?? false;
  const agent = displayLine(r.agent.name).padEnd(opts.agentWidth ?? 0);
  const status = displayLine(r.outcome.status).padEnd(opts.statusWidth ?? 0);
  const checks = checkSummary(r);
  const head = [shortId(r.id), shortDate(runDate(r)), agent, status, checks];
  const used = head.reduce((n, s) => n + [...s].length + 1, 0);
  const intent = truncate(
    displayLine(r.task.intent) || '(no intent)',
    opts.width ? Math.max(opts.width - used, 10) : 0,
  );
  return [
    paint(color, '33', head[0]!),
    paint(color, '2', head[1]!),
    paint(color, '36', agent),
    paint(color, STATUS_COLOR[r.outcome.status] ?? '0', status),
    checks,
    intent,
  ].join(' ');
}

/** Log lines for a listing, aligned on the longest agent name and status in it. */
export function logLines(items: readonly StoredRecordLike[], opts: LineOptions = {}): string[] {
  const agentWidth = Math.max(0, ...items.map((s) => displayLine(s.record.agent.name).length));
  const statusWidth = Math.max(0, ...items.map((s) => displayLine(s.record.outcome.status).length));
  return items.map((s) => logLine(s, { agentWidth, statusWidth, ...opts }));
}

export const FORMAT_PLACEHOLDERS = [
  'id',
  'short',
  'date',
  'agent',
  'model',
  'status',
  'intent',
  'checks',
  'files',
  'branch',
  'commit',
  'hash',
  'risk',
  'cost',
] as const;

function placeholder(stored: StoredRecordLike, name: string): string | undefined {
  const r = stored.record;
  switch (name) {
    case 'n':
      return '\n';
    case 'id':
      return r.id;
    case 'short':
      return shortId(r.id);
    case 'date':
      return runDate(r) ?? '';
    case 'agent':
      return r.agent.name;
    case 'model':
      return r.agent.model ?? r.cost?.model ?? '';
    case 'status':
      return r.outcome.status;
    case 'intent':
      // Our own records cap an intent at 8 KB; one from a remote may hold megabytes.
      return r.task.intent
        .slice(0, 8 * 1024)
        .replace(/\s+/g, ' ')
        .trim();
    case 'checks':
      return checkSummary(r);
    case 'files':
      return r.files.changed.map((f) => f.path).join(',');
    case 'branch':
      return r.repo.branch ?? '';
    case 'commit':
      return stored.commit;
    case 'hash':
      return stored.commit.slice(0, 7);
    case 'risk':
      return r.risk.level;
    case 'cost':
      return r.cost?.usd == null ? '' : r.cost.usd.toFixed(2);
  }
  return undefined;
}

/**
 * Expand a user format: `%id`, `%short`, … (see FORMAT_PLACEHOLDERS), `%n` newline, `%%` percent.
 * Unknown placeholders are kept as written, like git's `--format`.
 */
export function formatRecord(stored: StoredRecordLike, format: string): string {
  return format.replace(/%(%|[a-z]+)/g, (whole, name: string) => {
    if (name === '%') return '%';
    // Longest placeholder that prefixes the word, so `%shortX` reads as `%short` + `X`.
    for (let len = name.length; len > 0; len--) {
      const key = name.slice(0, len);
      const value = placeholder(stored, key);
      if (value !== undefined) return (key === 'n' ? value : displayLine(value)) + name.slice(len);
    }
    return whole;
  });
}

/** `log --json` / `query --json`: the records, as `show --json` prints one. */
export function formatJson(items: readonly StoredRecordLike[]): string {
  return `${jsonText(items.map((s) => s.record))}\n`;
}

/** How long ago `iso` was, in the largest whole unit: `45s`, `12m`, `3h`, `9d`; '' when unknown. */
export function formatAge(iso: string | null | undefined, now: Date): string {
  const t = iso ? Date.parse(iso) : Number.NaN;
  if (!Number.isFinite(t)) return '';
  const s = Math.max(0, Math.floor((now.getTime() - t) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}
