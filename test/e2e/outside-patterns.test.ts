// Patterns a repository commits (`.agent-log/config.json`: redaction patterns, allowlist, the guard's
// `re:` deny rules) are outside input. Catastrophic ones — nested quantifiers that JavaScript's
// backtracking engine needs 2^n steps for — go through the real hook and finish; the bound is the
// test's timeout, far beyond the milliseconds a linear engine needs and far below the hours 2^48
// steps would take. A pattern that cannot be used fails closed in the guard and is one doctor line.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { prng } from '../helpers/prng.js';
import { cli, type TempRepo, tempRepo } from '../helpers/repo.js';

const NO_BG = { AGENT_LOG_NO_BACKGROUND: '1' };
const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const rand = prng(0x5ec3);
const draw = (n: number, alphabet = B62) =>
  Array.from({ length: n }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
const toolId = () => `toolu_01${draw(22)}`;
/** Well past the milliseconds the hook needs; 2^48 backtracking steps would take hours. */
const BOUND_MS = 60_000;

async function repoWith(config: Record<string, unknown>): Promise<TempRepo> {
  const repo = await tempRepo({
    files: {
      'api/signup.ts': 'export const signup = () => 1;\n',
      '.agent-log/config.json': JSON.stringify(config, null, 2),
    },
  });
  await repo.git('checkout', '-q', '-b', 'feature/signup');
  expect((await cli(repo, ['init'])).code).toBe(0);
  return repo;
}

function claude(repo: TempRepo) {
  const id = randomUUID();
  const base = {
    session_id: id,
    transcript_path: `/Users/alice/.claude/projects/-Users-alice-src-shop/${id}.jsonl`,
    cwd: repo.dir,
    permission_mode: 'default',
  };
  const hook = (event: string, fields: Record<string, unknown>) =>
    cli(repo, ['hook', 'claude-code'], {
      input: JSON.stringify({ ...base, hook_event_name: event, ...fields }),
      env: NO_BG,
    });
  return {
    id,
    hook,
    journal: () => readFileSync(join(repo.dir, '.git/agent-log/sessions/claude-code', `${id}.jsonl`), 'utf8'),
    /** The deny reason of a PreToolUse, or null when the call may go ahead. */
    async pre(tool: string, input: Record<string, unknown>): Promise<string | null> {
      const r = await hook('PreToolUse', { tool_name: tool, tool_use_id: toolId(), tool_input: input });
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      if (r.stdout === '') return null;
      const out = JSON.parse(r.stdout).hookSpecificOutput;
      return out.permissionDecision === 'deny' ? String(out.permissionDecisionReason) : null;
    },
  };
}

describe('repository redaction patterns run in linear time', () => {
  test(
    'a nested-quantifier pattern neither stalls the hook on 48 near-misses nor stops redacting its own shape',
    async () => {
      const repo = await repoWith({
        redact: { patterns: [{ id: 'acme-key', regex: '(acme_(?:[a-z0-9]+)+)!', group: 1 }] },
      });
      const s = claude(repo);
      const secret = `acme_${draw(28, 'abcdefghijklmnopqrstuvwxyz0123456789')}`;
      const nearMiss = `acme_${'a'.repeat(48)}?`; // no `!`: 2^48 ways to split the run, all failing
      const r = await s.hook('PostToolUse', {
        tool_name: 'Bash',
        tool_use_id: toolId(),
        tool_input: { command: `echo ${nearMiss}`, description: 'print the key' },
        tool_response: { stdout: `${nearMiss}\nkey=${secret}!\n`, stderr: '', interrupted: false },
      });
      expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
      const journal = s.journal();
      expect(journal).not.toContain(secret);
      expect(journal).toContain('key=[REDACTED:acme-key]!');
      expect(journal).toContain(nearMiss);
    },
    BOUND_MS,
  );

  test(
    'a nested-quantifier allowlist pattern is evaluated in linear time too',
    async () => {
      const token = `ghp_${draw(36)}`;
      const repo = await repoWith({ redact: { allowlist: ['/^(ghp_(?:[A-Za-z0-9]+)+)$/'] } });
      const s = claude(repo);
      const r = await s.hook('UserPromptSubmit', { prompt: `use ${token} and ghp_${'a'.repeat(48)}-` });
      expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
      expect(s.journal()).toContain(token); // allowlisted: kept on purpose
    },
    BOUND_MS,
  );

  test('a pattern RE2 cannot run is one doctor line naming it, and the defaults still apply', async () => {
    const repo = await repoWith({
      redact: {
        patterns: [
          { id: 'twice', regex: '(tok_[a-z]{4})\\1' },
          { id: 'ok', regex: 'zz_[0-9]{8}' },
        ],
      },
    });
    const d = await cli(repo, ['doctor']);
    expect(d.code).toBe(1);
    const lines = d.stdout.split('\n').filter((l) => l.includes('redact.patterns'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('redact.patterns[0] (twice): regex cannot be used, ignored');
    expect(lines[0]).toContain('no backreferences');
    const s = claude(repo);
    const gh = `ghp_${draw(36)}`;
    await s.hook('UserPromptSubmit', { prompt: `try ${gh} and zz_12345678` });
    const journal = s.journal();
    expect(journal).not.toContain(gh);
    expect(journal).toContain('[REDACTED:ok]');
  });
});

describe('guard re: deny patterns', () => {
  test(
    'a catastrophic re: pattern answers a long near-miss command and still refuses what it matches',
    async () => {
      const repo = await repoWith({ guard: { commands: { deny: ['re:^(\\w+\\s?)+;$'] } } });
      const s = claude(repo);
      const nearMiss = `echo ${'a'.repeat(48)}!`;
      expect(await s.pre('Bash', { command: nearMiss, description: 'print' })).toBeNull();
      const reason = await s.pre('Bash', { command: 'drop everything now;', description: 'x' });
      expect(reason).toContain('matches the denied command pattern `re:^(\\w+\\s?)+;$`');
    },
    BOUND_MS,
  );

  test('an unusable re: pattern fails closed: shell commands are refused with why, other tools go ahead, a human can allow it', async () => {
    const repo = await repoWith({ guard: { commands: { deny: ['re:(?=rm)rm -rf', 'npm publish'] } } });
    const doctor = await cli(repo, ['doctor']);
    expect(doctor.code).toBe(1);
    const lines = doctor.stdout.split('\n').filter((l) => l.includes('re:(?=rm)rm -rf'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('guard.commands.deny[0]');
    expect(lines[0]).toContain('the guard refuses every shell command until it is fixed');

    const s = claude(repo);
    const reason = await s.pre('Bash', { command: 'ls', description: 'list' });
    expect(reason).toMatch(
      /^scope: the denied command pattern `re:\(\?=rm\)rm -rf` in the agent policy cannot be used/,
    );
    expect(await s.pre('Read', { file_path: join(repo.dir, 'api/signup.ts') })).toBeNull();
    const runId = /git agent-log allow (\S+) --rule scope\.unusable_pattern/.exec(reason!)?.[1];
    expect(runId).toMatch(/^[a-z][0-9a-z]{3,31}$/);
    const allow = await cli(repo, ['allow', runId!, '--rule', 'scope.unusable_pattern', '--by', 'Priya']);
    expect(allow.code, allow.stderr).toBe(0);
    expect(await s.pre('Bash', { command: 'ls', description: 'list' })).toBeNull();
    // the other deny patterns still hold after the override
    expect(await s.pre('Bash', { command: 'npm publish', description: 'x' })).toContain(
      'matches the denied command pattern `npm publish`',
    );
  });
});
