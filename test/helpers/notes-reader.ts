// The independent reader of the notes ref: what plain git shows, for tests to compare commands with.
import { execFileSync } from 'node:child_process';
import { gitEnv } from './repo.js';

/**
 * Every record ID in the notes of `ref` (`git notes list` + `git cat-file --batch`), sorted: IDs of
 * the schema's shape (4-32 lower-case letters and digits) on `kind: record` lines; any other line
 * is skipped.
 */
export function recordIdsInNotes(dir: string, ref = 'refs/notes/agent-log'): string[] {
  const git = (args: string[], input?: string) =>
    execFileSync('git', args, { cwd: dir, env: gitEnv(), input, encoding: 'utf8', maxBuffer: 1 << 28 });
  const list = git(['notes', `--ref=${ref}`, 'list']).trim();
  if (!list) return [];
  const blobs = list.split('\n').map((row) => row.split(' ')[0]!);
  const ids = new Set<string>();
  for (const line of git(['cat-file', '--batch'], `${blobs.join('\n')}\n`).split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const r = JSON.parse(line) as { kind?: string; id?: string };
      if (r.kind === 'record' && /^[0-9a-z]{4,32}$/.test(r.id ?? '')) ids.add(r.id!);
    } catch {
      // an unreadable line: no run
    }
  }
  return [...ids].sort();
}
