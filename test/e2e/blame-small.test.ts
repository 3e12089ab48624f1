// The small `blame` bundle (dist/blame.cjs): `blame` as text from a current index answers there
// alone; anything else goes to the read bundle, before git blame starts or after it with git's lines
// handed over (git blame then runs once). Whichever way, the run prints the bytes the yargs path
// prints (AGENT_LOG_SLOW_PATH=1): stdout, stderr and exit code, and the report is the independent
// reader's (test/helpers/blame-reader.ts). Through the built CLI on a real repository whose index
// holds a warning (a record line that is not a valid record), with a load probe naming the bundles each run read.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { canonicalJson } from '../../src/record/note-lines.js';
import { blameReader } from '../helpers/blame-reader.js';
import { makeRecord } from '../helpers/records.js';
import { cli, ROOT, tempRepo, type TempRepo } from '../helpers/repo.js';

let repo: TempRepo;
const FILE = 'src/orders/place.ts';
const MANY = { AGENT_LOG_BLAME_FACTS_FROM: '2' };
const SLOW = { ...MANY, AGENT_LOG_SLOW_PATH: '1' };
const notes = (...args: string[]) => repo.git('notes', '--ref=agent-log', ...args);
const indexDir = () => join(repo.dir, '.git', 'agent-log', 'index');
const { expectedText } = blameReader({ git: (...args: string[]) => repo.git(...args) });
const probe = join(ROOT, 'test', 'fixtures', 'load-probe.cjs');
const IDS = ['w3n8c5x1qa', 'h6j2m9t4rb', 'd0f7k3p8sc'];

beforeAll(async () => {
  repo = await tempRepo({ files: { 'README.md': 'orders\n' } });
  const lines = ['// place.ts'];
  const add = async (text: string, message: string) => {
    lines.push(text);
    repo.write(FILE, `${lines.join('\n')}\n`);
    return repo.commit(message);
  };
  await add('export const limit = 10;', 'a person sets the limit');
  for (const [i, id] of IDS.entries()) {
    const record = canonicalJson(
      makeRecord(id, {
        task: { intent: `orders step ${i} — ü\tand a tab`, source: 'prompt', follow_ups: [] },
        ended_at: `2026-11-2${i}T08:0${i}:00Z`,
        outcome: { status: 'completed' },
      }),
    );
    const commit = await add(`export const step${i} = ${i};`, `run ${i}`);
    // The second run's note also holds a line of its run with a schema name that is not ours: the
    // index keeps a warning (and the record line before it).
    const broken = JSON.stringify({ schema: 'agent-log/1', kind: 'record', id });
    await notes('add', '-m', i === 1 ? `${record}\n${broken}` : record, commit);
  }
  await add('export const done = true;', 'a person again');
  expect((await cli(repo, ['log'])).code).toBe(0);
}, 120_000);
afterAll(() => repo?.cleanup());

/** A run through the load probe: its result and the bundles it read. */
async function probed(args: string[], env: NodeJS.ProcessEnv = MANY) {
  const out = join(tmpdir(), `agent-log-blame-probe-${process.pid}.json`);
  rmSync(out, { force: true });
  const r = await cli(repo, args, {
    env: { ...env, NODE_OPTIONS: `--require=${probe}`, LOAD_PROBE_OUT: out },
  });
  const { bundles } = JSON.parse(readFileSync(out, 'utf8')) as { bundles: string[] };
  rmSync(out, { force: true });
  return { result: r, bundles: [...new Set(bundles.map((b) => basename(b)))].sort() };
}

/** Run `args` both ways: the same stdout, stderr and exit code; the bundles the fast run read. */
async function bothWays(args: string[]) {
  const { result, bundles } = await probed(args);
  const slow = await cli(repo, args, { env: SLOW });
  expect({ args, ...result }).toEqual({ args, ...slow });
  return { result, bundles };
}

test('a current index: blame.cjs answers alone, through the lookup file and then the facts file', async () => {
  rmSync(join(indexDir(), 'records.v1.facts'), { force: true });
  const expected = await expectedText(FILE);
  for (let i = 0; i < 2; i++) {
    const { result, bundles } = await bothWays(['blame', FILE, '--no-pager']);
    expect(result.stdout).toBe(expected);
    expect(result.stderr).toMatch(/^warning: .*\n$/); // the index's warning, once
    expect(bundles).toEqual(['blame.cjs', 'boot.cjs']);
  }
  // A range, and few commits (below the facts file's threshold): the same.
  for (const [args, env] of [
    [['blame', `${FILE}:3,4`], MANY],
    [['blame', FILE], {}],
  ] as const) {
    const { result, bundles } = await probed([...args], env);
    expect(result).toEqual(await cli(repo, [...args], { env: { ...env, AGENT_LOG_SLOW_PATH: '1' } }));
    expect(bundles).toEqual(['blame.cjs', 'boot.cjs']);
  }
});

