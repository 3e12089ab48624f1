// Stream JSON text through a clipper that keeps every string's head and tail and drops its middle
// (and base64 blobs entirely), so a 50 MB hook payload becomes a small, still valid JSON document in
// bounded memory. Structure, numbers and short strings pass through unchanged. File contents that
// payloads repeat (`content`, `originalFile`, `old_string` …) keep only a short head: the seal reads
// changes from git, not from payloads. Dependency-free: the hook path loads it.

import { CUT_MARGIN, dropLeadingPartial, dropTrailingPartial } from '../../redact/caps.js';

export interface ClipLimits {
  /** Characters kept from the start of a long string. */
  head: number;
  /** Characters kept from its end (command output ends with the summary). */
  tail: number;
  /** Past this many output characters, later strings keep only `head / 16` characters. */
  budget: number;
  /** Characters kept of a value under one of the BULKY keys. */
  bulky: number;
}

export const DEFAULT_LIMITS: ClipLimits = { head: 8192, tail: 4096, budget: 4 * 1024 * 1024, bulky: 512 };

/** Keys whose string values are whole files or file fragments. */
const BULKY = new Set([
  'content',
  'originalFile',
  'originalFileContents',
  'oldString',
  'newString',
  'old_string',
  'new_string',
  'new_source',
  'old_source',
  'original_file',
  'updated_file',
  'file_text',
  'data',
]);

