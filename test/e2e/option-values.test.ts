// Options that cannot do what was typed are usage errors through the built CLI: an option that takes
// a value typed without one (yargs read `query --agent` as an empty list, and the query then matched
// every run instead of none), and `--json` with a `--format` that asks for another output.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { cli, type TempRepo, tempRepo } from '../helpers/repo.js';

let repo: TempRepo | undefined;
afterEach(() => repo?.cleanup());

async function twoRuns(): Promise<{ repo: TempRepo; ids: string[] }> {
  repo = await tempRepo({ files: { 'README.md': '# demo\n' } });
  const ids: string[] = [];
  for (const [agent, file] of [
    ['codex', 'src/a.ts'],
    ['aider', 'src/b.ts'],
  ] as const) {
    const r = await cli(repo, ['start', '--task', `edit ${file}`, '--agent', agent]);
    expect(r.code, r.stderr).toBe(0);
    ids.push(r.stdout.trim());
    repo.write(file, 'export {};\n');
    await repo.git('add', '-A');
    await repo.git('commit', '-q', '-m', `edit ${file}`);
    expect((await cli(repo, ['finish'])).code).toBe(0);
  }
  return { repo, ids };
}

describe('an option given without its value', () => {
  test.each([
    [['query', '--agent'], '--agent'],
    [['query', '--file', '--format', '%id'], '--file'],
    [['query', '--agent', 'codex', '--format'], '--format'],
    [['log', '-n'], '-n'],
    [['log', '--max-count', '--json'], '--max-count'],
  ])('%j: exit 2, one line naming the option', async (args, option) => {
    const { repo } = await twoRuns();
    const r = await cli(repo, [...args, '--no-pager']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe(`error: ${option} needs a value`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test('exec --check right before -- runs nothing and says the check has no name', async () => {
    repo = await tempRepo({ files: { 'README.md': '# demo\n' } });
    expect((await cli(repo, ['start', '--task', 'x'])).code).toBe(0);
    const r = await cli(repo, [
      'exec',
      '--check',
      '--',
      'node',
      '-e',
      'require("fs").writeFileSync("ran", "")',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('error: --check needs a value');
    expect(existsSync(join(repo.dir, 'ran'))).toBe(false);
  });

  test('with its value the same options still work, and an explicit empty value is judged by the command', async () => {
    const { repo, ids } = await twoRuns();
    const codex = await cli(repo, ['query', '--agent', 'codex', '--format', '%id', '--no-pager']);
    expect(codex.code, codex.stderr).toBe(0);
    expect(codex.stdout.trim()).toBe(ids[0]);
    const one = await cli(repo, ['log', '-n', '1', '--format', '%id', '--no-pager']);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout.trim().split('\n')).toHaveLength(1);
    const empty = await cli(repo, ['query', '--agent', '', '--no-pager']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/^error: --agent: empty pattern/);
  });
});

describe('--json with a --format that asks for something else', () => {
  test.each([
    [['show', 'HEAD', '--json', '--format', 'md'], 'show: --json and --format md ask for two outputs'],
    [['show', 'HEAD', '--format', 'html', '--json'], 'show: --json and --format html ask for two outputs'],
    [['log', '--json', '--format', '%id'], 'log: --json and --format %id ask for two outputs'],
    [
      ['query', '--agent', 'codex', '--json', '--format', '%id'],
      'query: --json and --format %id ask for two outputs',
    ],
  ])('%j: exit 2, one line, nothing printed', async (args, message) => {
    const { repo } = await twoRuns();
    const r = await cli(repo, [...args, '--no-pager']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe(`error: ${message}`);
  });

  test('show --json --format json is one output asked twice, and gives the record as git notes holds it', async () => {
    const { repo, ids } = await twoRuns();
    const r = await cli(repo, ['show', 'HEAD', '--json', '--format', 'json', '--no-pager']);
    expect(r.code, r.stderr).toBe(0);
    // the independent reader: the note git holds on HEAD
    const note = (await repo.git('notes', '--ref=agent-log', 'show', 'HEAD')).trim().split('\n');
    const record = note
      .map((l) => JSON.parse(l) as { kind?: string; id?: string })
      .find((l) => l.kind === 'record');
    expect(record?.id).toBe(ids[1]);
    expect((JSON.parse(r.stdout) as { id: string }).id).toBe(ids[1]);
  });
});
