// Facts that real sessions broke: calls paired by redacted ids, paths from another machine, edit tools
// as evidence without a commit. Inputs have the real shapes (toolu_01 + 22 base62, /Users/alice/…).
import { describe, expect, test } from 'vitest';
import { agentAdapter } from '../../src/capture/registry.js';
import { foldSession, repoPath } from '../../src/capture/session/fold.js';
import { withEditedFiles } from '../../src/capture/changes.js';
import type { JournalEvent } from '../../src/journal/journal.js';
import { Redactor } from '../../src/redact/redactor.js';

const ids = [
  'toolu_01XxX5t8TpNcaBnHh2M9j414',
  'toolu_01Q8vRk3LmZp7TyWc2NdHs5F',
  'toolu_01Hb6Gk9TzRw4YqPm8NcVx2L',
];

/** Journal lines the way the hook writes them: the payload redacted, the ids kept on the line. */
function journal(payloads: Record<string, unknown>[]): JournalEvent[] {
  return payloads.map((p, i) => ({
    v: 1,
    t: `2026-11-20T10:00:0${i}.000Z`,
    type: 'hook',
    event: String(p.hook_event_name),
    session_id: 'c0a8e5d2-4f1b-4c3a-9e7d-2b6f8a1c3d5e',
    ...(typeof p.tool_use_id === 'string' ? { tool_use_id: p.tool_use_id } : {}),
    payload: new Redactor().redactDeep(p),
  }));
}

describe('tool calls are paired by the ids the agent sent', () => {
  test('three Bash calls with real tool ids stay three commands with their own exit codes', () => {
    const cwd = '/Users/alice/src/proj';
    const payloads = ids.flatMap((id, i) => [
      {
        hook_event_name: 'PreToolUse',
        session_id: 's',
        cwd,
        tool_name: 'Bash',
        tool_use_id: id,
        tool_input: { command: `echo ${i}` },
      },
      i === 1
        ? {
            hook_event_name: 'PostToolUseFailure',
            session_id: 's',
            cwd,
            tool_name: 'Bash',
            tool_use_id: id,
            tool_input: { command: `echo ${i}` },
            error: 'Exit code 3\nboom',
          }
        : {
            hook_event_name: 'PostToolUse',
            session_id: 's',
            cwd,
            tool_name: 'Bash',
            tool_use_id: id,
            tool_input: { command: `echo ${i}` },
            tool_response: { stdout: `${i}`, stderr: '' },
          },
    ]);
    const events = agentAdapter('claude-code').journalEvents(journal(payloads));
    const facts = foldSession(events, { root: cwd });
    expect(facts.commands.map((c) => [c.command, c.exit_code])).toEqual([
      ['echo 0', 0],
      ['echo 1', 3],
      ['echo 2', 0],
    ]);
    expect(facts.tools).toEqual({ Bash: 3 });
  });
});

describe('paths', () => {
  test('a path under the session cwd of another machine becomes relative to it', () => {
    expect(repoPath('/Users/alice/src/proj/lib/a.ex', '/tmp/checkout', '/Users/alice/src/proj')).toBe(
      'lib/a.ex',
    );
    expect(repoPath('/tmp/checkout/lib/a.ex', '/tmp/checkout', '/Users/alice/src/proj')).toBe('lib/a.ex');
    expect(repoPath('C:\\Users\\bob\\proj\\src\\x.ts', null, 'C:\\Users\\bob\\proj')).toBe('src/x.ts');
  });
  test('a path outside both stays absolute, and edits there are listed as outside the repository', () => {
    const cwd = '/Users/alice/src/proj';
    const events = agentAdapter('claude-code').journalEvents(
      journal([
        {
          hook_event_name: 'PreToolUse',
          session_id: 's',
          cwd,
          tool_name: 'Write',
          tool_use_id: ids[0],
          tool_input: { file_path: '/Users/alice/.zshrc', content: 'x' },
        },
        {
          hook_event_name: 'PostToolUse',
          session_id: 's',
          cwd,
          tool_name: 'Write',
          tool_use_id: ids[0],
          tool_input: { file_path: '/Users/alice/.zshrc', content: 'x' },
          tool_response: { type: 'update' },
        },
        {
          hook_event_name: 'PreToolUse',
          session_id: 's',
          cwd,
          tool_name: 'Write',
          tool_use_id: ids[1],
          tool_input: { file_path: `${cwd}/lib/new.ex`, content: 'x' },
        },
        {
          hook_event_name: 'PostToolUse',
          session_id: 's',
          cwd,
          tool_name: 'Write',
          tool_use_id: ids[1],
          tool_input: { file_path: `${cwd}/lib/new.ex`, content: 'x' },
          tool_response: { type: 'create' },
        },
      ]),
    );
    const facts = foldSession(events, { root: '/home/ci/checkout' });
    expect(facts.files_edited).toEqual(['lib/new.ex']);
    expect(facts.edit_status).toEqual({ 'lib/new.ex': 'added' });
    expect(facts.files_outside).toEqual(['/Users/alice/.zshrc']);
  });
});

