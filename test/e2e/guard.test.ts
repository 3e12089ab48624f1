// The guard end to end: Claude Code hook payloads (real shapes and ids) through the installed hook
// entry of the built CLI, on real repositories; the refusal is read from the hook's stdout as Claude
// Code would, and the evidence from the sealed record and its packet.
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { cli, ROOT, type TempRepo, tempRepo } from '../helpers/repo.js';

const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const rand = (n: number) => Array.from({ length: n }, () => B62[Math.floor(Math.random() * 62)]).join('');
const toolId = () => `toolu_01${rand(22)}`;
const NO_BG = { AGENT_LOG_NO_BACKGROUND: '1' };

interface Session {
  id: string;
  transcript: string;
  hook(
    event: string,
    fields?: Record<string, unknown>,
  ): Promise<{ code: number; stdout: string; stderr: string }>;
  pre(tool: string, input: Record<string, unknown>, id?: string): Promise<Decision>;
  post(tool: string, input: Record<string, unknown>, id: string, failed?: string): Promise<void>;
}

interface Decision {
  id: string;
  denied: boolean;
  reason: string;
  raw: string;
}

function session(repo: TempRepo, branchDir = repo.dir): Session {
  const id = randomUUID();
  const transcript = join(repo.dir, '..', `${repo.dir.split('/').pop()}-${id}.jsonl`);
  const base = { session_id: id, transcript_path: transcript, cwd: branchDir, permission_mode: 'default' };
  const s: Session = {
    id,
    transcript,
    async hook(event, fields = {}) {
      return cli(repo, ['hook', 'claude-code'], {
        input: JSON.stringify({ ...base, hook_event_name: event, ...fields }),
        env: NO_BG,
      });
    },
    async pre(tool, input, tid = toolId()) {
      const r = await s.hook('PreToolUse', { tool_name: tool, tool_use_id: tid, tool_input: input });
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      if (r.stdout === '') return { id: tid, denied: false, reason: '', raw: '' };
      const out = JSON.parse(r.stdout).hookSpecificOutput;
      expect(out.hookEventName).toBe('PreToolUse');
      return {
        id: tid,
        denied: out.permissionDecision === 'deny',
        reason: out.permissionDecisionReason,
        raw: r.stdout,
      };
    },
    async post(tool, input, tid, failed) {
      const r = failed
        ? await s.hook('PostToolUseFailure', {
            tool_name: tool,
            tool_use_id: tid,
            tool_input: input,
            error: failed,
          })
        : await s.hook('PostToolUse', {
            tool_name: tool,
            tool_use_id: tid,
            tool_input: input,
            tool_response:
              tool === 'Bash'
                ? { stdout: 'ok', stderr: '', interrupted: false }
                : { filePath: input.file_path },
          });
      expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    },
  };
  return s;
}

async function guardedRepo(guard: Record<string, unknown>, branch = 'feature/signup'): Promise<TempRepo> {
  const repo = await tempRepo({
    files: {
      'api/signup.ts': 'export const signup = () => 1;\n',
      'migrations/001_init.sql': 'create table users (id int);\n',
      '.agent-log/config.json': JSON.stringify({ guard }, null, 2),
    },
  });
  await repo.git('checkout', '-q', '-b', branch);
  expect((await cli(repo, ['init'])).code).toBe(0);
  return repo;
}

/** Seal the session's run on a new commit and read its record and packet. */
async function sealed(repo: TempRepo, s: Session, runId?: string) {
  // The commit is made while the session is live (a commit after it ended would need evidence).
  repo.write('api/signup.ts', `export const signup = () => ${Math.random()};\n`);
  await repo.commit('agent change');
  await s.hook('SessionEnd', { reason: 'prompt_input_exit' });
  // the post-commit hook seals it; seal-pending catches anything it left
  expect((await cli(repo, ['seal-pending', '--session', s.id], { env: NO_BG })).code).toBe(0);
  const id = runId ?? String(guardLines(repo, s)[0]!.run_id);
  const json = await cli(repo, ['show', id, '--format', 'json']);
  expect(json.code, `${id}: ${json.stderr}`).toBe(0);
  const record = JSON.parse(json.stdout);
  const packet = (await cli(repo, ['show', id])).stdout;
  return { id, record: Array.isArray(record) ? record[0] : record, packet };
}

