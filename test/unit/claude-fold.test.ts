// Hook payload sequences (shapes from reference/agent-formats.md §1.6) folded into session facts.
import { describe, expect, test } from 'vitest';
import { deriveChecks } from '../../src/capture/checks.js';
import { priceFor } from '../../src/capture/session/cost.js';
import { claudeHookEvents as hookEvents } from '../../src/capture/claude-code/transcript-events.js';
import type { SessionEvent } from '../../src/capture/session/events.js';
import { exitCodeFromText, foldSession } from '../../src/capture/session/fold.js';

const base = { session_id: 's1', transcript_path: '/t/s1.jsonl', cwd: '/repo', permission_mode: 'default' };
let clock = Date.parse('2026-11-23T10:00:00Z');
const at = (s: number) => new Date(clock + s * 1000).toISOString();
const ev = (sec: number, payload: Record<string, unknown>): SessionEvent[] =>
  hookEvents({ ...base, ...payload }, at(sec));
const pre = (sec: number, id: string, tool: string, input: Record<string, unknown>, extra = {}) =>
  ev(sec, { hook_event_name: 'PreToolUse', tool_name: tool, tool_use_id: id, tool_input: input, ...extra });
const post = (
  sec: number,
  id: string,
  tool: string,
  input: Record<string, unknown>,
  response: unknown,
  extra = {},
) =>
  ev(sec, {
    hook_event_name: 'PostToolUse',
    tool_name: tool,
    tool_use_id: id,
    tool_input: input,
    tool_response: response,
    ...extra,
  });
const fail = (
  sec: number,
  id: string,
  tool: string,
  input: Record<string, unknown>,
  error: string,
  extra = {},
) =>
  ev(sec, {
    hook_event_name: 'PostToolUseFailure',
    tool_name: tool,
    tool_use_id: id,
    tool_input: input,
    error,
    ...extra,
  });

