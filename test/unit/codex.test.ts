// Codex CLI rollout files (reference/agent-formats.md §4.3) folded into session facts: the public corpus
// (facts read off the files by hand) and synthetic rollouts for shapes the corpus lacks.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { foldSession } from '../../src/capture/session/fold.js';
import { priceFor } from '../../src/capture/session/cost.js';
import { patchFiles } from '../../src/capture/codex/apply-patch.js';
import { execOutcome } from '../../src/capture/codex/exec-output.js';
import { parseRollout, shellCommand } from '../../src/capture/codex/rollout.js';

const CORPUS = '/work/shared/corpus/codex';
const read = (name: string) => readFileSync(join(CORPUS, name), 'utf8');
const SYNTHETIC = 'claude-code-log__rollout-2026-01-02T03-04-05-11111111-1111-4111-8111-111111111111.jsonl';
const TOKENS = 'ccusage__token-count-rollout.jsonl';

describe('corpus', () => {
  const files = readdirSync(CORPUS).filter((f) => f.endsWith('.jsonl'));

  test.each(files)('%s parses with no skipped line', (name) => {
    const session = parseRollout(read(name));
    expect(session.skipped).toBe(0);
    expect(session.events.length).toBeGreaterThan(0);
  });

  describe('claude-code-log synthetic rollout', () => {
    const session = parseRollout(read(SYNTHETIC));
    const facts = foldSession(session.events, { root: session.meta.cwd });

    test('session meta: id, cwd, version, originator', () => {
      expect(session.meta).toMatchObject({
        session_id: '11111111-1111-4111-8111-111111111111',
        cwd: '/workspace/synthetic-project',
        cli_version: '0.0.0-test',
        originator: 'codex_cli_rs',
        source: 'cli',
        model_provider: 'synthetic',
      });
      expect(facts.session_ids).toEqual(['11111111-1111-4111-8111-111111111111']);
      expect(facts.version).toBe('0.0.0-test');
      expect(facts.model).toBe('synthetic-model');
    });

    test('the prompt counts once though the file carries it twice', () => {
      expect(facts.intent).toBe('List the synthetic files.');
      expect(facts.follow_ups).toEqual([]);
    });

    test('exec_command: the command, its output and an exit code the raw output does not give', () => {
      expect(facts.commands).toEqual([
        {
          command: 'find . -maxdepth 1 -type f',
          cwd: '.',
          started_at: '2026-01-02T03:04:09.000Z',
          duration_ms: 1000,
          exit_code: null,
          interrupted: false,
          kind: 'other',
          status: 'unknown', // the output says nothing of how it ended
          output_tail: './alpha.txt\n./beta.txt',
        },
      ]);
    });

    test('apply_patch adds gamma.txt; the MCP call is counted, not treated as an edit', () => {
      expect(facts.files_edited).toEqual(['gamma.txt']);
      expect(facts.edit_marks).toEqual([{ at: '2026-01-02T03:04:12.000Z' }]);
      expect(facts.tools).toEqual({ exec_command: 1, apply_patch: 1, mcp__synthetic__lookup: 1 });
      expect(facts.errors).toEqual([]);
    });

    test('times span the file, the last message is kept, encrypted reasoning goes nowhere', () => {
      expect(facts.started_at).toBe('2026-01-02T03:04:05.000Z');
      expect(facts.ended_at).toBe('2026-01-02T03:04:16.000Z');
      expect(session.last_message).toBe('The synthetic files are alpha.txt and beta.txt.');
      expect(JSON.stringify(session)).not.toContain('SYNTHETIC_ENCRYPTED_CONTENT');
      expect(session.cost).toBeNull();
    });
  });

  describe('ccusage token-count rollout', () => {
    const session = parseRollout(read(TOKENS));

    test('tokens: non-cached input = input - cached; reasoning is inside output', () => {
      // line 2: 1000 in (250 cached), 125 out; line 3 total 3500 (750 cached), 425 out => delta 2500/500/300
      expect(session.cost).toMatchObject({
        input_tokens: 2750,
        cache_read_tokens: 750,
        output_tokens: 425,
        reasoning_tokens: 275,
        cache_write_tokens: 0,
        messages: 2,
        model: 'gpt-5.3-codex',
      });
      expect(session.cost?.by_model['gpt-5.2-codex']).toMatchObject({
        input_tokens: 750,
        cache_read_tokens: 250,
        output_tokens: 125,
      });
      expect(session.cost?.by_model['gpt-5.3-codex']).toMatchObject({
        input_tokens: 2000,
        cache_read_tokens: 500,
        output_tokens: 300,
      });
    });

    test('each request priced at its own model: 5.2-codex and 5.3-codex at 1.75/0.175/14 per M', () => {
      // (750*1.75 + 250*0.175 + 125*14)/1e6 = 0.00310625; (2000*1.75 + 500*0.175 + 300*14)/1e6 = 0.0077875
      expect(session.cost?.by_model['gpt-5.2-codex']?.usd).toBe(0.003106);
      expect(session.cost?.by_model['gpt-5.3-codex']?.usd).toBe(0.007788);
      expect(session.cost?.usd).toBe(0.010894);
    });

    test('the model comes from turn_context', () => {
      expect(foldSession(session.events).model).toBe('gpt-5.2-codex');
    });
  });
});

