// Append-only JSON Lines journal. Each event is one `write` on an O_APPEND descriptor, so
// parallel writers (hook processes) never interleave or lose lines; files are 0600, dirs 0700.
// Callers redact before appending: nothing unredacted reaches this module.
import {
  closeSync,
  constants,
  fdatasyncSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { tooDeep } from '../record/json-bounds.js';

export interface JournalEvent {
  /** Event format version. */
  v: 1;
  /** ISO-8601 UTC time the event was recorded. */
  t: string;
  type: string;
  [key: string]: unknown;
}

export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** Append one event as one line with a single write(2). */
export function appendEvent(path: string, event: JournalEvent, opts: { sync?: boolean } = {}): void {
  const line = Buffer.from(`${JSON.stringify(event)}\n`, 'utf8');
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    ensurePrivateDir(dirname(path));
    fd = openSync(path, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT, 0o600);
  }
  try {
    // A crash or a full disk can leave a torn last line; glued onto it, this event would be lost too.
    const out = endsMidLine(fd) ? Buffer.concat([NEWLINE, line]) : line;
    const written = writeSync(fd, out, 0, out.length);
    if (written !== out.length) throw new Error(`short write to journal ${path}`);
    if (opts.sync !== false) fdatasyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

const NEWLINE = Buffer.from('\n');

/** Whether the file's last byte is not a newline (a torn line). Parallel appenders at worst add a blank line. */
function endsMidLine(fd: number): boolean {
  const { size } = fstatSync(fd);
  if (size === 0) return false;
  const last = Buffer.alloc(1);
  return readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a;
}

export interface ReadResult {
  events: JournalEvent[];
  /** Lines that did not parse (a torn last line after a crash, or damage). */
  bad: { line: number; text: string }[];
}

/** Read every event; a torn or damaged line is reported, never fatal. */
export function readEvents(path: string): ReadResult {
  const text = readFileSync(path, 'utf8');
  const events: JournalEvent[] = [];
  const bad: ReadResult['bad'] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const event = parseEventLine(line);
    if (event) events.push(event);
    else bad.push({ line: i + 1, text: line.slice(0, 200) });
  });
  return { events, bad };
}

/** One non-blank journal line as readEvents reads it: an object with a string `type`, else null. */
export function parseEventLine(line: string): JournalEvent | null {
  try {
    const value = tooDeep(line) ? null : JSON.parse(line);
    return value && typeof value === 'object' && typeof value.type === 'string'
      ? (value as JournalEvent)
      : null;
  } catch {
    return null;
  }
}

export function nowIso(): string {
  return new Date().toISOString();
}
