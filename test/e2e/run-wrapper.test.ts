// `git agent-log run -- AGENT…`: any agent recorded on day one. The "agent" here is a real process
// (a node script) that edits a file, routes its test through `git agent-log exec`, commits and
// exits; the record is read back from `git notes show` by an independent reader.
import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { BIN, cli, gitEnv, type TempRepo, tempRepo } from '../helpers/repo.js';

let repo: TempRepo | null = null;
afterEach(() => {
  repo?.cleanup();
  repo = null;
});

interface NoteRecord {
  kind: string;
  id: string;
  agent: { name: string };
  task: { intent: string };
  files: { changed: { path: string }[] };
  commands: { command: string; exit_code: number | null; kind: string }[];
  checks: { kind: string; status: string }[];
  outcome: { status: string };
}

function recordOn(dir: string, rev: string): NoteRecord {
  const text = execFileSync('git', ['notes', '--ref=agent-log', 'show', rev], {
    cwd: dir,
    env: gitEnv(),
    encoding: 'utf8',
  });
  const lines = text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as NoteRecord);
  return lines.find((l) => l.kind === 'record')!;
}

/** A scripted agent: edits src/a.ts, runs its test through our exec, commits, exits with `code`. */
function agentScript(dir: string, code: number): string {
  const path = join(dir, '.agent.mjs');
  writeFileSync(
    path,
    `import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
writeFileSync('src/a.ts', 'export const a = 2;\\n');
execFileSync(process.execPath, [${JSON.stringify(BIN)}, 'exec', '--kind', 'test', '--', process.execPath, '-e', '0'], { stdio: 'inherit' });
execFileSync('git', ['commit', '-q', '-am', 'agent: bump a'], { stdio: 'inherit' });
process.exit(${code});
`,
  );
  // the agent's own program is not part of the repository's change
  writeFileSync(join(dir, '.git', 'info', 'exclude'), '.agent.mjs\n', { flag: 'a' });
  return path;
}

describe('run wraps a whole agent process', () => {
  test('a successful agent: the test it ran through exec, its commit and its exit are one sealed run', async () => {
    repo = await tempRepo({ files: { 'src/a.ts': 'export const a = 1;\n' } });
    expect((await cli(repo, ['init'])).code).toBe(0);
    const script = agentScript(repo.dir, 0);
    const r = await cli(repo, [
      'run',
      '--task',
      'bump a',
      '--allow',
      'src/**',
      '--',
      process.execPath,
      script,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const id = /agent-log: run ([0-9a-z]+) \(/.exec(r.stderr)![1]!;

    const record = recordOn(repo.dir, 'HEAD');
    expect(record.id).toBe(id);
    expect(record.agent.name).toBe('node');
    expect(record.task.intent).toBe('bump a');
    expect(record.files.changed.map((f) => f.path)).toEqual(['src/a.ts']);
    expect(record.outcome.status).toBe('completed');
    const agentCommand = record.commands.find((c) => c.command.endsWith('.agent.mjs'))!;
    expect(agentCommand).toMatchObject({ exit_code: 0, kind: 'other' });
    expect(record.checks).toEqual([expect.objectContaining({ kind: 'test', status: 'passed' })]);
    expect((await cli(repo, ['verify', id])).code).toBe(0);
  }, 120_000);

  test('an agent that exits non-zero: the run is failed and run exits with the agent’s code', async () => {
    repo = await tempRepo({ files: { 'src/a.ts': 'export const a = 1;\n' } });
    expect((await cli(repo, ['init'])).code).toBe(0);
    const script = agentScript(repo.dir, 3);
    const r = await cli(repo, ['run', '--agent', 'acme-bot', '--', process.execPath, script]);
    expect(r.code).toBe(3);
    const record = recordOn(repo.dir, 'HEAD');
    expect(record.agent.name).toBe('acme-bot');
    expect(record.outcome.status).toBe('failed');
    // no --task: the intent is the command line that ran
    expect(record.task.intent).toContain('.agent.mjs');
  }, 120_000);

  test('a command that does not exist: exit 127, one error line, and no run left waiting for a commit', async () => {
    repo = await tempRepo({ files: { 'a.txt': 'a\n' } });
    expect((await cli(repo, ['init'])).code).toBe(0);
    const r = await cli(repo, ['run', '--task', 'x', '--', 'no-such-agent-xyz']);
    expect(r.code).toBe(127);
    expect(r.stderr).toContain('error: cannot run no-such-agent-xyz: command not found');
    expect(r.stderr).not.toMatch(/pending|a commit that changes its files/);
    // A typo in the agent's name is not a run: a pending run with no files would wait for a commit
    // forever (listed by log, with no command to drop it). No journal, no run, a new one can start.
    expect(readdirSync(join(repo.dir, '.git', 'agent-log', 'runs'))).toEqual([]);
    const log = await cli(repo, ['log', '--json']);
    expect(JSON.parse(log.stdout)).toEqual([]);
    expect((await cli(repo, ['start', '--task', 'the next run'])).code).toBe(0);
  }, 120_000);

  test('no command is bad input: exit 2, one line', async () => {
    repo = await tempRepo({ files: { 'a.txt': 'a\n' } });
    const r = await cli(repo, ['run', '--task', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('error: no agent command given');
  });
});
