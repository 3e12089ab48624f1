// Hand-made run records for pure tests of filters, formats, stats and the index.
import { parseRecord, type RunRecord, type RunRecordInput } from '../../src/record/schema.js';

export function makeRecord(id: string, fields: Partial<RunRecordInput> = {}): RunRecord {
  return parseRecord({ schema: 'agent-log/v1', kind: 'record', id, ...fields });
}

/**
 * The read-path tests' run: Claude Code, on day `day` of November 2026 (an hour from 09:00 unless
 * `started` is false), changed `path` (default pay.ts) after reading `read`, and ran `npm test`
 * under a real-shaped tool id.
 */
export function shopRecord(
  id: string,
  intent: string,
  day: number,
  opts: { path?: string; read?: string; started?: boolean } = {},
): RunRecord {
  const dd = String(10 + day).padStart(2, '0');
  return makeRecord(id, {
    task: { intent, source: 'prompt', follow_ups: [] },
    agent: { name: 'claude-code', version: '2.1.3', model: 'claude-opus-4-1', session_ids: [] },
    ...(opts.started === false ? {} : { started_at: `2026-11-${dd}T09:00:00Z` }),
    ended_at: `2026-11-${dd}T10:00:00Z`,
    files: {
      read: [opts.read ?? '/Users/alice/src/shop/README.md'],
      changed: [{ path: opts.path ?? 'pay.ts', status: 'modified', additions: 1, deletions: 0, via: 'edit' }],
    },
    commands: [
      {
        command: 'npm test',
        exit_code: 0,
        kind: 'test',
        output_tail: 'Tests: 12 passed, 12 total',
        tool_use_id: 'toolu_01A7bQm3kX9vT2pLs8DfRw4Z',
      },
    ],
  });
}

export function stored(record: RunRecord, commit = 'c'.repeat(40), commits: string[] = [commit]) {
  return { record, commit, commits };
}

