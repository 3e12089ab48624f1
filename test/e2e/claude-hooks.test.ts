// Claude Code hook sequences (payload shapes from reference/agent-formats.md §1.6) replayed through the
// built CLI on a real repository, then the sealed record checked field by field.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { RunRecord } from '../../src/record/schema.js';
import { cli, type TempRepo, tempRepo } from '../helpers/repo.js';
import { DETACHED_TEST_TIMEOUT_MS, until } from '../helpers/wait.js';

vi.setConfig({ testTimeout: DETACHED_TEST_TIMEOUT_MS, hookTimeout: DETACHED_TEST_TIMEOUT_MS });

const SESSION = 'e2e-session-1';

async function hook(repo: TempRepo, payload: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) {
  const r = await cli(repo, ['hook', 'claude-code'], { input: JSON.stringify(payload), env });
  expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
}

function journalLines(repo: TempRepo, session = SESSION): Record<string, unknown>[] {
  const p = join(repo.dir, '.git/agent-log/sessions/claude-code', `${session}.jsonl`);
  if (!existsSync(p)) return [];
  return readFileSync(p, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

describe('a recorded Claude Code session', () => {
  let repo: TempRepo;
  let transcriptDir: string;
  let record: RunRecord;
  let startCommit: string;
  let endCommit: string;

  beforeAll(async () => {
    repo = await tempRepo({
      files: {
        'src/math.js': 'export const add = (a, b) => a - b;\n',
        'test/math.test.js': "import { add } from '../src/math.js';\n",
        'package.json': JSON.stringify({ name: 'demo', dependencies: { zod: '^3.0.0' } }, null, 2) + '\n',
      },
    });
    startCommit = (await repo.git('rev-parse', 'HEAD')).trim();
    expect((await cli(repo, ['init'])).code).toBe(0);
    repo.write('scratch.txt', 'dirty before the session\n'); // not the agent's doing
    transcriptDir = join(repo.dir, '..', `${repo.dir.split('/').pop()}-claude`);
    mkdirSync(join(transcriptDir, SESSION, 'subagents'), { recursive: true });
    const transcript = join(transcriptDir, `${SESSION}.jsonl`);
    const base = {
      session_id: SESSION,
      transcript_path: transcript,
      cwd: repo.dir,
      permission_mode: 'acceptEdits',
    };
    const at = (p: string) => join(repo.dir, p);
    const ev = (payload: Record<string, unknown>, env?: NodeJS.ProcessEnv) =>
      hook(repo, { ...base, ...payload }, env);
    const pre = (id: string, tool: string, input: Record<string, unknown>, extra = {}) =>
      ev({ hook_event_name: 'PreToolUse', tool_name: tool, tool_use_id: id, tool_input: input, ...extra });
    const post = (id: string, tool: string, input: Record<string, unknown>, response: unknown, extra = {}) =>
      ev({
        hook_event_name: 'PostToolUse',
        tool_name: tool,
        tool_use_id: id,
        tool_input: input,
        tool_response: response,
        ...extra,
      });

    await ev({ hook_event_name: 'SessionStart', source: 'startup', model: 'claude-sonnet-4-5-20250929' });
    await until('the start snapshot', () => journalLines(repo).some((l) => l.type === 'snapshot'));
    await ev({ hook_event_name: 'UserPromptSubmit', prompt: 'make add() add, and prove it with the tests' });
    // two reads issued in one message: their events interleave
    await pre('r1', 'Read', { file_path: at('src/math.js') });
    await pre('r2', 'Read', { file_path: at('test/math.test.js') });
    await post(
      'r2',
      'Read',
      { file_path: at('test/math.test.js') },
      { type: 'text', file: { filePath: at('test/math.test.js'), content: 'x' } },
    );
    await post(
      'r1',
      'Read',
      { file_path: at('src/math.js') },
      { type: 'text', file: { filePath: at('src/math.js'), content: 'y' } },
    );
    await pre('b1', 'Bash', { command: 'npm test' });
    await ev({
      hook_event_name: 'PostToolUseFailure',
      tool_name: 'Bash',
      tool_use_id: 'b1',
      tool_input: { command: 'npm test' },
      error: 'Exit code 1\n  1 failing\n  expected 3, got -1',
      is_interrupt: false,
      duration_ms: 1200,
    });
    await pre('e1', 'Edit', { file_path: at('src/math.js'), old_string: 'a - b', new_string: 'a + b' });
    repo.write('src/math.js', 'export const add = (a, b) => a + b;\n');
    await post(
      'e1',
      'Edit',
      { file_path: at('src/math.js') },
      { filePath: at('src/math.js'), userModified: false },
    );
    await pre('b2', 'Bash', { command: 'npm test' });
    await post(
      'b2',
      'Bash',
      { command: 'npm test' },
      { stdout: '  1 passing', stderr: '', interrupted: false },
      { duration_ms: 900 },
    );
    // a subagent writes the CI workflow
    await ev({ hook_event_name: 'SubagentStart', agent_id: 'a1', agent_type: 'Explore' });
    const sub = { agent_id: 'a1', agent_type: 'Explore' };
    await pre('g1', 'Grep', { pattern: 'add' }, sub);
    await post('g1', 'Grep', { pattern: 'add' }, { numFiles: 1, filenames: ['src/math.js'] }, sub);
    await pre('w1', 'Write', { file_path: at('.github/workflows/ci.yml'), content: 'on: push\n' }, sub);
    repo.write('.github/workflows/ci.yml', 'on: push\n');
    await post('w1', 'Write', { file_path: at('.github/workflows/ci.yml') }, { type: 'create' }, sub);
    await ev({
      hook_event_name: 'SubagentStop',
      ...sub,
      stop_hook_active: false,
      agent_transcript_path: join(transcriptDir, SESSION, 'subagents', 'agent-a1.jsonl'),
    });
    await ev({ hook_event_name: 'UserPromptSubmit', prompt: 'also move zod to v4' });
    // an edit no edit tool reports: sed through Bash
    const sed = `sed -i 's/\\^3.0.0/^4.0.0/' package.json`;
    await pre('b3', 'Bash', { command: sed });
    repo.write('package.json', repo.read('package.json').replace('^3.0.0', '^4.0.0'));
    await post('b3', 'Bash', { command: sed }, { stdout: '', stderr: '' });
    // the commit, made through Bash
    const commit = "git add src .github package.json && git commit -m 'fix add'";
    await pre('b4', 'Bash', { command: commit });
    await repo.git('add', 'src', '.github', 'package.json');
    await repo.git('commit', '-q', '-m', 'fix add');
    endCommit = (await repo.git('rev-parse', 'HEAD')).trim();
    await post('b4', 'Bash', { command: commit }, { stdout: '[main 1234567] fix add', stderr: '' });
    await ev({ hook_event_name: 'Stop', stop_hook_active: false, last_assistant_message: 'Done.' });

    // the transcript Claude Code wrote meanwhile: a streamed message twice, a synthetic notice
    const now = new Date().toISOString();
    const line = (o: Record<string, unknown>) =>
      JSON.stringify({ sessionId: SESSION, timestamp: now, version: '2.1.300', ...o });
    const usage = (input: number, output: number) => ({
      input_tokens: input,
      output_tokens: output,
      cache_read_input_tokens: 0,
    });
    const assistant = (
      id: string,
      req: string,
      u: object,
      model = 'claude-sonnet-4-5-20250929',
      extra = {},
    ) =>
      line({
        type: 'assistant',
        requestId: req,
        message: { id, role: 'assistant', model, content: [], usage: u },
        ...extra,
      });
    writeFileSync(
      transcript,
      [
        line({
          type: 'user',
          message: { role: 'user', content: 'make add() add, and prove it with the tests' },
        }),
        assistant('msg_1', 'req_1', usage(100, 10)),
        assistant('msg_1', 'req_1', usage(100, 50)),
        assistant('msg_2', 'req_2', usage(200, 30)),
        assistant('msg_x', 'req_x', usage(999, 999), '<synthetic>'),
        '{"type":"assistant","torn',
      ].join('\n'),
    );
    writeFileSync(
      join(transcriptDir, SESSION, 'subagents', 'agent-a1.jsonl'),
      assistant('msg_s1', 'req_s1', usage(50, 20), 'claude-sonnet-4-5-20250929', {
        isSidechain: true,
        agentId: 'a1',
      }) + '\n',
    );

    // SessionEnd: the hook returns at once; a detached process seals the run.
    await ev({ hook_event_name: 'SessionEnd', reason: 'prompt_input_exit' });
    const note = await until('the sealed note', async () => {
      try {
        return await repo.git('notes', '--ref=agent-log', 'show', endCommit);
      } catch {
        return null;
      }
    });
    record = JSON.parse(note.split('\n').find((l) => l.includes('"kind":"record"'))!);
  });

  afterAll(() => repo?.cleanup());

  test('task: the first prompt, the later one a follow-up', () => {
    expect(record.task).toMatchObject({
      intent: 'make add() add, and prove it with the tests',
      source: 'prompt',
      follow_ups: ['also move zod to v4'],
    });
    expect(record.task.prompt_times).toHaveLength(2);
  });

  test('agent: name, version from the transcript, model, session, subagent', () => {
    expect(record.agent).toMatchObject({
      name: 'claude-code',
      version: '2.1.300',
      model: 'claude-sonnet-4-5-20250929',
      session_ids: [SESSION],
      subagents: [{ agent_id: 'a1', agent_type: 'Explore' }],
    });
  });

  test('repo: start and end commits, branch', () => {
    expect(record.repo).toMatchObject({
      branch: 'main',
      start_commit: startCommit,
      end_commit: endCommit,
      commits: [endCommit],
    });
    expect(record.outcome.status).toBe('completed');
  });

  test('files read, and changed with edit vs shell attribution; the dirty file before the start is not included', () => {
    expect(record.files.read).toEqual(['src/math.js', 'test/math.test.js']);
    expect(record.files.changed).toEqual([
      { path: '.github/workflows/ci.yml', status: 'added', additions: 1, deletions: 0, via: 'edit' },
      { path: 'package.json', status: 'modified', additions: 1, deletions: 1, via: 'shell' },
      { path: 'src/math.js', status: 'modified', additions: 1, deletions: 1, via: 'edit' },
    ]);
  });

  test('commands: exit codes from PostToolUse / PostToolUseFailure, durations, kinds', () => {
    expect(record.commands.map((c) => [c.command, c.exit_code, c.kind])).toEqual([
      ['npm test', 1, 'test'],
      ['npm test', 0, 'test'],
      [`sed -i 's/\\^3.0.0/^4.0.0/' package.json`, 0, 'other'],
      ["git add src .github package.json && git commit -m 'fix add'", 0, 'other'],
    ]);
    expect(record.commands[0]).toMatchObject({
      duration_ms: 1200,
      output_tail: expect.stringMatching(/^Exit code 1/),
    });
    expect(record.commands[1]?.duration_ms).toBe(900);
  });

  test('checks: the failing test was retried and passed, but edits came after it', () => {
    expect(record.checks).toEqual([
      expect.objectContaining({
        name: 'npm test',
        kind: 'test',
        status: 'passed',
        attempts: 2,
        retries: 1,
        after_last_edit: false,
        weakened: null,
      }),
    ]);
  });

  test('dependencies and configuration from the diff', () => {
    expect(record.dependencies).toEqual([
      { manifest: 'package.json', name: 'zod', from: '^3.0.0', to: '^4.0.0' },
    ]);
    expect(record.config_changes).toEqual(['.github/workflows/ci.yml']);
    expect(record.risk.level).toBe('high');
  });

  test('cost: streamed duplicate once, synthetic excluded, subagent file counted', () => {
    expect(record.cost).toMatchObject({
      model: 'claude-sonnet-4-5-20250929',
      input_tokens: 350,
      output_tokens: 100,
      known: true,
      messages: 3,
    });
    expect(record.cost?.usd).toBeCloseTo(0.00255, 6);
  });

  test('the commit made during the session carries the run ID as a trailer (found again after a squash)', async () => {
    const message = await repo.git('log', '-1', '--format=%B', endCommit);
    expect(message).toContain(`Agent-Log: ${record.id}`);
  });

  test('the session journal is retired once sealed', async () => {
    // the background seal moves it right after the notes ref moved
    await until('the journal to be retired', () => journalLines(repo).length === 0);
    expect(existsSync(join(repo.dir, '.git/agent-log/sealed/claude-code'))).toBe(true);
  });
});
