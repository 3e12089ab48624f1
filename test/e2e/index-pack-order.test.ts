// A cold build of many notes (from 20,000; AGENT_LOG_INDEX_PACK_ORDER_FROM lowers it here) asks
// `git cat-file` for them in the order the packs keep them (so git finds each delta's base in its
// cache: at 100k notes, tree order cost 7 s of git's CPU and pack order 2 s), and the index does not
// depend on that order. Through the built CLI on a real repository whose notes sit in two packs
// written by fast-import, in loose objects added by `git notes add`, and, after `git gc`, in one
// pack written by pack-objects; with a damaged pack index lying beside them, and after gc the
// indexes of the packs it replaced (stale offsets, no pack: git ignores them, and so must the
// order). The order git was asked in is read by a `git` wrapper on PATH that copies the one-pass
// reader's stdin (`cat-file --batch --buffer`); the expected order comes from `git show-index` and
// `git ls-tree`.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { canonicalJson } from '../../src/record/note-lines.js';
import { fastImportCommits, fastImportNotes, gitSync } from '../helpers/notes-fixtures.js';
import { prng } from '../helpers/prng.js';
import { cli, tempRepo, type TempRepo } from '../helpers/repo.js';

const REF = 'refs/notes/agent-log';
const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
let repo: TempRepo;
let bin: string;
const log = () => join(bin, 'cat-file-stdin.log');
const indexDir = () => join(repo.dir, '.git', 'agent-log', 'index');

function record(i: number, commit: string, rand: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const toolId = `toolu_01${Array.from({ length: 22 }, () => pick([...B62])).join('')}`;
  const at = new Date(Date.UTC(2026, 10, 1) + i * 61_000).toISOString();
  return canonicalJson({
    schema: 'agent-log/v1',
    kind: 'record',
    id: `po${i.toString(36).padStart(8, '0')}`,
    task: { intent: `make src/pay${i % 7} check its input`, source: 'prompt', follow_ups: [] },
    agent: {
      name: pick(['claude-code', 'codex']),
      version: '2.1.3',
      model: 'claude-opus-4-1',
      session_ids: [toolId],
    },
    repo: { branch: 'main', start_commit: commit, end_commit: commit, commits: [commit] },
    started_at: at,
    ended_at: at,
    sealed_at: at,
    files: {
      read: [`/Users/alice/work/shop/src/pay${i % 7}/index.ts`],
      changed: [
        { path: `src/pay${i % 7}/h.ts`, status: 'modified', additions: i % 40, deletions: 1, via: 'edit' },
      ],
    },
    commands: [
      {
        command: 'npm test',
        cwd: '.',
        started_at: at,
        duration_ms: 1000 + i,
        exit_code: 0,
        interrupted: false,
        kind: 'test',
        output_tail: `req_011C${toolId.slice(8)}\n${'ok '.repeat(i % 50)}`,
      },
    ],
    outcome: { status: 'completed', pr: null, summary: null },
  });
}

beforeAll(async () => {
  repo = await tempRepo({ files: { 'README.md': 'x\n' } });
  const commits = fastImportCommits(repo, 330);
  const rand = prng(20261130);
  // Two fast-imports (two packs, each note a delta of the one before it in the stream), then a few
  // notes by `git notes add` (loose objects).
  const first = new Map(commits.slice(0, 160).map((c, k) => [c, `${record(k, c, rand)}\n`]));
  const second = new Map(commits.slice(160, 320).map((c, k) => [c, `${record(160 + k, c, rand)}\n`]));
  fastImportNotes(repo, first);
  fastImportNotes(repo, second);
  for (const [k, c] of commits.slice(320).entries())
    gitSync(repo.dir, ['notes', '--ref=agent-log', 'add', '-m', record(320 + k, c, rand), c]);
  // A damaged pack index (git ignores it: no pack beside it).
  writeFileSync(
    join(repo.dir, '.git', 'objects', 'pack', `pack-${'0'.repeat(40)}.idx`),
    '\xfftOc\0\0\0\x02garbage',
  );
  bin = mkdtempSync(join(tmpdir(), 'agent-log-git-wrapper-'));
  const realGit = gitSync(repo.dir, ['--exec-path']).trim() + '/git';
  writeFileSync(
    join(bin, 'git'),
    `#!/bin/sh\nif [ "$1" = cat-file ] && [ "$2" = --batch ] && [ "$3" = --buffer ]; then\n  tee -a '${log()}' | exec '${realGit}' "$@"\nfi\nexec '${realGit}' "$@"\n`,
  );
  chmodSync(join(bin, 'git'), 0o755);
}, 120_000);

afterAll(() => {
  repo.cleanup();
  rmSync(bin, { recursive: true, force: true });
});

/** The note blobs in notes-tree order. */
function treeOrder(): string[] {
  return gitSync(repo.dir, ['ls-tree', '-r', REF])
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(/\s+/)[2]!);
}

