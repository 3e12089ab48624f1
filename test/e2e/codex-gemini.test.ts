// Codex CLI and Gemini CLI through the built CLI on real repositories: `import codex|gemini` of their
// session files, `install`/`uninstall` of their hooks, and hook sequences sealed into notes.
import { agentHookCommand } from '../../src/capture/hook-command.js';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { RunRecord } from '../../src/record/schema.js';
import { cli, type TempRepo, tempRepo } from '../helpers/repo.js';
import { noteRecord } from '../helpers/agent-hooks.js';
import { DETACHED_TEST_TIMEOUT_MS, until } from '../helpers/wait.js';

vi.setConfig({ testTimeout: DETACHED_TEST_TIMEOUT_MS, hookTimeout: DETACHED_TEST_TIMEOUT_MS });

/** ISO time `s` seconds after the repository's last commit (commit dates are pinned in tests). */
async function clockOf(repo: TempRepo): Promise<(s: number) => string> {
  const ct = Number((await repo.git('log', '-1', '--format=%ct')).trim());
  return (s: number) => new Date((ct + s) * 1000).toISOString();
}

describe('import codex <rollout.jsonl>', () => {
  let repo: TempRepo;
  let commit: string;
  let record: RunRecord;
  let imported: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    repo = await tempRepo({
      files: { 'src/a.js': 'export const a = 1;\n', 'package.json': '{"name":"x"}\n' },
    });
    expect((await cli(repo, ['init'])).code).toBe(0);
    const t = await clockOf(repo);
    const line = (s: number, type: string, payload: unknown) =>
      JSON.stringify({ timestamp: t(s), type, payload });
    const rollout = [
      line(1, 'session_meta', {
        id: 'cx-e2e',
        cwd: repo.dir,
        cli_version: '0.169.0',
        originator: 'codex_cli_rs',
      }),
      line(1, 'turn_context', { cwd: repo.dir, model: 'gpt-5-codex' }),
      line(2, 'event_msg', { type: 'user_message', message: 'make a equal 2 and keep the tests green' }),
      line(3, 'response_item', {
        type: 'function_call',
        name: 'shell',
        arguments: JSON.stringify({ command: ['bash', '-lc', 'npm test'], workdir: repo.dir }),
        call_id: 'c1',
      }),
      line(5, 'response_item', {
        type: 'function_call_output',
        call_id: 'c1',
        output: JSON.stringify({ output: '1 failing', metadata: { exit_code: 1, duration_seconds: 2 } }),
      }),
      line(6, 'response_item', {
        type: 'custom_tool_call',
        name: 'apply_patch',
        input:
          '*** Begin Patch\n*** Update File: src/a.js\n@@\n-export const a = 1;\n+export const a = 2;\n*** End Patch',
        call_id: 'p1',
      }),
      line(7, 'response_item', {
        type: 'custom_tool_call_output',
        call_id: 'p1',
        output: 'Success. Updated src/a.js',
      }),
      line(8, 'response_item', {
        type: 'function_call',
        name: 'exec_command',
        arguments: JSON.stringify({ cmd: 'npm test' }),
        call_id: 'c2',
      }),
      line(10, 'response_item', {
        type: 'function_call_output',
        call_id: 'c2',
        output:
          'Chunk ID: 1\nWall time: 1.5 seconds\nProcess exited with code 0\nOriginal token count: 2\nOutput:\n2 passing\n',
      }),
      line(10, 'event_msg', {
        type: 'token_count',
        info: {
          total_token_usage: {
            input_tokens: 10000,
            cached_input_tokens: 4000,
            output_tokens: 1000,
            reasoning_output_tokens: 400,
          },
        },
      }),
      line(11, 'event_msg', { type: 'agent_message', message: 'a is 2; tests pass.' }),
    ];
    const file = join(repo.dir, '..', `${repo.dir.split('/').pop()}-rollout.jsonl`);
    writeFileSync(file, rollout.join('\n') + '\n');
    repo.write('src/a.js', 'export const a = 2;\n');
    commit = await repo.commit('a is 2');
    imported = await cli(repo, ['import', 'codex', file, '--json']);
    record = JSON.parse(imported.stdout);
  });

  afterAll(() => repo?.cleanup());

  test('exits 0 and says where the record went', () => {
    expect(imported.code).toBe(0);
    expect(imported.stderr).toMatch(
      new RegExp(`^imported .*-rollout\\.jsonl as ${record.id} on 1 commit\\n$`),
    );
  });

  test('the note on the session commit holds the record', async () => {
    expect((await noteRecord(repo, commit))?.id).toBe(record.id);
    expect(record.repo.commits).toEqual([commit]);
  });

  test('agent, task, files and commands come from the rollout', () => {
    expect(record.agent).toMatchObject({
      name: 'codex',
      version: '0.169.0',
      model: 'gpt-5-codex',
      session_ids: ['cx-e2e'],
    });
    expect(record.task).toMatchObject({
      intent: 'make a equal 2 and keep the tests green',
      source: 'import',
    });
    expect(record.files.changed).toEqual([
      { path: 'src/a.js', status: 'modified', additions: 1, deletions: 1, via: 'edit' },
    ]);
    expect(record.commands.map((c) => [c.command, c.exit_code, c.duration_ms])).toEqual([
      ['npm test', 1, 2000],
      ['npm test', 0, 1500],
    ]);
    expect(record.checks).toMatchObject([
      { name: 'npm test', status: 'passed', attempts: 2, after_last_edit: true },
    ]);
  });

  test('cost: cached input apart, priced at gpt-5-codex list prices', () => {
    // (6000*1.25 + 4000*0.125 + 1000*10) / 1e6
    expect(record.cost).toMatchObject({
      model: 'gpt-5-codex',
      input_tokens: 6000,
      cache_read_tokens: 4000,
      output_tokens: 1000,
      reasoning_tokens: 400,
      usd: 0.018,
    });
  });

  test('importing the same rollout again does not add a second record', async () => {
    const again = await cli(repo, [
      'import',
      'codex',
      join(repo.dir, '..', `${repo.dir.split('/').pop()}-rollout.jsonl`),
    ]);
    expect(again.code).toBe(0);
    const note = await repo.git('notes', '--ref=agent-log', 'show', commit);
    expect(note.split('\n').filter((l) => l.includes('"kind":"record"'))).toHaveLength(1);
  });

  test('bad input: an unknown agent is a usage error; a file that is not a rollout too; a missing file is not found', async () => {
    const other = join(repo.dir, '..', `${repo.dir.split('/').pop()}-notes.txt`);
    writeFileSync(other, 'hello\n');
    const unknown = await cli(repo, ['import', 'windsurf', other]);
    expect([unknown.code, unknown.stderr.split('\n').length]).toEqual([2, 2]);
    expect(unknown.stderr).toMatch(/known: claude-code, codex, gemini, cursor, copilot/);
    const wrong = await cli(repo, ['import', 'codex', other]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/not a Codex rollout file/);
    expect((await cli(repo, ['import', 'codex', `${other}.missing`])).code).toBe(1);
  });
});