function guardLines(repo: TempRepo, s: Session): Record<string, unknown>[] {
  const live = join(repo.dir, '.git/agent-log/sessions/claude-code', `${s.id}.jsonl`);
  const sealedDir = join(repo.dir, '.git/agent-log/sealed/claude-code');
  const file = existsSync(live)
    ? live
    : join(
        sealedDir,
        readdirSync(sealedDir).find((n) => n.startsWith(s.id) && n.endsWith('.jsonl'))!,
      );
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((l) => l.type === 'guard');
}

describe('stop rules', () => {
  test('the same test failing three times with no edit between is refused on the fourth attempt; record and packet say so', async () => {
    const repo = await guardedRepo({ same_check_failures: 3 });
    const s = session(repo);
    await s.hook('SessionStart', { source: 'startup', model: 'claude-sonnet-4-5-20250929' });
    await s.hook('UserPromptSubmit', { prompt: 'make signup reject duplicate emails' });
    const cmd = { command: 'npm test -- signup', description: 'Run the signup tests' };
    const attempts: Decision[] = [];
    for (let i = 0; i < 3; i++) {
      const d = await s.pre('Bash', cmd);
      expect(d.denied).toBe(false);
      attempts.push(d);
      await s.post('Bash', cmd, d.id, 'Exit code 1\nFAIL api/signup.test.ts\n  expected 409, received 200');
    }
    const fourth = await s.pre('Bash', cmd);
    expect(fourth.denied).toBe(true);
    expect(fourth.reason).toMatch(
      /^stop rule: `npm test -- signup` failed 3 times since the last edit; record what you tried/,
    );
    // other tools still work: the rule stops the retry, not the agent
    expect((await s.pre('Read', { file_path: join(repo.dir, 'api/signup.ts') })).denied).toBe(false);

    const { record, packet } = await sealed(repo, s);
    const fired = record.limits.fired.filter((f: { rule: string }) => f.rule === 'retries.same_check');
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({
      decision: 'refused',
      tool: 'Bash',
      tool_use_id: fourth.id,
      reason: fourth.reason,
    });
    // the journal names the refused call by its tool id
    const refusal = guardLines(repo, s).find((l) => l.decision === 'refused');
    expect(refusal).toMatchObject({ rule: 'retries.same_check', tool_use_id: fourth.id });
    expect(record.limits.given.same_check_failures).toBe(3);
    expect(packet).toContain('## Limits');
    expect(packet).toContain('**Refused** by rule `retries.same_check` (1×');
    expect((await cli(repo, ['query', '--rule', 'retries', '--json'])).stdout).toContain(record.id);
    expect((await cli(repo, ['query', '--stopped', '--json'])).stdout).toContain(record.id);
    expect((await cli(repo, ['query', '--over-budget', '--json'])).stdout).not.toContain(record.id);
    repo.cleanup();
  });

  test('an edit between failures resets the count', async () => {
    const repo = await guardedRepo({ same_check_failures: 2 });
    const s = session(repo);
    const cmd = { command: 'npx vitest run api' };
    for (let i = 0; i < 2; i++) {
      const d = await s.pre('Bash', cmd);
      expect(d.denied).toBe(false);
      await s.post('Bash', cmd, d.id, 'Exit code 1\n1 failed');
    }
    const edit = { file_path: join(repo.dir, 'api/signup.ts'), old_string: '1', new_string: '2' };
    const e = await s.pre('Edit', edit);
    await s.post('Edit', edit, e.id);
    expect((await s.pre('Bash', cmd)).denied).toBe(false);
    repo.cleanup();
  });
});

