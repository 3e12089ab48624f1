// `git blame --incremental`: which commit last changed each line of a file. Native git only (blame is
// history work git does far better than we could; isomorphic-git has none). The incremental form
// gives each commit's details once and no line contents, which blame's report never shows.
import { closeSync, fstatSync, openSync, readSync, realpathSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { GitError, UsageError } from '../errors.js';
import type { RepoLocation } from './engine.js';
import { gitSpawnEnv } from './native/run.js';

export interface BlameLine {
  /** 1-based line number in the file as it is at `rev`. */
  line: number;
  commit: string;
  /** Commit authored by (name) and when (seconds since the epoch). */
  author: string;
  authorTime: number;
  summary: string;
  /** git's boundary commit marker (the line predates the range). */
  boundary: boolean;
}

/**
 * FILE as the user gave it, relative to `cwd` (as git blame takes it), made relative to the top of the
 * working tree, where startBlame runs git: from packages/cart, `index.ts` is packages/cart/index.ts,
 * not the top's index.ts. As given at the top, for an absolute path, in a bare repository, or from
 * outside the working tree.
 */
export function fileFromTop(location: RepoLocation, cwd: string, file: string): string {
  const top = location.worktree;
  if (!top || isAbsolute(file)) return file;
  let here: string;
  try {
    here = realpathSync(cwd);
  } catch {
    return file;
  }
  if (here === top || !here.startsWith(top.endsWith(sep) ? top : `${top}${sep}`)) return file;
  return relative(top, resolve(here, file)).split(sep).join('/');
}

export interface BlameOptions {
  rev?: string;
  /** 1-based inclusive line range. */
  start?: number;
  end?: number;
}

/** A `git blame` already running: its lines (in file order) once git is done. */
export interface BlameRun {
  lines: Promise<BlameLine[]>;
  /** Stop git (the caller no longer needs the answer). */
  cancel(): void;
}

/**
 * Start `git blame` now and return at once, so whatever the caller does next runs while git works.
 * The caller checks `hasGitBinary()` first. Errors (an unknown path, a bad range) reject `lines`
 * with a UsageError carrying git's own words.
 */
export function startBlame(location: RepoLocation, file: string, opts: BlameOptions = {}): BlameRun {
  if (!location.worktree && !opts.rev) {
    const lines = Promise.reject(new UsageError('blame in a bare repository needs a revision'));
    lines.catch(() => {}); // reported when awaited
    return { lines, cancel: () => {} };
  }
  const args = ['blame', '--incremental'];
  if (opts.start !== undefined) args.push('-L', `${opts.start},${opts.end ?? opts.start}`);
  args.push(opts.rev ?? 'HEAD', '--', file);
  // Loaded here, not at start-up (repo.ts says why).
  const { spawn } = process.getBuiltinModule('node:child_process');
  const sink = outputFile();
  const child = spawn('git', args, {
    cwd: location.worktree ?? location.gitDir,
    // GIT_FLUSH=0: --incremental output is otherwise flushed after every group, to a pipe as well,
    // and reading 2,000 small writes cost us more CPU than the rest of the report.
    env: gitSpawnEnv({ GLIBC_TUNABLES: blameTunables(process.env.GLIBC_TUNABLES), GIT_FLUSH: '0' }),
    stdio: ['ignore', sink?.fd ?? 'pipe', 'pipe'],
  });
  sink?.unlink();
  const lines = new Promise<BlameLine[]>((resolve, reject) => {
    const out: Buffer[] = [];
    let err = '';
    child.stdout?.on('data', (d: Buffer) => out.push(d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', (e) => {
      sink?.discard();
      reject(new GitError(`cannot run git: ${e.message}`));
    });
    child.on('close', (code) => {
      let text: string;
      try {
        text = sink ? sink.read() : Buffer.concat(out).toString('utf8');
      } catch (e) {
        return reject(new GitError(`cannot read git blame's output: ${(e as Error).message}`));
      }
      if (code === 0) return resolve(parseIncremental(text));
      const msg =
        err
          .replace(/^fatal: /, '')
          .trim()
          .split('\n')[0] ?? 'git blame failed';
      reject(
        code === 128
          ? new UsageError(`cannot blame ${file}: ${msg}`)
          : new GitError(`git blame failed: ${firstLine(err) || `exit ${code}`}`),
      );
    });
  });
  lines.catch(() => {}); // reported when awaited; a cancelled run is never awaited
  return { lines, cancel: () => child.kill() };
}

/** A scratch file git blame writes its output to. */
interface OutputFile {
  fd: number;
  /** Remove its name (git holds its own descriptor); where an open file cannot lose it, done later. */
  unlink(): void;
  /** Its whole text; the file is then closed and gone. Once only. */
  read(): string;
  /** Close and remove it unread. */
  discard(): void;
}

let outputs = 0;

/**
 * A new private file under the temporary directory for git's output, or null (git then writes to a
 * pipe). Read once when git is done, where a pipe wakes us for each of git's 4 KB writes: 160 reads
 * for a 2,000-line file, about half of the CPU our side spent on git's output.
 */
function outputFile(): OutputFile | null {
  const path = join(tmpdir(), `git-agent-log-blame-${process.pid}-${Date.now()}-${outputs++}`);
  let fd: number;
  try {
    fd = openSync(path, 'wx+', 0o600); // never an existing file or link
  } catch {
    return null;
  }
  let named = true;
  let open = true;
  const unlink = () => {
    try {
      if (named) unlinkSync(path);
      named = false;
    } catch {
      // Windows: not while it is open; discard() tries again
    }
  };
  const discard = () => {
    if (open) closeSync(fd);
    open = false;
    unlink();
  };
  return {
    fd,
    unlink,
    discard,
    read() {
      try {
        const buf = Buffer.allocUnsafe(fstatSync(fd).size);
        let n = 0;
        while (n < buf.length) {
          const got = readSync(fd, buf, n, buf.length - n, n);
          if (got === 0) break;
          n += got;
        }
        return buf.toString('utf8', 0, n);
      } finally {
        discard();
      }
    },
  };
}

/** Run `git blame` and wait for its lines. */
export function blameFile(
  location: RepoLocation,
  file: string,
  opts: BlameOptions = {},
): Promise<BlameLine[]> {
  return startBlame(location, file, opts).lines;
}

/**
 * glibc settings for git blame. Blaming a revision grows and trims git's heap over and over (6,655
 * brk calls for 2,000 lines of 2,000 commits): about 40% more CPU, all of it in the kernel. A 256 MB
 * trim threshold keeps the memory until git exits. Ignored by other C libraries; the user's own
 * tunables are kept, and win.
 */
export function blameTunables(existing: string | undefined): string {
  const ours = 'glibc.malloc.trim_threshold=268435456';
  return existing ? `${ours}:${existing}` : ours;
}

/**
 * Parse `git blame --incremental` output: groups of `COMMIT ORIG FINAL COUNT`, the commit's details
 * the first time it appears, then `filename`. Groups come in the order git settles them; the lines
 * are returned in file order. Read with indexOf rather than split into lines: 2,000 groups of a
 * dozen lines each are 650 KB, and a group's details are looked up, not walked line by line.
 */
export function parseIncremental(text: string): BlameLine[] {
  const info = new Map<string, Omit<BlameLine, 'line'>>();
  const byLine: BlameLine[][] = [];
  let at = 0;
  while (at < text.length) {
    const eol = lineEnd(text, at);
    const header = /^([0-9a-f]{40,64}) \d+ (\d+) (\d+)$/.exec(text.slice(at, eol));
    at = eol + 1;
    if (!header) continue;
    const commit = header[1]!;
    // The details (first group of a commit only), then `previous …` (maybe), then `filename …`.
    const filename = text.startsWith('filename ', at) ? at : text.indexOf('\nfilename ', at - 1) + 1;
    const end = filename > 0 ? filename : text.length;
    let cur = info.get(commit);
    if (!cur) {
      cur = { commit, author: '', authorTime: 0, summary: '', boundary: false };
      info.set(commit, cur);
    }
    if (end > at) {
      const details = `\n${text.slice(at, end)}`;
      const field = (key: string): string | null => {
        const k = details.indexOf(`\n${key} `);
        return k < 0 ? null : details.slice(k + key.length + 2, details.indexOf('\n', k + 1));
      };
      cur.author = field('author') ?? cur.author;
      const time = field('author-time');
      if (time !== null) cur.authorTime = Number(time);
      cur.summary = field('summary') ?? cur.summary;
      if (details.includes('\nboundary\n')) cur.boundary = true;
    }
    at = filename > 0 ? lineEnd(text, filename) + 1 : text.length;
    const first = Number(header[2]);
    const count = Number(header[3]);
    const group: BlameLine[] = [];
    for (let k = 0; k < count; k++) {
      group.push({
        line: first + k,
        commit,
        author: cur.author,
        authorTime: cur.authorTime,
        summary: cur.summary,
        boundary: cur.boundary,
      });
    }
    (byLine[first] ??= []).push(...group);
  }
  // In file order without a sort: each group's first line is its slot (groups do not overlap).
  const out: BlameLine[] = [];
  for (const g of byLine) if (g) out.push(...g);
  return out;
}

function lineEnd(text: string, from: number): number {
  const nl = text.indexOf('\n', from);
  return nl < 0 ? text.length : nl;
}

/** The first line of git's stderr without its `fatal:`/`error:` prefix (as runGit reports it). */
function firstLine(s: string): string {
  return (
    s
      .split('\n')
      .map((l) => l.replace(/^(fatal|error): /, '').trim())
      .find((l) => l) ?? ''
  );
}
