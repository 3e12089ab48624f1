// The cold index build reads every note line through parsers compiled from the zod schemas; zod
// itself reads only what they do not accept. Through the built CLI on a real repository: the index
// is byte for byte the one zod alone builds (AGENT_LOG_PARSE=zod), over seeded records of many
// shapes and a set of hostile lines (invalid, too deep, oversized, a "__proto__" key, a bad event
// date), and each hostile line is skipped with a warning naming its commit. A large cold build runs
// in a worker thread (AGENT_LOG_INDEX_WORKER=1 forces it here, =0 keeps it in process): the same
// bytes either way, a worker that runs out of memory leaves the build to the main thread, and
// builders racing on one repository all answer and leave one whole index.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { canonicalJson, refLine } from '../../src/record/note-lines.js';
import { fastImportCommits, fastImportNotes, gitSync } from '../helpers/notes-fixtures.js';
import { prng } from '../helpers/prng.js';
import { cli, tempRepo, type TempRepo } from '../helpers/repo.js';

const N = 400;
let repo: TempRepo;
let commits: string[];
/** Commits whose note holds a line every reader must skip, with a fragment of the warning. */
const hostile = new Map<string, string>();
const indexDir = () => join(repo.dir, '.git', 'agent-log', 'index');
const id = (i: number) => `cb${i.toString(36).padStart(8, '0')}`;

const AGENTS = ['claude-code', 'codex', 'gemini-cli', 'aider'];
const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function record(i: number, commit: string, rand: () => number): Record<string, unknown> {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const toolId = `toolu_01${Array.from({ length: 22 }, () => pick([...B62])).join('')}`;
  const at = new Date(Date.UTC(2026, 10, 1) + i * 97_000).toISOString();
  const mod = `src/mod${i % 9}`;
  // Some lines are minimal (an older writer), some carry fields of a newer one.
  if (i % 23 === 0) return { schema: 'agent-log/v1', kind: 'record', id: id(i), ended_at: at };
  return {
    schema: i % 31 === 0 ? 'agent-log/v2' : 'agent-log/v1',
    kind: 'record',
    id: id(i),
    task: {
      intent: `make ${mod} validate its input (${i})`,
      source: pick(['prompt', 'flag', 'import']),
      follow_ups: [],
    },
    boundary: {
      allow: [`${mod}/**`],
      deny: ['migrations/**'],
      level: pick(['edit', 'test', null]),
      constraints: [],
    },
    agent: {
      name: pick(AGENTS),
      version: '2.1.3',
      model: pick(['claude-opus-4-1', 'gpt-5-codex']),
      session_ids: [toolId],
    },
    repo: { branch: 'main', start_commit: commit, end_commit: commit, commits: [commit] },
    started_at: at,
    ended_at: i % 5 ? at : null,
    sealed_at: at,
    files: {
      read: [`/Users/alice/work/app/${mod}/index.ts`],
      changed: [
        {
          path: `${mod}/h${i % 4}.ts`,
          status: pick(['modified', 'added', 'renamed']),
          additions: i % 40,
          deletions: i % 3,
          via: 'edit',
        },
      ],
    },
    commands: [
      {
        command: 'npm test -- h',
        cwd: '.',
        started_at: at,
        duration_ms: 1200 + i,
        exit_code: i % 7 ? 0 : 1,
        interrupted: false,
        kind: 'test',
        output_tail: `req_011C${toolId.slice(8)}`,
      },
    ],
    checks: [
      {
        name: 'npm test -- h',
        kind: 'test',
        status: i % 7 ? 'passed' : 'failed',
        attempts: 1 + (i % 3),
        after_last_edit: i % 11 !== 0,
        weakened: i % 13 ? null : '|| true',
      },
    ],
    dependencies: [],
    config_changes: i % 17 ? [] : ['.github/workflows/ci.yml'],
    approvals: i % 2 ? [{ by: 'Thomas', scope: 'PR creation', decision: 'approved', at, note: null }] : [],
    outcome: { status: pick(['completed', 'failed', 'abandoned']), pr: null, summary: null },
    rollback: { strategy: 'revert-commits', notes: [] },
    cost:
      i % 3
        ? {
            model: 'claude-opus-4-1',
            input_tokens: 1000 + i,
            output_tokens: 200,
            cache_read_tokens: 0,
            cache_write_tokens: 0,
            usd: 0.5,
          }
        : null,
    risk: { level: pick(['low', 'medium', 'high']), reasons: [] },
    redactions: [],
    ...(i % 31 === 0
      ? {
          future: { shape: [1, 2] },
          limits: { given: { max_usd: 5 }, fired: [{ rule: 'budget', decision: 'deny', at }] },
        }
      : {}),
  };
}