describe('spend', () => {
  test('a per-run USD budget trips from the costs in the transcript', async () => {
    // Two billed messages of claude-sonnet-4-5 (list price per million: input 3, output 15, cache read 0.3).
    const usage = { input_tokens: 20_000, output_tokens: 4_000, cache_read_input_tokens: 100_000 };
    const prices = JSON.parse(readFileSync(join(ROOT, 'src/capture/prices.json'), 'utf8')).models[
      'claude-sonnet-4-5'
    ];
    const one =
      (usage.input_tokens * prices.input +
        usage.output_tokens * prices.output +
        usage.cache_read_input_tokens * prices.cache_read) /
      1e6;
    const repo = await guardedRepo({ budget: { usd_per_run: one * 1.5 } });
    const s = session(repo);
    writeFileSync(s.transcript, '');
    await s.hook('SessionStart', { source: 'startup' });
    const message = () => {
      const msg = { id: `msg_01${rand(22)}`, model: 'claude-sonnet-4-5-20250929', role: 'assistant', usage };
      const line = { type: 'assistant', requestId: `req_011C${rand(20)}`, uuid: randomUUID(), message: msg };
      // streaming: the same message on two lines, the usage repeated; it is billed once
      appendFileSync(
        s.transcript,
        `${JSON.stringify({ ...line, message: { ...msg, content: [{ type: 'thinking' }] } })}\n`,
      );
      appendFileSync(
        s.transcript,
        `${JSON.stringify({ ...line, message: { ...msg, content: [{ type: 'tool_use' }] } })}\n`,
      );
    };
    message();
    expect((await s.pre('Grep', { pattern: 'signup' })).denied).toBe(false);
    message();
    const refused = await s.pre('Grep', { pattern: 'email' });
    expect(refused.denied).toBe(true);
    expect(refused.reason).toContain(
      `this run has spent $${(2 * one).toFixed(2)} of $${(one * 1.5).toFixed(2)}`,
    );
    const lines = guardLines(repo, s);
    const refusal = lines.find((l) => l.decision === 'refused')!;
    expect(refusal.rule).toBe('budget.usd_per_run');
    expect((refusal.used as { usd: number }).usd).toBeCloseTo(2 * one, 6);
    repo.cleanup();
  });
});

describe('scope', () => {
  test('an edit inside a denied path and a denied command are refused before they run', async () => {
    const repo = await guardedRepo({ paths: { deny: ['migrations/**'] } });
    const s = session(repo);
    const write = await s.pre('Write', {
      file_path: join(repo.dir, 'migrations/002_drop.sql'),
      content: 'drop table users;',
    });
    expect(write.denied).toBe(true);
    expect(write.reason).toMatch(
      /^scope: migrations\/002_drop\.sql is inside a denied path \(migrations\/\*\*\)/,
    );
    const push = await s.pre('Bash', { command: 'git push origin feature/signup --force' });
    expect(push.denied).toBe(true);
    expect(push.reason).toContain('matches the denied command pattern `git push --force`');
    const sql = await s.pre('Bash', { command: 'psql "$DATABASE_URL" -c "drop table users"' });
    expect(sql.denied).toBe(true);
    expect(sql.reason).toContain('`DROP TABLE`');
    expect((await s.pre('Bash', { command: 'git push origin feature/signup' })).denied).toBe(false);
    expect((await s.pre('Write', { file_path: join(repo.dir, 'api/x.ts'), content: '' })).denied).toBe(false);
    repo.cleanup();
  });

  test('an MCP call outside the allowed servers is refused; call limits hold', async () => {
    const repo = await guardedRepo({ mcp: { allow: ['github'], limits: { github__create_issue: 1 } } });
    const s = session(repo);
    const slack = await s.pre('mcp__slack__post_message', { channel: '#eng', text: 'hi' });
    expect(slack.denied).toBe(true);
    expect(slack.reason).toMatch(
      /^mcp: slack__post_message is outside the allowed MCP servers and tools \(github\)/,
    );
    expect((await s.pre('mcp__github__get_issue', { number: 7 })).denied).toBe(false);
    expect((await s.pre('mcp__github__create_issue', { title: 'a' })).denied).toBe(false);
    const again = await s.pre('mcp__github__create_issue', { title: 'b' });
    expect(again.denied).toBe(true);
    expect(again.reason).toContain('github__create_issue has been called 1 times, the limit for a run is 1');
    repo.cleanup();
  });
});

