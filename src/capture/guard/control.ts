// Human control of a live run: `stop` and `allow` append lines to the run's control file
// (<common>/agent-log/guard/control/<id>.jsonl); the hook reads only the bytes it has not seen yet.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { appendEvent } from '../../journal/journal.js';

export interface ControlLine {
  v: 1;
  t: string;
  type: 'stop' | 'allow' | 'review';
  /** allow: the rule lifted (`stop`, `retries.same_check`, `budget`, …). */
  rule?: string;
  by?: string | null;
  reason?: string | null;
  note?: string | null;
  [k: string]: unknown;
}

export function appendControl(path: string, line: ControlLine): void {
  appendEvent(path, line);
}

/** Lines after `offset`; returns them with the new offset. Missing file: none. */
export function readControl(path: string, offset: number): { lines: ControlLine[]; offset: number } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return { lines: [], offset };
  }
  try {
    const size = fstatSync(fd).size;
    if (size <= offset) return { lines: [], offset };
    const buf = Buffer.allocUnsafe(size - offset);
    const n = readSync(fd, buf, 0, buf.length, offset);
    const text = buf.toString('utf8', 0, n);
    const end = text.lastIndexOf('\n');
    if (end < 0) return { lines: [], offset };
    const lines: ControlLine[] = [];
    for (const l of text.slice(0, end).split('\n')) {
      try {
        const v = JSON.parse(l);
        if (v && typeof v.type === 'string') lines.push(v);
      } catch {
        // torn line: skipped
      }
    }
    return { lines, offset: offset + Buffer.byteLength(text.slice(0, end + 1)) };
  } finally {
    closeSync(fd);
  }
}

/** Every line of a control file (for the seal and the CLI). */
export function allControl(path: string): ControlLine[] {
  return readControl(path, 0).lines;
}
