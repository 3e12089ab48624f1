// Gemini CLI session files (reference/agent-formats.md §5.2) folded into session facts: the public
// corpus (legacy .json) and synthetic files for tool calls, tokens and the JSONL replay ($set, $rewindTo).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { foldSession } from '../../src/capture/session/fold.js';
import { parseGeminiSession } from '../../src/capture/gemini/session.js';

const CORPUS = '/work/shared/corpus/gemini';

describe('corpus', () => {
  const files = readdirSync(CORPUS).filter((f) => /\.jsonl?$/.test(f));

  test.each(files)('%s parses with no skipped line', (name) => {
    const session = parseGeminiSession(readFileSync(join(CORPUS, name), 'utf8'));
    expect(session.skipped).toBe(0);
    expect(session.messages).toBeGreaterThan(0);
  });

  describe('agentsview standard_session.json (legacy single document)', () => {
    const session = parseGeminiSession(
      readFileSync(join(CORPUS, 'agentsview__standard_session.json'), 'utf8'),
    );
    const facts = foldSession(session.events);

    test('metadata', () => {
      expect(session).toMatchObject({
        format: 'json',
        session_id: 'sess-uuid-1',
        project_hash: 'abc123def456',
        start_time: '2024-01-01T10:00:00Z',
        last_updated: '2024-01-01T10:05:05Z',
        messages: 4,
      });
    });

    test('two user messages: the task and a follow-up; the last gemini reply kept', () => {
      expect(facts.intent).toBe('Fix the login bug');
      expect(facts.follow_ups).toEqual(['That looks right']);
      expect(session.last_message).toBe('Applied the fix.');
    });

    test('no tools, no tokens: nothing invented', () => {
      expect(facts.commands).toEqual([]);
      expect(facts.files_edited).toEqual([]);
      expect(facts.tools).toEqual({});
      expect(session.cost).toBeNull();
      expect(facts.started_at).toBe('2024-01-01T10:00:00Z');
      expect(facts.ended_at).toBe('2024-01-01T10:05:05Z');
    });
  });
});

const fnResponse = (id: string, name: string, output: string) => [
  { functionResponse: { id, name, response: { output } } },
];
const tool = (id: string, name: string, args: unknown, output: string, status = 'success', ts = '') => ({
  id,
  name,
  args,
  result: fnResponse(id, name, output),
  status,
  timestamp: ts || '2026-11-23T10:00:10Z',
});

