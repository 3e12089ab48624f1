// `blame` of many lines keeps the runs it rendered in the index's facts file (records.v1.facts), and
// the next blame of those lines at the same notes tip prints them from there. Through the built CLI
// on a real repository whose records hold text meant to break a line-based file or a cut between
// JSON keys (tabs, newlines, quotes, backslashes, key-like text, text outside ASCII, line
// separators, a bidi override that display cleaning replaces): the report is the one the
// independent reader (test/helpers/blame-reader.ts) writes from git alone, whichever way it was
// read, and a facts file that does not belong to the index (another tip, size or version, damaged)
// or was written by another build is never read.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { canonicalJson, refLine } from '../../src/record/note-lines.js';
import { blameReader } from '../helpers/blame-reader.js';
import { makeRecord } from '../helpers/records.js';
import { cli, tempRepo, type TempRepo } from '../helpers/repo.js';

let repo: TempRepo;
const FILE = 'src/ledger.ts';
// The threshold lowered, so that a test repository of a dozen commits takes the facts file's way.
const MANY = { AGENT_LOG_BLAME_FACTS_FROM: '2' };
const indexDir = () => join(repo.dir, '.git', 'agent-log', 'index');
const factsFile = () => join(indexDir(), 'records.v1.facts');
const notes = (...args: string[]) => repo.git('notes', '--ref=agent-log', ...args);
const { expectedText } = blameReader({ git: (...args: string[]) => repo.git(...args) });

/** Each run's hostile text: intents stay under blame's 100-character cut. */
const RUNS: { id: string; intent: string; agent: string; note?: string; check: string; weakened?: string }[] =
  [
    { id: 'k7f3q9x2mz', intent: 'split\tthe ledger\nby account', agent: 'claude-code', check: 'npm test' },
    {
      id: 'p4w8n2c6va',
      intent: 'quote " and backslash \\ and "\\",\\"source\\":" text',
      agent: 'codex',
      note: 'after "review" \\ call',
      check: 'npx tsc --noEmit',
    },
    {
      id: 'r2d5t8y1ub',
      intent: '","source":"flag"},"agent":{"name":"evil"},"outcome":{"status":"',
      agent: 'gemini-cli',
      check: 'npm test -- ledger',
      weakened: '|| true',
    },
    {
      id: 'e9h3j6l0qc',
      intent: 'ça marche — 🎉 ledger ✓ 日本語 MARKER-one',
      agent: 'claude-côde',
      note: 'approuvé — ok',
      check: 'vérifier',
    },
    { id: 'm5n8b2v4cx', intent: '', agent: 'aider', check: 'make check' },
    {
      id: 'q1w2e3r4ty',
      intent: 'line\u2028separator and\u2029paragraph',
      agent: 'codex',
      check: 'npm run lint',
    },
    { id: 'z9x8c7v6bn', intent: 'plain intent on a shared commit', agent: 'claude-code', check: 'npm test' },
    {
      id: 'b1d1r3ct10',
      intent: 'a bidi override \u202e reversed here',
      agent: 'codex',
      check: 'npm test -- bidi',
    },
  ];

function record(i: number) {
  const r = RUNS[i]!;
  return canonicalJson(
    makeRecord(r.id, {
      task: { intent: r.intent, source: 'prompt', follow_ups: [r.intent] },
      agent: { name: r.agent, session_ids: [] },
      ended_at: `2026-11-${10 + i}T09:${10 + i}:00Z`,
      checks: [
        {
          name: r.check,
          kind: 'test',
          status: i % 3 === 1 ? 'failed' : 'passed',
          attempts: 1 + (i % 3),
          after_last_edit: i % 2 === 0,
          ...(r.weakened ? { weakened: r.weakened } : {}),
        },
      ],
      approvals: r.note ? [{ by: 'Thomas', scope: 'merge', decision: 'approved', note: r.note }] : [],
      outcome: { status: i === 4 ? 'failed' : 'completed' },
    }),
  );
}

