// Stream JSON text through a clipper that keeps every string's head and tail and drops its middle
// (and base64 blobs entirely), so a 50 MB hook payload becomes a small, still valid JSON document in
// bounded memory. Structure, numbers and short strings pass through unchanged. Dependency-free: the
// hook path loads it.

export interface ClipLimits {
  /** Characters kept from the start of a long string. */
  head: number;
  /** Characters kept from its end (command output ends with the summary). */
  tail: number;
  /** Past this many output characters, later strings keep only `head / 16` characters. */
  budget: number;
}

export const DEFAULT_LIMITS: ClipLimits = { head: 8192, tail: 4096, budget: 4 * 1024 * 1024 };

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
const BASE64 = /^(data:[\w/+.-]+;base64,)?[A-Za-z0-9+/=\r\n]+$/;

export class JsonClipper {
  private out: string[] = [];
  private outLength = 0;
  private inString = false;
  private pendingEscape = ''; // '\\' or '\\uXX…' while an escape spans chunks
  private head = '';
  private tail = '';
  private count = 0;
  /** Input characters seen. */
  seen = 0;
  /** Strings that were shortened. */
  clipped = 0;

  constructor(private readonly limits: ClipLimits = DEFAULT_LIMITS) {}

  write(chunk: string): void {
    this.seen += chunk.length;
    let i = 0;
    while (i < chunk.length) {
      if (!this.inString) {
        const q = chunk.indexOf('"', i);
        if (q < 0) {
          this.emit(chunk.slice(i));
          return;
        }
        this.emit(chunk.slice(i, q));
        this.inString = true;
        this.head = '';
        this.tail = '';
        this.count = 0;
        i = q + 1;
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

  private get headLimit() {
    return this.outLength > this.limits.budget ? Math.floor(this.limits.head / 16) : this.limits.head;
  }

  private add(text: string) {
    this.count += text.length;
    const room = this.headLimit - this.head.length;
    if (room > 0) {
      this.head += text.slice(0, room);
      if (text.length <= room) return;
      text = text.slice(room);
    }
    const keep = this.outLength > this.limits.budget ? 0 : this.limits.tail;
    if (keep === 0) return;
    this.tail += text;
    if (this.tail.length > keep * 2) this.tail = this.tail.slice(-keep);
  }

  private closeString() {
    this.inString = false;
    const kept = this.head.length + this.tail.length;
    let value: string;
    if (this.count > 1024 && BASE64.test(this.head) && BASE64.test(this.tail || 'A')) {
      value = `[base64 omitted: ${this.count} chars]`;
      this.clipped++;
    } else if (this.count > kept) {
      const tail = this.tail.slice(-this.limits.tail);
      value = `${this.head}\n…[${this.count - this.head.length - tail.length} chars omitted]…\n${tail}`;
      this.clipped++;
    } else value = this.head + this.tail;
    this.emit(JSON.stringify(value));
  }
}

export function clipJson(text: string, limits: ClipLimits = DEFAULT_LIMITS): string {
  const c = new JsonClipper(limits);
  c.write(text);
  return c.end();
}
