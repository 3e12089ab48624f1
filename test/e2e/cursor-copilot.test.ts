// Cursor and GitHub Copilot CLI end to end: `install` writes their hook files next to the user's own
// hooks (and `uninstall` gives those back unchanged); the hook command as installed is run the way
// the agent runs it (`sh -c` / `bash -c` in the project root, payload on stdin) with real payloads
// (test/fixtures/corpus/README.md); the session is sealed into notes. Expected values come from a
// small reader of the raw payloads written here, not from the code under test.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunRecord } from '../../src/record/schema.js';
import { cli, ROOT, type TempRepo, tempRepo } from '../helpers/repo.js';
import {
  gitDirText,
  installedCliDir,
  noteRecord,
  runHookCommand as runAsAgent,
} from '../helpers/agent-hooks.js';

type Payload = Record<string, unknown>;

const fixture = (path: string): Payload[] =>
  readFileSync(join(ROOT, 'test/fixtures/corpus', path), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Payload);

const binDir = installedCliDir();
const runHookCommand = (repo: TempRepo, shell: 'sh' | 'bash', command: string, payload: Payload) =>
  runAsAgent(repo, binDir, command, payload, { shell });

// A GitHub token shape in a command's output: it must never reach the journal or the notes.
const SECRET = `ghp_${'R7c2Xk9Qm4Lp8Vn3Hs6Tb1Wd5Zf0Jy2Ea7Gu4'.slice(0, 36)}`;