describe('legacy .json with tool calls and tokens (shape of a real 0.24 session)', () => {
  const doc = {
    sessionId: 'g-1',
    projectHash: 'h',
    startTime: '2026-11-23T10:00:00Z',
    lastUpdated: '2026-11-23T10:01:00Z',
    messages: [
      {
        id: 'u1',
        timestamp: '2026-11-23T10:00:01Z',
        type: 'user',
        content: [{ text: 'add a health check' }],
      },
      {
        id: 'g1',
        timestamp: '2026-11-23T10:00:05Z',
        type: 'gemini',
        content: '',
        model: 'gemini-2.5-pro',
        thoughts: [{ subject: 'Plan', description: 'read first', timestamp: '2026-11-23T10:00:04Z' }],
        tokens: { input: 10000, output: 500, cached: 4000, thoughts: 300, tool: 0, total: 10800 },
        toolCalls: [
          tool('t1', 'read_file', { absolute_path: '/repo/src/server.ts' }, 'export const app = 1;'),
          tool('t2', 'read_many_files', { paths: ['README.md', 'src/**/*.ts'] }, 'ok'),
          tool(
            't3',
            'write_file',
            { file_path: '/repo/src/health.ts', content: 'x' },
            'Successfully created',
          ),
          tool('t4', 'replace', { file_path: 'src/server.ts', old_string: 'a', new_string: 'b' }, 'ok'),
          tool(
            't5',
            'replace',
            { file_path: '/repo/src/gone.ts', old_string: 'a', new_string: 'b' },
            'not found',
            'error',
          ),
        ],
      },
      {
        id: 'g2',
        timestamp: '2026-11-23T10:00:20Z',
        type: 'gemini',
        content: [{ text: 'Running the tests.' }],
        model: 'gemini-2.5-flash',
        tokens: { input: 2000, output: 100, cached: 0, thoughts: 0, tool: 50, total: 2150 },
        toolCalls: [
          tool(
            't6',
            'run_shell_command',
            { command: 'npm test', description: 'run tests' },
            'Command: npm test\nDirectory: (root)\nOutput: 1 failing\nError: (none)\nExit Code: 1\nSignal: (none)\nBackground PIDs: (none)\nProcess Group PGID: 123',
            'success',
            '2026-11-23T10:00:21Z',
          ),
          tool(
            't7',
            'run_shell_command',
            { command: 'npm run lint', directory: 'web' },
            'Output: clean',
            'success',
            '2026-11-23T10:00:22Z',
          ),
          tool(
            't8',
            'run_shell_command',
            { command: 'npm run e2e' },
            '',
            'cancelled',
            '2026-11-23T10:00:23Z',
          ),
          { id: 't9', name: 'run_shell_command', args: { command: 'sleep 1' }, status: 'executing' },
        ],
      },
      { id: 'i1', timestamp: '2026-11-23T10:00:40Z', type: 'info', content: 'Request cancelled.' },
    ],
  };
  const session = parseGeminiSession(JSON.stringify(doc, null, 2), { cwd: '/repo' });
  const facts = foldSession(session.events, { root: '/repo' });

  test('files: read_file and the plain paths of read_many_files (globs are not files)', () => {
    expect(facts.files_read).toEqual(['src/server.ts', 'README.md']);
  });

  test('edits: write_file and replace, relative paths resolved; a failed replace changes nothing', () => {
    expect(facts.files_edited).toEqual(['src/health.ts', 'src/server.ts']);
    expect(facts.errors.map((e) => e.tool_use_id)).toEqual(['t5', 't6', 't8']);
  });

  test('shell: Exit Code from llmContent, 0 when the line is absent on success, cancelled is interrupted', () => {
    // the unfinished call has no time of its own: its message's time places it first
    expect(
      facts.commands.map((c) => [c.command, c.cwd, c.exit_code, c.interrupted, c.kind, c.duration_ms]),
    ).toEqual([
      ['sleep 1', '.', null, false, 'other', null],
      ['npm test', '.', 1, false, 'test', null],
      ['npm run lint', 'web', 0, false, 'lint', null],
      ['npm run e2e', '.', null, true, 'test', null],
    ]);
  });

  test('models and tokens: input includes cached, thoughts are output, tool prompt tokens are input', () => {
    expect(facts.model).toBe('gemini-2.5-flash');
    expect(session.cost).toMatchObject({
      input_tokens: 6000 + 2050,
      cache_read_tokens: 4000,
      output_tokens: 800 + 100,
      reasoning_tokens: 300,
      messages: 2,
      model: 'gemini-2.5-pro',
    });
    // pro: 6000*1.25 + 4000*0.125 + 800*10; flash: 2050*0.3 + 100*2.5 (per M)
    expect(session.cost?.by_model['gemini-2.5-pro']?.usd).toBe(0.016);
    expect(session.cost?.by_model['gemini-2.5-flash']?.usd).toBe(0.000865);
    expect(session.cost?.usd).toBe(0.016865);
  });
});

