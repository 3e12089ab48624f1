// Every file of the Claude Code corpus parses, and the facts each one holds come out. Expected values
// were read from the files by hand (see shared/corpus/claude-code/README.md for what each shows).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { transcriptCost } from '../../src/capture/claude-code/cost.js';
import {
  claudeHookEvents as hookEvents,
  transcriptEvents,
} from '../../src/capture/claude-code/transcript-events.js';
import { foldSession } from '../../src/capture/session/fold.js';
import { parseTranscript } from '../../src/capture/claude-code/transcript.js';
import { loadSessionTranscripts } from '../../src/capture/claude-code/transcript-files.js';

const CORPUS = '/work/shared/corpus/claude-code';
const read = (name: string) => readFileSync(join(CORPUS, name), 'utf8');
const load = (name: string) => {
  const { entries, skipped } = parseTranscript(read(name), name);
  const facts = foldSession(transcriptEvents(entries));
  return { entries, skipped, facts, cost: transcriptCost(entries) };
};

describe('every corpus file', () => {
  const files = readdirSync(CORPUS).filter((f) => f.endsWith('.jsonl') || f.endsWith('.json'));
  test.each(files)('%s parses and folds without throwing', (name) => {
    const text = read(name);
    const { entries } = parseTranscript(text, name);
    expect(() => foldSession(transcriptEvents(entries))).not.toThrow();
    expect(() => transcriptCost(entries)).not.toThrow();
    if (name.endsWith('.json'))
      expect(hookEvents(JSON.parse(text), '2026-01-01T00:00:00Z').map((e) => e.kind)).toEqual(['activity']);
  });
});

describe('representative_messages', () => {
  const { facts, cost } = load('claude-code-log__representative_messages.jsonl');
  test('prompts: first is the intent, the rest are follow-ups', () => {
    expect(facts.intent).toBe('Hello Claude! Can you help me understand how Python decorators work?');
    expect(facts.follow_ups).toEqual([
      'Great! Can you also show me how to create a decorator that takes parameters?',
      'Can you run that example to show the output?',
      'This is really helpful! Let me try to implement a timing decorator myself. Can you help me if I get stuck?',
    ]);
  });
  test('the Edit changed a file and the Bash command exited 0', () => {
    // The session ran in /tmp (its cwd): the file is relative to it.
    expect(facts.files_edited).toEqual(['decorator_example.py']);
    expect(facts.commands).toHaveLength(1);
    expect(facts.commands[0]).toMatchObject({
      command: 'python /tmp/decorator_example.py',
      exit_code: 0,
      kind: 'other',
      output_tail: 'Hello, Alice!\nHello, Alice!\nHello, Alice!',
    });
    expect(facts.tools).toEqual({ Edit: 1, Bash: 1 });
  });
  test('usage: five distinct messages', () => {
    expect(cost).toMatchObject({
      input_tokens: 218,
      output_tokens: 445,
      messages: 5,
      model: 'claude-3-sonnet-20240229',
    });
    expect(cost?.usd).toBeCloseTo(0.007329, 6);
    expect(facts.version).toBe('1.0.0');
  });
});

