// Writing the index's files line by line: a buffered writer that reports where each line starts (the
// lookup file's offsets), and the atomic write of a side file. Apart from file.ts so that the lookup
// file's readers, which rewrite a stale lookup file (lookup-file.ts), load no index model.
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import type { SpilledJson } from './file.js';

/**
 * Lines encoded straight into a buffer of about a megabyte, written out as it fills: each line is
 * encoded once (its byte length, which the lookup file needs, comes from the encoding).
 */
export class LineWriter {
  offset = 0;
  private buf = Buffer.allocUnsafe(1 << 20);
  private used = 0;

  constructor(private readonly fd: number) {}

  /**
   * Appends `head`, `tail` and a newline; returns the byte offset where the line starts. (An `r`
   * line's JSON is its tail: written as it is, never joined into one string with the head.)
   */
  line(head: string, tail = ''): number {
    const at = this.offset;
    // A UTF-16 unit is at most three bytes of UTF-8.
    const most = (head.length + tail.length) * 3 + 1;
    if (this.used + most > this.buf.length) {
      this.flush();
      if (most > this.buf.length) {
        const big = Buffer.from(`${head}${tail}\n`, 'utf8');
        writeAll(this.fd, big, big.length);
        this.offset += big.length;
        return at;
      }
    }
    let n = this.buf.write(head, this.used, 'utf8');
    if (tail) n += this.buf.write(tail, this.used + n, 'utf8');
    this.buf[this.used + n] = 10;
    this.used += n + 1;
    this.offset += n + 1;
    return at;
  }

  /** Appends `text` as it is (whole lines, each with its newline). */
  text(text: string): void {
    if (!text) return;
    if (this.used + text.length * 3 > this.buf.length) {
      this.flush();
      if (text.length * 3 > this.buf.length) {
        const big = Buffer.from(text, 'utf8');
        writeAll(this.fd, big, big.length);
        this.offset += big.length;
        return;
      }
    }
    const n = this.buf.write(text, this.used, 'utf8');
    this.used += n;
    this.offset += n;
  }

  /** As line(head, tail), the tail being spilled JSON copied from its file as it is. */
  lineFrom(head: string, spilled: SpilledJson, slot: number): number {
    const length = spilled.length(slot);
    const most = head.length * 3 + length + 1;
    if (this.used + most > this.buf.length) {
      this.flush();
      if (most > this.buf.length) {
        const tail = Buffer.allocUnsafe(length);
        spilled.read(slot, tail, 0);
        const at = this.offset;
        const big = Buffer.concat([Buffer.from(head, 'utf8'), tail, Buffer.from('\n')]);
        writeAll(this.fd, big, big.length);
        this.offset += big.length;
        return at;
      }
    }
    const at = this.offset;
    const n = this.buf.write(head, this.used, 'utf8');
    spilled.read(slot, this.buf, this.used + n);
    this.buf[this.used + n + length] = 10;
    this.used += n + length + 1;
    this.offset += n + length + 1;
    return at;
  }

  /** Appends bytes `start` to `end` of `from` as they are (whole lines); returns where they start. */
  bytes(from: Buffer, start: number, end: number): number {
    const at = this.offset;
    const length = end - start;
    if (this.used + length > this.buf.length) {
      this.flush();
      if (length > this.buf.length) {
        writeAll(this.fd, from.subarray(start, end), length);
        this.offset += length;
        return at;
      }
    }
    from.copy(this.buf, this.used, start, end);
    this.used += length;
    this.offset += length;
    return at;
  }

  flush(): void {
    writeAll(this.fd, this.buf, this.used);
    this.used = 0;
  }
}

export function writeAll(fd: number, buf: Buffer, length: number): void {
  for (let done = 0; done < length;) done += writeSync(fd, buf, done, length - done);
}

/**
 * A file written whole through a temporary file and a rename, so a reader sees the old file or the
 * new one (`durable`: synced to disk before the rename, as the index is); on any failure the
 * temporary file is removed and nothing else happens (side files only spare work: without them
 * readers take the longer way). True when it was written.
 */
export function writeLines(
  path: string,
  write: (out: LineWriter) => void,
  { durable = false }: { durable?: boolean } = {},
): boolean {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    const fd = openSync(tmp, 'w', 0o600);
    try {
      const out = new LineWriter(fd);
      write(out);
      out.flush();
      if (durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    return true;
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing to clean up
    }
    return false;
  }
}