describe('edit tools are evidence on their own', () => {
  test('edited files the diff does not show are listed via edit with unknown counts', () => {
    const changes = withEditedFiles(
      {
        changed: [{ path: 'a.ts', status: 'modified', additions: 1, deletions: 0, via: 'edit' }],
        dependencies: [],
        config_changes: [],
      },
      ['a.ts', 'b.ts', '.github/workflows/ci.yml'],
      { 'b.ts': 'added' },
    );
    expect(changes.changed).toEqual([
      { path: 'a.ts', status: 'modified', additions: 1, deletions: 0, via: 'edit' },
      { path: 'b.ts', status: 'added', additions: null, deletions: null, via: 'edit' },
      { path: '.github/workflows/ci.yml', status: 'modified', additions: null, deletions: null, via: 'edit' },
    ]);
    expect(changes.config_changes).toEqual(['.github/workflows/ci.yml']);
  });
});

describe('Codex patches in every known form are edits', () => {
  const patch = `*** Begin Patch\n*** Update File: src/a.py\n@@\n-x\n+y\n*** Add File: src/b.py\n+z\n*** End Patch`;
  const forms: [string, unknown][] = [
    ['0.39 applypatch heredoc', { command: ['bash', '-lc', `applypatch <<'PATCH'\n${patch}\nPATCH`] }],
    ['apply_patch heredoc', { command: ['bash', '-lc', `apply_patch <<'EOF'\n${patch}\nEOF`] }],
    ['argv form', { command: ['apply_patch', patch] }],
    ['cd then applypatch', { command: ['bash', '-lc', `cd pkg && applypatch <<'PATCH'\n${patch}\nPATCH`] }],
  ];
  test.each(forms)('%s', async (name, args) => {
    const { parseRollout } = await import('../../src/capture/codex/rollout.js');
    const lines = [
      {
        timestamp: '2025-09-20T10:00:00.000Z',
        type: 'session_meta',
        payload: { id: '0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', cwd: '/Users/alice/proj' },
      },
      {
        timestamp: '2025-09-20T10:00:01.000Z',
        type: 'response_item',
        payload: {
          type: 'function_call',
          name: 'shell',
          call_id: 'call_Zk3mQ9pL2xW8vN4bT7yR1sD6',
          arguments: JSON.stringify(args),
        },
      },
      {
        timestamp: '2025-09-20T10:00:02.000Z',
        type: 'response_item',
        payload: {
          type: 'function_call_output',
          call_id: 'call_Zk3mQ9pL2xW8vN4bT7yR1sD6',
          output: JSON.stringify({ output: 'Success', metadata: { exit_code: 0 } }),
        },
      },
    ];
    const rollout = parseRollout(lines.map((l) => JSON.stringify(l)).join('\n'));
    const facts = foldSession(rollout.events, { root: '/work/clone' });
    expect(facts.commands).toEqual([]);
    const dir = name.startsWith('cd ') ? 'pkg/' : '';
    expect([...facts.files_edited].sort()).toEqual([`${dir}src/a.py`, `${dir}src/b.py`]);
    expect(facts.edit_status?.[`${dir}src/b.py`]).toBe('added');
  });
});

describe('prompts are what a person typed', () => {
  test('injected user-role text is not a prompt; slash commands are their command line', async () => {
    const { typedPrompt } = await import('../../src/capture/session/fold.js');
    expect(typedPrompt('<task-notification>\n<task-id>b7636e2</task-id>\n</task-notification>')).toBeNull();
    expect(typedPrompt('<system-reminder>be brief</system-reminder>')).toBeNull();
    expect(typedPrompt('System: Please continue.')).toBeNull();
    expect(typedPrompt('<local-command-stdout>ok</local-command-stdout>')).toBeNull();
    expect(
      typedPrompt(
        '<command-message>review is running…</command-message>\n<command-name>/review</command-name>\n<command-args>12</command-args>',
      ),
    ).toBe('/review 12');
    expect(
      typedPrompt(
        '\nYou are an AI agent that brings the power of Gemini directly into the terminal. Your task is to analyze the current directory and generate a comprehensive GEMINI.md file to be used as instructional context for future interactions.\n…',
      ),
    ).toBe('/init');
    expect(typedPrompt('please continue')).toBe('please continue');
  });
  test('a prompt typed twice is kept twice, each with its time', () => {
    const sid = '4d5611e5-241a-462a-8d15-5122611a9569';
    const facts = foldSession([
      { kind: 'prompt', at: '2026-02-12T16:02:30.000Z', session_id: sid, text: 'fix the flaky test' },
      { kind: 'prompt', at: '2026-02-12T16:10:00.000Z', session_id: sid, text: 'continue' },
      {
        kind: 'prompt',
        at: '2026-02-12T16:20:00.000Z',
        session_id: sid,
        text: '<task-notification>\n<task-id>b1</task-id>\n</task-notification>',
      },
      { kind: 'prompt', at: '2026-02-12T16:30:00.000Z', session_id: sid, text: 'continue' },
    ]);
    expect(facts.intent).toBe('fix the flaky test');
    expect(facts.follow_ups).toEqual(['continue', 'continue']);
    expect(facts.prompt_times).toEqual([
      '2026-02-12T16:02:30.000Z',
      '2026-02-12T16:10:00.000Z',
      '2026-02-12T16:30:00.000Z',
    ]);
  });
});

