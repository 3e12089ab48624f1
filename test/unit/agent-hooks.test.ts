// Codex and Gemini hook payloads (reference/agent-formats.md §4.2, §5.1) folded into session facts, and
// the hook entries written into their settings files.
import { agentHookCommand } from '../../src/capture/hook-command.js';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { findCodexRollout } from '../../src/capture/codex/adapter.js';
import { CODEX_HOOKS } from '../../src/capture/codex/install.js';
import { GEMINI_HOOKS } from '../../src/capture/gemini/install.js';
import { foldSession } from '../../src/capture/session/fold.js';
import { addOurHooks, removeOurHooks } from '../../src/capture/claude-code/install.js';
import { codexHookEvents } from '../../src/capture/codex/hook-events.js';
import { geminiHookEvents } from '../../src/capture/gemini/hook-events.js';

const t = (s: number) => new Date(Date.parse('2026-11-23T10:00:00Z') + s * 1000).toISOString();

describe('Codex hook payloads', () => {
  const base = {
    session_id: 'th-1',
    turn_id: '1',
    transcript_path: null,
    cwd: '/repo',
    model: 'gpt-5-codex',
  };
  const ev = (s: number, p: Record<string, unknown>) => codexHookEvents({ ...base, ...p }, t(s));
  const patch =
    '*** Begin Patch\n*** Update File: src/a.ts\n@@\n-a\n+b\n*** Add File: src/b.ts\n+c\n*** End Patch';
  const events = [
    ...ev(0, { hook_event_name: 'SessionStart', source: 'startup' }),
    ...ev(1, { hook_event_name: 'UserPromptSubmit', prompt: 'fix the build' }),
    ...ev(2, {
      hook_event_name: 'PreToolUse',
      tool_name: 'Bash',
      tool_use_id: 'c1',
      tool_input: { command: 'npm run build' },
    }),
    ...ev(5, {
      hook_event_name: 'PostToolUse',
      tool_name: 'Bash',
      tool_use_id: 'c1',
      tool_input: { command: 'npm run build' },
      tool_response: 'Exit code: 2\nWall time: 3 seconds\nOutput:\nerror TS2304',
    }),
    ...ev(6, {
      hook_event_name: 'PreToolUse',
      tool_name: 'apply_patch',
      tool_use_id: 'p1',
      tool_input: { command: patch },
    }),
    ...ev(7, {
      hook_event_name: 'PostToolUse',
      tool_name: 'apply_patch',
      tool_use_id: 'p1',
      tool_input: { command: patch },
      tool_response: 'Success.',
    }),
    ...ev(8, {
      hook_event_name: 'PreToolUse',
      tool_name: 'Bash',
      tool_use_id: 'c2',
      tool_input: { command: ['bash', '-lc', 'npm test'] },
    }),
    ...ev(9, {
      hook_event_name: 'PostToolUse',
      tool_name: 'Bash',
      tool_use_id: 'c2',
      tool_input: { command: ['bash', '-lc', 'npm test'] },
      tool_response: { exit_code: 0, stdout: 'ok', stderr: '' },
    }),
    ...ev(10, {
      hook_event_name: 'PreToolUse',
      tool_name: 'Bash',
      tool_use_id: 'c3',
      tool_input: { command: 'ls' },
    }),
    ...ev(10, {
      hook_event_name: 'PostToolUse',
      tool_name: 'Bash',
      tool_use_id: 'c3',
      tool_input: { command: 'ls' },
      tool_response: 'a\nb',
    }),
    ...ev(11, { hook_event_name: 'Stop' }),
  ];
  const facts = foldSession(events, { root: '/repo' });

  test('prompt, model and session', () => {
    expect(facts.intent).toBe('fix the build');
    expect(facts.session_ids).toEqual(['th-1']);
  });

  test('Bash: exit codes from a text header or an exit_code field; unknown when the response does not say', () => {
    expect(facts.commands.map((c) => [c.command, c.exit_code, c.kind])).toEqual([
      ['npm run build', 2, 'build'],
      ['npm test', 0, 'test'],
      ['ls', null, 'other'],
    ]);
    expect(facts.commands[0]?.output_tail).toBe('error TS2304');
  });

  test('apply_patch: the files of the patch are edits', () => {
    expect(facts.files_edited).toEqual(['src/a.ts', 'src/b.ts']);
  });
});

