// `install`/`uninstall claude-code` on settings files that already hold other hooks and keys, and
// `import claude-code` of the corpus transcripts.
import { agentHookCommand } from '../../src/capture/hook-command.js';
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { HOOK_EVENTS } from '../../src/capture/claude-code/install.js';
import { cli, type TempRepo, tempRepo } from '../helpers/repo.js';

const CORPUS = '/work/shared/corpus/claude-code';
const repos: TempRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});
async function repo(files: Record<string, string> = { 'a.txt': 'a\n' }) {
  const r = await tempRepo({ files });
  repos.push(r);
  return r;
}

const existing = {
  model: 'opus',
  permissions: { allow: ['Bash(npm test:*)'], deny: ['Read(./.env)'] },
  env: { FOO: '1' },
  hooks: {
    PreToolUse: [
      { matcher: 'Bash', hooks: [{ type: 'command', command: './scripts/guard.sh', timeout: 5 }] },
    ],
    Stop: [{ hooks: [{ type: 'command', command: 'notify-send done' }] }],
    UserPromptExpansion: [{ hooks: [{ type: 'command', command: 'echo expand' }] }],
  },
  statusLine: { type: 'command', command: 'ccusage statusline' },
};

describe('install / uninstall claude-code', () => {
  test('install adds our hooks for every event and keeps everything else; a second install changes nothing', async () => {
    const r = await repo();
    r.write('.claude/settings.json', JSON.stringify(existing, null, 4));
    const first = await cli(r, ['install', 'claude-code']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/installed Claude Code hooks in \.claude\/settings\.json \(12 events\)/);
    expect(first.stderr).toMatch(/run `git agent-log init`/);
    const after = JSON.parse(r.read('.claude/settings.json'));
    expect(after.model).toBe('opus');
    expect(after.permissions).toEqual(existing.permissions);
    expect(after.env).toEqual(existing.env);
    expect(after.statusLine).toEqual(existing.statusLine);
    expect(after.hooks.UserPromptExpansion).toEqual(existing.hooks.UserPromptExpansion);
    expect(after.hooks.PreToolUse).toEqual([
      ...existing.hooks.PreToolUse,
      { matcher: '*', hooks: [{ type: 'command', command: agentHookCommand('claude-code'), timeout: 10 }] },
    ]);
    expect(after.hooks.Stop[0]).toEqual(existing.hooks.Stop[0]);
    for (const event of HOOK_EVENTS) {
      const ours = after.hooks[event]
        .flatMap((g: { hooks: { command: string }[] }) => g.hooks)
        .filter((h: { command: string }) => h.command.includes('exec git-agent-log hook claude-code'));
      expect(ours, event).toHaveLength(1);
    }
    expect(r.read('.claude/settings.json')).toMatch(/^\{\n {4}"model"/); // indentation kept
    const text = r.read('.claude/settings.json');
    const second = await cli(r, ['install', 'claude-code']);
    expect(second.stdout).toMatch(/already installed/);
    expect(r.read('.claude/settings.json')).toBe(text);
  });

  test('uninstall removes only ours and restores the original settings', async () => {
    const r = await repo();
    r.write('.claude/settings.json', JSON.stringify(existing, null, 2));
    await cli(r, ['install', 'claude-code']);
    const un = await cli(r, ['uninstall', 'claude-code']);
    expect(un.code).toBe(0);
    expect(un.stdout).toMatch(/removed agent-log hooks from \.claude\/settings\.json \(12 events\)/);
    expect(JSON.parse(r.read('.claude/settings.json'))).toEqual(existing);
    expect((await cli(r, ['uninstall', 'claude-code'])).stdout).toMatch(/no agent-log hooks/);
  });

  test('--local writes settings.local.json; a configured repo gets no init hint; disableAllHooks warns', async () => {
    const r = await repo();
    await cli(r, ['init']);
    r.write('.claude/settings.json', JSON.stringify({ disableAllHooks: true }));
    const res = await cli(r, ['install', 'claude-code', '--local']);
    expect(res.code).toBe(0);
    expect(res.stderr).not.toMatch(/git agent-log init/);
    expect(res.stderr).toMatch(/hooks are disabled in .*settings\.json/);
    const local = JSON.parse(r.read('.claude/settings.local.json'));
    expect(Object.keys(local.hooks).sort()).toEqual([...HOOK_EVENTS].sort());
    expect(JSON.parse(r.read('.claude/settings.json'))).toEqual({ disableAllHooks: true });
  });

  test('a settings file that is not JSON is left alone with exit 2', async () => {
    const r = await repo();
    r.write('.claude/settings.json', '{ "hooks": ');
    const res = await cli(r, ['install', 'claude-code']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^error: .*settings\.json is not valid JSON/);
    expect(r.read('.claude/settings.json')).toBe('{ "hooks": ');
  });

  test('an unknown agent is a usage error', async () => {
    const r = await repo();
    const res = await cli(r, ['install', 'vim']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/unknown agent 'vim'/);
  });
});

describe('import claude-code', () => {
  test('every corpus transcript imports without error', async () => {
    const r = await repo();
    const files = readdirSync(CORPUS).filter((f) => f.endsWith('.jsonl'));
    for (const f of files) {
      const res = await cli(r, ['import', 'claude-code', join(CORPUS, f), '--json']);
      expect(res.code, `${f}: ${res.stderr}`).toBe(0);
      const record = JSON.parse(res.stdout);
      expect(record.agent.name).toBe('claude-code');
      expect(record.task.source).toBe('import');
    }
  });

  test('a session with no commit since it started stays pending, then attaches to the next commit', async () => {
    const r = await repo({ 'hello.py': '' });
    const res = await cli(r, [
      'import',
      'claude-code',
      join(CORPUS, 'claude-code-transcripts__sample_session.jsonl'),
      '--json',
    ]);
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/pending/);
    const pending = JSON.parse(res.stdout);
    expect(pending.outcome.status).toBe('pending');
    expect(pending.task).toEqual({
      intent: 'Create a hello world function',
      source: 'import',
      follow_ups: ['Now add a goodbye function'],
    });
    r.write('hello.py', "def hello():\n    return 'Hello, World!'\n");
    const commit = await r.commit('add hello');
    const fin = await cli(r, ['finish']);
    expect(fin.code).toBe(0);
    const note = await r.git('notes', '--ref=agent-log', 'show', commit);
    const record = JSON.parse(note.split('\n').find((l) => l.includes('"kind":"record"'))!);
    expect(record).toMatchObject({
      id: pending.id,
      outcome: { status: 'completed' },
      repo: { commits: [commit] },
    });
    expect(record.commands[0]).toMatchObject({
      command: "git add . && git commit -m 'Add hello function'",
      exit_code: 0,
    });
  });

  test('a transcript in a session directory brings its subagent files; importing twice is idempotent', async () => {
    const r = await repo();
    const dir = join(r.dir, '..', `${r.dir.split('/').pop()}-proj`);
    const id = '55550000-0000-4000-8000-000000000001';
    mkdirSync(join(dir, id, 'subagents'), { recursive: true });
    copyFileSync(join(CORPUS, `claude-code-log__minimal_showcase__${id}.jsonl`), join(dir, `${id}.jsonl`));
    copyFileSync(
      join(CORPUS, 'claude-code-log__minimal_showcase__subagents__agent-showcol1.jsonl'),
      join(dir, id, 'subagents', 'agent-showcol1.jsonl'),
    );
    const one = JSON.parse(
      (await cli(r, ['import', 'claude-code', join(dir, `${id}.jsonl`), '--json'])).stdout,
    );
    expect(one.cost).toMatchObject({ input_tokens: 720, output_tokens: 240, messages: 6 });
    const two = JSON.parse(
      (await cli(r, ['import', 'claude-code', join(dir, `${id}.jsonl`), '--json'])).stdout,
    );
    expect(two.id).toBe(one.id);
  });

  test('a missing transcript is not found (exit 1)', async () => {
    const r = await repo();
    const res = await cli(r, ['import', 'claude-code', '/nonexistent.jsonl']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/no such transcript/);
  });
});