beforeAll(async () => {
  repo = await tempRepo({ files: { 'README.md': 'ledger\n' } });
  const lines = ['// ledger'];
  const add = async (text: string, message: string) => {
    lines.push(text);
    repo.write(FILE, `${lines.join('\n')}\n`);
    return repo.commit(message);
  };
  await add('export const a = 0;', 'a person starts the ledger');
  // Runs 0-5: one commit and one record each; runs 5 and 6 share a commit (two records on it).
  for (let i = 0; i < 5; i++)
    await notes('add', '-m', record(i), await add(`export const r${i} = ${i};`, `run ${i}`));
  await notes(
    'add',
    '-m',
    [record(5), record(6)].join('\n'),
    await add('export const r5 = 5;', 'runs 5 and 6'),
  );
  // A pointer to run 0 on a later commit of the same run, and a revert of run 1 (trailer, no note).
  await notes('add', '-m', refLine(RUNS[0]!.id), await add('export const more = 0;', 'run 0, part 2'));
  await add('// reverted', `Revert run 1\n\nAgent-Log-Revert: ${RUNS[1]!.id}`);
  await add('export const b = 1;', 'a person again');
  await notes('add', '-m', record(7), await add('export const r7 = 7;', 'run 7'));
  expect((await cli(repo, ['log'])).code).toBe(0); // a current index, without a facts file
}, 120_000);
afterAll(() => repo?.cleanup());

const blame = (env: NodeJS.ProcessEnv = MANY, target = FILE) =>
  cli(repo, ['blame', target, '--no-pager'], { env });
/** The facts file: its header, its table and its text. */
const facts = () => {
  const bytes = readFileSync(factsFile());
  const nl = bytes.indexOf(10);
  const tableEnd = bytes.indexOf(10, nl + 1);
  return {
    header: JSON.parse(bytes.toString('latin1', 0, nl)),
    table: JSON.parse(bytes.toString('latin1', nl + 1, tableEnd)) as [string, number, unknown[][]][],
    text: bytes.subarray(tableEnd + 1),
  };
};
/** A blame of the whole file: a current facts file of every commit at the end, whatever there was. */
const withFacts = async () => {
  await blame();
  expect(facts().header.tip).toBe((await repo.git('rev-parse', 'refs/notes/agent-log')).trim());
};

test('the first blame of many lines writes the runs it rendered to the facts file, the next ones read it: one report', async () => {
  rmSync(factsFile(), { force: true });
  const expected = await expectedText(FILE);
  const first = await blame();
  expect(first).toEqual({ code: 0, stdout: expected, stderr: '' });
  const { header, table, text } = facts();
  const commits = (await repo.git('log', '--format=%H')).split('\n').filter(Boolean);
  expect(table.map(([c]) => c).sort()).toEqual(commits.slice(0, -1).sort()); // all but the README's
  // Each run's lines as the report prints them (before display cleaning), whatever its text.
  const runs = table.flatMap(([, , r]) => r) as [string, string, number, number, number][];
  expect(new Set(runs.map(([id]) => id))).toEqual(new Set(RUNS.map((r) => r.id)));
  for (const [id, date, start, length, plain] of runs) {
    expect(date).toMatch(/^2026-11-1\dT09:1\d:00Z$/);
    const lines = text.toString('utf8', start, start + length);
    expect(plain).toBe(id === 'b1d1r3ct10' ? 0 : 1);
    expect(expected).toContain(`\n\n${lines.replace('\u202e', '\ufffd')}\n`);
  }
  expect(header.text).toBe(text.length);
  expect(await blame()).toEqual(first);
  expect(await blame()).toEqual(first);
  // The same through yargs, and below the threshold (index lines through the lookup file).
  expect(await blame({ ...MANY, AGENT_LOG_SLOW_PATH: '1' })).toEqual(first);
  expect(await blame({})).toEqual(first);
  expect(first.stdout).toContain('MARKER-one');
  expect(first.stdout).toContain(`revert of ${RUNS[1]!.id.slice(0, 7)}`);
  expect(first.stdout).toContain('a bidi override \ufffd reversed');
});