const line = (timestamp: string, type: string, payload: unknown) =>
  JSON.stringify({ timestamp, type, payload });
const t = (s: number) => new Date(Date.parse('2026-11-23T10:00:00Z') + s * 1000).toISOString();
const call = (s: number, name: string, args: unknown, id: string) =>
  line(t(s), 'response_item', { type: 'function_call', name, arguments: JSON.stringify(args), call_id: id });
const out = (s: number, id: string, output: unknown) =>
  line(t(s), 'response_item', { type: 'function_call_output', call_id: id, output });
const patch = (s: number, input: string, id: string) =>
  line(t(s), 'response_item', { type: 'custom_tool_call', name: 'apply_patch', input, call_id: id });
const patchOut = (s: number, id: string, output: unknown) =>
  line(t(s), 'response_item', { type: 'custom_tool_call_output', call_id: id, output });
const usage = (s: number, total: unknown, last: unknown = null) =>
  line(t(s), 'event_msg', {
    type: 'token_count',
    info: { total_token_usage: total, last_token_usage: last },
  });

describe('synthetic rollout: shells, patches, tokens', () => {
  const text = [
    line(t(0), 'session_meta', {
      id: 'sess-1',
      cwd: '/repo',
      cli_version: '0.169.0',
      originator: 'codex_cli_rs',
      git: { commit_hash: 'abc', branch: 'main', repository_url: null },
    }),
    line(t(0), 'turn_context', { cwd: '/repo', model: 'gpt-5-codex' }),
    line(t(1), 'response_item', {
      type: 'message',
      role: 'user',
      content: [
        { type: 'input_text', text: '<environment_context>\n<cwd>/repo</cwd>\n</environment_context>' },
      ],
    }),
    line(t(1), 'event_msg', { type: 'user_message', message: 'make the tests pass' }),
    line(t(1), 'response_item', {
      type: 'message',
      role: 'user',
      content: [{ type: 'input_text', text: 'make the tests pass' }],
    }),
    // legacy shell tool: argv, JSON output with metadata
    call(2, 'shell', { command: ['bash', '-lc', 'npm test'], workdir: '/repo' }, 'c1'),
    out(
      5,
      'c1',
      JSON.stringify({ output: 'FAIL src/a.test.ts', metadata: { exit_code: 1, duration_seconds: 2.5 } }),
    ),
    usage(5, { input_tokens: 1000, cached_input_tokens: 0, output_tokens: 100, reasoning_output_tokens: 40 }),
    // the same total reported again (a rate-limit refresh): not a new request
    usage(5, { input_tokens: 1000, cached_input_tokens: 0, output_tokens: 100, reasoning_output_tokens: 40 }),
    patch(
      6,
      '*** Begin Patch\n*** Update File: src/a.ts\n@@\n-old\n+new\n*** Add File: src/b.ts\n+x\n*** Delete File: src/c.ts\n*** Update File: src/d.ts\n*** Move to: src/e.ts\n*** End Patch',
      'p1',
    ),
    patchOut(
      7,
      'p1',
      JSON.stringify({
        output: 'Success. Updated the following files:\nM src/a.ts\n',
        metadata: { exit_code: 0 },
      }),
    ),
    patch(8, '*** Begin Patch\n*** Update File: src/nope.ts\n@@\n-x\n+y\n*** End Patch', 'p2'),
    patchOut(8, 'p2', 'apply_patch verification failed: Failed to find expected lines in src/nope.ts'),
    // unified exec: plain-text header
    call(9, 'exec_command', { cmd: 'npm test', workdir: 'packages/app' }, 'c2'),
    out(
      11,
      'c2',
      'Chunk ID: 1\nWall time: 1.25 seconds\nProcess exited with code 0\nOriginal token count: 3\nOutput:\nall passed\n',
    ),
    usage(11, {
      input_tokens: 3000,
      cached_input_tokens: 1500,
      output_tokens: 300,
      reasoning_output_tokens: 100,
    }),
    // a long command: still running after its yield time; its exit arrives through write_stdin
    call(12, 'exec_command', { cmd: 'npm run lint' }, 'c3'),
    out(
      22,
      'c3',
      'Chunk ID: 2\nWall time: 10.0 seconds\nProcess running with session ID 7\nOriginal token count: 0\nOutput:\n',
    ),
    call(23, 'write_stdin', { session_id: 7, chars: '' }, 'c4'),
    out(
      30,
      'c4',
      'Chunk ID: 3\nWall time: 7.0 seconds\nProcess exited with code 2\nOriginal token count: 4\nOutput:\n3 problems\n',
    ),
    // shell argv that is an apply_patch
    call(
      31,
      'shell',
      { command: ['apply_patch', '*** Begin Patch\n*** Add File: notes.md\n+hi\n*** End Patch'] },
      'c5',
    ),
    out(31, 'c5', JSON.stringify({ output: 'Success.', metadata: { exit_code: 0 } })),
    line(t(32), 'event_msg', { type: 'user_message', message: 'also run the linter' }),
    usage(33, null, {
      input_tokens: 500,
      cached_input_tokens: 100,
      output_tokens: 50,
      reasoning_output_tokens: 0,
    }),
    line(t(34), 'event_msg', { type: 'agent_message', message: 'Done.' }),
    '{"timestamp":"2026-11-23T10:00:35Z","type":"resp',
  ].join('\n');
  const session = parseRollout(text);
  const facts = foldSession(session.events, { root: '/repo' });

  test('a torn last line is skipped, the rest parsed', () => {
    expect(session.skipped).toBe(1);
    expect(session.meta.git).toEqual({ commit: 'abc', branch: 'main', repository_url: null });
  });

  test('prompts: harness-injected context dropped, each user message once', () => {
    expect(facts.intent).toBe('make the tests pass');
    expect(facts.follow_ups).toEqual(['also run the linter']);
  });

  test('commands: exit codes from JSON metadata, the text header and a later write_stdin', () => {
    expect(facts.commands.map((c) => [c.command, c.cwd, c.exit_code, c.duration_ms, c.kind])).toEqual([
      ['npm test', '.', 1, 2500, 'test'],
      ['npm test', 'packages/app', 0, 1250, 'test'],
      ['npm run lint', '.', 2, 18000, 'lint'],
    ]);
    expect(facts.commands[1]?.output_tail).toBe('all passed\n');
    expect(facts.commands[2]?.output_tail).toBe('3 problems\n');
  });

  test('apply_patch: updated, added, deleted and moved files; a failed patch changes nothing', () => {
    expect(facts.files_edited).toEqual([
      'src/a.ts',
      'src/b.ts',
      'src/c.ts',
      'src/d.ts',
      'src/e.ts',
      'notes.md',
    ]);
    // failed calls: the failing npm test, the rejected patch, the lint that exited 2
    expect(facts.errors.map((e) => e.tool_use_id)).toEqual(['c1', 'p2', 'c3']);
    expect(facts.tools).toMatchObject({ shell: 2, apply_patch: 2, exec_command: 2, write_stdin: 1 });
  });

  test('tokens: totals differenced, a repeated total ignored, a bare last_token_usage used', () => {
    // 1000/0/100, then (3000-1000)/(1500-0)/(300-100), then 500/100/50
    expect(session.cost).toMatchObject({
      input_tokens: 1000 + 500 + 400,
      cache_read_tokens: 1500 + 100,
      output_tokens: 100 + 200 + 50,
      reasoning_tokens: 40 + 60,
      messages: 3,
      model: 'gpt-5-codex',
    });
    // gpt-5-codex: 1.25 in, 0.125 cached, 10 out per M
    expect(session.cost?.usd).toBeCloseTo((1900 * 1.25 + 1600 * 0.125 + 350 * 10) / 1e6, 6);
    expect(session.last_message).toBe('Done.');
  });

  test('a model with no price gives usd null, never a guess', () => {
    const unpriced = parseRollout(
      [
        line(t(0), 'turn_context', { model: 'o9-experimental' }),
        usage(1, { input_tokens: 10, cached_input_tokens: 0, output_tokens: 1 }),
      ].join('\n'),
    );
    expect(unpriced.cost?.usd).toBeNull();
    expect(unpriced.cost?.input_tokens).toBe(10);
  });

  test('prompts come from response_item messages when the file has no user_message events', () => {
    const old = parseRollout(
      [
        line(t(0), 'response_item', {
          type: 'message',
          role: 'user',
          content: [{ type: 'input_text', text: 'hi' }],
        }),
        line(t(1), 'response_item', {
          type: 'message',
          role: 'user',
          content: [{ type: 'input_text', text: '<user_instructions>be nice</user_instructions>' }],
        }),
      ].join('\n'),
    );
    expect(foldSession(old.events).intent).toBe('hi');
    expect(foldSession(old.events).follow_ups).toEqual([]);
  });
});

