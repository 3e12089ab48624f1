// `show HEAD|<commit> --json` first loads the small show bundle (dist/show.cjs), which answers the
// common case and hands everything else, before writing a byte, to the full read path in the same
// process. Through the built CLI on a real repository: every answer (stdout, stderr, exit code) is
// byte-identical to the slow path (AGENT_LOG_SLOW_PATH=1), and the bundles the run read say which
// path answered: boot.cjs and show.cjs alone, or read.cjs after show.cjs (a hand-over).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { canonicalJson, refLine } from '../../src/record/note-lines.js';
import { shopRecord } from '../helpers/records.js';
import { cli, type CliResult, ROOT, tempRepo, type TempRepo } from '../helpers/repo.js';

let repo: TempRepo;
/** Commits by what their note holds. */
const at: Record<string, string> = {};
const notes = (...args: string[]) => repo.git('notes', '--ref=agent-log', ...args);
const probe = join(ROOT, 'test', 'fixtures', 'load-probe.cjs');
const probeOut = join(tmpdir(), `agent-log-show-small-probe-${process.pid}.json`);

const SMALL = ['boot.cjs', 'show.cjs'];
const HANDED_OVER = ['boot.cjs', 'read.cjs', 'show.cjs'];

function recordLine(id: string, intent: string, day: number, extra: Record<string, unknown> = {}) {
  return canonicalJson({ ...shopRecord(id, intent, day), ...extra });
}

function approvalLine(id: string, event: string, by: string) {
  return canonicalJson({
    schema: 'agent-log/v1',
    kind: 'event',
    id,
    event,
    type: 'approval',
    at: '2026-11-20T12:00:00Z',
    by: { name: by, email: `${by.toLowerCase()}@example.com` },
    scope: 'PR creation',
    decision: 'approved',
  });
}

/** Run `args` on the fast path (noting the bundles read) and on the slow path. */
async function both(args: string[], env: NodeJS.ProcessEnv = {}) {
  rmSync(probeOut, { force: true });
  const fast = await cli(repo, args, {
    env: { ...env, NODE_OPTIONS: `--require=${probe}`, LOAD_PROBE_OUT: probeOut },
  });
  const { bundles } = JSON.parse(readFileSync(probeOut, 'utf8')) as { bundles: string[] };
  const slow = await cli(repo, args, { env: { ...env, AGENT_LOG_SLOW_PATH: '1' } });
  return { fast, slow, bundles: [...new Set(bundles.map((b) => basename(b)))].sort() };
}

/** Both paths give the same bytes; `path` says which bundles answered. */
async function expectSame(args: string[], path: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const { fast, slow, bundles } = await both(args, env);
  expect({ args, ...fast }).toEqual({ args, ...slow });
  expect({ args, bundles }).toEqual({ args, bundles: path });
  return fast;
}

/** An independent reader: the JSON lines of the note on `commit`, as plain git shows them. */
async function noteObjects(commit: string): Promise<Record<string, unknown>[]> {
  return (await notes('show', commit))
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

beforeAll(async () => {
  repo = await tempRepo({ files: { 'pay.ts': 'one\n' } });
  const step = async (name: string) => {
    repo.write('pay.ts', `${name}\n`);
    at[name] = await repo.commit(name);
  };
  await step('plain');
  await notes('add', '-m', recordLine('kq3v9x0a1b', 'validate the card number', 0), at.plain!);
  await step('two');
  await notes(
    'add',
    '-m',
    `${recordLine('mz8p2w4e5f', 'round the totals', 1)}\n${recordLine('wq7n3c5d8e', 'show the total', 2)}`,
    at.two!,
  );
  // A run on two commits: its record on the first, a pointer and an approval on the second.
  await step('first');
  await notes('add', '-m', recordLine('p4t8v2x6z0', 'keep the cart on reload', 3), at.first!);
  await step('later');
  await notes(
    'add',
    '-m',
    `${refLine('p4t8v2x6z0')}\n${approvalLine('p4t8v2x6z0', '01jdq8x7k2m3n4p5q6r7s8t9v0', 'Thomas')}`,
    at.later!,
  );
  // A line that is ours but no record (zod words the warning), beside a good one.
  await step('malformed');
  await notes(
    'add',
    '-m',
    `${recordLine('h2j4k6m8n0', 'retry failed charges', 4)}\n{"schema":"agent-log/v1","kind":"record","id":"NOT AN ID"}`,
    at.malformed!,
  );
  // A record zod accepts and the compiled parsers leave to it (an own __proto__ key).
  await step('proto');
  await notes(
    'add',
    '-m',
    recordLine('r5s7t9u1v3', 'trim the logs', 5).replace(/\}$/, ',"__proto__":{"x":1}}'),
    at.proto!,
  );
  await step('head');
  await notes('add', '-m', recordLine('c3d5f7g9h1', 'name the totals', 6), at.head!);
  // build the index once, as a first read would
  expect((await cli(repo, ['log'])).code).toBe(0);
}, 120_000);

