// Spend budgets for Cursor and GitHub Copilot CLI, through the hook commands `install` wrote, run the
// way each agent runs them (`sh -c` / `bash -c` in the project root, the payload on stdin):
// Cursor reports each turn's tokens on `stop`, so once the turns spent the budget its next tool call is
// refused; Copilot CLI's hooks report none, so the guard reads the session's events.jsonl
// ($COPILOT_HOME/session-state/<id>/events.jsonl) as Copilot writes it. Expected figures come from
// prices.json and the payloads, computed here. A Copilot run sealed after its session.shutdown has
// the cost of that segment.
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunRecord } from '../../src/record/schema.js';
import { cli, ROOT, type TempRepo, tempRepo } from '../helpers/repo.js';
import { installedCliDir, runHookCommand as runAsAgent } from '../helpers/agent-hooks.js';

type Payload = Record<string, unknown>;

const fixture = (path: string): Payload[] =>
  readFileSync(join(ROOT, 'test/fixtures/corpus', path), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Payload);

const PRICES = JSON.parse(readFileSync(join(ROOT, 'src/capture/prices.json'), 'utf8')).models as Record<
  string,
  { input: number; output: number; cache_read: number; cache_write_5m: number }
>;

const binDir = installedCliDir();
const copilotHome = mkdtempSync(join(tmpdir(), 'agent-log-copilot-home-'));
// where Copilot CLI keeps its state on this "machine": every process of the test sees it (the hooks,
// git's own hooks that seal at commit, the CLI)
const copilotHomeBefore = process.env.COPILOT_HOME;
process.env.COPILOT_HOME = copilotHome;
const runHookCommand = (repo: TempRepo, shell: 'sh' | 'bash', command: string, payload: Payload) =>
  runAsAgent(repo, binDir, command, payload, { shell, env: { COPILOT_HOME: copilotHome } });

afterAll(() => {
  if (copilotHomeBefore === undefined) delete process.env.COPILOT_HOME;
  else process.env.COPILOT_HOME = copilotHomeBefore;
  rmSync(copilotHome, { recursive: true, force: true });
});

/** The guard's journal lines of a session (refusals, figures). */
function guardLines(repo: TempRepo, agent: string, session: string): Payload[] {
  const file = join(repo.dir, '.git/agent-log/sessions', agent, `${session}.jsonl`);
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Payload)
    .filter((l) => l.type === 'guard');
}

const money = (n: number) => `$${n.toFixed(2)}`;

