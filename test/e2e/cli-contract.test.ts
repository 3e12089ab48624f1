// The CLI contract on bad input, through the built CLI: exit 2 for bad usage or input, 1 for not
// found or a failed check, and one line on stderr saying which. Also the two repository states we
// refuse (a bare repository for `start`, a symbolic link at .git/agent-log) and purge dropping the
// record's text from the query index at once.
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, type TempRepo, tempRepo } from '../helpers/repo.js';

let repo: TempRepo;

const cleanups: (() => void)[] = [];

beforeAll(async () => {
  repo = await tempRepo({ files: { 'src/app.ts': 'export const a = 1;\n' } });
  await cli(repo, ['start', '--task', 'seed run']);
  repo.write('src/app.ts', 'export const a = 2;\n');
  await repo.commit('seed');
  expect((await cli(repo, ['finish'])).code).toBe(0);
});

afterAll(() => {
  repo?.cleanup();
  for (const c of cleanups) c();
});

/** Exactly one line on stderr, and the exit code. */
async function oneLine(args: string[], dir: string | TempRepo = repo) {
  const r = await cli(dir, args);
  return { code: r.code, lines: r.stderr.split('\n').filter(Boolean) };
}

describe('bad input: exit 2 with one line', () => {
  test.each([
    [['show', ''], 'error: empty record ID or revision (give one, or none for the current run or HEAD)'],
    [['pr', ' '], 'error: empty record ID or revision (give one, or none for the current run or HEAD)'],
    [['query', '--file', '['], "error: --file: unbalanced '[' in pattern '['"],
    [['query', '--read', 'src/{a,b'], "error: --read: unbalanced '{' in pattern 'src/{a,b'"],
    [['query', '--file', ''], 'error: --file: empty pattern'],
    [['log', '-n', ''], "error: -n: expected a whole number, got ''"],
    [['log', '-n', 'ten'], "error: -n: expected a whole number, got 'ten'"],
    [['query', '-n', '-1'], "error: -n: expected a whole number, got '-1'"],
    [['verify', 'HEAD..nonexistent'], "error: unknown revision 'nonexistent' in range 'HEAD..nonexistent'"],
    [['verify', 'nope..HEAD'], "error: unknown revision 'nope' in range 'nope..HEAD'"],
    [['scan', 'bad..range..x'], "error: 'bad..range..x' is not a range: use A..B"],
    [['scan', 'HEAD..nonexistent'], "error: unknown revision 'nonexistent' in range 'HEAD..nonexistent'"],
    [['adopt', 'HEAD..nonexistent'], "error: unknown revision 'nonexistent' in range 'HEAD..nonexistent'"],
  ])('%j', async (args, line) => {
    expect(await oneLine(args)).toEqual({ code: 2, lines: [line] });
  });

  test('a bracket pair is a literal part of a path glob (app/[slug]/page.tsx), not an error', async () => {
    const r = await cli(repo, ['query', '--file', 'app/[slug]/**']);
    expect(r.code).toBe(1); // nothing matches: grep's "no match", not bad input
    expect(r.stderr).toBe('');
  });

  test('an unknown record stays "not found": exit 1, one line', async () => {
    expect(await oneLine(['show', 'zzzzzzz'])).toEqual({
      code: 1,
      lines: ["error: no record or revision matches 'zzzzzzz'"],
    });
  });
});