/** Pack order as git reports it: packs by index name, objects by offset; loose ones after, in tree order. */
function expectedOrder(): string[] {
  const notes = treeOrder();
  const wanted = new Set(notes);
  const packDir = join(repo.dir, '.git', 'objects', 'pack');
  const packed: string[] = [];
  for (const idx of readdirSync(packDir)
    .filter((n) => n.endsWith('.idx'))
    .sort()) {
    if (!readdirSync(packDir).includes(idx.replace(/\.idx$/, '.pack'))) continue;
    const rows = gitSync(repo.dir, ['show-index'], readFileSync(join(packDir, idx)))
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(' ') as [string, string])
      .filter(([, oid]) => wanted.has(oid) && !packed.includes(oid))
      .sort((a, b) => Number(a[0]) - Number(b[0]));
    packed.push(...rows.map(([, oid]) => oid));
  }
  return [...packed, ...notes.filter((o) => !packed.includes(o))];
}

async function coldBuild(env: NodeJS.ProcessEnv) {
  rmSync(indexDir(), { recursive: true, force: true });
  rmSync(log(), { force: true });
  const out = await cli(repo, ['log', '--format', '%id %agent %intent', '--no-pager'], {
    env: {
      AGENT_LOG_INDEX_BULK_FROM: '1',
      AGENT_LOG_INDEX_PACK_ORDER_FROM: '1',
      PATH: `${bin}:${process.env.PATH}`,
      ...env,
    },
  });
  let asked: string[] = [];
  try {
    asked = readFileSync(log(), 'utf8').split('\n').filter(Boolean);
  } catch {
    // cat-file --batch was not started
  }
  return {
    out,
    asked,
    index: readFileSync(join(indexDir(), 'records.v1'), 'utf8'),
    lookup: readFileSync(join(indexDir(), 'records.v1.at'), 'utf8'),
  };
}

test('a cold build asks git for the notes in pack order, loose ones last, and writes the index tree order gives', async () => {
  const notes = treeOrder();
  expect(notes).toHaveLength(330);
  const packOrdered = await coldBuild({});
  expect(packOrdered.out.code).toBe(0);
  expect(packOrdered.asked).toEqual(expectedOrder());
  // the two orders differ (fast-import wrote the notes in commit order, the tree holds them by hash)
  expect(packOrdered.asked).not.toEqual(notes);
  const treeOrdered = await coldBuild({ AGENT_LOG_INDEX_PACK_ORDER_FROM: '1000000000' });
  expect(treeOrdered.asked).toEqual(notes);
  // below 20,000 notes, unless asked, tree order (git's cache holds such a history's bases)
  expect((await coldBuild({ AGENT_LOG_INDEX_PACK_ORDER_FROM: '' })).asked).toEqual(notes);
  expect(packOrdered.index).toBe(treeOrdered.index);
  expect(packOrdered.lookup).toBe(treeOrdered.lookup);
  expect(packOrdered.out).toEqual(treeOrdered.out);
  // and the note-by-note build, which never reorders
  const oneByOne = await coldBuild({ AGENT_LOG_INDEX_BULK_FROM: '1000000000' });
  expect(packOrdered.index).toBe(oneByOne.index);
  expect(packOrdered.out.stdout.split('\n').filter(Boolean)).toHaveLength(330);
});

test('in the worker, spilling, and after git gc (one pack written by pack-objects) the same holds', async () => {
  const reference = await coldBuild({ AGENT_LOG_INDEX_PACK_ORDER_FROM: '1000000000' });
  const inWorker = await coldBuild({ AGENT_LOG_INDEX_WORKER: '1', AGENT_LOG_INDEX_SPILL_FROM: '1' });
  expect(inWorker.asked).toEqual(expectedOrder());
  expect(inWorker.index).toBe(reference.index);
  expect(inWorker.out).toEqual(reference.out);
  // The indexes of the packs gc is about to replace, put back after it under names that sort
  // first: garbage to git (no pack beside them; gc itself removes such files), and their offsets are
  // no longer where the notes are.
  const packDir = join(repo.dir, '.git', 'objects', 'pack');
  const before = readdirSync(packDir)
    .filter((n) => n.endsWith('.idx') && !n.startsWith(`pack-${'0'.repeat(40)}`))
    .map((n) => readFileSync(join(packDir, n)));
  gitSync(repo.dir, ['gc', '-q']);
  before.forEach((idx, k) => writeFileSync(join(packDir, `pack-${'0'.repeat(39)}${k + 1}.idx`), idx));
  const afterGc = await coldBuild({});
  expect(afterGc.asked).toEqual(expectedOrder());
  // (gc wrote the notes in another order: read by the stale indexes' offsets, they would not be)
  expect(afterGc.asked).not.toEqual(inWorker.asked);
  expect(afterGc.asked.slice().sort()).toEqual(treeOrder().slice().sort());
  expect(afterGc.index).toBe(reference.index);
  expect(afterGc.out).toEqual(reference.out);
});
