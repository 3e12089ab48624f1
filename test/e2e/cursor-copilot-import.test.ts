// `import cursor` and `import copilot` through the built CLI on real repositories: Cursor agent
// transcripts (real ones from test/fixtures/corpus/cursor, and a session built with their shapes that
// edits this repository) and Copilot CLI session state (events.jsonl, with the per-model usage of its
// session.shutdown lines). Expected values come from small readers of the raw files written here.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunRecord } from '../../src/record/schema.js';
import { cli, ROOT, type TempRepo, tempRepo } from '../helpers/repo.js';
import { installedCliDir, noteRecord, runHookCommand } from '../helpers/agent-hooks.js';

type Obj = Record<string, unknown>;
const home = mkdtempSync(join(tmpdir(), 'agent-log-home-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

const lines = (text: string): Obj[] =>
  text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Obj);

/** Independent reader of a Cursor transcript: prompts typed, Shell commands, edited paths, in order. */
function readCursor(text: string) {
  const prompts: string[] = [];
  const commands: string[] = [];
  const edited: string[] = [];
  for (const l of lines(text)) {
    const content = ((l.message as Obj | undefined)?.content ?? []) as Obj[];
    if (l.role === 'user') {
      const t = content.map((b) => String(b.text ?? '')).join('\n');
      const q = t.split('<user_query>')[1]?.split('</user_query>')[0]?.trim();
      if (q) prompts.push(q);
    }
    if (l.role === 'assistant')
      for (const b of content) {
        if (b.type !== 'tool_use') continue;
        const input = b.input as Obj;
        if (b.name === 'Shell') commands.push(String(input.command));
        if (['Write', 'StrReplace', 'Delete'].includes(String(b.name))) edited.push(String(input.path));
      }
  }
  return { prompts, commands, edited };
}

/** `<timestamp>` as Cursor writes it, for a UTC time shown at a fixed offset (hours). */
function cursorStamp(at: Date, offsetHours: number): string {
  const local = new Date(at.getTime() + offsetHours * 3_600_000);
  const day = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][
    local.getUTCDay()
  ];
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][
    local.getUTCMonth()
  ];
  const h = local.getUTCHours();
  const mm = String(local.getUTCMinutes()).padStart(2, '0');
  const zone = offsetHours === 0 ? 'UTC' : `UTC${offsetHours > 0 ? '+' : ''}${offsetHours}`;
  return `<timestamp>${day}, ${month} ${local.getUTCDate()}, ${local.getUTCFullYear()}, ${h % 12 || 12}:${mm} ${h < 12 ? 'AM' : 'PM'} (${zone})</timestamp>`;
}