describe('import gemini <session.jsonl>', () => {
  let repo: TempRepo;
  let file: string;
  let first: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    repo = await tempRepo({ files: { 'src/app.ts': 'export const port = 80;\n' } });
    expect((await cli(repo, ['init'])).code).toBe(0);
    const t = await clockOf(repo);
    const L = (v: unknown) => JSON.stringify(v);
    const user = (id: string, text: string, s: number) => ({
      id,
      timestamp: t(s),
      type: 'user',
      content: [{ text }],
    });
    const call = (id: string, name: string, args: unknown, output: string, s: number) => ({
      id,
      name,
      args,
      status: 'success',
      timestamp: t(s),
      result: [{ functionResponse: { id, name, response: { output } } }],
    });
    const session = [
      L({ sessionId: 'gm-e2e', projectHash: 'ph', startTime: t(1), lastUpdated: t(1), kind: 'main' }),
      L(user('u1', 'use port 8080', 2)),
      L({
        id: 'g1',
        timestamp: t(3),
        type: 'gemini',
        content: '',
        model: 'gemini-2.5-flash',
        tokens: { input: 3000, output: 200, cached: 1000, thoughts: 100, tool: 0, total: 3300 },
        toolCalls: [
          call(
            'r1',
            'read_file',
            { absolute_path: join(repo.dir, 'src/app.ts') },
            'export const port = 80;',
            4,
          ),
          call(
            'w1',
            'replace',
            { file_path: join(repo.dir, 'src/app.ts'), old_string: '80', new_string: '8080' },
            'ok',
            5,
          ),
          call('s1', 'run_shell_command', { command: 'npm test' }, 'Output: 1 failing\nExit Code: 1', 6),
        ],
      }),
      L(user('u2', 'never mind the tests, use 9090', 7)),
      L({ $rewindTo: 'u2' }),
      L(user('u3', 'now run the tests again', 8)),
      L({
        id: 'g2',
        timestamp: t(9),
        type: 'gemini',
        content: 'Tests pass.',
        model: 'gemini-2.5-flash',
        tokens: { input: 4000, output: 100, cached: 3000, thoughts: 0, tool: 0, total: 4100 },
        toolCalls: [call('s2', 'run_shell_command', { command: 'npm test' }, 'Output: 3 passing', 10)],
      }),
      L({ $set: { lastUpdated: t(11), summary: 'Port set to 8080' } }),
    ];
    file = join(repo.dir, '..', `${repo.dir.split('/').pop()}-session.jsonl`);
    writeFileSync(file, session.join('\n') + '\n');
    repo.write('src/app.ts', 'export const port = 8080;\n');
    first = await cli(repo, ['import', 'gemini', file]);
  });

  afterAll(() => repo?.cleanup());

  test('with no commit since the session started the run waits, pending', () => {
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/no commit since the session started, pending\n$/);
    expect(existsSync(join(repo.dir, '.git/agent-log/sessions/gemini/gm-e2e.jsonl'))).toBe(true);
  });

  test('the next commit seals it, with the replayed conversation and its cost', async () => {
    const commit = await repo.commit('port 8080');
    await cli(repo, ['attach']);
    const record = await until('the sealed gemini record', () => noteRecord(repo, commit));
    expect(record.agent).toMatchObject({
      name: 'gemini',
      model: 'gemini-2.5-flash',
      session_ids: ['gm-e2e'],
    });
    // u2 was rewound: the conversation is u1 then u3
    expect(record.task).toMatchObject({ intent: 'use port 8080', follow_ups: ['now run the tests again'] });
    expect(record.files).toEqual({
      read: ['src/app.ts'],
      changed: [{ path: 'src/app.ts', status: 'modified', additions: 1, deletions: 1, via: 'edit' }],
    });
    expect(record.commands.map((c) => [c.command, c.exit_code])).toEqual([
      ['npm test', 1],
      ['npm test', 0],
    ]);
    // input 2000+1000 non-cached, 4000 cached, output 300+100; flash 0.3 / 0.03 / 2.5 per M
    expect(record.cost).toMatchObject({
      input_tokens: 3000,
      cache_read_tokens: 4000,
      output_tokens: 400,
      usd: 0.00202,
    });
  });
});