beforeAll(async () => {
  repo = await tempRepo({ files: { 'README.md': 'x\n' } });
  commits = fastImportCommits(repo, N);
  const rand = prng(20261130);
  const bodies = new Map<string, string>();
  commits.forEach((c, k) => {
    const i = k + 1;
    const lines = [canonicalJson(record(i, c, rand))];
    if (i % 10 === 0) lines.push(refLine(id(N + 1 - i)));
    if (i % 12 === 0)
      lines.push(
        canonicalJson({
          schema: 'agent-log/v1',
          kind: 'event',
          id: id((i * 7) % N || 1),
          event: `ev${i.toString(36).padStart(8, '0')}`,
          type: pick(i),
          at: new Date(Date.UTC(2026, 10, 20) + i * 1000).toISOString(),
          by: { name: 'Thomas', email: 'thomas@example.com' },
          scope: 'merge',
          decision: 'approved',
          text: 'checked by hand',
          status: 'completed',
        }),
      );
    bodies.set(c, `${lines.join('\n')}\n`);
  });
  const onto = (k: number, line: string, warning: string) => {
    const c = commits[k]!;
    bodies.set(c, `${bodies.get(c)}${line}\n`);
    hostile.set(c, warning);
  };
  onto(
    3,
    canonicalJson({
      ...record(900, commits[3]!, rand),
      checks: [{ name: 'x', status: 'passed', attempts: 2.5 }],
    }),
    'checks.0.attempts',
  );
  onto(
    8,
    `{"schema":"agent-log/v1","kind":"record","id":"deep0001","x":${'['.repeat(80)}${']'.repeat(80)}}`,
    'nested deeper than 64 levels',
  );
  onto(14, canonicalJson({ schema: 'agent-log/v1', kind: 'record', id: 'NOTLOWER1' }), 'id:');
  onto(
    19,
    canonicalJson({
      schema: 'agent-log/v1',
      kind: 'event',
      id: id(19),
      event: 'ev0000bad',
      type: 'note',
      at: 'yesterday',
    }),
    'event: at',
  );
  onto(
    27,
    canonicalJson({ schema: 'agent-log/v1', kind: 'record', id: id(901), cost: { input_tokens: '12' } }),
    'cost.input_tokens',
  );
  // Two versions of one run on two commits (a re-seal merged from another clone; the later seal
  // wins and approvals are unioned), and one line copied whole onto a second commit.
  const v2 = {
    ...record(60, commits[59]!, prng(60)),
    sealed_at: '2026-12-24T00:00:00.000Z',
    approvals: [{ by: 'Maria', scope: 'merge', decision: 'approved', at: null, note: 'second look' }],
  };
  bodies.set(commits[250]!, `${bodies.get(commits[250]!)}${canonicalJson(v2)}\n`);
  const copied = bodies.get(commits[79]!)!.split('\n')[0]!;
  bodies.set(commits[300]!, `${bodies.get(commits[300]!)}${copied}\n`);
  // Left to zod, which drops the key: a record all the same, not a warning.
  const proto = commits[33]!;
  bodies.set(
    proto,
    `${bodies.get(proto)}{"__proto__":{"polluted":1},"id":"${id(902)}","kind":"record","schema":"agent-log/v1"}\n`,
  );
  // A note over the 16 MiB cap: never read into memory, reported by size.
  const big = commits[41]!;
  bodies.set(
    big,
    `${bodies.get(big)}${'{"schema":"agent-log/v1","kind":"record","id":"huge0001","pad":"'.padEnd(17 << 20, 'x')}"}\n`,
  );
  hostile.set(big, 'over the 16 MiB limit');
  fastImportNotes(repo, bodies);
}, 120_000);