describe('patchFiles', () => {
  test('headers give path and status; Move to renames', () => {
    expect(
      patchFiles(
        "apply_patch <<'EOF'\n*** Begin Patch\n*** Update File: a.ts\n*** Move to: b.ts\n@@\n-x\n+y\n*** Add File: dir/new file.ts\n+z\n*** Delete File: old.ts\n*** End Patch\nEOF",
      ),
    ).toEqual([
      { path: 'b.ts', old_path: 'a.ts', status: 'renamed' },
      { path: 'dir/new file.ts', status: 'added' },
      { path: 'old.ts', status: 'deleted' },
    ]);
  });

  test('a line that only looks like a header inside a hunk is not one', () => {
    expect(
      patchFiles('*** Begin Patch\n*** Update File: a.md\n+ *** Add File: not-a-file\n*** End Patch'),
    ).toEqual([{ path: 'a.md', status: 'modified' }]);
  });
});

describe('execOutcome', () => {
  test.each([
    ['{"output":"ok","metadata":{"exit_code":0,"duration_seconds":0.2}}', 0, 200, 'ok'],
    ['Exit code: 3\nWall time: 0.5 seconds\nOutput:\nboom', 3, 500, 'boom'],
    ['Process exited with code 127\nOutput:\nnot found', 127, null, 'not found'],
    [
      'plain output mentioning Exit code: 9 later\nmore',
      null,
      null,
      'plain output mentioning Exit code: 9 later\nmore',
    ],
  ])('%j -> exit %s', (raw, exit, duration, text) => {
    const o = execOutcome(raw);
    expect([o.exit_code, o.duration_ms, o.text]).toEqual([exit, duration, text]);
  });

  test('content items and {content, success} objects are read as text', () => {
    expect(execOutcome([{ type: 'output_text', text: 'Done!' }]).text).toBe('Done!');
    expect(execOutcome({ content: 'x', success: false })).toMatchObject({ text: 'x', success: false });
  });
});