describe('import cursor: a real agent transcript (ashugaev/spur)', () => {
  let repo: TempRepo;
  let record: RunRecord;
  const raw = readFileSync(join(ROOT, 'test/fixtures/corpus/cursor/spur-review-pr-552.jsonl'), 'utf8');
  const id = '6f0c2d4e-8a1b-4c3d-9e5f-7a8b9c0d1e2f';
  beforeAll(async () => {
    repo = await tempRepo({ files: { 'README.md': 'x\n' } });
    expect((await cli(repo, ['init'])).code).toBe(0);
    const dir = join(home, '.cursor/projects/home-alek-projects-ao/agent-transcripts', id);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${id}.jsonl`), raw);
    const r = await cli(repo, ['import', 'cursor', join(dir, `${id}.jsonl`), '--commit', 'HEAD', '--json']);
    expect(r.stderr).toMatch(/^imported .* as \w+ on 1 commit\n$/);
    expect(r.code).toBe(0);
    record = JSON.parse(r.stdout);
  });
  afterAll(() => repo?.cleanup());

  test('the prompt as typed, its time from Cursor’s <timestamp>, the conversation by its file name', () => {
    const want = readCursor(raw);
    expect(record.task).toMatchObject({ intent: want.prompts[0], source: 'import' });
    expect(record.agent).toMatchObject({ name: 'cursor', session_ids: [id] });
    expect(record.started_at).toBe('2026-07-13T08:59:00.000Z');
  });

  test('every Shell call, in order, with no exit code (the transcript keeps no results)', () => {
    const want = readCursor(raw);
    expect(record.commands.map((c) => c.command)).toEqual(want.commands);
    for (const c of record.commands) expect(c).toMatchObject({ exit_code: null, status: 'unknown' });
  });

  test('no tokens in a Cursor transcript: the cost is unknown, not zero', () => {
    expect(record.cost).toMatchObject({ usd: null, known: false });
  });
});

describe('import cursor: a session that edited this repository, attached to its commit', () => {
  let repo: TempRepo;
  let commit: string;
  let record: RunRecord;
  let text: string;
  let started: Date;
  const id = 'c41f7a2b-9e3d-4b6a-8f1c-2d5e7a9b0c3d';
  const root = '/Users/alice/src/shop';
  beforeAll(async () => {
    repo = await tempRepo({
      files: { 'src/cart.ts': 'export const total = 0;\n', 'notes.md': 'old\n', 'package.json': '{}\n' },
    });
    expect((await cli(repo, ['init'])).code).toBe(0);
    const ct = Number((await repo.git('log', '-1', '--format=%ct')).trim());
    // the next minute after the last commit, shown as Cursor shows it in UTC+2
    started = new Date((ct - (ct % 60) + 60) * 1000);
    const user = (stamp: string, q: string) => ({
      role: 'user',
      message: { content: [{ type: 'text', text: `${stamp}\n<user_query>\n${q}\n</user_query>` }] },
    });
    const tools = (...blocks: Obj[]) => ({
      role: 'assistant',
      message: { content: blocks.map((b) => ({ type: 'tool_use', ...b })) },
    });
    const rows = [
      user(cursorStamp(started, 2), 'make the cart total add up the item prices'),
      {
        role: 'assistant',
        message: { content: [{ type: 'text', text: 'Reading the cart first.\n\n[REDACTED]' }] },
      },
      tools({ name: 'Read', input: { path: `${root}/src/cart.ts` } }),
      tools({
        name: 'Shell',
        input: { command: 'npm test', working_directory: root, description: 'Run the tests' },
      }),
      tools(
        { name: 'StrReplace', input: { path: `${root}/src/cart.ts`, old_string: '= 0', new_string: '= 1' } },
        { name: 'Write', input: { path: `${root}/src/sum.ts`, contents: 'export const sum = 1;\n' } },
      ),
      tools({ name: 'Shell', input: { command: 'npm test', description: 'Run the tests again' } }),
      { type: 'turn_ended', status: 'success' },
      user('', 'Perform any necessary follow-up actions in response to the subagent completion above.'),
      user(cursorStamp(new Date(started.getTime() + 60_000), 2), 'also drop notes.md'),
      tools({ name: 'Delete', input: { path: `${root}/notes.md` } }),
      { type: 'turn_ended', status: 'success' },
    ];
    text = rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
    const dir = join(home, '.cursor/projects/Users-alice-src-shop/agent-transcripts', id);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${id}.jsonl`), text);
    repo.write('src/cart.ts', 'export const total = 1;\n');
    repo.write('src/sum.ts', 'export const sum = 1;\n');
    rmSync(join(repo.dir, 'notes.md'));
    commit = await repo.commit('cart total');
    const r = await cli(repo, ['import', 'cursor', join(dir, `${id}.jsonl`), '--json']);
    expect(r.code).toBe(0);
    record = JSON.parse(r.stdout);
  });
  afterAll(() => repo?.cleanup());

  test('the record is on the commit made after the session, nowhere else', async () => {
    expect(record.repo.commits).toEqual([commit]);
    expect((await noteRecord(repo, commit))?.id).toBe(record.id);
  });

  test('prompts: the first is the task, the next a follow-up; Cursor’s own injected line is not one', () => {
    const want = readCursor(text).prompts.filter((p) => !p.startsWith('Perform any necessary'));
    expect(record.task.intent).toBe(want[0]);
    expect(record.task.follow_ups).toEqual(want.slice(1));
    expect(record.started_at).toBe(started.toISOString());
  });

  test('edits relative to the workspace root of the other machine (its slug names it); reads too', () => {
    const want = readCursor(text).edited.map((p) => p.slice(root.length + 1));
    const byEdit = record.files.changed.filter((f) => f.via === 'edit').map((f) => f.path);
    expect(byEdit.sort()).toEqual([...new Set(want)].sort());
    expect(record.files.read).toEqual(['src/cart.ts']);
  });

  test('commands in order, exit code unknown; the check after the last edit ran but its result is unknown', () => {
    expect(record.commands.map((c) => [c.command, c.exit_code, c.status])).toEqual(
      readCursor(text).commands.map((c) => [c, null, 'unknown']),
    );
  });

  test('a file that is not a Cursor transcript is a usage error: exit 2, one line', async () => {
    const other = join(home, 'not-cursor.jsonl');
    writeFileSync(other, '{"type":"session.start","data":{}}\n');
    const r = await cli(repo, ['import', 'cursor', other]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/not a Cursor agent transcript/)]);
  });
});