describe('install / uninstall codex and gemini', () => {
  let repo: TempRepo;
  beforeAll(async () => {
    repo = await tempRepo({ files: { 'README.md': 'x\n' } });
    expect((await cli(repo, ['init'])).code).toBe(0);
  });
  afterAll(() => repo?.cleanup());

  test('codex: .codex/hooks.json gains our hooks next to the user’s, once; uninstall leaves theirs', async () => {
    const theirs = { hooks: { Stop: [{ hooks: [{ type: 'command', command: 'notify-me', timeout: 3 }] }] } };
    repo.write('.codex/hooks.json', JSON.stringify(theirs, null, 2) + '\n');
    const first = await cli(repo, ['install', 'codex']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^installed Codex CLI hooks in \.codex\/hooks\.json \(5 events\)\n/);
    expect(first.stdout).toMatch(/codex_hooks = true/);
    const file = JSON.parse(repo.read('.codex/hooks.json'));
    expect(file.hooks.Stop).toEqual([
      theirs.hooks.Stop[0],
      { hooks: [{ type: 'command', command: agentHookCommand('codex'), timeout: 10 }] },
    ]);
    expect((await cli(repo, ['install', 'codex'])).stdout).toBe(
      'Codex CLI hooks already installed in .codex/hooks.json\n',
    );
    expect((await cli(repo, ['uninstall', 'codex'])).code).toBe(0);
    expect(JSON.parse(repo.read('.codex/hooks.json'))).toEqual(theirs);
  });

  test('gemini: .gemini/settings.json keeps its other keys; timeouts in milliseconds', async () => {
    repo.write(
      '.gemini/settings.json',
      JSON.stringify({ theme: 'GitHub', hooksConfig: { enabled: false } }, null, 2),
    );
    const r = await cli(repo, ['install', 'gemini']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/hooks are disabled in \.gemini\/settings\.json/);
    const file = JSON.parse(repo.read('.gemini/settings.json'));
    expect(file.theme).toBe('GitHub');
    expect(file.hooks.BeforeTool[0].hooks[0]).toEqual({
      name: 'agent-log',
      type: 'command',
      command: agentHookCommand('gemini'),
      timeout: 10000,
    });
    await cli(repo, ['uninstall', 'gemini']);
    expect(JSON.parse(repo.read('.gemini/settings.json'))).toEqual({
      theme: 'GitHub',
      hooksConfig: { enabled: false },
    });
  });

  test('doctor reports the Codex and Gemini hooks of projects that use those agents', async () => {
    repo.write('.gemini/settings.json', JSON.stringify({ hooksConfig: { enabled: false } }));
    await cli(repo, ['install', 'codex']);
    const r = await cli(repo, ['doctor']);
    expect(r.stdout).toMatch(/^ok +Codex CLI hooks installed$/m);
    expect(r.stdout).toMatch(/^warn +Gemini CLI hooks not installed in this project$/m);
    expect(r.stdout).toMatch(/^PROBLEM \.gemini\/settings\.json sets hooksConfig\.enabled false/m);
    expect(r.code).toBe(1);
    await cli(repo, ['uninstall', 'codex']);
  });

  test('--local is for claude-code only', async () => {
    const r = await cli(repo, ['install', 'codex', '--local']);
    expect(r.code).toBe(2);
  });
});