test('shellCommand: bash -lc X is X; other argv is quoted', () => {
  expect(shellCommand(['bash', '-lc', 'npm test -- -t "a b"'])).toBe('npm test -- -t "a b"');
  expect(shellCommand(['/bin/zsh', '-c', 'ls'])).toBe('ls');
  expect(shellCommand(['rg', '-n', "it's here", 'src/'])).toBe("rg -n 'it'\\''s here' src/");
});

describe('prices for Codex and Gemini models', () => {
  test('OpenAI ids match exactly (dates aside): gpt-5 is not gpt-5-pro', () => {
    expect(priceFor('gpt-5')?.input).toBe(1.25);
    expect(priceFor('gpt-5-2025-08-07')?.input).toBe(1.25);
    expect(priceFor('openai/gpt-5-codex')?.output).toBe(10);
    expect(priceFor('gpt-5-pro')).toBeNull();
    expect(priceFor('gpt-5.1-codex-mini')?.input).toBe(0.25);
    expect(priceFor('gpt-5.4')).toBeNull();
  });

  test('Gemini ids: flash-lite is not flash; unknown previews have no price', () => {
    expect(priceFor('gemini-2.5-flash')?.input).toBe(0.3);
    expect(priceFor('gemini-2.5-flash-lite')?.input).toBe(0.1);
    expect(priceFor('gemini-2.5-flash-image')).toBeNull();
    expect(priceFor('gemini-2.5-pro')?.above_200k?.input).toBe(2.5);
  });
});