function pick(i: number): string {
  return ['approval', 'note', 'status', 'future-type'][i % 4]!;
}

afterAll(() => repo.cleanup());

async function coldBuild(env: NodeJS.ProcessEnv) {
  rmSync(indexDir(), { recursive: true, force: true });
  const log = await cli(repo, ['log', '--format', '%id %agent %status %intent', '--no-pager'], { env });
  return {
    log,
    index: readFileSync(join(indexDir(), 'records.v1'), 'utf8'),
    lookup: readFileSync(join(indexDir(), 'records.v1.at'), 'utf8'),
  };
}

test('the index built through the compiled parsers is byte for byte the one zod alone builds', async () => {
  const fast = await coldBuild({});
  const zod = await coldBuild({ AGENT_LOG_PARSE: 'zod' });
  expect(fast.log.code).toBe(0);
  expect(fast.index).toBe(zod.index);
  expect(fast.lookup).toBe(zod.lookup);
  expect(fast.log).toEqual(zod.log);
  // every run is there: the N seeded ones, less the one inside the oversized note (the whole blob
  // is skipped), plus the one whose "__proto__" key zod drops
  const runs = fast.index.split('\n').filter((l) => l.startsWith('r\t') && !l.endsWith('\t-'));
  expect(runs).toHaveLength(N);
  expect(runs.some((l) => l.startsWith(`r\t${id(42)}\t`))).toBe(false);
  expect(runs.some((l) => l.startsWith(`r\t${id(902)}\t`))).toBe(true);
});

// A cold build of many notes (AGENT_LOG_INDEX_BULK_FROM=1 here) reads them in one pass and makes
// each run's entry the short way (index/cold-build.ts: slim JSON straight from the parsed line, the
// runs with versions or events recomputed at the end); the build note by note goes the long way.
test('notes read in one pass (cat-file into a scratch file) give the index read note by note', async () => {
  const oneByOne = await coldBuild({ AGENT_LOG_INDEX_BULK_FROM: '1000000000' });
  const onePass = await coldBuild({ AGENT_LOG_INDEX_BULK_FROM: '1' });
  expect(onePass.log.code).toBe(0);
  expect(onePass.index).toBe(oneByOne.index);
  expect(onePass.lookup).toBe(oneByOne.lookup);
  expect(onePass.log).toEqual(oneByOne.log);
  const zod = await coldBuild({ AGENT_LOG_INDEX_BULK_FROM: '1', AGENT_LOG_PARSE: 'zod' });
  expect(zod.index).toBe(oneByOne.index);
  // the short way on an engine without the one-pass reader (its blobs read batch by batch)
  const isomorphic = await coldBuild({ AGENT_LOG_INDEX_BULK_FROM: '1', AGENT_LOG_ENGINE: 'isomorphic' });
  expect(isomorphic.index).toBe(oneByOne.index);
  // the oversized note was passed over, not read: its warning is there, and no scratch file is left
  expect(onePass.index).toContain('over the 16 MiB limit');
  expect(readdirSync(indexDir()).sort()).toEqual(['records.v1', 'records.v1.at']);
});

test('where no index or scratch file can be written, the notes are still read and the query answered', async () => {
  const reference = await coldBuild({ AGENT_LOG_INDEX_BULK_FROM: '1' });
  rmSync(indexDir(), { recursive: true, force: true });
  // A file where the index directory would be: nothing can be created under it.
  writeFileSync(indexDir(), 'not a directory\n');
  try {
    const args = ['log', '--format', '%id %agent %status %intent', '--no-pager'];
    const blocked = await cli(repo, args, { env: { AGENT_LOG_INDEX_BULK_FROM: '1' } });
    expect(blocked).toEqual(reference.log);
  } finally {
    rmSync(indexDir(), { force: true });
  }
});