afterAll(() => {
  rmSync(probeOut, { force: true });
  repo?.cleanup();
});

test('a plain record on HEAD or a full commit id: the small bundle answers, with what the note holds', async () => {
  const head = await expectSame(['show', 'HEAD', '--json'], SMALL);
  expect(head.code).toBe(0);
  const [line] = await noteObjects(at.head!);
  expect(JSON.parse(head.stdout)).toEqual(line);
  // the index's warning about the malformed note on another commit, as the full path prints it
  const [warning, ...rest] = head.stderr.split('\n');
  expect(warning).toMatch(
    new RegExp(`^warning: skipped an unreadable agent-log line on commit ${at.malformed}: id: `),
  );
  expect(rest).toEqual(['']);
  const plain = await expectSame(['show', at.plain!, '--json'], SMALL);
  expect(JSON.parse(plain.stdout)).toEqual((await noteObjects(at.plain!))[0]);
  await expectSame(['show', at.plain!, '--format', 'json'], SMALL);
  // no revision and no current run: HEAD
  expect((await expectSame(['show', '--json'], SMALL)).stdout).toBe(head.stdout);
  await expectSame(['show', '--json', '--format=json', at.plain!], SMALL);
});

test('two records on one commit: the small bundle answers with both, newest first', async () => {
  const r = await expectSame(['show', at.two!, '--json'], SMALL);
  const shown = JSON.parse(r.stdout) as { id: string }[];
  const lines = await noteObjects(at.two!);
  const newestFirst = [...lines].sort((a, b) => String(b.ended_at).localeCompare(String(a.ended_at)));
  expect(shown.map((s) => s.id)).toEqual(newestFirst.map((l) => l.id));
  expect(shown.map((s) => s.id)).toEqual(['wq7n3c5d8e', 'mz8p2w4e5f']);
});

test('a run on two commits with an event line: both commits show the record with the approval folded in', async () => {
  for (const commit of [at.first!, at.later!]) {
    const r = await expectSame(['show', commit, '--json'], SMALL);
    const shown = JSON.parse(r.stdout) as { id: string; approvals: { by: string }[]; events: unknown[] };
    expect(shown.id).toBe('p4t8v2x6z0');
    const event = (await noteObjects(at.later!)).find((l) => l.kind === 'event')!;
    expect(shown.approvals.map((a) => a.by)).toEqual([(event.by as { name: string }).name]);
    expect(shown.events).toEqual([event]);
  }
});

test('a malformed line on the commit: handed over, with the full path’s warning', async () => {
  const r = await expectSame(['show', at.malformed!, '--json'], HANDED_OVER);
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(/^warning: skipped a malformed record in the note on [0-9a-f]{12}: /);
  expect(JSON.parse(r.stdout).id).toBe('h2j4k6m8n0');
});

test('a record zod accepts but the compiled parsers do not: handed over', async () => {
  const r = await expectSame(['show', at.proto!, '--json'], HANDED_OVER);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout).id).toBe('r5s7t9u1v3');
});