describe('JSONL replay', () => {
  const L = (v: unknown) => JSON.stringify(v);
  const meta = {
    sessionId: 'g-2',
    projectHash: 'h2',
    startTime: '2026-11-23T11:00:00Z',
    lastUpdated: '2026-11-23T11:00:00Z',
    kind: 'main',
  };
  const user = (id: string, text: string, ts: string) => ({
    id,
    timestamp: ts,
    type: 'user',
    content: [{ text }],
  });
  const gem = (id: string, ts: string, extra: Record<string, unknown> = {}) => ({
    id,
    timestamp: ts,
    type: 'gemini',
    content: '',
    model: 'gemini-3-pro-preview',
    ...extra,
  });

  test('a re-appended id replaces the earlier copy in place; $set merges metadata', () => {
    const text = [
      L(meta),
      L(user('u1', 'rename foo', '2026-11-23T11:00:01Z')),
      L(
        gem('g1', '2026-11-23T11:00:02Z', {
          toolCalls: [
            { id: 'c1', name: 'run_shell_command', args: { command: 'npm test' }, status: 'executing' },
          ],
        }),
      ),
      L({ $set: { lastUpdated: '2026-11-23T11:00:03Z' } }),
      L(
        gem('g1', '2026-11-23T11:00:02Z', {
          tokens: { input: 1000, output: 10, cached: 0, thoughts: 0, tool: 0, total: 1010 },
          toolCalls: [
            tool(
              'c1',
              'run_shell_command',
              { command: 'npm test' },
              'Output: ok',
              'success',
              '2026-11-23T11:00:04Z',
            ),
          ],
        }),
      ),
      L(user('u2', 'thanks', '2026-11-23T11:00:05Z')),
      L({ $set: { summary: 'Renamed foo' } }),
    ].join('\n');
    const session = parseGeminiSession(text);
    const facts = foldSession(session.events);
    expect(session).toMatchObject({
      format: 'jsonl',
      session_id: 'g-2',
      kind: 'main',
      summary: 'Renamed foo',
      messages: 3,
    });
    expect(facts.commands.map((c) => [c.command, c.exit_code])).toEqual([['npm test', 0]]);
    expect([facts.intent, ...facts.follow_ups]).toEqual(['rename foo', 'thanks']);
    // one model call, counted once though its message was written twice
    expect(session.cost).toMatchObject({ input_tokens: 1000, output_tokens: 10, messages: 1 });
  });

  test('$rewindTo drops that message and all after it; their model calls still count as cost', () => {
    const text = [
      L(meta),
      L(user('u1', 'first try', '2026-11-23T11:00:01Z')),
      L(
        gem('g1', '2026-11-23T11:00:02Z', {
          tokens: { input: 100, output: 1, cached: 0, thoughts: 0, tool: 0, total: 101 },
          toolCalls: [tool('w1', 'write_file', { file_path: '/r/a.ts' }, 'ok')],
        }),
      ),
      L(user('u2', 'no, undo that', '2026-11-23T11:00:03Z')),
      L(
        gem('g2', '2026-11-23T11:00:04Z', {
          tokens: { input: 200, output: 2, cached: 0, thoughts: 0, tool: 0, total: 202 },
        }),
      ),
      L({ $rewindTo: 'u2' }),
      L(user('u3', 'do it differently', '2026-11-23T11:00:05Z')),
    ].join('\n');
    const session = parseGeminiSession(text);
    const facts = foldSession(session.events, { root: '/r' });
    expect([facts.intent, ...facts.follow_ups]).toEqual(['first try', 'do it differently']);
    expect(facts.files_edited).toEqual(['a.ts']);
    expect(session.rewound).toBe(2);
    expect(session.cost).toMatchObject({ input_tokens: 300, output_tokens: 3, messages: 2 });
  });

  test('$rewindTo an unknown id clears the history', () => {
    const text = [
      L(meta),
      L(user('u1', 'a', '2026-11-23T11:00:01Z')),
      L({ $rewindTo: 'nope' }),
      L(user('u2', 'b', '2026-11-23T11:00:02Z')),
    ].join('\n');
    const facts = foldSession(parseGeminiSession(text).events);
    expect([facts.intent, ...facts.follow_ups]).toEqual(['b']);
  });

  test('$set.messages replaces the history; messages appended after it are kept', () => {
    const text = [
      L(meta),
      L(user('u1', 'long task', '2026-11-23T11:00:01Z')),
      L(user('u2', 'detail', '2026-11-23T11:00:02Z')),
      L({ $set: { messages: [user('s1', 'summary of the conversation so far', '2026-11-23T11:00:03Z')] } }),
      L(user('u3', 'continue', '2026-11-23T11:00:04Z')),
      '{"id":"torn',
    ].join('\n');
    const session = parseGeminiSession(text);
    const facts = foldSession(session.events);
    expect([facts.intent, ...facts.follow_ups]).toEqual(['summary of the conversation so far', 'continue']);
    expect(session.skipped).toBe(1);
  });

  test('a prompt above 200k tokens is priced at the long-context rate', () => {
    const text = [
      L(meta),
      L(
        gem('g1', '2026-11-23T11:00:02Z', {
          tokens: { input: 250_000, output: 1000, cached: 50_000, thoughts: 0, tool: 0, total: 251_000 },
        }),
      ),
    ].join('\n');
    // gemini-3-pro-preview above 200k: 4 in, 0.4 cached, 18 out per M
    expect(parseGeminiSession(text).cost?.usd).toBeCloseTo((200_000 * 4 + 50_000 * 0.4 + 1000 * 18) / 1e6, 6);
  });

  test('when total shows input excluded the cache, input is not reduced again', () => {
    const text = [
      L(meta),
      L(
        gem('g1', '2026-11-23T11:00:02Z', {
          model: 'gemini-2.0-flash',
          tokens: { input: 100, output: 10, cached: 50, thoughts: 5, tool: 0, total: 165 },
        }),
      ),
    ].join('\n');
    expect(parseGeminiSession(text).cost).toMatchObject({
      input_tokens: 100,
      cache_read_tokens: 50,
      output_tokens: 15,
    });
  });
});
