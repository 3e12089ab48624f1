// Escaping for every context a recorded string can land in: Markdown text, table cells, code spans,
// fenced blocks, HTML text, shell words and shell comments. Record strings are untrusted: they may
// hold backticks, pipes, HTML, links, newlines, headings, terminal escapes or bidi overrides.

import { displayText } from '../record/display.js';

/** Remove terminal escape sequences and replace other unsafe characters with U+FFFD. */
export function cleanText(s: string): string {
  return displayText(s);
}

/** One line: newlines (and runs of whitespace around them) become a single space. */
export function oneLine(s: string): string {
  return cleanText(s).replace(/\s*\n\s*/g, ' ');
}

/**
 * Markdown inline text on one line. Escapes everything that can open markup inline (emphasis, code,
 * links, autolinks, HTML, entities, strikethrough, table pipes) and anything that would start a
 * block (heading, list, quote, thematic break) if the text lands at the start of a line.
 */
export function mdText(s: string): string {
  let t = oneLine(s).replace(/[\\`*_[\]<>|~]/g, '\\$&');
  t = t.replace(/&(?=#?[0-9a-zA-Z]+;)/g, '\\&');
  // Block starters matter only at the start of a line: headings, bullets, ordered items, setext lines.
  t = t
    .replace(/^(\s*)(#+)(?=\s|$)/, (_m, sp: string, hashes: string) => `${sp}\\${hashes}`)
    .replace(/^(\s*)([+-])(?=\s|$)/, '$1\\$2')
    .replace(/^(\s*)(=+|-+)(\s*)$/, '$1\\$2$3')
    .replace(/^(\s*\d+)([.)])(?=\s|$)/, '$1\\$2');
  return t;
}

/** Multi-line Markdown text: each line escaped as text, line breaks kept as hard breaks. */
export function mdBlock(s: string): string {
  return cleanText(s)
    .split('\n')
    .map((line) => mdText(line))
    .join('  \n')
    .replace(/( {2}\n){2,}/g, '\n\n');
}

/** A Markdown table cell: one line, pipes escaped, never empty (an empty cell reads as a gap). */
export function mdCell(s: string): string {
  const t = mdText(s).trim();
  return t === '' ? ' ' : t;
}

/**
 * A code span whose fence is one backtick longer than any backtick run inside, padded when the
 * content starts or ends with a backtick. In a table cell, pipes are escaped (GFM reads `\|` as a
 * pipe even inside code).
 */
export function codeSpan(s: string, opts: { cell?: boolean } = {}): string {
  // A newline inside a name is shown as ␤ rather than a space, so `a\nb` and `a b` stay distinct.
  let t = cleanText(s).replace(/\n/g, '\u2424');
  if (t.trim() === '') return opts.cell ? ' ' : '';
  if (opts.cell) t = t.replace(/\|/g, '\\|');
  const fence = '`'.repeat(longestRun(t, '`') + 1);
  const pad = t.startsWith('`') || t.endsWith('`') || (t.startsWith(' ') && t.endsWith(' ')) ? ' ' : '';
  return `${fence}${pad}${t}${pad}${fence}`;
}

/** A fenced code block with a fence longer than any backtick run in the content. */
export function fencedBlock(s: string, info = ''): string {
  const body = cleanText(s).replace(/\n+$/, '');
  const fence = '`'.repeat(Math.max(3, longestRun(body, '`') + 1));
  const lang = info.replace(/[^\w+-]/g, '');
  return `${fence}${lang}\n${body}\n${fence}`;
}

function longestRun(s: string, ch: string): number {
  let best = 0;
  let run = 0;
  for (const c of s) {
    run = c === ch ? run + 1 : 0;
    if (run > best) best = run;
  }
  return best;
}

/** A bash word: single-quoted with '\'' for quotes; ANSI-C $'…' quoting when it holds controls. */
export function shQuote(s: string): string {
  if (s !== '' && /^[A-Za-z0-9_./:=@%+,-]+$/.test(s) && !s.startsWith('-')) return s;
  if (/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(s)) {
    let out = "$'";
    for (const c of s) {
      const code = c.codePointAt(0)!;
      if (c === '\\' || c === "'") out += `\\${c}`;
      else if (code < 0x20 || (code >= 0x7f && code <= 0x9f))
        out += `\\x${code.toString(16).padStart(2, '0')}`;
      else if ((code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069))
        out += `\\u${code.toString(16)}`;
      else out += c;
    }
    return `${out}'`;
  }
  return `'${s.replace(/'/g, "'\\''")}'`;
}

/** Text for a shell comment: one line, no controls. */
export function shComment(s: string): string {
  return oneLine(s);
}

/** Text for HTML element content or a double-quoted attribute value. */
export function htmlEscape(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