describe('sealing a session whose transcript is gone', () => {
  test('cost is unknown, not an error', async () => {
    const r = await repo();
    const base = { session_id: 'gone', transcript_path: '/nonexistent/gone.jsonl', cwd: r.dir };
    const env = { AGENT_LOG_NO_BACKGROUND: '1' };
    for (const p of [
      { hook_event_name: 'SessionStart', source: 'startup' },
      { hook_event_name: 'UserPromptSubmit', prompt: 'touch b' },
    ])
      await cli(r, ['hook', 'claude-code'], { input: JSON.stringify({ ...base, ...p }), env });
    writeFileSync(join(r.dir, 'b.txt'), 'b\n');
    const commit = await r.commit('b');
    await cli(r, ['hook', 'claude-code'], {
      input: JSON.stringify({ ...base, hook_event_name: 'SessionEnd' }),
      env,
    });
    const res = await cli(r, ['seal-pending']);
    expect(res.code).toBe(0);
    const note = await r.git('notes', '--ref=agent-log', 'show', commit);
    const record = JSON.parse(note.split('\n').find((l) => l.includes('"kind":"record"'))!);
    expect(record.cost).toMatchObject({ usd: null, known: false });
    expect(record.files.changed).toEqual([expect.objectContaining({ path: 'b.txt', via: 'unknown' })]);
    expect(existsSync(join(r.dir, '.git/agent-log/errors.log'))).toBe(false);
  });
});