describe('hook sessions sealed into notes', () => {
  test('codex: hook events, then finish; cost from the rollout found under CODEX_HOME (transcript_path null)', async () => {
    const repo = await tempRepo({ files: { 'lib.py': 'x = 1\n' } });
    const codexHome = `${repo.dir}-codex-home`;
    try {
      expect((await cli(repo, ['init'])).code).toBe(0);
      const day = new Date().toISOString().slice(0, 10).split('-');
      mkdirSync(join(codexHome, 'sessions', ...day), { recursive: true });
      const rollout = join(codexHome, 'sessions', ...day, 'rollout-2026-11-23T10-00-00-cx-hook.jsonl');
      const env = { CODEX_HOME: codexHome };
      const base = {
        session_id: 'cx-hook',
        turn_id: '1',
        transcript_path: null,
        cwd: repo.dir,
        model: 'gpt-5.1-codex',
      };
      const hook = async (p: Record<string, unknown>) =>
        expect(await cli(repo, ['hook', 'codex'], { input: JSON.stringify({ ...base, ...p }), env })).toEqual(
          {
            code: 0,
            stdout: '',
            stderr: '',
          },
        );
      const patch = '*** Begin Patch\n*** Update File: lib.py\n@@\n-x = 1\n+x = 2\n*** End Patch';
      await hook({ hook_event_name: 'SessionStart', source: 'startup' });
      await snapshotTaken(repo, 'codex', 'cx-hook');
      await hook({ hook_event_name: 'UserPromptSubmit', prompt: 'set x to 2' });
      await hook({
        hook_event_name: 'PreToolUse',
        tool_name: 'apply_patch',
        tool_use_id: 'p1',
        tool_input: { command: patch },
      });
      repo.write('lib.py', 'x = 2\n');
      await hook({
        hook_event_name: 'PostToolUse',
        tool_name: 'apply_patch',
        tool_use_id: 'p1',
        tool_input: { command: patch },
        tool_response: 'Success.',
      });
      await hook({
        hook_event_name: 'PreToolUse',
        tool_name: 'Bash',
        tool_use_id: 'b1',
        tool_input: { command: 'pytest -q' },
      });
      await hook({
        hook_event_name: 'PostToolUse',
        tool_name: 'Bash',
        tool_use_id: 'b1',
        tool_input: { command: 'pytest -q' },
        tool_response: 'Exit code: 0\nWall time: 0.4 seconds\nOutput:\n1 passed',
      });
      await hook({ hook_event_name: 'Stop' });
      const now = new Date().toISOString();
      writeFileSync(
        rollout,
        [
          JSON.stringify({
            timestamp: now,
            type: 'turn_context',
            payload: { cwd: repo.dir, model: 'gpt-5.1-codex' },
          }),
          JSON.stringify({
            timestamp: now,
            type: 'event_msg',
            payload: {
              type: 'token_count',
              info: { last_token_usage: { input_tokens: 2000, cached_input_tokens: 0, output_tokens: 100 } },
            },
          }),
        ].join('\n') + '\n',
      );
      const commit = await repo.commit('x is 2');
      expect((await cli(repo, ['finish'], { env })).code).toBe(0);
      const record = await until('the codex record', () => noteRecord(repo, commit));
      expect(record.agent).toMatchObject({ name: 'codex', session_ids: ['cx-hook'] });
      expect(record.task.intent).toBe('set x to 2');
      expect(record.files.changed).toMatchObject([{ path: 'lib.py', via: 'edit' }]);
      expect(record.commands.map((c) => [c.command, c.exit_code, c.kind])).toEqual([
        ['pytest -q', 0, 'test'],
      ]);
      // (2000*1.25 + 100*10) / 1e6 at gpt-5.1-codex prices
      expect(record.cost).toMatchObject({
        model: 'gpt-5.1-codex',
        input_tokens: 2000,
        output_tokens: 100,
        usd: 0.0035,
      });
      expect(record.agent.version).toBeNull();
    } finally {
      repo.cleanup();
      rmSync(codexHome, { recursive: true, force: true });
    }
  });

  test('gemini: BeforeTool/AfterTool paired, sealed in the background at SessionEnd', async () => {
    const repo = await tempRepo({ files: { 'index.html': '<h1>hi</h1>\n' } });
    try {
      expect((await cli(repo, ['init'])).code).toBe(0);
      const base = {
        session_id: 'gm-hook',
        transcript_path: join(repo.dir, '..', 'none.jsonl'),
        cwd: repo.dir,
      };
      const hook = async (p: Record<string, unknown>) =>
        expect(await cli(repo, ['hook', 'gemini'], { input: JSON.stringify({ ...base, ...p }) })).toEqual({
          code: 0,
          stdout: '',
          stderr: '',
        });
      // Relative, as Gemini accepts: an absolute temp path can look random to the redactor's
      // high-entropy rule and be masked, which says nothing about pairing.
      const path = 'index.html';
      await hook({ hook_event_name: 'SessionStart', source: 'startup' });
      await snapshotTaken(repo, 'gemini', 'gm-hook');
      await hook({ hook_event_name: 'BeforeAgent', prompt: 'say hello' });
      await hook({
        hook_event_name: 'BeforeTool',
        tool_name: 'write_file',
        tool_input: { file_path: path, content: '<h1>hello</h1>\n' },
      });
      repo.write('index.html', '<h1>hello</h1>\n');
      await hook({
        hook_event_name: 'AfterTool',
        tool_name: 'write_file',
        tool_input: { file_path: path, content: '<h1>hello</h1>\n' },
        tool_response: { llmContent: 'Successfully overwrote file', returnDisplay: '' },
      });
      await hook({
        hook_event_name: 'BeforeTool',
        tool_name: 'run_shell_command',
        tool_input: { command: 'npx html-validate index.html' },
      });
      await hook({
        hook_event_name: 'AfterTool',
        tool_name: 'run_shell_command',
        tool_input: { command: 'npx html-validate index.html' },
        tool_response: { llmContent: 'Output: 1 error\nExit Code: 1', returnDisplay: '1 error' },
      });
      const commit = await repo.commit('hello');
      await hook({ hook_event_name: 'AfterAgent', prompt: 'say hello', prompt_response: 'Done' });
      await hook({ hook_event_name: 'SessionEnd', reason: 'exit' });
      const record = await until('the gemini record', () => noteRecord(repo, commit));
      expect(record.agent).toMatchObject({ name: 'gemini', session_ids: ['gm-hook'] });
      expect(record.task.intent).toBe('say hello');
      expect(record.files.changed).toMatchObject([{ path: 'index.html', via: 'edit' }]);
      expect(record.commands.map((c) => [c.command, c.exit_code])).toEqual([
        ['npx html-validate index.html', 1],
      ]);
      expect(record.cost).toMatchObject({ usd: null, known: false });
      expect(
        readFileSync(join(repo.dir, '.git/agent-log/sealed/gemini', readdirName(repo)), 'utf8'),
      ).toContain('BeforeTool');
    } finally {
      repo.cleanup();
    }
  });
});

/** The working tree snapshot the hook starts in the background at SessionStart (the seal diffs from it). */
function snapshotTaken(repo: TempRepo, agent: string, session: string) {
  const journal = join(repo.dir, '.git/agent-log/sessions', agent, `${session}.jsonl`);
  return until('the start snapshot', async () =>
    existsSync(journal) && readFileSync(journal, 'utf8').includes('"type":"snapshot"') ? true : null,
  );
}

function readdirName(repo: TempRepo): string {
  return readdirSync(join(repo.dir, '.git/agent-log/sealed/gemini')).find((n) => n.endsWith('.jsonl'))!;
}
