// `git blame --porcelain`: which commit last changed each line of a file. Native git only (blame is
// history work git does far better than we could; isomorphic-git has none).
import { UsageError } from '../errors.js';
import type { RepoLocation } from './engine.js';
import { hasGitBinary } from './repo.js';
import { runGit } from './native/run.js';

export interface BlameLine {
  /** 1-based line number in the file as it is at `rev`. */
  line: number;
  commit: string;
  /** Commit authored by (name) and when (seconds since the epoch). */
  author: string;
  authorTime: number;
  summary: string;
  content: string;
  /** git's boundary commit marker (the line predates the range). */
  boundary: boolean;
}

export interface BlameOptions {
  rev?: string;
  /** 1-based inclusive line range. */
  start?: number;
  end?: number;
}

export async function blameFile(
  location: RepoLocation,
  file: string,
  opts: BlameOptions = {},
): Promise<BlameLine[]> {
  if (!hasGitBinary()) throw new UsageError('blame needs git on PATH');
  if (!location.worktree && !opts.rev) throw new UsageError('blame in a bare repository needs a revision');
  const args = ['blame', '--porcelain'];
  if (opts.start !== undefined) args.push('-L', `${opts.start},${opts.end ?? opts.start}`);
  args.push(opts.rev ?? 'HEAD', '--', file);
  const r = await runGit(args, {
    cwd: location.worktree ?? location.gitDir,
    okCodes: [128],
    env: { GLIBC_TUNABLES: blameTunables(process.env.GLIBC_TUNABLES) },
  });
  if (r.code !== 0) {
    const msg =
      r.stderr
        .replace(/^fatal: /, '')
        .trim()
        .split('\n')[0] ?? 'git blame failed';
    throw new UsageError(`cannot blame ${file}: ${msg}`);
  }
  return parsePorcelain(r.stdout.toString('utf8'));
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

/** Parse `git blame --porcelain` output. Commit details are given once per commit, then reused. */
export function parsePorcelain(text: string): BlameLine[] {
  const info = new Map<string, { author: string; authorTime: number; summary: string; boundary: boolean }>();
  const out: BlameLine[] = [];
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length) {
    const header = /^([0-9a-f]{40,64}) (\d+) (\d+)/.exec(lines[i]!);
    i++;
    if (!header) continue;
    const commit = header[1]!;
    const cur = info.get(commit) ?? { author: '', authorTime: 0, summary: '', boundary: false };
    while (i < lines.length && !lines[i]!.startsWith('\t')) {
      const l = lines[i]!;
      if (l.startsWith('author ')) cur.author = l.slice(7);
      else if (l.startsWith('author-time ')) cur.authorTime = Number(l.slice(12));
      else if (l.startsWith('summary ')) cur.summary = l.slice(8);
      else if (l === 'boundary') cur.boundary = true;
      i++;
    }
    info.set(commit, cur);
    const content = (lines[i] ?? '\t').slice(1);
    i++;
    out.push({ line: Number(header[3]), commit, ...cur, content });
  }
  return out;
}
