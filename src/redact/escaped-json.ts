// Text hidden behind one more level of escapes, where the rules cannot see its keys and words:
// JSON inside a JSON string (`"{\"password\":\"x\"}"`, a hook payload carrying a config as a JSON
// string, a journal line quoting `echo "{\"k\": \"v\"}"`) and ANSI-C quoting (`$'… \'x\' …'`).
// Each such piece is decoded once, redacted like any text (which decodes the next level in turn),
// and encoded back. When encoding does not give back the very same bytes (`\u00e9`, `\/`), a piece
// that held a secret is replaced whole. Dependency-free (the hook path loads it).
import { unescapeAnsiC } from './command-line.js';

export function rewriteEscapedJson(
  text: string,
  redact: (piece: string) => string,
  wholeMark: string,
): string {
  const parts: string[] = [];
  let at = 0;
  let i = text.indexOf('"');
  while (i >= 0 && i < text.length) {
    const close = closingQuote(text, i);
    if (close < 0) break;
    const raw = text.slice(i + 1, close);
    // Escaped quotes hide keys; an escaped heredoc hides its lines (`cat <<EOF\npassword=…`).
    if (raw.includes('\\"') || raw.includes("\\'") || (raw.includes('<<') && raw.includes('\\n'))) {
      const next = rewriteLiteral(raw, redact, wholeMark);
      if (next !== raw) {
        parts.push(text.slice(at, i + 1), next);
        at = close;
      }
    }
    i = text.indexOf('"', close + 1);
  }
  if (at === 0) return text;
  parts.push(text.slice(at));
  return parts.join('');
}

/** The unescaped `"` closing the literal opened at `open`, on the same line; -1 when none. */
function closingQuote(text: string, open: number): number {
  for (let j = open + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 92 /* \ */) j++;
    else if (c === 34 /* " */) return j;
    else if (c === 10 /* \n */) return -1;
  }
  return -1;
}

function rewriteLiteral(raw: string, redact: (piece: string) => string, wholeMark: string): string {
  let view: string;
  try {
    view = JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw; // not a JSON string (shell text has escapes JSON lacks): the shell reader handles it
  }
  const clean = redact(view);
  if (clean === view) return raw;
  const encoded = JSON.stringify(view).slice(1, -1);
  return encoded === raw ? JSON.stringify(clean).slice(1, -1) : wholeMark;
}

/** `$'…'` words: decoded (C escapes), redacted, encoded back; replaced whole when that differs. */
export function rewriteAnsiC(text: string, redact: (piece: string) => string, wholeMark: string): string {
  const parts: string[] = [];
  let at = 0;
  let i = text.indexOf("$'");
  while (i >= 0) {
    let close = -1;
    for (let j = i + 2; j < text.length; j++) {
      const c = text[j];
      if (c === '\\') j++;
      else if (c === "'") {
        close = j;
        break;
      }
    }
    if (close < 0) break;
    const raw = text.slice(i + 2, close);
    const { view } = unescapeAnsiC(text, i + 2, close);
    if (view !== raw) {
      const clean = redact(view);
      if (clean !== view) {
        parts.push(text.slice(at, i + 2), encodeAnsiC(view) === raw ? encodeAnsiC(clean) : wholeMark);
        at = close;
      }
    }
    i = text.indexOf("$'", close + 1);
  }
  if (at === 0) return text;
  parts.push(text.slice(at));
  return parts.join('');
}

function encodeAnsiC(s: string): string {
  return s.replace(
    /[\\'\n\t\r]/g,
    (c) => ({ '\\': '\\\\', "'": "\\'", '\n': '\\n', '\t': '\\t', '\r': '\\r' })[c]!,
  );
}
