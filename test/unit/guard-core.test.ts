// The guard's pure core: policy layers, command patterns, payloads of each agent, wire formats.
import { describe, expect, test } from 'vitest';
import { readEvent } from '../../src/capture/guard/event.js';
import { answerFor } from '../../src/capture/guard/output.js';
import { resolvePolicy } from '../../src/capture/guard/policy.js';
import { commandMatches, decideTool, grantsForPath, observe } from '../../src/capture/guard/rules.js';
import { newState } from '../../src/capture/guard/state.js';

const ROOT = '/Users/alice/src/shop';

describe('policy', () => {
  test('no guard section and no run limits: no policy at all', () => {
    expect(resolvePolicy({ config: { redact: {} } })).toBeNull();
  });

  test('run limits override the team, and the level layer overrides both', () => {
    const warnings: string[] = [];
    const p = resolvePolicy(
      {
        config: {
          guard: {
            budget: { usd_per_run: 10 },
            max_minutes: 60,
            level: 'edit',
            levels: { migrations: { budget: { usd_per_run: 2 }, require_review_before_retry: true } },
            retries: { same_check: 'three' },
          },
        },
        run: { usd_per_run: 5, grants: ['migrations'] },
      },
      (m) => warnings.push(m),
    )!;
    expect(p.usd_per_run).toBe(2);
    expect(p.max_minutes).toBe(60);
    expect(p.require_review_before_retry).toBe(true);
    expect(p.same_check_failures).toBeNull();
    expect(warnings).toEqual(['guard: same_check_failures must be a non-negative number, ignored']);
  });
});

describe('command patterns', () => {
  test.each([
    ['git push --force', 'git push origin main --force', true],
    ['git push --force', 'git -C /x push --force', true],
    ['git push --force', 'git push origin feature', false],
    ['git push -f', 'cd api && git push -f origin HEAD', true],
    ['DROP TABLE', 'psql -c "drop   table users"', true],
    ['DROP TABLE', 'echo dropped tables', false],
    ['npm publish', 'npm publish --dry-run', true],
    ['npm publish', 'npm run publish-docs', false],
    ['terraform apply', '/usr/local/bin/terraform apply -auto-approve', true],
    ['re:^rm\\s+-rf\\s+/', 'rm -rf /', true],
  ])('%s against %s', (pattern, command, expected) => {
    expect(commandMatches(command, pattern)).toBe(expected);
  });
});

describe('payloads of each agent', () => {
  test('Codex apply_patch names the files it writes', () => {
    const patch =
      '*** Begin Patch\n*** Update File: api/signup.ts\n@@\n-a\n+b\n*** Add File: migrations/002.sql\n+x\n*** End Patch';
    const e = readEvent(
      'PreToolUse',
      { tool_name: 'apply_patch', tool_input: { input: patch }, cwd: ROOT },
      ROOT,
    );
    expect(e.isEdit).toBe(true);
    expect(e.paths).toEqual(['api/signup.ts', 'migrations/002.sql']);
  });

  test('Gemini tools: shell, writes and MCP', () => {
    const sh = readEvent(
      'BeforeTool',
      { tool_name: 'run_shell_command', tool_input: { command: 'npm test' } },
      ROOT,
    );
    expect([sh.moment, sh.command]).toEqual(['pre-tool', 'npm test']);
    const w = readEvent(
      'BeforeTool',
      { tool_name: 'write_file', tool_input: { file_path: `${ROOT}/a/b.ts` } },
      ROOT,
    );
    expect(w.paths).toEqual(['a/b.ts']);
    const m = readEvent(
      'BeforeTool',
      { tool_name: 'create_issue', mcp_context: { server_name: 'github', tool_name: 'create_issue' } },
      ROOT,
    );
    expect(m.mcp).toEqual({ server: 'github', tool: 'create_issue' });
    const after = readEvent(
      'AfterTool',
      {
        tool_name: 'run_shell_command',
        tool_input: { command: 'npm test' },
        tool_response: { llmContent: 'Output: x\nExit Code: 1' },
      },
      ROOT,
    );
    expect(after.failed).toBe(true);
  });

  test('a path outside the repository stays absolute and is outside every allow glob', () => {
    const e = readEvent('PreToolUse', { tool_name: 'Write', tool_input: { file_path: '/etc/hosts' } }, ROOT);
    expect(e.paths).toEqual(['/etc/hosts']);
    const p = resolvePolicy({ config: { guard: { paths: { allow: ['src/**'] } } } })!;
    const v = decideTool({
      policy: p,
      state: newState('claude-code', 's', 'r', new Date(0).toISOString(), ROOT),
      event: e,
      now: 0,
      spend: { usd: 0, tokens: 0 },
      runId: 'r',
    });
    expect(v?.rule).toBe('scope.outside_allow');
  });
});

