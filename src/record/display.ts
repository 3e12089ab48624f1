// The one sanitiser between a recorded string and a screen. Records are hostile input (a note
// fetched from a remote was written by anyone): their text must not move the cursor, clear the
// screen, set the title, write the clipboard (OSC 52) or reorder what the reader sees (bidi).
// Human output drops terminal escape sequences whole and shows every other unsafe code point as
// U+FFFD; JSON output keeps every string exact but writes the unsafe code points as \uXXXX.

/**
 * Unsafe in human output: C0 controls except tab and newline, DEL, C1 (U+0080–U+009F), the bidi
 * embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the invisible direction
 * marks (U+200E/U+200F LRM/RLM, U+061C ALM). The marks cannot override an order, but they are
 * invisible and move neutral characters (dots, slashes) across a right-to-left run, so a path or
 * command can read differently from what it is; a review tool shows them rather than hides them.
 */
export const UNSAFE_DISPLAY =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** ESC sequences: CSI (…m, 2J), OSC up to BEL or ST (0 title, 52 clipboard, 8 links), 2-byte ESC x. */
const ESCAPE_SEQUENCE =
  /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[P^_X][^\u001b]*(?:\u001b\\)?|[ -~])/g;

/** 8-bit CSI (U+009B) and OSC/DCS (U+009D, U+0090) introducers start sequences too on some terminals. */
const C1_SEQUENCE =
  /\u009b[0-?]*[ -/]*[@-~]|[\u009d\u0090\u009e\u009f][^\u0007\u009c\u001b]*(?:\u0007|\u009c)?/g;

/**
 * Text safe for a terminal or a page: CR LF and lone CR become LF, escape sequences are removed,
 * every other unsafe code point becomes U+FFFD (visible: the reader sees that something was there).
 */
export function displayText(s: string): string {
  if (!needsCleaning(s)) return s;
  return s
    .replace(/\r\n?/g, '\n')
    .replace(ESCAPE_SEQUENCE, '')
    .replace(C1_SEQUENCE, '')
    .replace(UNSAFE_DISPLAY, '\ufffd');
}

/** One line of display text: newlines and tabs become spaces. */
export function displayLine(s: string): string {
  return displayText(s).replace(/[\n\t]/g, ' ');
}

/** Whether displayText leaves `s` as it is (so it does any text made of such strings). */
export function displaySafe(s: string): boolean {
  return !needsCleaning(s);
}

function needsCleaning(s: string): boolean {
  UNSAFE_DISPLAY.lastIndex = 0;
  const hit = UNSAFE_DISPLAY.test(s);
  UNSAFE_DISPLAY.lastIndex = 0;
  return hit;
}

/** Code points JSON.stringify leaves raw that a terminal acts on: DEL, C1, bidi controls and marks. */
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

/**
 * JSON for output: like JSON.stringify(value, null, indent), with DEL, C1, bidi controls and line
 * separators written as \uXXXX escapes. These code points only ever occur inside strings, so the
 * text parses back to the very same value.
 */
export function jsonText(value: unknown, indent = 2): string {
  return JSON.stringify(value, null, indent).replace(
    JSON_UNSAFE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