describe('install / uninstall cursor and copilot', () => {
  let repo: TempRepo;
  beforeAll(async () => {
    repo = await tempRepo({ files: { 'README.md': 'x\n' } });
    expect((await cli(repo, ['init'])).code).toBe(0);
  });
  afterAll(() => repo?.cleanup());

  test('cursor: .cursor/hooks.json gains our hook on each event after the user’s, once; uninstall gives theirs back', async () => {
    // The user's own file, as marsBuilds/grafanaDemo@24456e4 has it (.cursor/hooks.json).
    const theirs = {
      version: 1,
      hooks: {
        sessionEnd: [{ command: '.cursor/hooks/audit.sh' }],
        beforeShellExecution: [
          { command: '.cursor/hooks/enforce-fieldsphere-gh.sh', matcher: '(^|\\s)gh(\\s|$)' },
          { command: '.cursor/hooks/audit.sh' },
        ],
        afterFileEdit: [{ command: '.cursor/hooks/audit.sh' }],
        beforeSubmitPrompt: [{ command: '.cursor/hooks/audit.sh' }],
      },
    };
    const text = `${JSON.stringify(theirs, null, 2)}\n`;
    repo.write('.cursor/hooks.json', text);
    const first = await cli(repo, ['install', 'cursor']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^installed Cursor hooks in \.cursor\/hooks\.json \(13 events\)\n/);
    const file = JSON.parse(repo.read('.cursor/hooks.json'));
    expect(file.version).toBe(1);
    expect(file.hooks.beforeShellExecution.slice(0, 2)).toEqual(theirs.hooks.beforeShellExecution);
    expect(file.hooks.beforeShellExecution[2].command).toMatch(/exec git-agent-log hook cursor; exit 0$/);
    expect(Object.keys(file.hooks)).toEqual(
      expect.arrayContaining(['sessionStart', 'afterShellExecution', 'preToolUse', 'postToolUse', 'stop']),
    );
    expect((await cli(repo, ['install', 'cursor'])).stdout).toBe(
      'Cursor hooks already installed in .cursor/hooks.json\n',
    );
    expect((await cli(repo, ['uninstall', 'cursor'])).code).toBe(0);
    expect(repo.read('.cursor/hooks.json')).toBe(text);
  });

  test('copilot: our own .github/hooks/agent-log.json, one bash command per event naming it; other hook files untouched', async () => {
    const theirs = `${JSON.stringify(
      {
        version: 1,
        hooks: { preToolUse: [{ type: 'command', bash: './scripts/guard.sh', timeoutSec: 5 }] },
      },
      null,
      2,
    )}\n`;
    repo.write('.github/hooks/security.json', theirs);
    const r = await cli(repo, ['install', 'copilot']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /installed GitHub Copilot CLI hooks in \.github\/hooks\/agent-log\.json \(9 events\)/,
    );
    const ours = JSON.parse(repo.read('.github/hooks/agent-log.json'));
    expect(ours.version).toBe(1);
    for (const [event, handlers] of Object.entries(ours.hooks as Record<string, Payload[]>)) {
      expect(handlers).toHaveLength(1);
      expect(handlers[0]).toMatchObject({ type: 'command', timeoutSec: 10 });
      expect(handlers[0]!.bash).toMatch(new RegExp(`exec git-agent-log hook copilot ${event}; exit 0$`));
    }
    expect(repo.read('.github/hooks/security.json')).toBe(theirs);
    // a handler the user added to our file stays there after uninstall; the file goes only when empty
    ours.hooks.agentStop.push({ type: 'command', bash: 'notify-send done' });
    repo.write('.github/hooks/agent-log.json', JSON.stringify(ours, null, 2));
    expect((await cli(repo, ['uninstall', 'copilot'])).code).toBe(0);
    expect(JSON.parse(repo.read('.github/hooks/agent-log.json'))).toEqual({
      version: 1,
      hooks: { agentStop: [{ type: 'command', bash: 'notify-send done' }] },
    });
    rmSync(join(repo.dir, '.github/hooks/agent-log.json'));
    await cli(repo, ['install', 'copilot']);
    await cli(repo, ['uninstall', 'copilot']);
    expect(readdirSync(join(repo.dir, '.github/hooks'))).toEqual(['security.json']);
    expect(repo.read('.github/hooks/security.json')).toBe(theirs);
  });

  test('doctor reports the Cursor and Copilot CLI hooks of projects that use those agents', async () => {
    await cli(repo, ['install', 'cursor']);
    const before = await cli(repo, ['doctor']);
    expect(before.stdout).toMatch(/^ok +Cursor hooks installed$/m);
    expect(before.stdout).toMatch(/^warn +GitHub Copilot CLI hooks not installed in this project$/m);
    await cli(repo, ['install', 'copilot']);
    expect((await cli(repo, ['doctor'])).stdout).toMatch(/^ok +GitHub Copilot CLI hooks installed$/m);
    repo.write(
      '.cursor/hooks.json',
      JSON.stringify({ hooks: JSON.parse(repo.read('.cursor/hooks.json')).hooks }),
    );
    expect((await cli(repo, ['doctor'])).stdout).toMatch(
      /^PROBLEM \.cursor\/hooks\.json has no "version": 1/m,
    );
    await cli(repo, ['uninstall', 'cursor']);
    await cli(repo, ['uninstall', 'copilot']);
  });

  test('a hook file that is not JSON, or whose hooks are not an object, is left alone: exit 2, one line', async () => {
    for (const text of ['{"version": 1, "hooks": [', '{"version": 1, "hooks": []}']) {
      repo.write('.cursor/hooks.json', text);
      const r = await cli(repo, ['install', 'cursor']);
      expect([r.code, r.stderr.trim().split('\n').length]).toEqual([2, 1]);
      expect(repo.read('.cursor/hooks.json')).toBe(text);
    }
    rmSync(join(repo.dir, '.cursor/hooks.json'));
  });

  test('import cursor|copilot of a file in neither agent’s format is a usage error: exit 2, one line', async () => {
    repo.write('session.jsonl', '{}\n');
    for (const agent of ['cursor', 'copilot']) {
      const r = await cli(repo, ['import', agent, 'session.jsonl']);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

describe('a Cursor session through .cursor/hooks.json, sealed into notes', () => {
  const real = fixture('cursor/grafanaDemo-hooks.jsonl');
  const session = real.filter((p) => p.conversation_id === '5778024b-6f82-44e9-bc8d-cd46db7e25d5');
  const common = (gen: string) => {
    const { conversation_id, model, cursor_version, workspace_roots, user_email, transcript_path } =
      session[0]!;
    return {
      conversation_id,
      generation_id: gen,
      model,
      cursor_version,
      workspace_roots,
      user_email,
      transcript_path,
    };
  };
  const [gitkeepEdit, chmod, prompt, welcomeEdit] = session as [Payload, Payload, Payload, Payload];
  const turn1 = String(chmod.generation_id);
  const turn2 = String(prompt.generation_id);
  const shell = (gen: string, id: string, command: string, exitCode: number, output: string) => [
    {
      ...common(gen),
      tool_name: 'Shell',
      tool_input: { command, cwd: '', timeout: 30000 },
      tool_use_id: id,
      cwd: '',
      hook_event_name: 'preToolUse',
    },
    { ...common(gen), command, cwd: '', sandbox: false, hook_event_name: 'beforeShellExecution' },
    {
      ...common(gen),
      tool_name: 'Shell',
      tool_input: { command, cwd: '', timeout: 30000 },
      tool_output: JSON.stringify({ output, exitCode }),
      duration: 1204.377,
      tool_use_id: id,
      cwd: '',
      hook_event_name: 'postToolUse',
    },
    {
      ...common(gen),
      command,
      output,
      duration: 1204.377,
      sandbox: false,
      hook_event_name: 'afterShellExecution',
    },
  ];
  const test1 = 'yarn test public/app/plugins/panel/welcome';
  const payloads: Payload[] = [
    {
      ...common(''),
      is_background_agent: false,
      composer_mode: 'agent',
      session_id: chmod.conversation_id,
      hook_event_name: 'sessionStart',
      transcript_path: null,
    },
    gitkeepEdit,
    // the real beforeShellExecution, framed by the generic hooks Cursor 3 fires around it
    shell(
      turn1,
      'a3f1c2e4-5b6d-4e7f-8a9b-0c1d2e3f4a5b',
      String(chmod.command),
      0,
      '-rwxr-xr-x  1 mars  staff  412 Mar 25 16:05 audit.sh\n',
    )[0]!,
    chmod,
    {
      ...common(turn1),
      command: chmod.command,
      output: '-rwxr-xr-x  1 mars  staff  412 Mar 25 16:05 audit.sh\n',
      duration: 88.412,
      sandbox: false,
      hook_event_name: 'afterShellExecution',
    },
    prompt,
    ...shell(
      turn2,
      '09dca0a5-7c1e-4b2a-9d3f-6e8b1a2c4d5e',
      test1,
      1,
      `FAIL Welcome.test.tsx\n  expected white, got green\nGITHUB_TOKEN=${SECRET}\n`,
    ),
    welcomeEdit,
    ...shell(turn2, 'tool_ce44b0a1-93d2-4f6e-b8a7-2c5d9e1f3a64', test1, 0, 'PASS Welcome.test.tsx\n'),
    // cursor-agent (the CLI) fires only the shell hooks: no exit code is reported
    {
      ...common(turn2),
      command: 'git status --short',
      cwd: '',
      sandbox: false,
      hook_event_name: 'beforeShellExecution',
    },
    {
      ...common(turn2),
      command: 'git status --short',
      output: ' M public/app/plugins/panel/welcome/Welcome.tsx\n',
      duration: 41.9,
      sandbox: false,
      hook_event_name: 'afterShellExecution',
    },
    {
      ...common(turn2),
      status: 'completed',
      loop_count: 0,
      input_tokens: 31527,
      output_tokens: 615,
      cache_read_tokens: 22112,
      cache_write_tokens: 0,
      hook_event_name: 'stop',
    },
    {
      ...common(turn2),
      session_id: chmod.conversation_id,
      reason: 'user_close',
      duration_ms: 0,
      is_background_agent: false,
      final_status: 'completed',
      hook_event_name: 'sessionEnd',
      transcript_path: null,
    },
  ];
  // The preToolUse of the first command sits before its beforeShellExecution; its postToolUse follows.
  payloads.splice(
    4,
    0,
    shell(
      turn1,
      'a3f1c2e4-5b6d-4e7f-8a9b-0c1d2e3f4a5b',
      String(chmod.command),
      0,
      '-rwxr-xr-x  1 mars  staff  412 Mar 25 16:05 audit.sh\n',
    )[2]!,
  );

  let repo: TempRepo;
  let record: RunRecord;
  const results: { code: number; stdout: string; stderr: string }[] = [];

  beforeAll(async () => {
    repo = await tempRepo({
      files: {
        'public/app/plugins/panel/welcome/Welcome.tsx':
          'const styles = {\n      color: theme.colors.success.main,\n};\n',
        '.cursor/hooks/audit.sh': '#!/bin/sh\n',
      },
    });
    expect((await cli(repo, ['init'])).code).toBe(0);
    expect((await cli(repo, ['install', 'cursor'])).code).toBe(0);
    const hooks = JSON.parse(repo.read('.cursor/hooks.json')).hooks as Record<string, { command: string }[]>;
    for (const p of payloads) {
      const event = String(p.hook_event_name);
      // the agent's own edits land on disk when its afterFileEdit fires
      if (p === welcomeEdit)
        repo.write('public/app/plugins/panel/welcome/Welcome.tsx', 'const styles = {\n};\n');
      if (p === gitkeepEdit) repo.write('.cursor/audits/.gitkeep', '');
      results.push(await runHookCommand(repo, 'sh', hooks[event]![0]!.command, p));
    }
    const commit = await repo.commit('welcome banner back to white');
    // the session ended: the commit's post-commit hook or the next read command seals it
    const log = await cli(repo, ['log']);
    expect(log, log.stderr).toMatchObject({ code: 0 });
    record = (await noteRecord(repo, commit))!;
  });
  afterAll(() => repo?.cleanup());

  // The independent reader: what the payloads say, read straight from them.
  const root = String((payloads[0]!.workspace_roots as string[])[0]);
  const expected = {
    commands: payloads
      .filter((p) => p.hook_event_name === 'beforeShellExecution')
      .map((p) => p.command as string),
    edits: payloads
      .filter((p) => p.hook_event_name === 'afterFileEdit')
      .map((p) => relative(root, p.file_path as string)),
    intent: payloads.find((p) => p.hook_event_name === 'beforeSubmitPrompt')!.prompt,
    tokens: payloads
      .filter((p) => p.hook_event_name === 'stop')
      .reduce<{ input: number; output: number }>(
        (t, p) => ({ input: t.input + Number(p.input_tokens), output: t.output + Number(p.output_tokens) }),
        { input: 0, output: 0 },
      ),
  };
  // exit codes only the generic postToolUse reports, in the order the commands ran
  const exits = (() => {
    const posts = payloads.filter((p) => p.hook_event_name === 'postToolUse');
    return expected.commands.map((c) => {
      const i = posts.findIndex((p) => (p.tool_input as Payload).command === c);
      return i < 0 ? null : (JSON.parse(String(posts.splice(i, 1)[0]!.tool_output)).exitCode as number);
    });
  })();

  test('every hook exits 0 and prints nothing: no permission answer, no vote', () => {
    expect(results).toHaveLength(payloads.length);
    for (const r of results) expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  test('the record names Cursor, its version, model and the conversation', () => {
    expect(record.agent).toMatchObject({
      name: 'cursor',
      version: session[0]!.cursor_version,
      model: session[0]!.model,
      session_ids: [session[0]!.conversation_id],
    });
  });

  test('task: the prompt as typed; commands with the exit codes Cursor reported (none from the CLI-only hook)', () => {
    expect(record.task.intent).toBe(expected.intent);
    expect(record.commands.map((c) => c.command)).toEqual(expected.commands);
    expect(record.commands.map((c) => c.exit_code)).toEqual(exits);
    expect(record.commands.at(-1)).toMatchObject({ exit_code: null, status: 'unknown', duration_ms: 42 });
  });

  test('files: the edits, relative to the workspace root of the other machine', () => {
    expect(
      record.files.changed
        .filter((f) => f.via === 'edit')
        .map((f) => f.path)
        .sort(),
    ).toEqual([...expected.edits].sort());
  });

  test('checks: the test failed, then passed after the last edit', () => {
    const check = record.checks.find((c) => c.kind === 'test');
    expect(check).toMatchObject({ status: 'passed', attempts: 2, after_last_edit: true });
  });

  test('tokens from the turn’s stop payload; no price for a Cursor model', () => {
    expect(record.cost).toMatchObject({
      input_tokens: expected.tokens.input,
      output_tokens: expected.tokens.output,
      usd: null,
    });
  });

  test('the token in a command’s output never reached the disk', () => {
    expect(gitDirText(repo)).not.toContain(SECRET);
  });
});

describe('a Copilot CLI session through .github/hooks/agent-log.json, sealed into notes', () => {
  const realPost = fixture('copilot/sx-report-usage.jsonl')[0]!;
  const sessionId = String(realPost.sessionId);
  const cwd = String(realPost.cwd);
  let ms = Number(realPost.timestamp) - 60_000;
  const at = (p: Payload): Payload => ({ sessionId, timestamp: (ms += 1500), cwd, ...p });
  const go = (command: string) => ({ command, description: 'Run the command tests' });
  const file = `${cwd}/internal/commands/report_usage.go`;
  type Step = [event: string, payload: Payload];
  const steps: Step[] = [
    ['sessionStart', at({ source: 'new', initialPrompt: 'fix the failing report usage test' })],
    ['userPromptSubmitted', at({ prompt: 'fix the failing report usage test' })],
    ['preToolUse', at({ toolName: 'view', toolArgs: { path: file } })],
    [
      'postToolUse',
      at({
        toolName: 'view',
        toolArgs: { path: file },
        toolResult: { resultType: 'success', textResultForLlm: 'package commands' },
      }),
    ],
    ['preToolUse', at({ toolName: 'skill', toolArgs: { skill: 'fix-pr' } })],
    ['postToolUse', realPost],
    ['preToolUse', at({ toolName: 'bash', toolArgs: go('go test ./internal/commands/') })],
    [
      'postToolUse',
      at({
        toolName: 'bash',
        toolArgs: go('go test ./internal/commands/'),
        toolResult: {
          resultType: 'success',
          textResultForLlm: `--- FAIL: TestReportUsageCopilotSkillFormat\nFAIL\nexport GH_TOKEN=${SECRET}\n<shellId: 1 completed with exit code 1>`,
        },
      }),
    ],
    [
      'preToolUse',
      at({ toolName: 'edit', toolArgs: { path: file, old_str: 'return nil', new_str: 'return err' } }),
    ],
    [
      'postToolUse',
      at({
        toolName: 'edit',
        toolArgs: { path: file, old_str: 'return nil', new_str: 'return err' },
        toolResult: { resultType: 'success', textResultForLlm: 'File updated' },
      }),
    ],
    // toolArgs as a JSON string, as the documentation's example sends it
    ['preToolUse', at({ toolName: 'bash', toolArgs: JSON.stringify(go('go test ./internal/commands/')) })],
    [
      'postToolUse',
      at({
        toolName: 'bash',
        toolArgs: JSON.stringify(go('go test ./internal/commands/')),
        toolResult: {
          resultType: 'success',
          textResultForLlm:
            'ok  \tgithub.com/sleuth-io/sx/internal/commands\t0.412s\n<exited with exit code 0>',
        },
      }),
    ],
    ['preToolUse', at({ toolName: 'bash', toolArgs: go('go vet ./...') })],
    [
      'postToolUseFailure',
      at({ toolName: 'bash', toolArgs: go('go vet ./...'), error: 'Command timed out after 30 seconds' }),
    ],
    [
      'agentStop',
      at({
        transcriptPath: `/home/ines/.copilot/session-state/${sessionId}/events.jsonl`,
        stopReason: 'end_turn',
      }),
    ],
    ['sessionEnd', at({ reason: 'complete' })],
  ];

  let repo: TempRepo;
  let record: RunRecord;
  const results: { code: number; stdout: string; stderr: string }[] = [];

  beforeAll(async () => {
    repo = await tempRepo({
      files: { 'internal/commands/report_usage.go': 'package commands\n// return nil\n' },
    });
    expect((await cli(repo, ['init'])).code).toBe(0);
    expect((await cli(repo, ['install', 'copilot'])).code).toBe(0);
    const hooks = JSON.parse(repo.read('.github/hooks/agent-log.json')).hooks as Record<
      string,
      { bash: string }[]
    >;
    for (const [event, payload] of steps) {
      if (event === 'postToolUse' && payload.toolName === 'edit')
        repo.write('internal/commands/report_usage.go', 'package commands\n// return err\n');
      results.push(await runHookCommand(repo, 'bash', hooks[event]![0]!.bash, payload));
    }
    const commit = await repo.commit('report usage returns the error');
    // the session ended: the commit's post-commit hook or the next read command seals it
    const log = await cli(repo, ['log']);
    expect(log, log.stderr).toMatchObject({ code: 0 });
    record = (await noteRecord(repo, commit))!;
  });
  afterAll(() => repo?.cleanup());

  // The independent reader.
  const argsOf = (p: Payload): Payload =>
    typeof p.toolArgs === 'string' ? (JSON.parse(p.toolArgs) as Payload) : (p.toolArgs as Payload);
  const shells = steps.filter(([e, p]) => e === 'preToolUse' && p.toolName === 'bash');
  const outcomes = steps.filter(([e, p]) => e.startsWith('postToolUse') && p.toolName === 'bash');
  const expected = {
    commands: shells.map(([, p]) => argsOf(p).command),
    exits: outcomes.map(([e, p]) => {
      if (e === 'postToolUseFailure') return null;
      const text = String((p.toolResult as Payload).textResultForLlm);
      const m = text.match(/exit code (\d+)>$/);
      return m ? Number(m[1]) : null;
    }),
    edits: steps
      .filter(([e, p]) => e === 'preToolUse' && (p.toolName === 'edit' || p.toolName === 'create'))
      .map(([, p]) => relative(cwd, String(argsOf(p).path))),
    reads: steps
      .filter(([e, p]) => e === 'preToolUse' && p.toolName === 'view')
      .map(([, p]) => relative(cwd, String(argsOf(p).path))),
    prompts: steps.filter(([e]) => e === 'userPromptSubmitted').map(([, p]) => p.prompt),
  };

  test('every hook exits 0 and prints nothing: preToolUse keeps the default permission flow', () => {
    expect(results).toHaveLength(steps.length);
    for (const r of results) expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  test('the record names Copilot CLI and the session; the prompt once (initialPrompt repeats it)', () => {
    expect(record.agent).toMatchObject({ name: 'copilot', session_ids: [sessionId] });
    expect([record.task.intent, ...record.task.follow_ups]).toEqual(expected.prompts);
  });

  test('commands with the exit codes of their result text; a failed call has none', () => {
    expect(record.commands.map((c) => c.command)).toEqual(expected.commands);
    expect(record.commands.map((c) => c.exit_code)).toEqual(expected.exits);
    expect(record.commands.at(-1)).toMatchObject({
      status: 'failed',
      reason: 'Command timed out after 30 seconds',
    });
  });

  test('files read and edited, relative to the session’s cwd on the other machine', () => {
    expect(record.files.read).toEqual(expected.reads);
    expect(record.files.changed.filter((f) => f.via === 'edit').map((f) => f.path)).toEqual(expected.edits);
  });

  test('checks: go test failed, then passed after the edit', () => {
    expect(record.checks.find((c) => c.kind === 'test')).toMatchObject({
      status: 'passed',
      attempts: 2,
      after_last_edit: true,
    });
  });

  test('Copilot reports no usage to hooks: the cost is unknown, not zero', () => {
    expect(record.cost).toMatchObject({ usd: null, known: false });
  });

  test('the token in a result never reached the disk', () => {
    expect(gitDirText(repo)).not.toContain(SECRET);
  });
});

describe('an explicit guard rule refuses in each agent’s own words; nothing else is ever answered', () => {
  let repo: TempRepo;
  beforeAll(async () => {
    // any guard policy brings the default command deny list (`git push --force` …)
    repo = await tempRepo({
      files: {
        'README.md': 'x\n',
        '.agent-log/config.json': JSON.stringify({ guard: { same_check_failures: 3 } }),
      },
    });
    expect((await cli(repo, ['init'])).code).toBe(0);
    expect((await cli(repo, ['install', 'cursor'])).code).toBe(0);
    expect((await cli(repo, ['install', 'copilot'])).code).toBe(0);
  });
  afterAll(() => repo?.cleanup());

  test('Cursor: beforeShellExecution gets {permission: "deny"} with the reason the model reads; its preToolUse twin and other commands get nothing', async () => {
    const command = JSON.parse(repo.read('.cursor/hooks.json')).hooks.beforeShellExecution[0]
      .command as string;
    const base = fixture('cursor/grafanaDemo-hooks.jsonl').find(
      (p) => p.hook_event_name === 'beforeShellExecution',
    )!;
    const push = { ...base, command: 'git push --force origin main' };
    const denied = await runHookCommand(repo, 'sh', command, push);
    expect(denied.code).toBe(0);
    const answer = JSON.parse(denied.stdout);
    expect(answer).toMatchObject({ permission: 'deny' });
    expect(answer.user_message).toMatch(/git push --force/);
    const twin = {
      ...base,
      hook_event_name: 'preToolUse',
      tool_name: 'Shell',
      tool_input: { command: push.command, cwd: '', timeout: 30000 },
      tool_use_id: '7d1e4c2a-9b3f-4e8d-a6c5-1f2e3d4c5b6a',
    };
    expect((await runHookCommand(repo, 'sh', command, twin)).stdout).toBe('');
    expect((await runHookCommand(repo, 'sh', command, { ...base, command: 'git status' })).stdout).toBe('');
  });

  test('Copilot CLI: preToolUse gets {permissionDecision: "deny"}; a prompt gets nothing', async () => {
    const hooks = JSON.parse(repo.read('.github/hooks/agent-log.json')).hooks;
    const real = fixture('copilot/sx-report-usage.jsonl')[0]!;
    const pre = {
      sessionId: real.sessionId,
      timestamp: Number(real.timestamp) + 1000,
      cwd: real.cwd,
      toolName: 'bash',
      toolArgs: { command: 'git push --force origin main', description: 'Push' },
    };
    const denied = await runHookCommand(repo, 'bash', hooks.preToolUse[0].bash, pre);
    expect(denied.code).toBe(0);
    expect(JSON.parse(denied.stdout)).toMatchObject({ permissionDecision: 'deny' });
    expect(JSON.parse(denied.stdout).permissionDecisionReason).toMatch(/git push --force/);
    const prompt = await runHookCommand(repo, 'bash', hooks.userPromptSubmitted[0].bash, {
      sessionId: real.sessionId,
      timestamp: Number(real.timestamp) + 2000,
      cwd: real.cwd,
      prompt: 'push it',
    });
    expect(prompt).toEqual({ code: 0, stdout: '', stderr: '' });
  });
});
