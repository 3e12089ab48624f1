// Notes fixtures made by real git (notes add/append, fast-import, mktree), and git's own view of
// the notes ref to compare our reader and writer against.
import { execFileSync, spawnSync } from 'node:child_process';
import { canonicalJson } from '../../src/record/note-lines.js';
import { gitEnv, type TempRepo } from './repo.js';

export const REF = 'refs/notes/agent-log';
const WHO = 'Fixture <fixture@example.com>';

export function gitSync(dir: string, args: string[], input?: string | Buffer): string {
  const r = spawnSync('git', args, {
    cwd: dir,
    env: gitEnv({ GIT_AUTHOR_DATE: '@1790000000 +0000', GIT_COMMITTER_DATE: '@1790000000 +0000' }),
    input,
    maxBuffer: 1024 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr.toString()}`);
  return r.stdout.toString('utf8');
}

/** A note of one record line with the fields a bulk fixture varies (every other field defaulted). */
export function recordNote(
  id: string,
  intent: string,
  at: string,
  extra: Record<string, unknown> = {},
): string {
  const line = canonicalJson({
    schema: 'agent-log/v1',
    kind: 'record',
    id,
    task: { intent, source: 'prompt', follow_ups: [] },
    ...extra,
    started_at: at,
    ended_at: at,
    sealed_at: at,
  });
  return `${line}\n`;
}

/** `n` new empty commits on `branch` (one fast-import), oldest first. */
export function fastImportCommits(repo: TempRepo, n: number, branch = 'main'): string[] {
  const parent = spawnSync('git', ['rev-parse', '--verify', '-q', `refs/heads/${branch}`], {
    cwd: repo.dir,
    env: gitEnv(),
  });
  const from = parent.status === 0 ? parent.stdout.toString().trim() : null;
  const chunks: string[] = [];
  for (let i = 1; i <= n; i++) {
    const msg = `commit ${i}\n`;
    chunks.push(
      `commit refs/heads/${branch}\nmark :${i}\ncommitter ${WHO} ${1_790_000_000 + i} +0000\n` +
        `data ${Buffer.byteLength(msg)}\n${msg}`,
    );
    if (i === 1 && from) chunks.push(`from ${from}\n`);
    chunks.push('\n');
  }
  gitSync(repo.dir, ['fast-import', '--quiet'], chunks.join(''));
  const all = gitSync(repo.dir, ['rev-list', '--reverse', `refs/heads/${branch}`])
    .split('\n')
    .filter(Boolean);
  return all.slice(all.length - n);
}

/** One notes commit on REF holding `bodies` (target → body), written by fast-import (its own fanout). */
export function fastImportNotes(repo: TempRepo, bodies: ReadonlyMap<string, string>): void {
  const tip = spawnSync('git', ['rev-parse', '--verify', '-q', REF], { cwd: repo.dir, env: gitEnv() });
  const chunks: string[] = [];
  const msg = 'fixture notes\n';
  chunks.push(`commit ${REF}\ncommitter ${WHO} 1790000000 +0000\ndata ${Buffer.byteLength(msg)}\n${msg}`);
  if (tip.status === 0) chunks.push(`from ${tip.stdout.toString().trim()}\n`);
  for (const [target, body] of bodies)
    chunks.push(`N inline ${target}\ndata ${Buffer.byteLength(body)}\n${body}\n`);
  chunks.push('\n');
  gitSync(repo.dir, ['fast-import', '--quiet'], chunks.join(''));
}

export interface LsEntry {
  mode: string;
  type: string;
  oid: string;
  name: string;
}

export function lsTree(dir: string, treeish: string): LsEntry[] {
  return gitSync(dir, ['ls-tree', treeish])
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [meta, name] = l.split('\t');
      const [mode, type, oid] = meta!.split(' ');
      return { mode: mode!, type: type!, oid: oid!, name: name! };
    });
}

/** Every note path under REF, as target → paths. */
export function notePaths(dir: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of gitSync(dir, ['ls-tree', '-r', '--name-only', REF]).split('\n').filter(Boolean)) {
    const target = line.replace(/\//g, '');
    out.set(target, [...(out.get(target) ?? []), line]);
  }
  return out;
}

/** Read many objects with one `git cat-file --batch`. */
export function catFileBatch(dir: string, oids: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  if (oids.length === 0) return out;
  const raw = execFileSync('git', ['cat-file', '--batch'], {
    cwd: dir,
    env: gitEnv(),
    input: `${oids.join('\n')}\n`,
    maxBuffer: 1024 * 1024 * 1024,
  });
  let i = 0;
  while (i < raw.length) {
    const nl = raw.indexOf(10, i);
    const [oid, , size] = raw.subarray(i, nl).toString().split(' ');
    const n = Number(size);
    out.set(oid!, raw.subarray(nl + 1, nl + 1 + n).toString('utf8'));
    i = nl + 1 + n + 1;
  }
  return out;
}

/** git's view: `git notes list` (target → note blob, combined by git for duplicates) and bodies. */
export function gitNotes(dir: string): Map<string, { blob: string; body: string }> {
  const list = gitSync(dir, ['notes', '--ref=agent-log', 'list'])
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' ') as [string, string]);
  const bodies = catFileBatch(dir, [...new Set(list.map(([blob]) => blob))]);
  return new Map(list.map(([blob, target]) => [target, { blob, body: bodies.get(blob)! }]));
}