describe('free-text values may start with dashes', () => {
  test('--constraint "-----BEGIN…" and "- item" are values, not flags', async () => {
    const other = await tempRepo({ files: { 'a.txt': '1' } });
    cleanups.push(() => other.cleanup());
    const r = await cli(other, [
      'start',
      '--task',
      '-- careful: keep the key out',
      '--constraint',
      '-----BEGIN CHANGE FREEZE----- no deploys until Monday',
      '--constraint',
      '-----BEGIN OPENSSH PRIVATE KEY-----',
      '--constraint',
      '- no schema changes',
      '--constraint=-x is fine too',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const id = r.stdout.trim();
    other.write('a.txt', '2');
    await other.commit('change');
    expect((await cli(other, ['finish'])).code).toBe(0);
    const rec = JSON.parse(await other.git('notes', '--ref=agent-log', 'show', 'HEAD')) as {
      id: string;
      task: { intent: string };
      boundary: { constraints: string[] };
    };
    expect(rec.id).toBe(id);
    expect(rec.task.intent).toBe('-- careful: keep the key out');
    expect(rec.boundary.constraints).toEqual([
      '-----BEGIN CHANGE FREEZE----- no deploys until Monday',
      '[REDACTED:private-key]', // read as a value, and then redacted like any other

      '- no schema changes',
      '-x is fine too',
    ]);
  });

  test('a flag after a free-text option is still a flag when the option has no value', async () => {
    const r = await oneLine(['start', '--task', '--json']);
    expect(r.code).toBe(2);
  });
});

describe('repository states we refuse', () => {
  test('start in a bare repository: exit 2, one line, as init', async () => {
    const bare = await tempRepo({ bare: true });
    cleanups.push(() => bare.cleanup());
    expect(await oneLine(['start', '--task', 'x'], bare)).toEqual({
      code: 2,
      lines: ['error: start needs a working tree (this is a bare repository)'],
    });
    expect((await oneLine(['init'], bare)).code).toBe(2);
  });

  test('a symbolic link at .git/agent-log is refused, and nothing is written through it', async () => {
    const other = await tempRepo({ files: { 'a.txt': '1' } });
    const outside = mkdtempSync(join(tmpdir(), 'agent-log-outside-'));
    cleanups.push(() => {
      other.cleanup();
      rmSync(outside, { recursive: true, force: true });
    });
    const link = join(other.dir, '.git', 'agent-log');
    symlinkSync(outside, link);
    for (const args of [['start', '--task', 'x'], ['log']]) {
      expect(await oneLine(args, other)).toEqual({
        code: 2,
        lines: [
          `error: ${link} is a symbolic link; refusing to follow it (it could send our writes outside the repository): replace it with a directory`,
        ],
      });
    }
    // The agent hook never blocks and never complains, and writes nothing either.
    const payload = JSON.stringify({
      session_id: '3f1c2b7e-9a4d-4e8b-b6a1-0c2d4e6f8a10',
      cwd: other.dir,
      hook_event_name: 'UserPromptSubmit',
      prompt: 'add validation',
    });
    const hook = await cli(other, ['hook', 'claude-code'], {
      input: payload,
      env: { AGENT_LOG_NO_BACKGROUND: '1' },
    });
    expect(hook.code).toBe(0);
    expect(hook.stdout + hook.stderr).toBe('');
    expect(readdirSync(outside)).toEqual([]);
  });
});

describe('purge', () => {
  test("drops the record's text from the query index at once, before any read command", async () => {
    const other = await tempRepo({ files: { 'a.txt': '1' } });
    cleanups.push(() => other.cleanup());
    const secretIntent = 'rotate the Hx7Qv2 staging credentials';
    const id = (await cli(other, ['start', '--task', secretIntent])).stdout.trim();
    other.write('a.txt', '2');
    await other.commit('change');
    expect((await cli(other, ['finish'])).code).toBe(0);
    expect((await cli(other, ['log'])).stdout).toContain('Hx7Qv2'); // the index now holds it
    const indexDir = join(other.dir, '.git', 'agent-log', 'index');
    const indexText = () =>
      readdirSync(indexDir)
        .map((f) => readFileSync(join(indexDir, f), 'utf8'))
        .join('\n');
    expect(indexText()).toContain('Hx7Qv2');
    const r = await cli(other, ['purge', id, '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(indexText()).not.toContain('Hx7Qv2');
    expect((await cli(other, ['log'])).stdout).not.toContain('Hx7Qv2');
  });
});