test('no record on the commit, a revision that is no commit: handed over, the same error and exit code', async () => {
  const none = await expectSame(
    ['show', at.plain!.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')), '--json'],
    HANDED_OVER,
  );
  expect(none.code).toBe(1);
  expect(none.stdout).toBe('');
  const bare = (await repo.git('rev-parse', 'HEAD~7')).trim(); // the initial commit: no note
  const noNote = await expectSame(['show', bare, '--json'], HANDED_OVER);
  expect(noNote.code).toBe(1);
  expect(noNote.stderr).toMatch(/^error: no agent-log record on /);
  // left to read.cjs without loading show.cjs: a revision it does not read itself
  await expectSame(['show', 'HEAD~1', '--json'], ['boot.cjs', 'read.cjs']);
  await expectSame(['show', 'HEAD'], ['boot.cjs', 'read.cjs']);
});

test('journals to seal, and fetched notes not in ours yet: handed over (the full path looks at them first)', async () => {
  const sessions = join(repo.dir, '.git', 'agent-log', 'sessions', 'claude-code');
  mkdirSync(sessions, { recursive: true });
  writeFileSync(join(sessions, 'not-a-session.jsonl'), '');
  try {
    await expectSame(['show', 'HEAD', '--json'], HANDED_OVER);
  } finally {
    rmSync(join(sessions, 'not-a-session.jsonl'));
  }
  const tip = (await repo.git('rev-parse', 'refs/notes/agent-log')).trim();
  const fetched = 'refs/notes/remotes/origin/agent-log';
  // Fetched notes already in ours (a teammate's clone after a sync): nothing to merge, the small bundle.
  await repo.git('update-ref', fetched, tip);
  try {
    await expectSame(['show', 'HEAD', '--json'], SMALL);
    // Fetched notes ahead of ours (after a plain `git fetch`): handed over, and the full path merges them.
    const ahead = (await repo.git('commit-tree', '-p', tip, '-m', 'fetched', `${tip}^{tree}`)).trim();
    await repo.git('update-ref', fetched, ahead);
    await expectSame(['show', 'HEAD', '--json'], HANDED_OVER);
    expect((await repo.git('rev-parse', 'refs/notes/agent-log')).trim()).toBe(ahead);
    await expectSame(['show', 'HEAD', '--json'], SMALL);
  } finally {
    await repo.git('update-ref', '-d', fetched);
  }
  await expectSame(['show', 'HEAD', '--json'], SMALL);
});

test('an open run (start), or only the mark of one: `show --json` is handed over and shows what the full path shows', async () => {
  const started = await cli(repo, ['start', '--task', 'tidy the refund path']);
  expect(started.code).toBe(0);
  const id = started.stdout.trim();
  try {
    const r = await expectSame(['show', '--json'], HANDED_OVER);
    expect(JSON.parse(r.stdout).id).toBe(id);
    await expectSame(['show', 'HEAD', '--json'], HANDED_OVER);
  } finally {
    rmSync(join(repo.dir, '.git', 'agent-log', 'runs'), { recursive: true, force: true });
  }
  // the active-run file alone (its journal gone): the full path decides it names no run
  expect(existsSync(join(repo.dir, '.git', 'agent-log', 'active', 'main'))).toBe(true);
  await expectSame(['show', '--json'], HANDED_OVER);
  rmSync(join(repo.dir, '.git', 'agent-log', 'active'), { recursive: true, force: true });
  await expectSame(['show', '--json'], SMALL);
});

test('no index yet, or one behind the notes: handed over, and the index the full path writes serves the next run', async () => {
  rmSync(join(repo.dir, '.git', 'agent-log', 'index'), { recursive: true, force: true });
  await expectSame(['show', at.plain!, '--json'], HANDED_OVER);
  expect(existsSync(join(repo.dir, '.git', 'agent-log', 'index'))).toBe(true);
  await expectSame(['show', at.plain!, '--json'], SMALL);
  // a note added by plain git: the index no longer describes the notes tip
  repo.write('pay.ts', 'stale\n');
  at.stale = await repo.commit('stale');
  await notes('add', '-m', recordLine('s1t3u5v7w9', 'log the refunds', 7), at.stale);
  const r = await expectSame(['show', 'HEAD', '--json'], HANDED_OVER);
  expect(JSON.parse(r.stdout)).toEqual((await noteObjects(at.stale))[0]);
  await expectSame(['show', 'HEAD', '--json'], SMALL);
});

test('a packed repository (note blobs stored as deltas): the small bundle answers from the packs, as the full path and git do', async () => {
  const made: string[] = [];
  for (let i = 0; i < 24; i++) {
    repo.write('pay.ts', `packed ${i}\n`);
    const commit = await repo.commit(`packed ${i}`);
    const id = `pk${i.toString(36).padStart(2, '0')}x4y6z8`;
    await notes('add', '-m', recordLine(id, `settle the ledger, step ${i}`, 9 + (i % 5)), commit);
    made.push(commit);
  }
  await repo.git('repack', '-a', '-d', '-f', '--depth=50', '--window=50', '--quiet');
  await repo.git('prune-packed');
  // every object packed, and most of these note blobs stored as deltas (verify-pack's long lines)
  expect(await repo.git('count-objects', '-v')).toMatch(/^count: 0$/m);
  const packs = readdirSync(join(repo.dir, '.git', 'objects', 'pack')).filter((f) => f.endsWith('.idx'));
  const verified = await repo.git(
    'verify-pack',
    '-v',
    ...packs.map((f) => join('.git', 'objects', 'pack', f)),
  );
  const deltas = new Set(
    verified
      .split('\n')
      .map((l) => l.split(/\s+/))
      .filter((f) => f[1] === 'blob' && f.length === 7)
      .map((f) => f[0]),
  );
  const blobs = await Promise.all(
    made.map(async (c) => (await repo.git('rev-parse', `refs/notes/agent-log:${c}`)).trim()),
  );
  expect(blobs.filter((b) => deltas.has(b)).length).toBeGreaterThan(made.length / 2);
  expect((await cli(repo, ['log'])).code).toBe(0); // index current
  for (const commit of [made[0]!, made[11]!, made[22]!]) {
    const r = await expectSame(['show', commit, '--json'], SMALL);
    expect(JSON.parse(r.stdout)).toEqual((await noteObjects(commit))[0]);
  }
  const head = await expectSame(['show', 'HEAD', '--json'], SMALL);
  expect(JSON.parse(head.stdout)).toEqual((await noteObjects(made[23]!))[0]);
});

test('a note blob missing from the object store: handed over, the same answer', async () => {
  repo.write('pay.ts', 'missing\n');
  const commit = await repo.commit('missing');
  await notes('add', '-m', recordLine('x2y4z6a8b0', 'drop the cache', 8), commit);
  expect((await cli(repo, ['log'])).code).toBe(0); // index current
  const blob = (await repo.git('rev-parse', `refs/notes/agent-log:${commit}`)).trim();
  unlinkSync(join(repo.dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));
  const r = await expectSame(['show', commit, '--json'], HANDED_OVER);
  expect(r.code).not.toBe(0);
  expect(r.stdout).toBe('');
});

test('stdout closed before the answer (`show --json | true`): exit 0 and the same stderr as the full path', async () => {
  const { spawnSync } = await import('node:child_process');
  const { gitEnv, BIN } = await import('../helpers/repo.js');
  const runs = [false, true].map((slow) => {
    const env = gitEnv(slow ? { AGENT_LOG_SLOW_PATH: '1' } : {});
    const script = `"${process.execPath}" "${BIN}" show ${at.plain} --json 2>"$0" | true; echo "\${PIPESTATUS[0]}"`;
    const r = spawnSync('bash', ['-c', script, probeOut], { cwd: repo.dir, env, encoding: 'utf8' });
    return { status: r.stdout.trim(), stderr: readFileSync(probeOut, 'utf8') };
  });
  expect(runs[0]).toEqual(runs[1]);
  expect(runs[0]!.status).toBe('0');
  expect(runs[0]!.stderr).not.toMatch(/^error|at /m);
});