test('the report of many lines comes from the facts file once there is one', async () => {
  await withFacts();
  const bytes = readFileSync(factsFile(), 'latin1');
  expect(bytes).toContain('MARKER-one');
  // Changed in place (same length): blame prints what the facts file says.
  writeFileSync(factsFile(), bytes.replace('MARKER-one', 'MARKER-two'), 'latin1');
  try {
    const r = await blame();
    expect(r.stdout).toContain('MARKER-two');
    expect(r.stdout).not.toContain('MARKER-one');
  } finally {
    writeFileSync(factsFile(), bytes, 'latin1');
  }
});

test('a blame of other lines at the same tip adds their commits to the facts file', async () => {
  const expected = await expectedText(FILE);
  rmSync(factsFile(), { force: true });
  expect(await blame()).toEqual({ code: 0, stdout: expected, stderr: '' });
  const fromScratch = readFileSync(factsFile());
  rmSync(factsFile());
  const part = `${FILE}:6,8`;
  const expectedPart = await expectedText(FILE, '6,8');
  expect(await blame(MANY, part)).toEqual({ code: 0, stdout: expectedPart, stderr: '' });
  expect(facts().table).toHaveLength(3);
  const partText = facts().text;
  expect(await blame()).toEqual({ code: 0, stdout: expected, stderr: '' });
  const { table, text } = facts();
  expect(table).toHaveLength(11);
  // The runs kept in place, the new ones after them.
  expect(text.subarray(0, partText.length).equals(partText)).toBe(true);
  expect(readFileSync(factsFile()).equals(fromScratch)).toBe(false);
  expect(await blame()).toEqual({ code: 0, stdout: expected, stderr: '' });
  expect(await blame(MANY, part)).toEqual({ code: 0, stdout: expectedPart, stderr: '' });
  // Past its size limit the file starts over, from the runs of the blame that writes it.
  const small = { ...MANY, AGENT_LOG_FACTS_MAX_BYTES: String(text.length) };
  rmSync(factsFile());
  expect(await blame(small, part)).toEqual({ code: 0, stdout: expectedPart, stderr: '' });
  expect(await blame(small)).toEqual({ code: 0, stdout: expected, stderr: '' });
  // Every commit of that blame once: the commits it read from the file copied after the new ones.
  expect(facts().table).toHaveLength(11);
  expect(facts().text.length).toBe(text.length);
  expect(await blame(small)).toEqual({ code: 0, stdout: expected, stderr: '' });
  expect(await blame(small, part)).toEqual({ code: 0, stdout: expectedPart, stderr: '' });
});

/**
 * A facts file written afresh by this build's blame of FILE: the report it must give, the file as
 * written, its header and header line.
 */
async function freshFacts() {
  rmSync(factsFile(), { force: true });
  await withFacts();
  const expected = await expectedText(FILE);
  const good = readFileSync(factsFile(), 'latin1');
  return { expected, good, header: facts().header, head: good.slice(0, good.indexOf('\n')) };
}