describe('a cursor-agent session recorded by its shell hooks: the transcript the payloads name fills in the rest', () => {
  let repo: TempRepo;
  let record: RunRecord;
  let text: string;
  const id = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6e';
  const binDir = installedCliDir();
  const hook = (command: string, payload: Obj) => runHookCommand(repo, binDir, command, payload);

  beforeAll(async () => {
    repo = await tempRepo({ files: { 'src/cart.ts': 'export const total = 0;\n', 'package.json': '{}\n' } });
    expect((await cli(repo, ['init'])).code).toBe(0);
    expect((await cli(repo, ['install', 'cursor'])).code).toBe(0);
    const hooks = JSON.parse(repo.read('.cursor/hooks.json')).hooks as Record<string, { command: string }[]>;
    const slug = repo.dir.replace(/^\//, '').replace(/[/.]/g, '-');
    const path = join(home, '.cursor/projects', slug, 'agent-transcripts', id, `${id}.jsonl`);
    const base = {
      conversation_id: id,
      generation_id: '4b5c6d7e-8f9a-4b0c-9d1e-2f3a4b5c6d7e',
      model: 'claude-4.5-sonnet',
      cursor_version: '2026.09.28',
      workspace_roots: [repo.dir],
      transcript_path: path,
    };
    const shell = { ...base, command: 'npm test', cwd: '', hook_event_name: 'beforeShellExecution' };
    expect(await hook(hooks.beforeShellExecution![0]!.command, shell)).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
    const ran = { ...shell, output: '1 passing', duration: 812.5, hook_event_name: 'afterShellExecution' };
    expect((await hook(hooks.afterShellExecution![0]!.command, ran)).code).toBe(0);
    // Cursor writes the transcript as the turn goes: its prompt's minute, its edits, the command
    const first = readFileSync(join(repo.dir, '.git/agent-log/sessions/cursor', `${id}.jsonl`), 'utf8');
    const t = Date.parse(JSON.parse(first.split('\n')[0]!).t);
    const rows = [
      {
        role: 'user',
        message: {
          content: [
            {
              type: 'text',
              text: `${cursorStamp(new Date(t - (t % 60_000)), 0)}\n<user_query>\nmake the cart total 1\n</user_query>`,
            },
          ],
        },
      },
      {
        role: 'assistant',
        message: {
          content: [
            { type: 'tool_use', name: 'Read', input: { path: join(repo.dir, 'src/cart.ts') } },
            { type: 'tool_use', name: 'Shell', input: { command: 'npm test', description: 'Run the tests' } },
            {
              type: 'tool_use',
              name: 'StrReplace',
              input: { path: join(repo.dir, 'src/cart.ts'), old_string: '= 0', new_string: '= 1' },
            },
          ],
        },
      },
      { type: 'turn_ended', status: 'success' },
    ];
    text = rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    repo.write('src/cart.ts', 'export const total = 1;\n');
    expect(
      (
        await hook(hooks.sessionEnd![0]!.command, {
          ...base,
          reason: 'completed',
          hook_event_name: 'sessionEnd',
        })
      ).code,
    ).toBe(0);
    const commit = await repo.commit('cart total is 1');
    expect((await cli(repo, ['log'])).code).toBe(0);
    record = (await noteRecord(repo, commit))!;
  });
  afterAll(() => repo?.cleanup());

  test('the prompt and the edit come from the transcript; the command once, from its hooks, with its output', () => {
    const want = readCursor(text);
    expect(record.task.intent).toBe(want.prompts[0]);
    expect(record.files.changed.filter((f) => f.via === 'edit').map((f) => f.path)).toEqual(['src/cart.ts']);
    expect(record.files.read).toEqual(['src/cart.ts']);
    expect(record.commands.map((c) => [c.command, c.duration_ms])).toEqual([['npm test', 813]]);
  });
});

/** Independent reader of a Copilot CLI events.jsonl: prompts, shell commands with exit codes, usage. */
function readCopilot(text: string) {
  const prompts: string[] = [];
  const commands: [string, number | null][] = [];
  const calls = new Map<string, Obj>();
  const usage: Record<string, { in: number; out: number; cr: number; cw: number }> = {};
  for (const l of lines(text)) {
    const d = l.data as Obj;
    if (l.type === 'user.message') prompts.push(String(d.content));
    if (l.type === 'tool.execution_start' && d.toolName === 'bash') calls.set(String(d.toolCallId), d);
    if (l.type === 'tool.execution_complete' && calls.has(String(d.toolCallId))) {
      const start = calls.get(String(d.toolCallId))!;
      const content = String((d.result as Obj | undefined)?.content ?? '');
      const m = / with exit code (\d+)>/.exec(content);
      const shell = (d.shellExecution as Obj | undefined)?.exitCode;
      commands.push([
        String((start.arguments as Obj).command),
        typeof shell === 'number' ? shell : m ? Number(m[1]) : null,
      ]);
    }
    if (l.type === 'session.shutdown')
      for (const [model, m] of Object.entries((d.modelMetrics ?? {}) as Record<string, Obj>)) {
        const u = m.usage as Record<string, number>;
        const t = (usage[model] ??= { in: 0, out: 0, cr: 0, cw: 0 });
        t.in += u.inputTokens! - u.cacheReadTokens! - u.cacheWriteTokens!;
        t.out += u.outputTokens!;
        t.cr += u.cacheReadTokens!;
        t.cw += u.cacheWriteTokens!;
      }
  }
  return { prompts, commands, usage };
}

const PRICES = JSON.parse(readFileSync(join(ROOT, 'src/capture/prices.json'), 'utf8')).models as Record<
  string,
  { input: number; output: number; cache_read: number; cache_write_5m: number }
>;

describe('a cursor-agent run still in progress: what its transcript adds is redacted when listed', () => {
  const binDir = installedCliDir();
  const TOKEN = `ghp_${'Q4m8Zt2Lx7Rk1Vn5Hc9Wb3Jd6Fs0Gy4Ep8Tu2A'.slice(0, 36)}`;

  test('log --json and show of the pending run carry the prompt without the token in it', async () => {
    const repo = await tempRepo({ files: { 'README.md': 'x\n' } });
    try {
      const id = '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e';
      expect((await cli(repo, ['init'])).code).toBe(0);
      expect((await cli(repo, ['install', 'cursor'])).code).toBe(0);
      const hooks = JSON.parse(repo.read('.cursor/hooks.json')).hooks as Record<
        string,
        { command: string }[]
      >;
      const path = join(home, 'pending', `${id}.jsonl`);
      const stamp = cursorStamp(new Date(Date.now() - (Date.now() % 60_000)), 0);
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(
        path,
        `${JSON.stringify({ role: 'user', message: { content: [{ type: 'text', text: `${stamp}\n<user_query>\ndeploy with GITHUB_TOKEN=${TOKEN}\n</user_query>` }] } })}\n`,
      );
      const shell = {
        conversation_id: id,
        generation_id: '5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f',
        workspace_roots: [repo.dir],
        transcript_path: path,
        command: 'git status',
        cwd: '',
        hook_event_name: 'beforeShellExecution',
      };
      expect((await runHookCommand(repo, binDir, hooks.beforeShellExecution![0]!.command, shell)).code).toBe(
        0,
      );
      const listed = await cli(repo, ['log', '--json']);
      expect(listed.code, listed.stderr).toBe(0);
      const runs = JSON.parse(listed.stdout) as { id: string; task?: { intent?: string } }[];
      const run = runs.find((r) => r.task?.intent?.startsWith('deploy with GITHUB_TOKEN='));
      expect(run, listed.stdout).toBeDefined();
      const shown = await cli(repo, ['show', run!.id]);
      expect(shown.code, shown.stderr).toBe(0);
      const shownJson = await cli(repo, ['show', run!.id, '--json']);
      expect((JSON.parse(shownJson.stdout) as RunRecord).task.intent).toMatch(/^deploy with GITHUB_TOKEN=\S/);
      expect(`${listed.stdout}${shown.stdout}${shownJson.stdout}`).not.toContain(TOKEN);
      expect(`${listed.stdout}${shown.stdout}${shownJson.stdout}`).not.toContain(TOKEN.slice(4, 20));
    } finally {
      repo.cleanup();
    }
  }, 120_000);
});

describe('import copilot: a session-state events.jsonl with a resumed session', () => {
  let repo: TempRepo;
  let commit: string;
  let record: RunRecord;
  let text: string;
  const sid = '0465767f-3151-4163-aa57-36a797371e7c';
  const cwd = '/home/edburns/workareas/shop';
  beforeAll(async () => {
    repo = await tempRepo({ files: { 'go.mod': 'module shop\n', 'cart.go': 'package shop\n' } });
    expect((await cli(repo, ['init'])).code).toBe(0);
    const ct = Number((await repo.git('log', '-1', '--format=%ct')).trim());
    const at = (s: number) => new Date((ct + s) * 1000).toISOString();
    let n = 0;
    const uuid = () =>
      `${(0x1a2b3c4d + ++n).toString(16)}-5e6f-4a7b-8c9d-${n.toString(16).padStart(12, '0')}`;
    let parent: string | null = null;
    const ev = (s: number, type: string, data: Obj) => {
      const id = uuid();
      const line = { type, data, id, timestamp: at(s), parentId: parent };
      parent = id;
      return line;
    };
    const bash = (s: number, call: string, command: string, result: Obj, extra: Obj = {}) => [
      ev(s, 'assistant.message', {
        messageId: uuid(),
        content: '',
        toolRequests: [
          { toolCallId: call, name: 'bash', arguments: { command, description: 'Run' }, type: 'function' },
        ],
        outputTokens: 120,
      }),
      ev(s, 'tool.execution_start', {
        toolCallId: call,
        toolName: 'bash',
        arguments: { command, description: 'Run' },
        turnId: '0',
        model: 'claude-opus-4.7',
      }),
      ev(s + 1, 'tool.execution_complete', {
        toolCallId: call,
        model: 'claude-opus-4.7',
        turnId: '0',
        ...result,
        ...extra,
      }),
    ];
    const rows = [
      ev(1, 'session.start', {
        sessionId: sid,
        version: 1,
        producer: 'copilot-agent',
        copilotVersion: '1.0.91',
        startTime: at(1),
        selectedModel: 'claude-opus-4.7',
        context: { cwd, gitRoot: cwd, branch: 'main' },
      }),
      ev(2, 'user.message', {
        content: 'fix the cart total and keep go test green',
        transformedContent: `<current_datetime>${at(2)}</current_datetime>\n\nfix the cart total and keep go test green`,
        attachments: [],
      }),
      ev(3, 'assistant.turn_start', { turnId: '0' }),
      ...bash(4, 'toolu_01Hn1pVSWvaFS56NSN83qahb', 'go test ./...', {
        success: true,
        result: { content: 'FAIL\tshop\t0.01s\n<shellId: 0 completed with exit code 1>' },
      }),
      ev(8, 'tool.execution_start', {
        toolCallId: 'toolu_01TT9THqrXqhmQGwdHq9j8wW',
        toolName: 'edit',
        arguments: { path: `${cwd}/cart.go`, old_str: 'package shop', new_str: 'package shop // total' },
      }),
      ev(9, 'tool.execution_complete', {
        toolCallId: 'toolu_01TT9THqrXqhmQGwdHq9j8wW',
        success: true,
        result: { content: 'File updated' },
      }),
      ...bash(10, 'toolu_01V1HBoYdXQCFJHrweaTYCZM', 'go test ./...', {
        success: true,
        shellExecution: { exitCode: 0 },
        result: { content: 'ok\tshop\t0.01s\n<shellId: 1 completed with exit code 0>' },
      }),
      ...bash(12, 'toolu_01KBgTcL9noQsoEREAJuivys', 'git push --force', {
        success: false,
        error: {
          message: 'Permission to run this tool was denied due to the following rules: `shell`',
          code: 'denied',
        },
      }),
      ev(14, 'assistant.turn_end', { turnId: '0' }),
      // usage of the first segment, as quoted in PanAchy/copilot-arewecooked#45 (a real session)
      ev(15, 'session.shutdown', {
        shutdownType: 'routine',
        totalPremiumRequests: 82.5,
        modelMetrics: {
          'claude-opus-4.7': {
            requests: { count: 121, cost: 82.5 },
            usage: {
              inputTokens: 11538077,
              outputTokens: 72829,
              cacheReadTokens: 11027120,
              cacheWriteTokens: 0,
              reasoningTokens: 0,
            },
          },
        },
        currentModel: 'claude-opus-4.7',
      }),
      ev(30, 'session.resume', { eventCount: 14, selectedModel: 'claude-sonnet-4.5', context: { cwd } }),
      ev(31, 'user.message', { content: 'also run go vet' }),
      ...bash(32, 'toolu_01QzX7mN3pL9vR2sT5wY8aBc', 'go vet ./...', {
        success: true,
        result: { content: '\n<shellId: 2 completed with exit code 0>' },
      }),
      ev(35, 'session.shutdown', {
        shutdownType: 'routine',
        modelMetrics: {
          'claude-sonnet-4.5': {
            requests: { count: 3, cost: 1 },
            usage: {
              inputTokens: 90000,
              outputTokens: 2100,
              cacheReadTokens: 60000,
              cacheWriteTokens: 12000,
            },
          },
        },
      }),
    ];
    text = rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
    const dir = join(home, '.copilot/session-state', sid);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'events.jsonl'), text);
    repo.write('cart.go', 'package shop // total\n');
    commit = await repo.commit('cart total');
    const r = await cli(repo, ['import', 'copilot', join(dir, 'events.jsonl'), '--json']);
    expect(r.code).toBe(0);
    record = JSON.parse(r.stdout);
  });
  afterAll(() => repo?.cleanup());

  test('agent, version, session and prompts from the file; the record on the session’s commit', async () => {
    expect(record.agent).toMatchObject({ name: 'copilot', version: '1.0.91', session_ids: [sid] });
    const want = readCopilot(text).prompts;
    expect([record.task.intent, ...record.task.follow_ups]).toEqual(want);
    expect(record.repo.commits).toEqual([commit]);
    expect((await noteRecord(repo, commit))?.id).toBe(record.id);
  });

  test('commands with the exit codes of their results; the one a permission rule denied is blocked', () => {
    expect(record.commands.map((c) => [c.command, c.exit_code])).toEqual(readCopilot(text).commands);
    expect(record.commands.find((c) => c.command === 'git push --force')?.status).toBe('blocked');
  });

  test('the edit, relative to the session’s cwd on the other machine; the check passed after it', () => {
    expect(record.files.changed.filter((f) => f.via === 'edit').map((f) => f.path)).toEqual(['cart.go']);
    expect(record.checks.find((c) => c.kind === 'test')).toMatchObject({
      status: 'passed',
      attempts: 2,
      after_last_edit: true,
    });
  });

  test('tokens of both segments added up, cache reads apart from input, cache writes priced', () => {
    const want = readCopilot(text).usage;
    const sum = (k: 'in' | 'out' | 'cr' | 'cw') => Object.values(want).reduce((a, u) => a + u[k], 0);
    const price = (model: string) => PRICES[model.replace(/(\d)\.(\d)/, '$1-$2')]!;
    const usd = Object.entries(want).reduce((a, [m, u]) => {
      const p = price(m);
      return a + (u.in * p.input + u.out * p.output + u.cr * p.cache_read + u.cw * p.cache_write_5m) / 1e6;
    }, 0);
    expect(record.cost).toMatchObject({
      input_tokens: sum('in'),
      output_tokens: sum('out'),
      cache_read_tokens: sum('cr'),
      cache_write_tokens: sum('cw'),
    });
    expect(record.cost?.usd).toBeCloseTo(usd, 5);
  });

  test('a file that is not Copilot session state is a usage error: exit 2, one line', async () => {
    const other = join(home, 'not-copilot.jsonl');
    writeFileSync(other, '{"role":"user","message":{"content":[]}}\n');
    const r = await cli(repo, ['import', 'copilot', other]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/not a Copilot CLI session file/)]);
  });
});