describe('levels', () => {
  const at = (level: string, grants: string[] = []) =>
    resolvePolicy({ config: { guard: { level, grants } } })!;
  const state = () => newState('claude-code', 's', 'r', new Date(0).toISOString(), ROOT);
  const decide = (level: string, tool: string, input: Record<string, unknown>, grants: string[] = []) =>
    decideTool({
      policy: at(level, grants),
      state: state(),
      event: readEvent('PreToolUse', { tool_name: tool, tool_input: input }, ROOT),
      now: 0,
      spend: { usd: 0, tokens: 0 },
      runId: 'r',
    })?.rule ?? null;

  test('read-only may not edit; edit may not push; pr may push but not deploy', () => {
    expect(decide('read-only', 'Edit', { file_path: `${ROOT}/a.ts` })).toBe('level.edit');
    expect(decide('edit', 'Bash', { command: 'git push origin feat' })).toBe('level.pr');
    expect(decide('pr', 'Bash', { command: 'git push origin feat' })).toBeNull();
    expect(decide('pr', 'Bash', { command: 'helm upgrade shop ./chart' })).toBe('level.deploy');
    expect(decide('edit', 'Bash', { command: 'npm test' })).toBeNull();
    expect(decide('read-only', 'Bash', { command: "sed -i 's/a/b/' api/x.ts" })).toBe('level.edit');
    expect(decide('read-only', 'Bash', { command: 'git commit -m wip' })).toBe('level.edit');
  });

  test('migrations, dependencies, CI config, secrets and infrastructure need their own grant', () => {
    expect(grantsForPath('db/migrations/001.sql')).toEqual(['migrations']);
    expect(grantsForPath('.github/workflows/ci.yml')).toEqual(['ci']);
    expect(grantsForPath('infra/main.tf')).toEqual(['infrastructure']);
    expect(decide('edit', 'Write', { file_path: `${ROOT}/package.json` })).toBe('grant.dependencies');
    expect(decide('edit', 'Write', { file_path: `${ROOT}/package.json` }, ['dependencies'])).toBeNull();
    expect(decide('deploy', 'Write', { file_path: `${ROOT}/.env.production` })).toBe('grant.secrets');
  });
});

test('the same command with the same result K times in a row is refused', () => {
  const p = resolvePolicy({ config: { guard: { retries: { same_command: 2 } } } })!;
  const s = newState('claude-code', 's', 'r', new Date(0).toISOString(), ROOT);
  const post = {
    tool_name: 'Bash',
    tool_input: { command: 'curl -s localhost:3000/health' },
    tool_response: { stdout: 'connection refused' },
  };
  observe(s, readEvent('PostToolUse', post, ROOT));
  observe(s, readEvent('PostToolUse', post, ROOT));
  const next = readEvent('PreToolUse', { tool_name: 'Bash', tool_input: post.tool_input }, ROOT);
  expect(
    decideTool({ policy: p, state: s, event: next, now: 0, spend: { usd: 0, tokens: 0 }, runId: 'r' })?.rule,
  ).toBe('retries.same_command');
});

test('each agent gets its own refusal format', () => {
  expect(JSON.parse(answerFor('claude-code', 'PreToolUse', 'no')!.stdout)).toEqual({
    hookSpecificOutput: {
      hookEventName: 'PreToolUse',
      permissionDecision: 'deny',
      permissionDecisionReason: 'no',
    },
  });
  expect(JSON.parse(answerFor('codex', 'PreToolUse', 'no')!.stdout)).toMatchObject({
    decision: 'block',
    reason: 'no',
  });
  expect(JSON.parse(answerFor('gemini', 'BeforeTool', 'no')!.stdout)).toEqual({
    decision: 'deny',
    reason: 'no',
  });
  expect(JSON.parse(answerFor('claude-code', 'UserPromptSubmit', 'no')!.stdout)).toEqual({
    decision: 'block',
    reason: 'no',
  });
  expect(answerFor('claude-code', 'PostToolUse', 'no')).toBeNull();
});