/** Eight runs with distinct traits; tests state their expectations by ID. */
export function sampleRecords(): RunRecord[] {
  return [
    makeRecord('alpha00001', {
      task: { intent: 'add server-side validation to signup endpoint', source: 'prompt', follow_ups: [] },
      boundary: { allow: ['api/**'], deny: [], level: 'edit', constraints: [] },
      agent: { name: 'claude-code', version: '2.1.3', model: 'claude-opus-4', session_ids: [] },
      repo: { branch: 'feature/signup', commits: [] },
      started_at: '2026-11-20T09:00:00Z',
      ended_at: '2026-11-20T10:00:00Z',
      files: {
        read: ['api/users.ts'],
        changed: [{ path: 'api/signup.ts', status: 'modified', additions: 12, deletions: 3, via: 'edit' }],
      },
      commands: [{ command: 'npm test -- signup', exit_code: 0, kind: 'test' }],
      checks: [
        { name: 'npm test -- signup', kind: 'test', status: 'passed', attempts: 2, after_last_edit: true },
      ],
      approvals: [{ by: 'Thomas', scope: 'PR creation', decision: 'approved' }],
      outcome: { status: 'completed' },
      cost: { model: 'claude-opus-4', input_tokens: 1000, output_tokens: 200, usd: 1.25 },
      risk: { level: 'low', reasons: [] },
    }),
    makeRecord('bravo00002', {
      task: { intent: 'retry failed charges', source: 'flag', follow_ups: [] },
      boundary: {
        allow: ['src/**'],
        deny: ['migrations/**'],
        level: 'edit',
        constraints: ['no schema changes'],
      },
      agent: { name: 'codex', model: 'gpt-5', session_ids: [] },
      repo: { branch: 'main', commits: [] },
      started_at: '2026-11-10T08:00:00Z',
      ended_at: '2026-11-10T09:00:00Z',
      files: {
        read: [],
        changed: [
          { path: 'src/payments/charge.ts', status: 'modified', additions: 30, deletions: 2, via: 'edit' },
          { path: 'migrations/001_retry.sql', status: 'added', additions: 5, deletions: 0, via: 'shell' },
        ],
      },
      commands: [
        { command: 'npm test', exit_code: 1, kind: 'test' },
        { command: 'npx eslint src', exit_code: 0, kind: 'lint' },
      ],
      checks: [
        { name: 'npm test', kind: 'test', status: 'failed', attempts: 3, after_last_edit: true },
        { name: 'npx eslint src', kind: 'lint', status: 'passed', attempts: 1, after_last_edit: false },
      ],
      dependencies: [{ manifest: 'package.json', name: 'stripe', from: '^12.0.0', to: '^14.0.0' }],
      outcome: { status: 'failed' },
      cost: { model: 'gpt-5', input_tokens: 5000, output_tokens: 700, usd: 0.75 },
      risk: { level: 'high', reasons: ['dependencies changed', 'a check failed'] },
    }),
    makeRecord('charl00003', {
      task: {
        intent: 'refund flow for cancelled orders',
        source: 'prompt',
        follow_ups: ['also handle partial refunds'],
      },
      agent: { name: 'claude-code', model: 'claude-sonnet-4', session_ids: [] },
      repo: { branch: 'feature/pay', commits: [] },
      started_at: '2026-11-22T22:00:00Z',
      ended_at: '2026-11-22T23:00:00Z',
      files: {
        read: ['src/payments/charge.ts'],
        changed: [
          { path: 'src/payments/refund.ts', status: 'added', additions: 80, deletions: 0, via: 'edit' },
        ],
      },
      checks: [
        { name: 'npm test', kind: 'test', status: 'skipped', attempts: 0, after_last_edit: null },
        { name: 'tsc --noEmit', kind: 'typecheck', status: 'not-run', attempts: 0, after_last_edit: null },
      ],
      approvals: [{ by: 'Ana', scope: 'merge', decision: 'denied', note: 'needs tests' }],
      outcome: { status: 'completed' },
      notes: ['touches the refunds ledger'],
      cost: { model: 'claude-sonnet-4', input_tokens: 300, output_tokens: 50, usd: 0.5 },
      risk: { level: 'medium', reasons: ['no tests ran'] },
    }),
    makeRecord('delta00004', {
      task: { intent: 'explain the README', source: 'flag', follow_ups: [] },
      agent: { name: 'gemini', model: 'gemini-2.5-pro', session_ids: [] },
      repo: { branch: 'main', commits: [] },
      started_at: '2026-10-01T12:00:00Z',
      ended_at: null,
      files: { read: ['docs/README.md'], changed: [] },
      commands: [{ command: 'ls -la', exit_code: 0, kind: 'other' }],
      outcome: { status: 'abandoned' },
      risk: { level: 'low', reasons: [] },
    }),
    makeRecord('echoo00005', {
      task: { intent: 'move the README to the root', source: 'flag', follow_ups: [] },
      agent: { name: 'manual', session_ids: [] },
      repo: { branch: null, commits: [] },
      files: {
        read: [],
        changed: [{ path: 'README.md', old_path: 'docs/README.md', status: 'renamed', via: 'shell' }],
      },
      approvals: [{ by: 'Thomas Müller', scope: 'push', decision: 'approved' }],
      outcome: { status: 'pending' },
    }),
    makeRecord('foxtr00006', {
      task: { intent: 'bump zod and fix types', source: 'prompt', follow_ups: [] },
      boundary: { allow: [], deny: ['.github/**'], level: 'edit', constraints: [] },
      agent: { name: 'claude-code', model: 'claude-opus-4', session_ids: [] },
      repo: { branch: 'feature/signup', commits: [] },
      started_at: '2026-11-21T10:00:00Z',
      ended_at: '2026-11-21T11:00:00Z',
      files: {
        read: ['package.json'],
        changed: [
          { path: 'package.json', status: 'modified', additions: 1, deletions: 1, via: 'edit' },
          { path: '.github/workflows/ci.yml', status: 'modified', additions: 2, deletions: 0, via: 'edit' },
          { path: 'api/schema.ts', status: 'modified', additions: 4, deletions: 4, via: 'edit' },
        ],
      },
      commands: [
        { command: 'npm install zod@4', exit_code: 0, kind: 'install' },
        { command: 'npm test', exit_code: 0, kind: 'test' },
      ],
      checks: [{ name: 'npm test', kind: 'test', status: 'passed', attempts: 1, after_last_edit: false }],
      dependencies: [{ manifest: 'package.json', name: 'zod', from: '^3.23.0', to: '^4.0.0' }],
      config_changes: ['.github/workflows/ci.yml'],
      approvals: [{ by: 'Ana', scope: 'PR creation', decision: 'approved' }],
      outcome: { status: 'completed' },
      cost: { model: 'claude-opus-4', input_tokens: 2000, output_tokens: 400, usd: null },
      risk: { level: 'high', reasons: ['dependencies changed', 'configuration changed'] },
    }),
  ];
}
