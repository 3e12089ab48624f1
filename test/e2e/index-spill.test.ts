// A cold index build of many notes spills record JSON to a scratch file instead of holding it all
// (AGENT_LOG_INDEX_SPILL_FROM lowers the threshold so a small repository takes that path). Through
// the built CLI: the spilled build writes the same index and lookup file, byte for byte, as the
// in-memory build, and answers queries the same; runs whose lines sit on several commits (pointer
// lines, events, re-sealed copies) land in different batches and still fold right.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { canonicalJson, refLine } from '../../src/record/note-lines.js';
import { makeRecord } from '../helpers/records.js';
import { cli, gitEnv, tempRepo, type TempRepo } from '../helpers/repo.js';

const N = 600; // commits; index batches are 250 notes, in notes-tree (hash) order
let repo: TempRepo;
const indexDir = () => join(repo.dir, '.git', 'agent-log', 'index');
const id = (i: number) => `sp${i.toString(36).padStart(8, '0')}`;

function line(i: number, commit: string, intent = `tidy module ${i % 7}`) {
  return canonicalJson(
    makeRecord(id(i), {
      task: { intent, source: 'prompt', follow_ups: [] },
      agent: {
        name: i % 2 ? 'codex' : 'claude-code',
        version: '0.46.0',
        model: 'gpt-5-codex',
        session_ids: [],
      },
      repo: { branch: 'main', commits: [commit] },
      ended_at: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString(),
      files: {
        read: [],
        changed: [
          { path: `src/mod${i % 7}/a.ts`, status: 'modified', additions: 2, deletions: 1, via: 'edit' },
        ],
      },
    }),
  );
}

beforeAll(async () => {
  repo = await tempRepo({ files: { 'README.md': 'x\n' } });
  // N commits in one fast-import stream, then their notes in another.
  let stream = '';
  for (let i = 1; i <= N; i++) {
    stream += `commit refs/heads/main\nmark :${i}\ncommitter T <t@example.com> ${1_790_000_000 + i * 60} +0000\ndata 3\nc${i % 10}\n`;
    stream += `${i === 1 ? 'from refs/heads/main^0\n' : ''}M 100644 inline f${i % 10}.txt\ndata ${String(i).length + 1}\n${i}\n\n`;
  }
  execFileSync('git', ['fast-import', '--quiet', '--export-marks=.git/marks'], {
    cwd: repo.dir,
    input: stream,
    env: gitEnv(),
  });
  const marks = new Map(
    readFileSync(join(repo.dir, '.git', 'marks'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => [Number(l.slice(1, l.indexOf(' '))), l.slice(l.indexOf(' ') + 1)] as const),
  );
  let notes = `commit refs/notes/agent-log\ncommitter T <t@example.com> 1790100000 +0000\ndata 6\nnotes\n`;
  for (let i = 1; i <= N; i++) {
    const c = marks.get(i)!;
    let body = `${line(i, c)}\n`;
    // Every 10th run also has a pointer line on a commit far away, and every 15th an older copy of
    // another run (the longer line wins) and an approval event for it.
    if (i % 10 === 0) body += `${refLine(id(N + 1 - i))}\n`;
    if (i % 15 === 0) {
      const j = (i * 7) % N || 1;
      body += `${line(j, marks.get(j)!, `older copy of ${j}, a longer intent than the sealed one`)}\n`;
      body += `${canonicalJson({
        schema: 'agent-log/v1',
        kind: 'event',
        id: id(j),
        event: `ev${i.toString(36).padStart(8, '0')}`,
        type: 'approval',
        at: '2026-11-20T10:00:00Z',
        by: { name: 'Thomas', email: 'thomas@example.com' },
        scope: 'merge',
        decision: 'approved',
      })}\n`;
    }
    notes += `N inline ${c}\ndata ${Buffer.byteLength(body)}\n${body}`;
  }
  execFileSync('git', ['fast-import', '--quiet', '--force'], { cwd: repo.dir, input: notes, env: gitEnv() });
  execFileSync('git', ['reset', '-q', '--hard', 'refs/heads/main'], { cwd: repo.dir, env: gitEnv() });
}, 120_000);

afterAll(() => repo.cleanup());

const QUERIES = [
  ['query', '--file', 'src/mod3/**', '--format', '%id %intent'],
  ['log', '--format', '%id %agent %intent'],
  ['query', '--agent', 'codex', '--json', '-n', '5'],
];

async function coldBuild(env: NodeJS.ProcessEnv) {
  rmSync(indexDir(), { recursive: true, force: true });
  const outs = [];
  const first = await cli(repo, QUERIES[0]!, { env });
  outs.push(first);
  const files = {
    index: readFileSync(join(indexDir(), 'records.v1'), 'utf8'),
    lookup: readFileSync(join(indexDir(), 'records.v1.at'), 'utf8'),
  };
  for (const q of QUERIES.slice(1)) outs.push(await cli(repo, q, { env }));
  return { outs, files };
}

test('the spilled cold build writes the in-memory build’s index and answers the same', async () => {
  const inMemory = await coldBuild({});
  const spilled = await coldBuild({ AGENT_LOG_INDEX_SPILL_FROM: '1' });
  expect(spilled.files.index).toBe(inMemory.files.index);
  expect(spilled.files.lookup).toBe(inMemory.files.lookup);
  expect(spilled.outs).toEqual(inMemory.outs);
  for (const o of spilled.outs) expect(o.stderr).toBe('');
  // no scratch file is left behind
  expect(readdirSync(indexDir()).sort()).toEqual(['records.v1', 'records.v1.at']);
  // The index holds every run once, as plain git would fold it (independent reader below).
  expect(spilled.files.index.split('\n').filter((l) => l.startsWith('r\t'))).toHaveLength(N);
});

test('a run seen on several commits folds as git notes hold it (independent reader)', async () => {
  rmSync(indexDir(), { recursive: true, force: true });
  const env = { AGENT_LOG_INDEX_SPILL_FROM: '1' };
  const all = spawnSync('git', ['log', '--notes=agent-log', '--format=%H%n%N', 'main'], {
    cwd: repo.dir,
    env: gitEnv(),
    maxBuffer: 1 << 28,
  }).stdout.toString();
  // For each ID: the commits whose note mentions it, read from plain git.
  const mentions = new Map<string, Set<string>>();
  let commit = '';
  for (const l of all.split('\n')) {
    if (/^[0-9a-f]{40}$/.test(l)) commit = l;
    else if (l.startsWith('{')) {
      const v = JSON.parse(l);
      if (!mentions.has(v.id)) mentions.set(v.id, new Set());
      mentions.get(v.id)!.add(commit);
    }
  }
  const probe = id(105); // 105 = 15·7: an older copy and an approval sit on commit 15
  const r = await cli(repo, ['show', probe, '--json'], { env });
  expect(r.code).toBe(0);
  const shown = JSON.parse(r.stdout);
  expect(shown.approvals).toEqual([
    expect.objectContaining({ by: 'Thomas', scope: 'merge', decision: 'approved' }),
  ]);
  const lines = readFileSync(join(indexDir(), 'records.v1'), 'utf8').split('\n');
  const entry = lines.find((l) => l.startsWith(`r\t${probe}\t`))!.split('\t');
  expect(new Set(entry[5]!.split(','))).toEqual(mentions.get(probe));
  expect(mentions.get(probe)!.size).toBeGreaterThan(1);
  expect(existsSync(join(indexDir(), 'records.v1.at'))).toBe(true);
});
