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