describe('Cursor: a per-run USD budget, from the tokens of each turn’s stop', () => {
  let repo: TempRepo;
  let hooks: Record<string, { command: string }[]>;
  const real = fixture('cursor/grafanaDemo-hooks.jsonl').find(
    (p) => p.hook_event_name === 'beforeShellExecution' && p.model === 'claude-opus-4-6',
  )!;
  // the turn's usage as Cursor 3 reports it on stop
  const usage = {
    input_tokens: 20_000,
    output_tokens: 4_000,
    cache_read_tokens: 100_000,
    cache_write_tokens: 8_000,
  };
  const p = PRICES['claude-opus-4-6']!;
  const turn =
    (usage.input_tokens * p.input +
      usage.output_tokens * p.output +
      usage.cache_read_tokens * p.cache_read +
      usage.cache_write_tokens * p.cache_write_5m) /
    1e6;
  const budget = turn * 1.5;
  const base = (gen: string) => ({
    conversation_id: real.conversation_id,
    session_id: real.conversation_id,
    generation_id: gen,
    model: real.model,
    cursor_version: real.cursor_version,
    workspace_roots: real.workspace_roots,
    transcript_path: null,
  });
  const shell = (gen: string, command: string) => ({
    ...base(gen),
    command,
    cwd: '',
    sandbox: false,
    hook_event_name: 'beforeShellExecution',
  });
  const stop = (gen: string) => ({
    ...base(gen),
    status: 'completed',
    loop_count: 0,
    ...usage,
    hook_event_name: 'stop',
  });
  const run = (payload: Payload) =>
    runHookCommand(repo, 'sh', hooks[String(payload.hook_event_name)]![0]!.command, payload);

  beforeAll(async () => {
    repo = await tempRepo({
      files: {
        'README.md': 'x\n',
        '.agent-log/config.json': JSON.stringify({ guard: { budget: { usd_per_run: budget } } }),
      },
    });
    expect((await cli(repo, ['init'])).code).toBe(0);
    expect((await cli(repo, ['install', 'cursor'])).code).toBe(0);
    hooks = JSON.parse(repo.read('.cursor/hooks.json')).hooks;
  });
  afterAll(() => repo?.cleanup());

  test('under the budget every call goes on; once two turns spent it, the next command and edit are refused', async () => {
    const g1 = '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e';
    const g2 = '1c2d3e4f-5a6b-4c7d-9e8f-0a1b2c3d4e5f';
    const g3 = '2d3e4f5a-6b7c-4d8e-8f9a-1b2c3d4e5f6a';
    expect(await run({ ...base(''), hook_event_name: 'sessionStart', composer_mode: 'agent' })).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
    expect((await run(shell(g1, 'npm test'))).stdout).toBe('');
    expect((await run(stop(g1))).stdout).toBe('');
    // one turn spent: under the budget
    expect((await run(shell(g2, 'npm test'))).stdout).toBe('');
    expect((await run(stop(g2))).stdout).toBe('');
    // the same turn's stop again (a retried hook) is not counted twice
    expect((await run(stop(g2))).stdout).toBe('');
    const refused = await run(shell(g3, 'npm run build'));
    expect(refused.code).toBe(0);
    const answer = JSON.parse(refused.stdout);
    expect(answer.permission).toBe('deny');
    expect(answer.user_message).toContain(`this run has spent ${money(2 * turn)} of ${money(budget)}`);
    const edit = await run({
      ...base(g3),
      tool_name: 'Write',
      tool_input: { file_path: `${(real.workspace_roots as string[])[0]}/README.md`, contents: 'y\n' },
      tool_use_id: '3e4f5a6b-7c8d-4e9f-8a0b-2c3d4e5f6a7b',
      cwd: '',
      hook_event_name: 'preToolUse',
    });
    expect(JSON.parse(edit.stdout)).toMatchObject({ permission: 'deny' });
    const refusal = guardLines(repo, 'cursor', String(real.conversation_id)).find(
      (l) => l.decision === 'refused',
    )!;
    expect(refusal.rule).toBe('budget.usd_per_run');
    expect((refusal.used as { usd: number }).usd).toBeCloseTo(2 * turn, 6);
  });
});

