// Bounds on JSON that comes from outside (notes from any clone, journal lines, transcripts).
// JSON.parse itself copes with deep nesting, but every recursive walker after it (zod, key sorting,
// JSON.stringify for output) overflows the stack somewhere past a few thousand levels, and one such
// line must not take down a read of the whole repository. So nesting is measured on the text first,
// iteratively, and a line too deep or too long is refused before it is parsed.

/** Deepest nesting a line may have. Our records nest 5 levels; 64 leaves room for any future field. */
export const MAX_JSON_DEPTH = 64;

/**
 * Deepest nesting read from a hook payload, a transcript line or a journal line: tool inputs nest
 * more than records do, and JSON.stringify (used on every one of them) copes with this much.
 */
export const MAX_PAYLOAD_DEPTH = 512;

/** Whether outside JSON text nests deeper than MAX_PAYLOAD_DEPTH: skip it, never walk it. */
export function tooDeep(text: string): boolean {
  return jsonDepth(text, MAX_PAYLOAD_DEPTH) > MAX_PAYLOAD_DEPTH;
}

/** Longest note line (or note) read, in UTF-16 units ≈ bytes for JSON: 16 MiB. Our records stay far below. */
export const MAX_NOTE_BYTES = 16 * 1024 * 1024;

/**
 * The deepest nesting of arrays and objects in `text`, stopping as soon as it passes `limit`.
 * Brackets inside strings do not count. Linear, no recursion.
 */
export function jsonDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/** Why `text` is refused as outside JSON, or null when it is within bounds. */
export function jsonOutOfBounds(
  text: string,
  { maxBytes = MAX_NOTE_BYTES, maxDepth = MAX_JSON_DEPTH }: { maxBytes?: number; maxDepth?: number } = {},
): string | null {
  if (text.length > maxBytes)
    return `${formatSize(text.length)} line is over the ${formatSize(maxBytes)} limit`;
  if (!fewBrackets(text, maxDepth) && jsonDepth(text, maxDepth) > maxDepth)
    return `nested deeper than ${maxDepth} levels`;
  return null;
}

/**
 * Whether `text` holds at most `limit` opening brackets in all (inside strings or not): then it
 * cannot nest deeper than `limit`, and the character walk of jsonDepth is not needed. A record line
 * has a few dozen; indexOf finds them natively, where the walk visits every character in JS.
 */
function fewBrackets(text: string, limit: number): boolean {
  let n = 0;
  for (const open of ['{', '[']) {
    for (let i = text.indexOf(open); i !== -1; i = text.indexOf(open, i + 1)) if (++n > limit) return false;
  }
  return true;
}

export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${bytes} B`;
}