describe('human control', () => {
  test('stop from another terminal halts the next tool call; allow resumes it and is recorded as an approval', async () => {
    const repo = await guardedRepo({});
    const s = session(repo);
    await s.hook('SessionStart', { source: 'startup' });
    expect((await s.pre('Read', { file_path: join(repo.dir, 'api/signup.ts') })).denied).toBe(false);
    const stop = await cli(repo, ['stop', '--reason', 'it is rewriting the auth flow', '--by', 'Dana']);
    expect(stop.code).toBe(0);
    const runId = stop.stdout.trim();
    expect(runId).toMatch(/^[a-z][0-9a-z]{9}$/);
    const halted = await s.pre('Edit', {
      file_path: join(repo.dir, 'api/signup.ts'),
      old_string: '1',
      new_string: '2',
    });
    expect(halted.denied).toBe(true);
    expect(halted.reason).toMatch(/^stopped by Dana: it is rewriting the auth flow; do not continue/);
    expect((await s.pre('Read', { file_path: join(repo.dir, 'README.md') })).denied).toBe(true);
    const allow = await cli(repo, [
      'allow',
      runId.slice(0, 6),
      '--rule',
      'stop',
      '--by',
      'Dana',
      '--note',
      'scope agreed',
    ]);
    expect(allow).toMatchObject({ code: 0, stdout: '' });
    expect((await s.pre('Read', { file_path: join(repo.dir, 'README.md') })).denied).toBe(false);
    const { record, packet } = await sealed(repo, s, runId);
    expect(record.id).toBe(runId);
    expect(record.limits.stopped).toMatchObject({ by: 'Dana', reason: 'it is rewriting the auth flow' });
    expect(record.limits.overrides).toEqual([
      expect.objectContaining({ rule: 'stop', by: 'Dana', note: 'scope agreed' }),
    ]);
    expect(record.approvals).toContainEqual(
      expect.objectContaining({ by: 'Dana', scope: 'guard rule stop', decision: 'approved' }),
    );
    expect(packet).toContain('**Stopped** by Dana');
    expect(packet).toContain('**Override:** rule `stop` lifted by Dana');
    repo.cleanup();
  });

  test('stop with no live run fails with one line and exit 1; allow needs a rule name', async () => {
    const repo = await guardedRepo({});
    const r = await cli(repo, ['stop', '--reason', 'x']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: no live run in this worktree\n/);
    const a = await cli(repo, ['allow', 'abcd', '--rule', 'Not A Rule', '--by', 'x']);
    expect(a.code).toBe(2);
    repo.cleanup();
  });

  test('a stopped run cannot be retried until a human note exists when the policy says so', async () => {
    const repo = await guardedRepo({ require_review_before_retry: true });
    const first = session(repo);
    await first.hook('SessionStart', { source: 'startup' });
    await first.hook('UserPromptSubmit', { prompt: 'add rate limiting to signup' });
    expect((await first.pre('Read', { file_path: join(repo.dir, 'api/signup.ts') })).denied).toBe(false);
    const runId = (await cli(repo, ['stop', '--reason', 'wrong approach', '--by', 'Dana'])).stdout.trim();
    expect((await first.pre('Read', { file_path: join(repo.dir, 'api/signup.ts') })).denied).toBe(true);
    await first.hook('SessionEnd', { reason: 'prompt_input_exit' });

    const second = session(repo);
    await second.hook('SessionStart', { source: 'startup' });
    const blocked = await second.hook('UserPromptSubmit', { prompt: 'add rate limiting to signup, again' });
    expect(blocked.code).toBe(0);
    const answer = JSON.parse(blocked.stdout);
    expect(answer.decision).toBe('block');
    expect(answer.reason).toContain(
      `the previous run ${runId} on this task was stopped and nobody has reviewed it`,
    );

    const note = await cli(repo, [
      'note',
      runId,
      '--text',
      'tried a token bucket in middleware; use the gateway instead',
    ]);
    expect(note.code).toBe(0);
    const third = session(repo);
    await third.hook('SessionStart', { source: 'startup' });
    expect(await third.hook('UserPromptSubmit', { prompt: 'rate limiting at the gateway' })).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
    repo.cleanup();
  });
});