describe('hooks of an older Claude Code (no PostToolUseFailure, hooks installed mid-session)', () => {
  test('the transcript fills in the failed command and the prompt', async () => {
    const r = await repo();
    const transcript = join(r.dir, '..', `${r.dir.split('/').pop()}-old.jsonl`);
    const base = { session_id: 'old', transcript_path: transcript, cwd: r.dir };
    const env = { AGENT_LOG_NO_BACKGROUND: '1' };
    const send = (p: Record<string, unknown>) =>
      cli(r, ['hook', 'claude-code'], { input: JSON.stringify({ ...base, ...p }), env });
    await send({ hook_event_name: 'SessionStart', source: 'startup' });
    await send({
      hook_event_name: 'PreToolUse',
      tool_name: 'Bash',
      tool_use_id: 'toolu_t',
      tool_input: { command: 'pytest -q' },
    });
    const now = Date.now();
    const iso = (ms: number) => new Date(now + ms).toISOString();
    const l = (o: object) => JSON.stringify({ sessionId: 'old', version: '2.0.10', ...o });
    writeFileSync(
      transcript,
      [
        l({ type: 'user', timestamp: iso(0), message: { role: 'user', content: 'fix the flaky test' } }),
        l({
          type: 'assistant',
          timestamp: iso(1000),
          message: {
            id: 'm1',
            role: 'assistant',
            model: 'claude-sonnet-4-5',
            content: [{ type: 'tool_use', id: 'toolu_t', name: 'Bash', input: { command: 'pytest -q' } }],
          },
        }),
        l({
          type: 'user',
          timestamp: iso(4000),
          toolUseResult: 'Error: Exit code 2\nE   assert 1 == 2',
          message: {
            role: 'user',
            content: [
              {
                type: 'tool_result',
                tool_use_id: 'toolu_t',
                is_error: true,
                content: 'Exit code 2\nE   assert 1 == 2',
              },
            ],
          },
        }),
      ].join('\n'),
    );
    writeFileSync(join(r.dir, 'b.txt'), 'b\n');
    const commit = await r.commit('b');
    await send({ hook_event_name: 'SessionEnd', reason: 'other' });
    expect((await cli(r, ['seal-pending'])).code).toBe(0);
    const note = await r.git('notes', '--ref=agent-log', 'show', commit);
    const record = JSON.parse(note.split('\n').find((x) => x.includes('"kind":"record"'))!);
    expect(record.task.intent).toBe('fix the flaky test');
    expect(record.agent.version).toBe('2.0.10');
    expect(record.commands).toEqual([
      expect.objectContaining({ command: 'pytest -q', exit_code: 2, kind: 'test' }),
    ]);
    expect(record.checks[0]).toMatchObject({ name: 'pytest -q', status: 'failed' });
  });
});

describe('an open session', () => {
  test('log lists it as pending and show resolves it by ID prefix; it is not sealed before it ends', async () => {
    const r = await repo();
    const base = { session_id: 'open-1', transcript_path: '/nonexistent.jsonl', cwd: r.dir };
    const env = { AGENT_LOG_NO_BACKGROUND: '1' };
    for (const p of [
      { hook_event_name: 'SessionStart', source: 'startup', model: 'claude-opus-4-6' },
      { hook_event_name: 'UserPromptSubmit', prompt: 'rename the helper' },
    ])
      await cli(r, ['hook', 'claude-code'], { input: JSON.stringify({ ...base, ...p }), env });
    await r.commit('agent commit mid-session');
    const log = await cli(r, ['log']);
    expect(log.code).toBe(0);
    const line = log.stdout.split('\n').find((l) => l.includes('rename the helper'))!;
    expect(line).toMatch(/^[g-z][0-9a-z]{6} \S+ \S+ claude-code +pending/);
    const id = line.split(' ')[0]!;
    const show = await cli(r, ['show', id.slice(0, 6), '--json']);
    expect(show.code).toBe(0);
    const shown = JSON.parse(show.stdout);
    expect(shown.id.startsWith(id)).toBe(true);
    expect(shown).toMatchObject({
      agent: { model: 'claude-opus-4-6' },
      outcome: { status: 'pending' },
    });
    await expect(r.git('notes', '--ref=agent-log', 'list')).resolves.toBe('');
  });
});