describe('command status beyond the exit code', () => {
  const sid = '4d5611e5-241a-462a-8d15-5122611a9569';
  let n = 0;
  const call = (
    command: string,
    end: Partial<{ ok: boolean; output: string; interrupted: boolean; response: Record<string, unknown> }>,
  ) => {
    const id = ids[n++ % ids.length]! + n;
    return [
      {
        kind: 'tool-start' as const,
        at: `2026-02-12T16:0${n}:00.000Z`,
        session_id: sid,
        tool_use_id: id,
        tool: 'Bash',
        input: { command },
        agent_id: null,
      },
      {
        kind: 'tool-end' as const,
        at: `2026-02-12T16:0${n}:01.000Z`,
        session_id: sid,
        tool_use_id: id,
        tool: 'Bash',
        input: { command },
        ok: end.ok ?? true,
        output: end.output ?? '',
        interrupted: end.interrupted ?? false,
        duration_ms: 1000,
        response: end.response ?? null,
        agent_id: null,
      },
    ];
  };
  test('refused, cancelled, blocked by a git hook, interrupted, failed, ok, and a background command completed later', () => {
    const facts = foldSession([
      ...call('rm -rf build', {
        ok: false,
        output:
          "The user doesn't want to proceed with this tool use. The tool use was rejected (eg. if it was a file edit, the new_string was NOT written to the file). STOP what you are doing and wait for the user to tell you how to proceed.",
      }),
      ...call('mix test', {
        ok: false,
        output: '<tool_use_error>Sibling tool call errored</tool_use_error>',
      }),
      ...call('git commit -m "wip"', {
        ok: false,
        output: 'Exit code 1\nhusky - pre-commit hook exited with code 1 (error)',
      }),
      ...call('sleep 100', { ok: true, output: '', interrupted: true }),
      ...call('mix credo', { ok: false, output: 'Exit code 2\nwarnings' }),
      ...call('git status', { ok: true, output: 'clean' }),
      ...call('mix test', {
        ok: true,
        output: 'Command running in background with ID: b7636e2',
        response: { backgroundTaskId: 'b7636e2' },
      }),
      {
        kind: 'task-done',
        at: '2026-02-12T16:09:00.000Z',
        session_id: sid,
        task_id: 'b7636e2',
        status: 'completed',
        exit_code: 0,
      },
    ]);
    expect(facts.commands.map((c) => [c.command, c.status, c.exit_code])).toEqual([
      ['rm -rf build', 'refused', null],
      ['mix test', 'cancelled', null],
      ['git commit -m "wip"', 'blocked', 1],
      ['sleep 100', 'interrupted', null],
      ['mix credo', 'failed', 2],
      ['git status', 'ok', 0],
      ['mix test', 'ok', 0],
    ]);
    expect(facts.commands[2]!.reason).toBe('a git pre-commit hook rejected it');
  });
});

describe('checks group by the command without its output plumbing', () => {
  test.each([
    ['mix test 2>&1 | tail -10', 'mix test'],
    ['mix test | tail -5', 'mix test'],
    ['mix test', 'mix test'],
    ['mix test 2>&1 | grep -E "(tests|failures)"', 'mix test'],
    ['npm test > /tmp/out.log 2>&1; echo "exit: $?"', 'npm test'],
    ['set -o pipefail; cargo test 2>&1 | head -50', 'cargo test'],
    ['npx vitest run "test/a b.test.ts" || true', "npx vitest run 'test/a b.test.ts'"],
    ['cd apps/web && pnpm lint 2>&1 | tail -3', 'cd apps/web && pnpm lint'],
  ])('%s is known as %s', async (command, name) => {
    const { checkIdentity } = await import('../../src/capture/classify.js');
    expect(checkIdentity(command)).toBe(name);
  });
});
