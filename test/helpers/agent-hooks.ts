// What the agent-hook end-to-end tests share: git-agent-log on PATH as an installed tool, a hook
// command run exactly as the agent runs it, the record a commit's note holds, and every byte under
// .git for "no secret reached the disk" checks.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { RunRecord } from '../../src/record/schema.js';
import { BIN, type CliResult, finished, gitEnv, type TempRepo } from './repo.js';

/** A PATH directory holding `git-agent-log`, as a developer who installed the tool has; removed after the file's tests. */
export function installedCliDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'agent-log-bin-'));
  symlinkSync(BIN, join(dir, 'git-agent-log'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Run a hook command as the agent does: its shell, the project root as cwd, the payload on stdin. */
export function runHookCommand(
  repo: TempRepo,
  binDir: string,
  command: string,
  payload: unknown,
  opts: { shell?: 'sh' | 'bash'; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  const child = spawn(opts.shell ?? 'sh', ['-c', command], {
    cwd: repo.dir,
    env: gitEnv({ PATH: `${binDir}:${process.env.PATH}`, AGENT_LOG_NO_BACKGROUND: '1', ...opts.env }),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.on('error', () => {});
  child.stdin.end(JSON.stringify(payload));
  return finished(child);
}

/** The run record in a commit's agent-log note, read with `git notes show`; null when there is none. */
export async function noteRecord(repo: TempRepo, commit: string): Promise<RunRecord | null> {
  let note: string;
  try {
    note = await repo.git('notes', '--ref=agent-log', 'show', commit);
  } catch {
    return null;
  }
  const line = note.split('\n').find((l) => l.includes('"kind":"record"'));
  return line ? (JSON.parse(line) as RunRecord) : null;
}

/** Every file under the repository's git dir, as text. */
export function gitDirText(repo: TempRepo): string {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(readFileSync(p, 'latin1'));
    }
  };
  walk(join(repo.dir, '.git'));
  return out.join('\n');
}