describe('failing open', () => {
  test('an internal error of the guard lets the call through and is logged', async () => {
    const repo = await guardedRepo({ paths: { deny: ['migrations/**'] } });
    const s = session(repo);
    const input = { file_path: join(repo.dir, 'migrations/003.sql'), content: 'x' };
    const r = await cli(repo, ['hook', 'claude-code'], {
      input: JSON.stringify({
        session_id: s.id,
        transcript_path: s.transcript,
        cwd: repo.dir,
        hook_event_name: 'PreToolUse',
        tool_name: 'Write',
        tool_use_id: toolId(),
        tool_input: input,
      }),
      env: { ...NO_BG, AGENT_LOG_FAULT: 'guard-throw' },
    });
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(readFileSync(join(repo.dir, '.git/agent-log/errors.log'), 'utf8')).toContain(
      'guard: injected guard fault',
    );
    // the event itself is still recorded
    const journal = readFileSync(
      join(repo.dir, '.git/agent-log/sessions/claude-code', `${s.id}.jsonl`),
      'utf8',
    );
    expect(journal).toContain('migrations/003.sql');
    repo.cleanup();
  });

  test('a broken guard state file is replaced, and an explicit rule still refuses', async () => {
    const repo = await guardedRepo({ paths: { deny: ['migrations/**'] } });
    const s = session(repo);
    const dir = join(repo.dir, '.git/agent-log/guard/sessions/claude-code');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${s.id}.json`), '{"v":1,"run_id":');
    expect(
      (await s.pre('Write', { file_path: join(repo.dir, 'migrations/004.sql'), content: '' })).denied,
    ).toBe(true);
    repo.cleanup();
  });
});

describe('manual runs and attempts', () => {
  test('exec refuses a denied command before it runs (exit 126) and a stopped run; a retry needs a human note first, then starts with the evidence', async () => {
    const repo = await guardedRepo({ require_review_before_retry: true });
    const first = (
      await cli(repo, ['start', '--task', 'add rate limiting to signup', '--budget-usd', '5'])
    ).stdout.trim();
    const push = await cli(repo, ['exec', '--', 'sh', '-c', 'touch ran.txt && git push --force origin HEAD']);
    expect(push.code).toBe(126);
    expect(push.stderr).toMatch(/^error: refused by the guard \(scope\.denied_command\): /);
    expect(existsSync(join(repo.dir, 'ran.txt'))).toBe(false);
    expect((await cli(repo, ['exec', '--', 'node', '-e', 'process.exit(1)'])).code).toBe(1);
    expect(
      (await cli(repo, ['stop', first, '--reason', 'looping on the same fix', '--by', 'Dana'])).code,
    ).toBe(0);
    const halted = await cli(repo, ['exec', '--', 'node', '-e', '0']);
    expect(halted.code).toBe(126);
    expect(halted.stderr).toContain('stopped by Dana: looping on the same fix');
    repo.write('api/signup.ts', 'export const signup = () => 2;\n');
    await repo.commit('first attempt');
    expect((await cli(repo, ['finish', '--status', 'failed'])).code).toBe(0);

    const refused = await cli(repo, [
      'start',
      '--task',
      'add rate limiting, again',
      '--retry-of',
      first.slice(0, 5),
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `error: the previous attempt ${first} was stopped and nobody has reviewed it`,
    );
    expect(refused.stderr).toContain(`hint: a human adds a note first: git agent-log note ${first}`);

    expect(
      (await cli(repo, ['note', first, '--text', 'token bucket in middleware did not hold; use the gateway']))
        .code,
    ).toBe(0);
    const second = await cli(repo, [
      'start',
      '--task',
      'add rate limiting at the gateway',
      '--retry-of',
      first,
    ]);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('attempt 2 of this task; earlier attempts:');
    expect(second.stderr).toContain(`- ${first} (`);
    expect(second.stderr).toContain('note: token bucket in middleware did not hold; use the gateway');
    expect(second.stderr).toContain('guard: scope.denied_command, stop');
    const secondId = second.stdout.trim();
    repo.write('api/signup.ts', 'export const signup = () => 3;\n');
    await repo.commit('second attempt');
    expect((await cli(repo, ['finish'])).code).toBe(0);
    const rec = JSON.parse((await cli(repo, ['show', secondId, '--format', 'json'])).stdout);
    expect(rec.task.attempt_of).toBe(first);
    const firstRec = JSON.parse((await cli(repo, ['show', first, '--format', 'json'])).stdout);
    expect(firstRec.limits.given.usd_per_run).toBe(5);
    expect(firstRec.limits.stopped).toMatchObject({ by: 'Dana' });
    expect(firstRec.limits.fired.map((f: { rule: string }) => f.rule)).toEqual([
      'scope.denied_command',
      'stop',
    ]);
    const stats = JSON.parse((await cli(repo, ['stats', '--json'])).stdout);
    expect(stats.guard).toMatchObject({ watched: 2, stopped: 1, refusals: 2 });
    repo.cleanup();
  });

  test('--max-attempts refuses a further attempt until a human allows one', async () => {
    const repo = await guardedRepo({});
    const first = (await cli(repo, ['start', '--task', 'fix flaky login test'])).stdout.trim();
    expect((await cli(repo, ['finish', '--status', 'failed'])).code).toBe(0);
    const again = await cli(repo, [
      'start',
      '--task',
      'fix flaky login test',
      '--retry-of',
      first,
      '--max-attempts',
      '1',
    ]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('error: this task has had 1 attempts (limit 1)');
    expect((await cli(repo, ['allow', first, '--rule', 'attempts.max', '--by', 'Dana'])).code).toBe(0);
    expect(
      (
        await cli(repo, [
          'start',
          '--task',
          'fix flaky login test',
          '--retry-of',
          first,
          '--max-attempts',
          '1',
        ])
      ).code,
    ).toBe(0);
    repo.cleanup();
  });
});

describe('records feed the next run', () => {
  test('context briefs the history of a path, also as a hook answer; stats --insights names the runs behind each line', async () => {
    const repo = await guardedRepo({});
    const runs: string[] = [];
    for (const [i, task] of ['make signup idempotent', 'make signup idempotent, second try'].entries()) {
      const args = ['start', '--task', task, '--constraint', 'no schema changes'];
      const id = (await cli(repo, i ? [...args, '--retry-of', runs[0]!] : args)).stdout.trim();
      runs.push(id);
      expect((await cli(repo, ['exec', '--', 'npm', 'publish'])).code).toBe(126);
      repo.write('api/signup.ts', `export const signup = () => ${i + 10};\n`);
      await repo.commit(`attempt ${i + 1}`);
      expect((await cli(repo, ['finish', '--status', i ? 'completed' : 'failed'])).code).toBe(0);
    }
    const brief = await cli(repo, ['context', 'api/signup.ts']);
    expect(brief.code).toBe(0);
    const lines = brief.stdout.split('\n');
    expect(lines[0]).toBe('Recorded history of api/signup.ts (git agent-log; newest first):');
    expect(lines[1]).toContain(`${runs[1]!.slice(0, 7)} `);
    expect(lines[1]).toContain(`retry of ${runs[0]!.slice(0, 7)}`);
    expect(lines[2]).toContain('failed');
    expect(lines[2]).toContain('guard refused: scope.denied_command');
    expect(brief.stdout).toContain('Standing constraints: no schema changes');
    expect(await cli(repo, ['context', 'docs/']).then((r) => r.stdout)).toBe(
      'No recorded agent runs touched docs/.\n',
    );

    const hook = await cli(repo, ['context', '--hook', 'claude-code'], {
      input: JSON.stringify({
        session_id: randomUUID(),
        cwd: repo.dir,
        hook_event_name: 'UserPromptSubmit',
        prompt: 'fix api/signup.ts again',
      }),
    });
    expect(hook.code).toBe(0);
    const ctxOut = JSON.parse(hook.stdout).hookSpecificOutput;
    expect(ctxOut.hookEventName).toBe('UserPromptSubmit');
    expect(ctxOut.additionalContext).toBe(brief.stdout);
    const small = await cli(repo, ['context', 'api/signup.ts', '--max-chars', '150']);
    expect(small.stdout.length).toBeLessThanOrEqual(152);

    const insights = JSON.parse((await cli(repo, ['stats', '--insights', '--json'])).stdout);
    const rule = insights.find((i: { kind: string }) => i.kind === 'guard-rule');
    expect(rule.text).toContain('guard rule `scope.denied_command` fired in 2 runs');
    expect([...rule.runs].sort()).toEqual([...runs].sort());
    const attempts = insights.find((i: { kind: string }) => i.kind === 'attempts');
    expect(attempts.runs).toEqual(runs);
    expect(attempts.text).toContain('took 2 attempts');
    repo.cleanup();
  });
});

describe('other agents', () => {
  test('Codex PreToolUse and Gemini BeforeTool get their own refusals', async () => {
    const repo = await guardedRepo({ paths: { deny: ['migrations/**'] } });
    const patch =
      '*** Begin Patch\n*** Add File: migrations/002_drop.sql\n+drop table users;\n*** End Patch\n';
    const codex = await cli(repo, ['hook', 'codex'], {
      env: NO_BG,
      input: JSON.stringify({
        session_id: randomUUID(),
        turn_id: '1',
        transcript_path: null,
        cwd: repo.dir,
        hook_event_name: 'PreToolUse',
        model: 'gpt-5-codex',
        tool_name: 'apply_patch',
        tool_use_id: `call_${rand(24)}`,
        tool_input: { input: patch },
      }),
    });
    expect(codex.code).toBe(0);
    const c = JSON.parse(codex.stdout);
    expect(c.decision).toBe('block');
    expect(c.hookSpecificOutput.permissionDecision).toBe('deny');
    expect(c.reason).toMatch(/^scope: migrations\/002_drop\.sql is inside a denied path/);
    const gemini = await cli(repo, ['hook', 'gemini', 'BeforeTool'], {
      env: NO_BG,
      input: JSON.stringify({
        session_id: randomUUID(),
        transcript_path: '/Users/alice/.gemini/tmp/shop/chats/session-2026-11-29T10-00-1a2b3c4d.jsonl',
        cwd: repo.dir,
        hook_event_name: 'BeforeTool',
        timestamp: new Date().toISOString(),
        tool_name: 'run_shell_command',
        tool_input: { command: 'npm publish --access public' },
      }),
    });
    expect(gemini.code).toBe(0);
    expect(JSON.parse(gemini.stdout)).toEqual({
      decision: 'deny',
      reason: expect.stringContaining('matches the denied command pattern `npm publish`'),
    });
    repo.cleanup();
  });
});