test('a facts file of another tip, index size or version, or a damaged one, is not read', async () => {
  const { expected, good, header, head } = await freshFacts();
  const rest = good.slice(head.length);
  const withHeader = (changes: object) => `${JSON.stringify({ ...header, ...changes })}${rest}`;
  const variants = [
    withHeader({ version: 2 }),
    withHeader({ size: header.size + 1 }),
    withHeader({ tip: '0'.repeat(40) }),
    withHeader({ kind: 'blame-run-1' }),
    withHeader({ table: header.table + 1 }),
    good.slice(0, -40),
    good.replace(/,\[\["[0-9a-z]{10}"/, ',[[7'), // a run without an ID
    good.replace(/\[\["[0-9a-f]{40}",/, '[}'), // not JSON
    'c\tnot a facts file\n',
    '',
  ];
  for (const damaged of variants) {
    expect(damaged).not.toBe(good);
    writeFileSync(factsFile(), damaged, 'latin1');
    expect(await blame()).toEqual({ code: 0, stdout: expected, stderr: '' });
    // Written anew by that blame: good for this index.
    expect(readFileSync(factsFile(), 'latin1')).toBe(good);
  }
});

test('a facts file written by another build of git-agent-log is not read, and is replaced', async () => {
  // Another release, or a local build of changed sources, may render runs otherwise with the same
  // format: its text, for the same index, must not reach this build's report.
  const { expected, good, header, head } = await freshFacts();
  expect(typeof header.build).toBe('string');
  const rendered = good.slice(head.length).replace('MARKER-one', 'MARKER-two');
  // The same file with this build's key is read (the marker shows): the test can see a read.
  writeFileSync(factsFile(), `${head}${rendered}`, 'latin1');
  expect((await blame()).stdout).toContain('MARKER-two');
  writeFileSync(
    factsFile(),
    `${JSON.stringify({ ...header, build: 'an-older-build' })}${rendered}`,
    'latin1',
  );
  expect(await blame()).toEqual({ code: 0, stdout: expected, stderr: '' });
  expect(readFileSync(factsFile(), 'latin1')).toBe(good);
});

test('an index rebuilt from the same notes keeps the facts file that names it; one that names another index goes', async () => {
  rmSync(factsFile(), { force: true });
  await withFacts();
  const expected = await expectedText(FILE);
  const good = readFileSync(factsFile());
  // The index written again from nothing at the same tip: the same bytes, so the facts still hold
  const index = join(indexDir(), 'records.v1');
  const before = readFileSync(index);
  rmSync(index);
  expect((await cli(repo, ['log'])).code).toBe(0);
  expect(readFileSync(index).equals(before)).toBe(true);
  expect(readFileSync(factsFile()).equals(good)).toBe(true);
  expect(await blame()).toEqual({ code: 0, stdout: expected, stderr: '' });
  // A facts file of another tip (text of runs this index may not hold): removed with the rewrite
  const { header } = facts();
  const text = good.toString('latin1');
  const other = `${JSON.stringify({ ...header, tip: '0'.repeat(40) })}${text.slice(text.indexOf('\n'))}`;
  writeFileSync(factsFile(), other, 'latin1');
  rmSync(index);
  expect((await cli(repo, ['log'])).code).toBe(0);
  expect(existsSync(factsFile())).toBe(false);
  expect(await blame()).toEqual({ code: 0, stdout: expected, stderr: '' });
});

test('a note added after the index was built shows up, and the facts file follows the new tip', async () => {
  await withFacts();
  const before = readFileSync(factsFile(), 'latin1');
  // Plain git: a record on the person's commit (line 2), behind the index's back.
  const personCommit = (await repo.git('log', '--format=%H', '--reverse')).split('\n')[1]!;
  const late = canonicalJson(
    makeRecord('l8t3n0t3zz', {
      task: { intent: 'late\trecord', source: 'prompt', follow_ups: [] },
      ended_at: '2026-11-30T12:00:00Z',
      outcome: { status: 'completed' },
    }),
  );
  await notes('add', '-m', late, personCommit);
  try {
    const r = await blame();
    expect(r).toEqual({ code: 0, stdout: await expectedText(FILE), stderr: '' });
    expect(r.stdout).toContain('intent: late record');
    const tip = (await repo.git('rev-parse', 'refs/notes/agent-log')).trim();
    // The first blame at the new tip updated the index; the next writes the facts file, the next reads it.
    expect(await blame()).toEqual(r);
    const after = readFileSync(factsFile(), 'latin1');
    expect(after).not.toBe(before);
    expect(facts().header.tip).toBe(tip);
    expect(after).toContain('l8t3n0t3zz');
    expect(await blame()).toEqual(r);
  } finally {
    await notes('remove', personCommit);
  }
  expect((await blame()).stdout).toBe(await expectedText(FILE));
});

test('an index of an older format is rebuilt, and blame of many lines reads the new one', async () => {
  await withFacts();
  const index = join(indexDir(), 'records.v1');
  const text = readFileSync(index, 'utf8');
  const version = /"version":(\d+)/.exec(text)![1]!;
  writeFileSync(index, text.replace(`"version":${version}`, `"version":${Number(version) - 1}`));
  const expected = await expectedText(FILE);
  expect(await blame()).toEqual({ code: 0, stdout: expected, stderr: '' });
  expect(readFileSync(index, 'utf8')).toBe(text);
  expect(await blame()).toEqual({ code: 0, stdout: expected, stderr: '' });
});