describe('edge_cases', () => {
  const { facts, cost, skipped, entries } = load('claude-code-log__edge_cases.jsonl');
  test('non-object lines are skipped; meta, command wrappers and command output are not prompts', () => {
    expect(skipped).toBe(3); // "massive error", 42, [1]
    expect(entries.length).toBe(16); // 19 lines, 3 not objects
    expect(facts.intent).toMatch(/^Here's a message with some \*\*markdown\*\* formatting/);
    // The slash command is recorded as typed (its wrapper and expansion are not prompts).
    expect(facts.follow_ups).toHaveLength(3);
    expect(facts.follow_ups[0]).toMatch(/^Let's test a very long message/);
    expect(facts.follow_ups[1]).toBe('/test-command --verbose --output /tmp/test.log');
    expect(facts.follow_ups[2]).toMatch(/^Testing special characters: café/);
  });
  test('the failing unknown tool is an error; the MultiEdit without a result still counts as an edit', () => {
    expect(facts.errors).toEqual([
      {
        tool: 'FailingTool',
        tool_use_id: 'tool_edge_001',
        text: 'Error: Tool execution failed with error: Command not found',
      },
    ]);
    expect(facts.files_edited).toEqual(['complex_example.py']);
    expect(facts.tools).toEqual({ FailingTool: 1, MultiEdit: 1, TodoWrite: 1 });
  });
  test('usage from both sessions in the file, by model', () => {
    expect(cost).toMatchObject({ input_tokens: 488, output_tokens: 435, messages: 4 });
    expect(cost?.by_model['claude-sonnet-4']).toMatchObject({ input_tokens: 168, output_tokens: 85 });
    expect(facts.session_ids).toEqual(['edge_cases', 'todowrite_session']);
  });
});

describe('todowrite_examples', () => {
  const { facts, cost } = load('claude-code-log__todowrite_examples.jsonl');
  test('string-content prompts and three TodoWrite calls', () => {
    expect(facts.intent).toBe('Can you help me implement a new feature with proper task management?');
    expect(facts.follow_ups).toEqual(['Can you add a task for security review as well?']);
    expect(facts.tools).toEqual({ TodoWrite: 3 });
    expect(facts.errors).toEqual([]);
  });
  test('usage and price of a dateless model id', () => {
    expect(cost).toMatchObject({ input_tokens: 883, output_tokens: 328, messages: 6 });
    expect(cost?.usd).toBeCloseTo(0.007569, 6);
  });
});

describe('sample_session (simonw)', () => {
  const { entries } = parseTranscript(read('claude-code-transcripts__sample_session.jsonl'));
  const facts = foldSession(transcriptEvents(entries), { root: '/project' });
  test('prompts, a Write and a git commit through Bash', () => {
    expect(facts.intent).toBe('Create a hello world function');
    expect(facts.follow_ups).toEqual(['Now add a goodbye function']);
    expect(facts.files_edited).toEqual(['hello.py']);
    expect(facts.commands).toEqual([
      expect.objectContaining({
        command: "git add . && git commit -m 'Add hello function'",
        exit_code: 0,
        duration_ms: 5000,
        started_at: '2025-12-24T10:00:15.000Z',
        cwd: '.',
      }),
    ]);
    expect(facts.started_at).toBe('2025-12-24T10:00:00.000Z');
    expect(facts.ended_at).toBe('2025-12-24T10:01:05.000Z');
  });
  test('no usage lines: cost unknown', () => {
    expect(transcriptCost(entries)).toBeNull();
  });
});

describe('sidechain_integrated', () => {
  const { facts, cost } = load('claude-code-log__sidechain_integrated.jsonl');
  test('the Task call is an Agent call with its subagent', () => {
    expect(facts.tools.Agent).toBe(1);
    expect(facts.tools.Task).toBeUndefined();
    expect(facts.subagents).toEqual([{ agent_id: 'e1c84ba5', agent_type: 'general-purpose' }]);
    expect(facts.tools.Grep).toBe(1);
    expect(facts.intent).toBeNull();
  });
  test('the streamed duplicate of msg_017zj is counted once', () => {
    expect(cost).toMatchObject({
      messages: 3,
      input_tokens: 9,
      output_tokens: 738,
      cache_write_tokens: 164054,
      cache_read_tokens: 141272,
      model: 'claude-sonnet-4-5-20250929',
    });
    expect(cost?.usd).toBeCloseTo(0.668681, 6);
  });
});

describe('minimal_showcase with its subagent file', () => {
  test('MCP tools, two parallel Agent calls and their subagents', () => {
    const { facts } = load('claude-code-log__minimal_showcase__55550000-0000-4000-8000-000000000001.jsonl');
    expect(facts.intent).toBe(
      'Give me a tour of the repository: its structure, then compare the web and jobs modules side by side.',
    );
    expect(facts.tools).toEqual({
      mcp__plugin_showcase_example__inspect_repository_structure: 1,
      mcp__plugin_showcase_example__refresh_search_index: 1,
      ScheduleWakeup: 1,
      Agent: 2,
    });
    expect(facts.subagents).toEqual([
      { agent_id: 'showcol1', agent_type: 'general-purpose' },
      { agent_id: 'showcol2', agent_type: 'general-purpose' },
    ]);
    expect(facts.model).toBe('claude-haiku-4-5-20251001');
    expect(facts.version).toBe('2.1.173');
  });
  test('subagent usage is counted once, from its own file (not the parent result trailer)', () => {
    const main = load('claude-code-log__minimal_showcase__55550000-0000-4000-8000-000000000001.jsonl').cost;
    expect(main).toMatchObject({ messages: 5, input_tokens: 600, output_tokens: 200 });
    const both = transcriptCost([
      ...parseTranscript(
        read('claude-code-log__minimal_showcase__55550000-0000-4000-8000-000000000001.jsonl'),
      ).entries,
      ...parseTranscript(read('claude-code-log__minimal_showcase__subagents__agent-showcol1.jsonl')).entries,
    ]);
    expect(both).toMatchObject({ messages: 6, input_tokens: 720, output_tokens: 240 });
    expect(both?.usd).toBeCloseTo(0.00192, 6);
  });
  test('the subagent file: its prompt is a sidechain line, not the task', () => {
    const { facts, entries } = load('claude-code-log__minimal_showcase__subagents__agent-showcol1.jsonl');
    expect(facts.intent).toBeNull();
    expect(entries.every((e) => e.isSidechain && e.agentId === 'showcol1')).toBe(true);
    expect(facts.session_ids).toEqual(['55550000-0000-4000-8000-000000000001']);
  });
});

describe('claude-code-viewer standalone agent file', () => {
  test('sidechain prompt is not a task; usage counted', () => {
    const { facts, cost } = load('claude-code-viewer__agent-test-hash-123.jsonl');
    expect(facts.intent).toBeNull();
    expect(facts.session_ids).toEqual(['5c0375b4-57a5-4f26-b12d-d022ee4e51b7']);
    expect(cost).toMatchObject({ messages: 1, input_tokens: 100, output_tokens: 10 });
    expect(cost?.usd).toBeCloseTo(0.00045, 6);
  });
});

describe('ccusage usage lines', () => {
  test('lines without a type still count; two models priced separately', () => {
    const { cost } = load('ccusage__usage-lines.jsonl');
    expect(cost).toMatchObject({
      messages: 3,
      input_tokens: 600,
      output_tokens: 250,
      cache_write_tokens: 75,
      cache_read_tokens: 70,
      model: 'claude-sonnet-4-20250514',
    });
    expect(cost?.by_model['claude-opus-4-20250514']?.usd).toBeCloseTo(0.0095925, 5);
    expect(cost?.usd).toBeCloseTo(0.01352625, 5);
  });
});

describe('loadSessionTranscripts', () => {
  test('a missing main transcript is reported, not thrown', () => {
    const r = loadSessionTranscripts('/nonexistent/dir/abc.jsonl');
    expect(r).toMatchObject({ missing: true, entries: [], files: [] });
  });
});