describe('Gemini hook payloads', () => {
  const base = {
    session_id: 'gs-1',
    transcript_path: '/home/u/.gemini/tmp/p/chats/session-x.jsonl',
    cwd: '/repo',
  };
  const line = (s: number, p: Record<string, unknown>) => ({ at: t(s), payload: { ...base, ...p } });
  const before = (s: number, tool: string, input: Record<string, unknown>) =>
    line(s, { hook_event_name: 'BeforeTool', tool_name: tool, tool_input: input });
  const after = (
    s: number,
    tool: string,
    input: Record<string, unknown>,
    llmContent: unknown,
    error?: unknown,
  ) =>
    line(s, {
      hook_event_name: 'AfterTool',
      tool_name: tool,
      tool_input: input,
      tool_response: { llmContent, returnDisplay: '', ...(error ? { error } : {}) },
    });
  const events = geminiHookEvents([
    line(0, { hook_event_name: 'SessionStart', source: 'startup' }),
    line(1, { hook_event_name: 'BeforeAgent', prompt: 'add input validation' }),
    // two reads in parallel, finishing in the other order
    before(2, 'read_file', { absolute_path: '/repo/a.ts' }),
    before(2, 'read_file', { absolute_path: '/repo/b.ts' }),
    after(3, 'read_file', { absolute_path: '/repo/b.ts' }, 'B'),
    after(4, 'read_file', { absolute_path: '/repo/a.ts' }, 'A'),
    before(5, 'replace', { file_path: '/repo/a.ts', old_string: 'x', new_string: 'y' }),
    after(6, 'replace', { file_path: '/repo/a.ts', old_string: 'x', new_string: 'y' }, 'ok'),
    before(7, 'write_file', { file_path: '/repo/c.ts', content: 'z' }),
    after(7, 'write_file', { file_path: '/repo/c.ts', content: 'z' }, '', { message: 'permission denied' }),
    before(8, 'run_shell_command', { command: 'npm test' }),
    after(12, 'run_shell_command', { command: 'npm test' }, 'Output: 1 failing\nExit Code: 1'),
    before(13, 'run_shell_command', { command: 'npm test' }),
    after(15, 'run_shell_command', { command: 'npm test' }, [{ text: 'Output: all passed' }]),
    line(16, { hook_event_name: 'AfterAgent', prompt: 'add input validation', prompt_response: 'Done' }),
    line(17, { hook_event_name: 'SessionEnd', reason: 'exit' }),
  ]);
  const facts = foldSession(events, { root: '/repo' });

  test('BeforeTool/AfterTool pair by tool and input, so parallel calls keep their own results', () => {
    const ends = events.filter((e) => e.kind === 'tool-end' && e.tool === 'read_file');
    expect(ends.map((e) => (e.kind === 'tool-end' ? [e.tool_use_id, e.output] : null))).toEqual([
      ['gs-1#2', 'B'],
      ['gs-1#1', 'A'],
    ]);
  });

  test('files: reads, a replace; the failed write changes nothing', () => {
    expect(facts.files_read).toEqual(['a.ts', 'b.ts']);
    expect(facts.files_edited).toEqual(['a.ts']);
  });

  test('shell: Exit Code from llmContent, 0 when absent; durations from the hook times', () => {
    expect(facts.commands.map((c) => [c.command, c.exit_code, c.duration_ms])).toEqual([
      ['npm test', 1, 4000],
      ['npm test', 0, 2000],
    ]);
  });

  test('prompt from BeforeAgent; the session ends at SessionEnd', () => {
    expect(facts.intent).toBe('add input validation');
    expect(facts.ended_at).toBe(t(17));
  });
});

describe('hook entries for Codex and Gemini', () => {
  test('Codex: Claude-shaped groups, no matcher, timeout in seconds; other hooks kept; idempotent', () => {
    const theirs = {
      hooks: { PostToolUse: [{ matcher: '^Bash$', hooks: [{ type: 'command', command: 'audit.sh' }] }] },
      other: 1,
    };
    const { settings, added } = addOurHooks(theirs, CODEX_HOOKS.command, CODEX_HOOKS.spec);
    expect(added).toEqual(['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse', 'Stop']);
    expect((settings.hooks as Record<string, unknown>).PostToolUse).toEqual([
      { matcher: '^Bash$', hooks: [{ type: 'command', command: 'audit.sh' }] },
      { hooks: [{ type: 'command', command: agentHookCommand('codex'), timeout: 10 }] },
    ]);
    expect(settings.other).toBe(1);
    expect(addOurHooks(settings, CODEX_HOOKS.command, CODEX_HOOKS.spec).added).toEqual([]);
    expect(removeOurHooks(settings).settings).toEqual(theirs);
  });

  test('Gemini: its own event names, a named handler, timeout in milliseconds', () => {
    const { settings } = addOurHooks({ theme: 'dark' }, GEMINI_HOOKS.command, GEMINI_HOOKS.spec);
    expect(Object.keys(settings.hooks as object)).toEqual([
      'SessionStart',
      'BeforeAgent',
      'BeforeTool',
      'AfterTool',
      'AfterAgent',
      'SessionEnd',
    ]);
    expect((settings.hooks as Record<string, unknown>).AfterTool).toEqual([
      {
        hooks: [{ name: 'agent-log', type: 'command', command: agentHookCommand('gemini'), timeout: 10000 }],
      },
    ]);
    expect(removeOurHooks(settings).settings).toEqual({ theme: 'dark' });
  });
});

test('Codex notify payload (argv JSON, kebab-case): the turn prompts become the task', () => {
  const payload = {
    type: 'agent-turn-complete',
    'thread-id': 'th-9',
    'turn-id': '1',
    cwd: '/repo',
    'input-messages': ['rename foo to bar'],
    'last-assistant-message': 'Renamed.',
  };
  const facts = foldSession(codexHookEvents({ ...payload, hook_event_name: 'agent-turn-complete' }, t(0)));
  expect([facts.intent, facts.session_ids]).toEqual(['rename foo to bar', ['th-9']]);
});

test('a Codex rollout the hooks did not name is found by thread id under CODEX_HOME', () => {
  const home = mkdtempSync(join(tmpdir(), 'codex-home-'));
  try {
    const dir = join(home, 'sessions', '2026', '11', '23');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'rollout-2026-11-23T00-30-00-th-42.jsonl');
    writeFileSync(file, '');
    writeFileSync(join(dir, 'rollout-2026-11-23T00-30-00-th-4.jsonl'), '');
    // a run starting just before midnight UTC finds the next day's folder (folders are in local time)
    expect(findCodexRollout('th-42', '2026-11-22T23:59:00Z', { CODEX_HOME: home })).toBe(file);
    expect(findCodexRollout('th-43', '2026-11-22T23:59:00Z', { CODEX_HOME: home })).toBeNull();
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