test('JSON, a bad range, a file git cannot blame, a bad revision: the read bundle, with the same bytes and exit code', async () => {
  for (const args of [
    ['blame', FILE, '--json'],
    ['blame', `${FILE}:0`],
    ['blame', 'missing.ts'],
    ['blame', FILE, '--rev', 'no-such-rev'],
  ]) {
    const { result, bundles } = await bothWays(args);
    expect(bundles).toContain('read.cjs');
    expect(result.code).toBe(args[2] === '--json' ? 0 : 2);
  }
});

/** A probed run of many lines under GIT_TRACE, with how many times it started `git blame`. */
async function traced(args: string[]) {
  const trace = join(tmpdir(), `agent-log-blame-trace-${process.pid}.txt`);
  try {
    const run = await probed(args, { ...MANY, GIT_TRACE: trace });
    const blames = readFileSync(trace, 'utf8')
      .split('\n')
      .filter((l) => / trace: built-in: git blame /.test(l)).length;
    return { ...run, blames };
  } finally {
    rmSync(trace, { force: true });
  }
}

test('an index behind the notes: the read bundle updates it before git blame starts and keeps the runs it rendered, and the next run is blame.cjs alone', async () => {
  const person = (await repo.git('log', '--format=%H', '--reverse')).split('\n')[1]!;
  const late = canonicalJson(
    makeRecord('l4t3r3c0rd', {
      task: { intent: 'late record', source: 'prompt', follow_ups: [] },
      ended_at: '2026-11-29T08:00:00Z',
      outcome: { status: 'completed' },
    }),
  );
  await notes('add', '-m', late, person);
  const factsFile = join(indexDir(), 'records.v1.facts');
  rmSync(factsFile, { force: true });
  try {
    const { result, bundles, blames } = await traced(['blame', FILE, '--no-pager']);
    expect(blames).toBe(1);
    expect(bundles).toEqual(['blame.cjs', 'boot.cjs', 'read.cjs']);
    expect(result.stdout).toBe(await expectedText(FILE));
    expect(result.stdout).toContain('intent: late record');
    // The blame that updated the index kept what it rendered, for the new notes tip.
    const header = readFileSync(factsFile, 'latin1').split('\n', 1)[0]!;
    expect(JSON.parse(header).tip).toBe((await repo.git('rev-parse', 'refs/notes/agent-log')).trim());
    // The next one reads those runs: blame.cjs alone, the same report.
    const next = await probed(['blame', FILE, '--no-pager']);
    expect(next.bundles).toEqual(['blame.cjs', 'boot.cjs']);
    expect(next.result.stdout).toBe(result.stdout);
    await bothWays(['blame', FILE, '--no-pager']);
  } finally {
    await notes('remove', person);
  }
});

test('a lookup file cut short: blame.cjs writes it anew from the index and answers alone', async () => {
  await cli(repo, ['log']);
  rmSync(join(indexDir(), 'records.v1.facts'), { force: true });
  const lookup = join(indexDir(), 'records.v1.at');
  const good = readFileSync(lookup);
  // Its header still names the index; its end is cut, so reading its lines fails.
  writeFileSync(lookup, good.subarray(0, good.length - 2));
  const { result, bundles, blames } = await traced(['blame', FILE, '--no-pager']);
  expect(blames).toBe(1);
  expect(bundles).toEqual(['blame.cjs', 'boot.cjs']);
  expect(readFileSync(lookup).equals(good)).toBe(true);
  writeFileSync(lookup, good.subarray(0, good.length - 2));
  const slow = await cli(repo, ['blame', FILE, '--no-pager'], { env: SLOW });
  expect(result).toEqual(slow);
  expect(result.stdout).toBe(await expectedText(FILE));
});

test('a lookup file that fails after git blame ran: its lines are handed over, and git blame runs once', async () => {
  await cli(repo, ['log']);
  rmSync(join(indexDir(), 'records.v1.facts'), { force: true });
  const lookup = join(indexDir(), 'records.v1.at');
  const index = join(indexDir(), 'records.v1');
  const good = readFileSync(lookup);
  // Its header still names the index; its end is cut, so reading its lines fails; and it cannot be
  // written anew: a notes line of the index, damaged in place (same size), does not read.
  const cut = good.subarray(0, good.length - 2);
  const text = readFileSync(index, 'latin1');
  const n = text.indexOf('\nn\t') + 1;
  const damaged = Buffer.from(`${text.slice(0, n + 42)} ${text.slice(n + 43)}`, 'latin1');
  expect(damaged.length).toBe(text.length);
  writeFileSync(lookup, cut);
  writeFileSync(index, damaged);
  const { result, bundles, blames } = await traced(['blame', FILE, '--no-pager']);
  expect(blames).toBe(1);
  expect(bundles).toEqual(['blame.cjs', 'boot.cjs', 'read.cjs']);
  writeFileSync(lookup, cut);
  writeFileSync(index, damaged);
  const slow = await cli(repo, ['blame', FILE, '--no-pager'], { env: SLOW });
  expect(result).toEqual(slow);
  expect(result.stdout).toBe(await expectedText(FILE));
});
