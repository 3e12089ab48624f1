// Size caps for every stored field. A note lives forever in the repository's history, so each
// field has a bound, and truncation is visible: `…[truncated N bytes]` / `…[truncated N entries]`.
// Dependency-free (the hook path loads it).
import type { Redactor } from './redactor.js';

/** Tail of a command's output kept in the record. */
export const OUTPUT_TAIL_BYTES = 4 * 1024;
/** A prompt, task intent or follow-up. */
export const PROMPT_BYTES = 8 * 1024;
/** A free-text note: approval note, rollback note, boundary constraint. */
export const NOTE_BYTES = 2 * 1024;
/** A command line. */
export const COMMAND_BYTES = 2 * 1024;
/** One file path. */
export const PATH_BYTES = 1024;
/** Entries in a file list (read, changed) or a list of commands. */
export const LIST_ENTRIES = 2000;
/** A transcript excerpt. */
export const EXCERPT_BYTES = 4 * 1024;
/** One journal line (an event after redaction and capping of its fields). */
export const JOURNAL_LINE_BYTES = 64 * 1024;

export type Keep = 'head' | 'tail';

export const truncatedMarker = (bytes: number) => `…[truncated ${bytes} bytes]`;
export const truncatedEntriesMarker = (entries: number) => `…[truncated ${entries} entries]`;

/**
 * Cut `text` to at most `maxBytes` UTF-8 bytes, marker included, never splitting a character.
 * `keep: 'head'` keeps the start (prompts), `'tail'` the end (output tails). The marker says how
 * many bytes were dropped.
 */
export function capText(
  text: string,
  maxBytes: number,
  opts: { keep?: Keep; marker?: (droppedBytes: number) => string } = {},
): string {
  const total = Buffer.byteLength(text, 'utf8');
  if (total <= maxBytes) return text;
  const keep = opts.keep ?? 'head';
  const marker = opts.marker ?? truncatedMarker;
  const buf = Buffer.from(text, 'utf8');
  // The marker's own length depends on the count; two rounds settle it.
  let room = Math.max(0, maxBytes - Buffer.byteLength(marker(total), 'utf8'));
  let kept = keep === 'head' ? headBytes(buf, room) : tailBytes(buf, room);
  room = Math.max(0, maxBytes - Buffer.byteLength(marker(total - kept.length), 'utf8'));
  kept = keep === 'head' ? headBytes(buf, room) : tailBytes(buf, room);
  const m = marker(total - kept.length);
  const body = kept.toString('utf8');
  return keep === 'head' ? body + m : m + body;
}

/** Keep the last `maxBytes` (output tails). */
export function capTail(text: string, maxBytes = OUTPUT_TAIL_BYTES): string {
  return capText(text, maxBytes, { keep: 'tail' });
}

/** At most `maxEntries` items; when cut, the last one is a marker saying how many were dropped. */
export function capList(items: readonly string[], maxEntries = LIST_ENTRIES): string[] {
  if (items.length <= maxEntries) return [...items];
  const kept = items.slice(0, Math.max(0, maxEntries - 1));
  return [...kept, truncatedEntriesMarker(items.length - kept.length)];
}

/**
 * Redact, then cap — in that order, so a cut never splits a secret into pieces no rule knows.
 * A huge input is first narrowed to a window well beyond the kept part (redaction cost stays
 * bounded); a secret cut at the window's edge lies outside what is finally kept.
 */
export function redactAndCap(
  redactor: Redactor,
  text: string,
  maxBytes: number,
  keep: Keep = 'head',
): string {
  const window = maxBytes * 4 + 64 * 1024;
  let input = text;
  if (text.length > window)
    input = keep === 'head' ? text.slice(0, window) : text.slice(text.length - window);
  const redacted = redactor.redact(input);
  const dropped = Buffer.byteLength(text, 'utf8') - Buffer.byteLength(input, 'utf8');
  if (dropped === 0) return capText(redacted, maxBytes, { keep });
  // The window already dropped `dropped` bytes: count them in the marker.
  return capText(redacted, maxBytes, { keep, marker: (n) => truncatedMarker(n + dropped) });
}

function headBytes(buf: Buffer, n: number): Buffer {
  if (n >= buf.length) return buf;
  let end = n;
  // Step back off UTF-8 continuation bytes (10xxxxxx) so no character is split.
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--;
  return buf.subarray(0, end);
}

function tailBytes(buf: Buffer, n: number): Buffer {
  if (n >= buf.length) return buf;
  let start = buf.length - n;
  while (start < buf.length && (buf[start]! & 0xc0) === 0x80) start++;
  return buf.subarray(start);
}

/**
 * Characters redacted past a cut on each side. Redaction runs on the kept part plus this margin, so a
 * secret that straddles the window's edge is cut inside the margin and never reaches what is kept.
 */
export const CUT_MARGIN = 4096;

/** Where a word ends: whitespace, quotes, separators, brackets. */
const WORD_BREAK = /[\s"'`,;|&()<>[\]{}]/;
/** A partial word longer than this at a cut is kept (prose with no break is not worth losing). */
const MAX_PARTIAL = 256;

/** Drop the partial word a cut left at the start of `text` (after a tail cut). */
export function dropLeadingPartial(text: string): string {
  const limit = Math.min(text.length, MAX_PARTIAL);
  for (let i = 0; i < limit; i++) if (WORD_BREAK.test(text[i]!)) return text.slice(i);
  return text;
}

/** Drop the partial word a cut left at the end of `text` (after a head cut). */
export function dropTrailingPartial(text: string): string {
  const limit = Math.max(0, text.length - MAX_PARTIAL);
  for (let i = text.length - 1; i >= limit; i--) if (WORD_BREAK.test(text[i]!)) return text.slice(0, i + 1);
  return text;
}

/**
 * The last `max` characters of `text` after redaction — redact first, then cut: the last
 * `max + CUT_MARGIN` characters are redacted as one piece, so a key (`DB_PASSWORD=`) just before the
 * cut still hides its value, and no cut leaves a piece of a token no rule recognises. The cut drops
 * the partial word (or line, with `lines`) at its edge.
 */
export function redactedTail(
  redact: (text: string) => string,
  text: string,
  max: number,
  opts: { lines?: boolean } = {},
): { text: string; truncated: boolean } {
  const window = text.length > max + CUT_MARGIN ? text.slice(text.length - max - CUT_MARGIN) : text;
  const clean = redact(window);
  if (clean.length <= max && window === text) return { text: clean, truncated: false };
  let cut = clean.slice(-max);
  const nl = opts.lines ? cut.indexOf('\n') : -1;
  cut = nl >= 0 && nl < cut.length - 1 ? cut.slice(nl + 1) : dropLeadingPartial(cut);
  return { text: cut, truncated: true };
}

/** The first `max` characters of `text` after redaction (see redactedTail). */
export function redactedHead(
  redact: (text: string) => string,
  text: string,
  max: number,
): { text: string; truncated: boolean } {
  const window = text.length > max + CUT_MARGIN ? text.slice(0, max + CUT_MARGIN) : text;
  const clean = redact(window);
  if (clean.length <= max && window === text) return { text: clean, truncated: false };
  return { text: dropTrailingPartial(clean.slice(0, max)), truncated: true };
}