test('each hostile line is skipped with a warning naming its commit, and only those', async () => {
  const { index, log } = await coldBuild({});
  const warned = new Map(
    index
      .split('\n')
      .filter((l) => l.startsWith('w\t'))
      .map((l) => l.split('\t') as [string, string, string])
      .map(([, c, w]) => [c, (JSON.parse(w) as string[]).join(' | ')]),
  );
  expect([...warned.keys()].sort()).toEqual([...hostile.keys()].sort());
  for (const [c, fragment] of hostile) {
    expect(warned.get(c)).toContain(fragment);
    expect(warned.get(c)).toContain(c);
    expect(log.stderr).toContain(c);
  }
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

test('the build in a worker thread writes the same index as the build in process', async () => {
  const inProcess = await coldBuild({ AGENT_LOG_INDEX_WORKER: '0' });
  const inWorker = await coldBuild({ AGENT_LOG_INDEX_WORKER: '1' });
  expect(inWorker.index).toBe(inProcess.index);
  expect(inWorker.lookup).toBe(inProcess.lookup);
  expect(inWorker.log).toEqual(inProcess.log);
  // the spilled build, in the worker too
  const spilled = await coldBuild({ AGENT_LOG_INDEX_WORKER: '1', AGENT_LOG_INDEX_SPILL_FROM: '1' });
  expect(spilled.index).toBe(inProcess.index);
  expect(readdirSync(indexDir()).sort()).toEqual(['records.v1', 'records.v1.at']);
});

test('the worker is where the build runs: a crash injected in it takes the process down', async () => {
  rmSync(indexDir(), { recursive: true, force: true });
  const args = ['log', '-n', '1', '--no-pager'];
  const crashed = await cli(repo, args, {
    env: { AGENT_LOG_INDEX_WORKER: '1', AGENT_LOG_FAULT: 'index-worker-built' },
  });
  expect(crashed.code).not.toBe(0);
  const inProcess = await cli(repo, args, {
    env: { AGENT_LOG_INDEX_WORKER: '0', AGENT_LOG_FAULT: 'index-worker-built' },
  });
  expect(inProcess.code).toBe(0);
});

test('a worker that runs out of memory leaves the build to the main thread', async () => {
  const reference = await coldBuild({ AGENT_LOG_INDEX_WORKER: '0' });
  // The fault point after the worker's build is never reached (the crash test shows it is reached
  // with a normal heap): the worker died of its 2 MB cap, and the main thread built the index.
  const starved = await coldBuild({
    AGENT_LOG_INDEX_WORKER: '1',
    AGENT_LOG_INDEX_WORKER_HEAP_MB: '2',
    AGENT_LOG_FAULT: 'index-worker-built',
  });
  expect(starved.log).toEqual(reference.log);
  expect(starved.index).toBe(reference.index);
  expect(readdirSync(indexDir()).sort()).toEqual(['records.v1', 'records.v1.at']);
});

test('cold builders racing on one repository all answer the same and leave one whole index', async () => {
  const reference = await coldBuild({ AGENT_LOG_INDEX_WORKER: '0' });
  rmSync(indexDir(), { recursive: true, force: true });
  const args = ['log', '--format', '%id %agent %status %intent', '--no-pager'];
  const runs = await Promise.all(
    ['1', '0', '1', '0', '1', '0'].map((w, k) =>
      cli(repo, args, {
        env: { AGENT_LOG_INDEX_WORKER: w, ...(k % 3 === 2 ? { AGENT_LOG_INDEX_SPILL_FROM: '1' } : {}) },
      }),
    ),
  );
  for (const r of runs) expect(r).toEqual(reference.log);
  expect(readFileSync(join(indexDir(), 'records.v1'), 'utf8')).toBe(reference.index);
  expect(readFileSync(join(indexDir(), 'records.v1.at'), 'utf8')).toBe(reference.lookup);
  expect(readdirSync(indexDir()).sort()).toEqual(['records.v1', 'records.v1.at']);
});

test('without being asked, a notes tree of 20,480 notes is built in the worker and one of 400 in process', async () => {
  // A fault point in the worker kills the process: reached for the large tree, not for this one.
  const small = await cli(repo, ['log', '-n', '1', '--no-pager'], {
    env: { AGENT_LOG_FAULT: 'index-worker-built' },
  });
  rmSync(indexDir(), { recursive: true, force: true });
  expect(small.code).toBe(0);
  const big = await tempRepo({ files: { 'README.md': 'x\n' } });
  try {
    // 20,480 notes in a 2/38 fanout, 80 under each prefix, all one pointer line (one blob): a
    // large tree, quickly made.
    const rand = prng(7);
    const hex38 = () =>
      Array.from({ length: 38 }, () => '0123456789abcdef'[Math.floor(rand() * 16)]).join('');
    const blob = refLine('bigtree001');
    let stream = `blob\nmark :1\ndata ${blob.length + 1}\n${blob}\n\ncommit refs/notes/agent-log\ncommitter T <t@example.com> 1790000000 +0000\ndata 6\nnotes\n`;
    for (let i = 0; i < 20_480; i++)
      stream += `M 100644 :1 ${(i % 256).toString(16).padStart(2, '0')}/${hex38()}\n`;
    gitSync(big.dir, ['fast-import', '--quiet'], `${stream}\n`);
    const crashed = await cli(big, ['log', '-n', '1', '--no-pager'], {
      env: { AGENT_LOG_FAULT: 'index-worker-built' },
    });
    expect(crashed.code).not.toBe(0);
  } finally {
    big.cleanup();
  }
}, 180_000);

test('a record whose guard evidence is broken (limits.fired [null, 5]) is read, and the others with it', async () => {
  const broken = await tempRepo({ files: { 'README.md': 'x\n' } });
  try {
    const [c1, c2] = fastImportCommits(broken, 2);
    const at = '2026-11-20T10:00:00.000Z';
    const line = (id: string, extra: Record<string, unknown>) =>
      canonicalJson({
        schema: 'agent-log/v1',
        kind: 'record',
        id,
        ended_at: at,
        agent: { name: 'codex' },
        ...extra,
      });
    fastImportNotes(
      broken,
      new Map([
        [
          c1!,
          `${line('brk00001', { limits: { fired: [null, 5, { rule: 'budget.usd', decision: 'deny', at }] } })}\n`,
        ],
        [c2!, `${line('ok000001', {})}\n`],
      ]),
    );
    const index = () => readFileSync(join(broken.dir, '.git', 'agent-log', 'index', 'records.v1'), 'utf8');
    const args = ['query', '--agent', 'codex', '--format', '%id', '--no-pager'];
    // the short way (one pass) and the long way (note by note) read it alike
    const short = await cli(broken, args, { env: { AGENT_LOG_INDEX_BULK_FROM: '1' } });
    const shortIndex = index();
    rmSync(join(broken.dir, '.git', 'agent-log'), { recursive: true, force: true });
    const long = await cli(broken, args, { env: { AGENT_LOG_INDEX_BULK_FROM: '1000000000' } });
    expect(long.code).toBe(0);
    expect(long.stdout.split('\n').filter(Boolean).sort()).toEqual(['brk00001', 'ok000001']);
    expect(short).toEqual(long);
    expect(shortIndex).toBe(index());
    // the rule that did fire is still there for --stopped and --over-budget
    const over = await cli(broken, ['query', '--over-budget', '--format', '%id', '--no-pager']);
    expect(over.stdout.trim()).toBe('brk00001');
    // and its packet renders, with the rule that fired and without the entries that are no rule
    const packet = await cli(broken, ['show', c1!, '--format', 'md', '--no-pager']);
    expect(packet.code, packet.stderr).toBe(0);
    const limits = packet.stdout.slice(packet.stdout.indexOf('## Limits'));
    expect(limits).toContain('budget.usd');
    expect(limits).not.toContain('| ? |');
  } finally {
    await broken.cleanup();
  }
});
