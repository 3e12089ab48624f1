// Run a command for the user, live, while keeping the tail of its output for the record.
import { spawn, type StdioOptions } from 'node:child_process';
import { constants } from 'node:os';
import { relative } from 'node:path';
import type { Writable } from 'node:stream';
import { CUT_MARGIN, dropLeadingPartial } from '../../redact/caps.js';

export interface ExecResult {
  exitCode: number;
  /** Null when the process never started (command not found). */
  signal: NodeJS.Signals | null;
  durationMs: number;
  outputTail: string;
  interrupted: boolean;
  startedAt: string;
  notFound: boolean;
}

const TAIL_BYTES = 64 * 1024;

/** One argument with shell syntax runs through the shell; several arguments run directly. */
export function needsShell(argv: readonly string[]): boolean {
  return argv.length === 1 && /[\s|&;<>()$`\\"'*?[\]#~=%{}]/.test(argv[0]!);
}

/** The command as a person would type it: arguments quoted only where needed. */
export function displayCommand(argv: readonly string[]): string {
  if (needsShell(argv)) return argv[0]!;
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

export function runCommand(
  argv: readonly string[],
  io: {
    out: Writable;
    err: Writable;
    cwd: string;
    env: NodeJS.ProcessEnv;
    /** Hand the terminal to the command (an interactive agent); no output tail is kept. */
    inheritOutput?: boolean;
  },
) {
  return new Promise<ExecResult>((resolve) => {
    const startedAt = new Date().toISOString();
    const t0 = performance.now();
    const shell = needsShell(argv);
    const stdio: StdioOptions = io.inheritOutput ? 'inherit' : ['inherit', 'pipe', 'pipe'];
    const child = shell
      ? spawn(io.env.SHELL || '/bin/sh', ['-c', argv[0]!], { cwd: io.cwd, env: io.env, stdio })
      : spawn(argv[0]!, argv.slice(1), { cwd: io.cwd, env: io.env, stdio });
    let tail = Buffer.alloc(0);
    const keep = (d: Buffer) => {
      tail = Buffer.concat([tail, d]);
      if (tail.length > TAIL_BYTES * 2) tail = tail.subarray(tail.length - TAIL_BYTES);
    };
    child.stdout?.on('data', (d: Buffer) => {
      io.out.write(d);
      keep(d);
    });
    child.stderr?.on('data', (d: Buffer) => {
      io.err.write(d);
      keep(d);
    });
    // The terminal sends Ctrl-C to the whole group: let the child decide, and record what it did.
    const ignore = () => {};
    process.on('SIGINT', ignore);
    process.on('SIGTERM', ignore);
    let notFound = false;
    child.on('error', (e: NodeJS.ErrnoException) => {
      notFound = e.code === 'ENOENT';
      io.err.write(`error: cannot run ${argv[0]}: ${notFound ? 'command not found' : e.message}\n`);
    });
    child.on('close', (code, signal) => {
      process.off('SIGINT', ignore);
      process.off('SIGTERM', ignore);
      const sigNum = signal ? (constants.signals[signal] ?? 0) : 0;
      resolve({
        exitCode: notFound ? 127 : signal ? 128 + sigNum : (code ?? 1),
        signal,
        durationMs: Math.round(performance.now() - t0),
        outputTail: tail.subarray(Math.max(0, tail.length - TAIL_BYTES)).toString('utf8'),
        interrupted: signal === 'SIGINT' || signal === 'SIGTERM' || code === 130,
        startedAt,
        notFound,
      });
    });
  });
}

/**
 * The last lines of output that fit in `maxBytes`, with a marker when cut. Redacted first, then cut
 * (`redact` sees the kept part plus a margin), and the cut drops the partial line or word at its edge:
 * a token split by the cut, or a value whose key fell outside the tail, never survives.
 */
export function tailText(
  text: string,
  maxBytes = 4000,
  redact: (text: string) => string = (t) => t,
): { text: string; truncated: boolean } {
  const plain = text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, ''); // drop terminal colour codes
  const window = plain.length > maxBytes + CUT_MARGIN ? plain.slice(-(maxBytes + CUT_MARGIN)) : plain;
  const clean = redact(window);
  if (window === plain && Buffer.byteLength(clean) <= maxBytes) return { text: clean, truncated: false };
  let cut = clean.slice(-maxBytes);
  const nl = cut.indexOf('\n');
  cut = nl >= 0 && nl < cut.length - 1 ? cut.slice(nl + 1) : dropLeadingPartial(cut);
  return { text: `…[earlier output truncated]\n${cut}`, truncated: true };
}

/**
 * The facts of a finished command for its `exec` event (`exec` adds kind, output and tree; `run`
 * records the agent process with these alone). `cwd` is relative to the worktree.
 */
export function commandFacts(result: ExecResult, command: string, cwd: string, worktree: string | null) {
  return {
    type: 'exec',
    command,
    cwd: worktree ? relative(worktree, cwd) || '.' : '.',
    started_at: result.startedAt,
    duration_ms: result.durationMs,
    exit_code: result.exitCode, // 127 when the command was not found
    interrupted: result.interrupted,
  };
}