describe('foldSession over hook events', () => {
  clock = Date.parse('2026-11-23T10:00:00Z');
  const bash = (command: string, extra: Record<string, unknown> = {}) => ({ command, ...extra });
  const events = [
    ...ev(0, { hook_event_name: 'SessionStart', source: 'startup', model: 'claude-opus-4-6' }),
    ...ev(1, { hook_event_name: 'UserPromptSubmit', prompt: '/init' }),
    ...ev(2, { hook_event_name: 'UserPromptSubmit', prompt: 'fix the failing test in src/math.ts' }),
    // two reads in parallel: events interleave
    ...pre(3, 'r1', 'Read', { file_path: '/repo/src/math.ts' }),
    ...pre(3, 'r2', 'Read', { file_path: '/repo/test/math.test.ts' }),
    ...post(
      4,
      'r2',
      'Read',
      { file_path: '/repo/test/math.test.ts' },
      { type: 'text', file: { filePath: '/repo/test/math.test.ts' } },
    ),
    ...post(4, 'r1', 'Read', { file_path: '/repo/src/math.ts' }, { type: 'text' }),
    ...pre(5, 'b1', 'Bash', bash('npm test')),
    ...fail(
      9,
      'b1',
      'Bash',
      bash('npm test'),
      'Exit code 1\nFAIL test/math.test.ts\n  expected 3 received 2',
      { duration_ms: 4100 },
    ),
    ...pre(10, 'e1', 'Edit', { file_path: '/repo/src/math.ts', old_string: 'a - b', new_string: 'a + b' }),
    ...post(11, 'e1', 'Edit', { file_path: '/repo/src/math.ts' }, { filePath: '/repo/src/math.ts' }),
    ...pre(12, 'w0', 'Write', { file_path: '/repo/README.md', content: 'x' }),
    ...fail(
      12,
      'w0',
      'Write',
      { file_path: '/repo/README.md' },
      'File has not been read yet. Read it first before writing to it.',
    ),
    ...pre(13, 'b2', 'Bash', bash('npm test')),
    ...post(16, 'b2', 'Bash', bash('npm test'), {
      stdout: 'PASS test/math.test.ts',
      stderr: '',
      interrupted: false,
    }),
    ...pre(17, 'b3', 'Bash', bash('npm run dev', { run_in_background: true })),
    ...post(17, 'b3', 'Bash', bash('npm run dev', { run_in_background: true }), {
      stdout: '',
      stderr: '',
      interrupted: false,
      backgroundTaskId: 'bg1',
    }),
    ...pre(18, 'b4', 'Bash', bash('sleep 100')),
    ...fail(20, 'b4', 'Bash', bash('sleep 100'), 'Interrupted by user', { is_interrupt: true }),
    ...pre(21, 'b5', 'Bash', bash('cargo build')),
    ...fail(22, 'b5', 'Bash', bash('cargo build'), 'permission denied for this tool'),
    ...pre(22, 'b7', 'Bash', bash('npm run lint')),
    ...ev(22, {
      hook_event_name: 'PermissionDenied',
      tool_name: 'Bash',
      tool_use_id: 'b7',
      tool_input: bash('npm run lint'),
      reason: 'user said no',
    }),
    ...ev(23, { hook_event_name: 'SubagentStart', agent_id: 'a1', agent_type: 'Explore' }),
    ...pre(24, 'g1', 'Grep', { pattern: 'add' }, { agent_id: 'a1', agent_type: 'Explore' }),
    ...post(25, 'g1', 'Grep', { pattern: 'add' }, { numFiles: 1 }, { agent_id: 'a1', agent_type: 'Explore' }),
    ...ev(26, {
      hook_event_name: 'SubagentStop',
      agent_id: 'a1',
      agent_type: 'Explore',
      agent_transcript_path: '/t/s1/subagents/agent-a1.jsonl',
    }),
    ...ev(27, { hook_event_name: 'UserPromptSubmit', prompt: 'also add a test for negatives' }),
    ...pre(28, 'b6', 'Bash', bash("sed -i 's/x/y/' src/util.ts")),
    ...post(29, 'b6', 'Bash', bash("sed -i 's/x/y/' src/util.ts"), { stdout: '', stderr: '' }),
    ...ev(30, { hook_event_name: 'Stop', stop_hook_active: false }),
    ...ev(31, { hook_event_name: 'SessionEnd', reason: 'prompt_input_exit' }),
    ...ev(32, { hook_event_name: 'SomeFutureEvent', foo: 1 }),
  ];
  const facts = foldSession(events, { root: '/repo' });

  test('task: first typed request; the bare slash command before it is kept as the command', () => {
    expect(facts.intent).toBe('fix the failing test in src/math.ts');
    expect(facts.follow_ups).toEqual(['/init', 'also add a test for negatives']);
  });
  test('files read and changed are repo-relative; a failed Write changes nothing', () => {
    expect(facts.files_read.sort()).toEqual(['src/math.ts', 'test/math.test.ts']);
    expect(facts.files_edited).toEqual(['src/math.ts']);
    expect(facts.errors.map((e) => e.tool_use_id)).toEqual(['b1', 'w0', 'b4', 'b5']);
  });
  test('commands: exit codes, durations, interruption, background', () => {
    const c = facts.commands.map((x) => [
      x.command,
      x.exit_code,
      x.duration_ms,
      x.interrupted,
      x.background ?? false,
    ]);
    expect(c).toEqual([
      ['npm test', 1, 4100, false, false],
      ['npm test', 0, 3000, false, false],
      ['npm run dev', null, 0, false, true],
      ['sleep 100', null, 2000, true, false],
      ['cargo build', null, 1000, false, false],
      ['npm run lint', null, null, false, false],
      ["sed -i 's/x/y/' src/util.ts", 0, 1000, false, false],
    ]);
    expect(facts.commands[0]?.output_tail).toMatch(/^Exit code 1\nFAIL/);
    expect(facts.commands[0]?.kind).toBe('test');
    expect(facts.commands[0]?.cwd).toBe('.');
  });
  test('agent facts and subagents', () => {
    expect(facts.model).toBe('claude-opus-4-6');
    expect(facts.session_ids).toEqual(['s1']);
    expect(facts.subagents).toEqual([{ agent_id: 'a1', agent_type: 'Explore' }]);
    expect(facts.started_at).toBe(at(0));
    expect(facts.ended_at).toBe(at(32));
  });
  test('checks: the test failed then passed after the edit; the sed edit came later', () => {
    const checks = deriveChecks(facts.commands, { edits: facts.edit_marks, endTree: null });
    const t = checks.find((x) => x.name === 'npm test');
    expect(t).toMatchObject({ status: 'passed', attempts: 2, retries: 1, after_last_edit: false });
    const b = checks.find((x) => x.name === 'cargo build');
    expect(b?.status).toBe('not-run');
    expect(checks.find((x) => x.name === 'npm run lint')?.status).toBe('skipped');
    expect(facts.denied).toEqual([{ tool: 'Bash', tool_use_id: 'b7', reason: 'user said no' }]);
  });
});

describe('exitCodeFromText', () => {
  test.each([
    ['Exit code 1\nboom', 1],
    ['Error: Exit code 127\nnot found', 127],
    ['  Exit code 2', 2],
    ['boom', null],
    [null, null],
  ])('%j -> %j', (text, code) => {
    expect(exitCodeFromText(text)).toBe(code);
  });
});

describe('priceFor', () => {
  test('dated, prefixed and tagged ids map to a family; unknown ids have no price', () => {
    expect(priceFor('claude-opus-4-6')?.input).toBe(5);
    expect(priceFor('claude-opus-4-1-20250805')?.input).toBe(15);
    expect(priceFor('claude-opus-4-20250514')?.input).toBe(15);
    expect(priceFor('us.anthropic.claude-sonnet-4-5-20250929-v1:0')?.input).toBe(3);
    expect(priceFor('claude-sonnet-4-6[1m]')?.output).toBe(15);
    expect(priceFor('claude-haiku-4-5-20251001')?.cache_read).toBe(0.1);
    expect(priceFor('claude-3-5-haiku-20241022')?.input).toBe(0.8);
    expect(priceFor('claude-opus-4-10')).toBeNull();
    expect(priceFor('gpt-4o')).toBeNull();
    expect(priceFor('claude-opus-5')).toBeNull();
  });
});