describe('Copilot CLI: a per-run token budget, from the session’s events.jsonl', () => {
  let repo: TempRepo;
  let hooks: Record<string, { bash: string }[]>;
  let record: RunRecord;
  const real = fixture('copilot/sx-report-usage.jsonl')[0]!;
  const sessionId = String(real.sessionId);
  const events = join(copilotHome, 'session-state', sessionId, 'events.jsonl');
  // Copilot writes its events as the hooks fire: the same clock as the journal's lines
  const t0 = Date.now();
  let n = 0;
  let parent: string | null = null;
  /** One line of events.jsonl as Copilot CLI writes it. */
  const event = (type: string, data: Payload) => {
    const id = `${(0x5a6b7c8d + ++n).toString(16)}-1e2f-4a3b-9c4d-${n.toString(16).padStart(12, '0')}`;
    appendFileSync(
      events,
      `${JSON.stringify({ type, data, id, timestamp: new Date(Math.max(Date.now(), t0 + n)).toISOString(), parentId: parent })}\n`,
    );
    parent = id;
  };
  const reply = (outputTokens: number, command: string) =>
    event('assistant.message', {
      messageId: `m${n}`,
      content: '',
      toolRequests: [
        {
          toolCallId: `toolu_01${String(n).padStart(22, 'X')}`,
          name: 'bash',
          arguments: { command },
          type: 'function',
        },
      ],
      outputTokens,
    });
  const pre = (command: string) => ({
    sessionId,
    timestamp: t0 + n * 1000 + 500,
    cwd: real.cwd,
    toolName: 'bash',
    toolArgs: { command, description: 'Run' },
  });
  const budget = 1_000;
  const replies = [373, 400, 500];
  const shutdown = {
    inputTokens: 52_000,
    outputTokens: 1_273,
    cacheReadTokens: 40_000,
    cacheWriteTokens: 2_000,
  };

  beforeAll(async () => {
    repo = await tempRepo({
      files: {
        'README.md': 'x\n',
        '.agent-log/config.json': JSON.stringify({ guard: { budget: { tokens_per_run: budget } } }),
      },
    });
    expect((await cli(repo, ['init'])).code).toBe(0);
    expect((await cli(repo, ['install', 'copilot'])).code).toBe(0);
    hooks = JSON.parse(repo.read('.github/hooks/agent-log.json')).hooks;
    mkdirSync(join(copilotHome, 'session-state', sessionId), { recursive: true });
    writeFileSync(events, '');
    event('session.start', {
      sessionId,
      version: 1,
      producer: 'copilot-agent',
      copilotVersion: '1.0.91',
      startTime: new Date(t0).toISOString(),
      selectedModel: 'claude-sonnet-4.5',
      context: { cwd: real.cwd },
    });
  });
  afterAll(() => repo?.cleanup());

  test('replies under the budget go on; the call after the replies passed it is refused in Copilot’s words', async () => {
    const start = await runHookCommand(repo, 'bash', hooks.sessionStart![0]!.bash, {
      sessionId,
      timestamp: t0 + 500,
      cwd: real.cwd,
      source: 'new',
    });
    expect(start).toEqual({ code: 0, stdout: '', stderr: '' });
    event('user.message', { content: 'make the tests pass' });
    reply(replies[0]!, 'go test ./...');
    expect(
      (await runHookCommand(repo, 'bash', hooks.preToolUse![0]!.bash, pre('go test ./...'))).stdout,
    ).toBe('');
    // an edit while under the budget (it ties the run to the commit that holds it)
    const edit = {
      sessionId,
      timestamp: t0 + n * 1000 + 600,
      cwd: repo.dir,
      toolName: 'edit',
      toolArgs: { path: join(repo.dir, 'README.md'), old_str: 'x', new_str: 'y' },
    };
    expect((await runHookCommand(repo, 'bash', hooks.preToolUse![0]!.bash, edit)).stdout).toBe('');
    repo.write('README.md', 'y\n');
    const done = { ...edit, toolResult: { resultType: 'success', textResultForLlm: 'File updated' } };
    expect(await runHookCommand(repo, 'bash', hooks.postToolUse![0]!.bash, done)).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
    reply(replies[1]!, 'go vet ./...');
    // 773 of 1,000 tokens: still under
    expect((await runHookCommand(repo, 'bash', hooks.preToolUse![0]!.bash, pre('go vet ./...'))).stdout).toBe(
      '',
    );
    reply(replies[2]!, 'go build ./...');
    const refused = await runHookCommand(repo, 'bash', hooks.preToolUse![0]!.bash, pre('go build ./...'));
    expect(refused.code).toBe(0);
    const answer = JSON.parse(refused.stdout);
    expect(answer.permissionDecision).toBe('deny');
    const spent = replies.reduce((a, b) => a + b, 0);
    expect(answer.permissionDecisionReason).toContain(
      `this run has used ${spent.toLocaleString('en-US')} of ${budget.toLocaleString('en-US')} tokens`,
    );
    const refusal = guardLines(repo, 'copilot', sessionId).find((l) => l.decision === 'refused')!;
    expect(refusal.rule).toBe('budget.tokens_per_run');
  });

  test('sealed after its session.shutdown, the hook-recorded run costs what that segment says', async () => {
    event('session.shutdown', {
      shutdownType: 'routine',
      modelMetrics: { 'claude-sonnet-4.5': { requests: { count: 3, cost: 3 }, usage: shutdown } },
      currentModel: 'claude-sonnet-4.5',
    });
    const end = await runHookCommand(repo, 'bash', hooks.sessionEnd![0]!.bash, {
      sessionId,
      timestamp: t0 + n * 1000 + 500,
      cwd: real.cwd,
      reason: 'complete',
    });
    expect(end).toEqual({ code: 0, stdout: '', stderr: '' });
    const commit = await repo.commit('the edit of the session');
    const sealed = await cli(repo, ['log']);
    expect(sealed.code, sealed.stderr).toBe(0);
    const shown = await cli(repo, ['show', commit, '--format', 'json']);
    record = JSON.parse(shown.stdout);
    const p = PRICES['claude-sonnet-4-5']!;
    const input = shutdown.inputTokens - shutdown.cacheReadTokens - shutdown.cacheWriteTokens;
    expect(record.cost).toMatchObject({
      input_tokens: input,
      output_tokens: shutdown.outputTokens,
      cache_read_tokens: shutdown.cacheReadTokens,
      cache_write_tokens: shutdown.cacheWriteTokens,
    });
    expect(record.cost?.usd).toBeCloseTo(
      (input * p.input +
        shutdown.outputTokens * p.output +
        shutdown.cacheReadTokens * p.cache_read +
        shutdown.cacheWriteTokens * p.cache_write_5m) /
        1e6,
      6,
    );
  });
});