const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};
const SPECIAL = /["\\]/g;
const STRUCTURE = /[{}[\],:]/g;
const BASE64 = /^(data:[\w/+.-]+;base64,)?[A-Za-z0-9+/=\r\n]+$/;

export class JsonClipper {
  private out: string[] = [];
  private outLength = 0;
  private inString = false;
  private pendingEscape = ''; // '\\' or '\\uXX…' while an escape spans chunks
  private head = '';
  private tail = '';
  private count = 0;
  // Where we are in the document: containers, whether the next string is a key, the last key.
  private stack: ('o' | 'a')[] = [];
  private expectKey = false;
  private isKey = false;
  private lastKey: string | null = null;
  private stringHead = 0;
  private stringTail = 0;
  // Past the head of a string whose tail we do not keep: scan raw text for the closing quote.
  private skipping = false;
  private skipped = 0;
  private carriedBackslashes = 0;
  /** Input characters seen. */
  seen = 0;
  /** Strings that were shortened. */
  clipped = 0;

  /** Extra characters kept past each cut of the current string, redacted with it, then dropped. */
  private margin = 0;

  /**
   * @param redact when given, a long string is redacted before it is cut (head and tail each with a
   *   margin past the cut, dropped afterwards with the partial word at the edge): a cut never leaves
   *   a piece of a token that no rule recognises, nor a value whose key was cut away.
   */
  constructor(
    private readonly limits: ClipLimits = DEFAULT_LIMITS,
    private readonly redact?: (text: string) => string,
  ) {}

  write(chunk: string): void {
    this.seen += chunk.length;
    let i = 0;
    while (i < chunk.length) {
      if (!this.inString) {
        const q = chunk.indexOf('"', i);
        const segment = chunk.slice(i, q < 0 ? chunk.length : q);
        this.structure(segment);
        this.emit(segment);
        if (q < 0) return;
        this.openString();
        i = q + 1;
        continue;
      }
      if (this.skipping) {
        if (this.pendingEscape) {
          // a backslash that ended the last chunk starts the raw run we now scan
          this.carriedBackslashes = this.pendingEscape === '\\' ? 1 : 0;
          this.pendingEscape = '';
        }
        i = this.skip(chunk, i);
        continue;
      }
      if (this.pendingEscape) {
        const need = this.pendingEscape.length >= 2 && this.pendingEscape[1] === 'u' ? 6 : 2;
        const take = Math.min(need - this.pendingEscape.length, chunk.length - i);
        this.pendingEscape += chunk.slice(i, i + take);
        i += take;
        if (this.pendingEscape.length === 2 && this.pendingEscape[1] === 'u') continue;
        if (this.pendingEscape.length < need) continue;
        const esc = this.pendingEscape;
        this.pendingEscape = '';
        this.add(
          esc[1] === 'u'
            ? String.fromCharCode(Number.parseInt(esc.slice(2), 16) || 0xfffd)
            : (ESCAPES[esc[1]!] ?? esc[1]!),
        );
        continue;
      }
      // Bulk-copy up to the next quote or backslash (a native regex search: fast even before the JIT warms up).
      SPECIAL.lastIndex = i;
      const j = SPECIAL.exec(chunk)?.index ?? chunk.length;
      if (j > i) this.add(chunk.slice(i, j));
      if (j >= chunk.length) return;
      if (chunk.charCodeAt(j) === 92) {
        const next = chunk[j + 1];
        if (next !== undefined && next !== 'u') {
          // the common case, whole in this chunk: \n, \", \\ …
          this.add(ESCAPES[next] ?? next);
          i = j + 2;
          continue;
        }
        this.pendingEscape = '\\';
        i = j + 1;
        continue;
      }
      this.closeString();
      i = j + 1;
    }
  }

  /** The clipped JSON text. */
  end(): string {
    if (this.inString) this.closeString();
    return this.out.join('');
  }

  private emit(text: string) {
    if (!text) return;
    this.out.push(text);
    this.outLength += text.length;
  }

  /** Follow objects and arrays in text outside strings, to tell keys from values. */
  private structure(segment: string) {
    STRUCTURE.lastIndex = 0;
    for (let m = STRUCTURE.exec(segment); m; m = STRUCTURE.exec(segment)) {
      const c = m[0];
      if (c === '{') {
        this.stack.push('o');
        this.expectKey = true;
      } else if (c === '[') {
        this.stack.push('a');
        this.expectKey = false;
      } else if (c === '}' || c === ']') {
        this.stack.pop();
        this.expectKey = false;
      } else if (c === ',') this.expectKey = this.stack.at(-1) === 'o';
      else this.expectKey = false; // ':'
    }
  }

  private openString() {
    this.inString = true;
    this.head = '';
    this.tail = '';
    this.count = 0;
    this.skipped = 0;
    this.skipping = false;
    this.isKey = this.expectKey && this.stack.at(-1) === 'o';
    const overBudget = this.outLength > this.limits.budget;
    if (!this.isKey && this.lastKey !== null && BULKY.has(this.lastKey)) {
      this.stringHead = this.limits.bulky;
      this.stringTail = 0;
    } else {
      this.stringHead = overBudget ? Math.floor(this.limits.head / 16) : this.limits.head;
      this.stringTail = overBudget ? 0 : this.limits.tail;
    }
    this.margin = this.redact && !this.isKey ? Math.min(CUT_MARGIN, 2 * this.stringHead) : 0;
    this.stringHead += this.margin;
    if (this.stringTail) this.stringTail += this.margin;
  }

  private add(text: string) {
    this.count += text.length;
    const room = this.stringHead - this.head.length;
    if (room > 0) {
      this.head += text.slice(0, room);
      if (text.length <= room) return;
      text = text.slice(room);
    }
    if (this.stringTail === 0) {
      // Nothing more of this string is kept: stop decoding, just find where it ends.
      this.count -= text.length;
      this.skipped += text.length;
      this.skipping = true;
      this.carriedBackslashes = 0;
      return;
    }
    this.tail += text;
    if (this.tail.length > this.stringTail * 2) this.tail = this.tail.slice(-this.stringTail);
  }

  /** In skip mode: find the closing quote (one preceded by an even run of backslashes). */
  private skip(chunk: string, from: number): number {
    let i = from;
    for (;;) {
      const q = chunk.indexOf('"', i);
      if (q < 0) {
        let run = 0;
        for (let k = chunk.length - 1; k >= i && chunk.charCodeAt(k) === 92; k--) run++;
        this.carriedBackslashes = run === chunk.length - i ? this.carriedBackslashes + run : run;
        this.skipped += chunk.length - from;
        return chunk.length;
      }
      let run = 0;
      for (let k = q - 1; k >= i && chunk.charCodeAt(k) === 92; k--) run++;
      if (run === q - i) run += this.carriedBackslashes;
      this.carriedBackslashes = 0;
      if (run % 2 === 1) {
        i = q + 1;
        continue;
      }
      this.skipped += q - from;
      this.closeString();
      return q + 1;
    }
  }

  private closeString() {
    this.inString = false;
    this.pendingEscape = '';
    const kept = this.head.length + this.tail.length;
    let value: string;
    if (this.isKey) {
      value = this.head + this.tail;
      this.lastKey = value;
    } else if (this.count + this.skipped > 1024 && BASE64.test(this.head) && BASE64.test(this.tail || 'A')) {
      value = `[base64 omitted: ${this.skipped ? `${this.count + this.skipped}+` : this.count} chars]`;
      this.clipped++;
    } else if (this.redact) {
      value = this.redactedValue(this.redact);
    } else if (this.skipped) {
      value = `${this.head}\n…[${this.skipped}+ chars omitted]`;
      this.clipped++;
    } else if (this.count > kept) {
      const tail = this.tail.slice(-this.stringTail);
      value = `${this.head}\n…[${this.count - this.head.length - tail.length} chars omitted]…\n${tail}`;
      this.clipped++;
    } else value = this.head + this.tail;
    this.skipping = false;
    this.emit(JSON.stringify(value));
  }

  /** Redact first, then cut to the limits (the margins go, with the partial word at each cut). */
  private redactedValue(redact: (text: string) => string): string {
    const headN = this.stringHead - this.margin;
    const tailN = this.stringTail ? this.stringTail - this.margin : 0;
    const whole = !this.skipped && this.count === this.head.length + this.tail.length;
    if (whole && this.count <= headN + tailN) return this.head + this.tail;
    if (whole) {
      const clean = redact(this.head + this.tail);
      if (clean.length <= headN + tailN) return clean;
      this.clipped++;
      const head = dropTrailingPartial(clean.slice(0, headN));
      if (!tailN) return `${head}\n…[${clean.length - head.length}+ chars omitted]`;
      const tail = dropLeadingPartial(clean.slice(-tailN));
      return `${head}\n…[${clean.length - head.length - tail.length} chars omitted]…\n${tail}`;
    }
    this.clipped++;
    const head = dropTrailingPartial(redact(this.head).slice(0, headN));
    if (this.skipped || !tailN)
      return `${head}\n…[${this.count + this.skipped - head.length}+ chars omitted]`;
    const tail = dropLeadingPartial(redact(this.tail.slice(-this.stringTail)).slice(-tailN));
    return `${head}\n…[${this.count - head.length - tail.length} chars omitted]…\n${tail}`;
  }
}

export function clipJson(
  text: string,
  limits: ClipLimits = DEFAULT_LIMITS,
  redact?: (text: string) => string,
): string {
  const c = new JsonClipper(limits, redact);
  c.write(text);
  return c.end();
}
