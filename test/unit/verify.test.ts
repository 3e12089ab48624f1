import { describe, expect, test } from 'vitest';
import { DEFAULT_POLICY, policyFrom, verifyRecord } from '../../src/query/verify.js';
import { RunRecord, SCHEMA } from '../../src/record/schema.js';

const base = (over: Record<string, unknown> = {}) =>
  RunRecord.parse({
    schema: SCHEMA,
    kind: 'record',
    id: 'kaaaaaaaaa',
    boundary: { allow: ['api/**'], deny: ['api/secrets/**'] },
    files: { changed: [{ path: 'api/signup.ts' }] },
    checks: [{ name: 'npm test', kind: 'test', status: 'passed', attempts: 1, after_last_edit: true }],
    outcome: { status: 'completed' },
    ...over,
  });

describe('verifyRecord', () => {
  test('a clean run passes the default policy', () => {
    expect(verifyRecord(base())).toEqual({ id: 'kaaaaaaaaa', ok: true, reasons: [], notes: [] });
  });

  test('a denied path is a breach even inside an allowed glob', () => {
    const v = verifyRecord(base({ files: { changed: [{ path: 'api/secrets/key.ts' }] } }));
    expect(v.reasons).toEqual(['changed api/secrets/key.ts, which the boundary denies']);
  });

  test('a test that passed before the last edit is not enough', () => {
    const v = verifyRecord(
      base({
        checks: [{ name: 'npm test', kind: 'test', status: 'passed', attempts: 1, after_last_edit: false }],
      }),
    );
    expect(v.reasons).toEqual(['no passing test check after the last edit']);
  });

  test('a weakened check fails unless the policy allows it', () => {
    const r = base({
      checks: [
        {
          name: 'npm test',
          kind: 'test',
          status: 'passed',
          attempts: 2,
          after_last_edit: true,
          weakened: '|| true hides the exit code',
        },
      ],
    });
    expect(verifyRecord(r).reasons).toEqual(['check npm test was weakened: || true hides the exit code']);
    expect(verifyRecord(r, { ...DEFAULT_POLICY, forbid_weakened: false }).ok).toBe(true);
  });

  test('a run that changed no files needs no test', () => {
    expect(verifyRecord(base({ files: { changed: [] }, checks: [] })).ok).toBe(true);
  });

  test('a denied approval fails even when another approval exists', () => {
    const r = base({
      approvals: [
        { by: 'A', scope: 'merge', decision: 'approved' },
        { by: 'B', scope: 'Merge', decision: 'denied' },
      ],
    });
    expect(verifyRecord(r, { ...DEFAULT_POLICY, require_approvals: ['merge'] }).reasons).toEqual([
      'approval for "merge" was denied',
    ]);
  });

  test('policyFrom keeps defaults for missing keys and ignores junk', () => {
    expect(policyFrom(null)).toEqual(DEFAULT_POLICY);
    expect(policyFrom({ verify: { require_checks: ['lint'] } })).toEqual({
      ...DEFAULT_POLICY,
      require_checks: ['lint'],
    });
    expect(policyFrom({ verify: 'nonsense' })).toEqual(DEFAULT_POLICY);
  });
});

describe('a gate people can act on', () => {
  const lintFailed = {
    name: 'npx eslint src',
    kind: 'lint',
    status: 'failed',
    attempts: 1,
    after_last_edit: true,
  };
  const testPassed = { name: 'npm test', kind: 'test', status: 'passed', attempts: 1, after_last_edit: true };
  const approval = (scope: string, over: Record<string, unknown> = {}) => ({
    by: 'Priya Raman',
    email: 'priya@example.org',
    scope,
    decision: 'approved',
    at: '2026-11-21T10:00:00.000Z',
    note: null,
    ...over,
  });

  test('a failed check the policy does not require is reported, not failing', () => {
    const v = verifyRecord(base({ checks: [testPassed, lintFailed] }));
    expect(v.ok).toBe(true);
    expect(v.notes).toEqual(['check npx eslint src failed (not required by the policy)']);
  });

  test('a failed required check fails, and says it is required', () => {
    const v = verifyRecord(base({ checks: [{ ...testPassed, status: 'failed' }] }));
    expect(v.reasons).toEqual([
      'required check npm test failed',
      'no passing test check after the last edit',
    ]);
  });

  test('optional_checks "fail" makes them fail; an approval scoped check:lint covers the failure', () => {
    const policy = policyFrom({ verify: { optional_checks: 'fail' } });
    expect(verifyRecord(base({ checks: [testPassed, lintFailed] }), policy).reasons).toEqual([
      'check npx eslint src failed',
    ]);
    const v = verifyRecord(
      base({ checks: [testPassed, lintFailed], approvals: [approval('check:lint')] }),
      policy,
    );
    expect(v.ok).toBe(true);
    expect(v.notes).toEqual(['check npx eslint src failed: approved by Priya Raman ("check:lint")']);
  });

  test('an approval scoped boundary:<path> covers that breach, not another', () => {
    const r = base({
      files: { changed: [{ path: 'README.md' }, { path: 'api/signup.ts' }, { path: 'infra/prod.tf' }] },
      approvals: [approval('boundary:README.md')],
    });
    const v = verifyRecord(r);
    expect(v.reasons).toEqual(['changed infra/prod.tf, outside the allowed paths']);
    expect(v.notes).toEqual([
      'changed README.md, outside the allowed paths: approved by Priya Raman ("boundary:README.md")',
    ]);
    expect(
      verifyRecord({ ...r, approvals: [approval('boundary:infra/**'), approval('boundary:README.md')] }).ok,
    ).toBe(true);
  });

  test('the policy can forbid approvals from covering breaches', () => {
    const r = base({
      files: { changed: [{ path: 'README.md' }] },
      approvals: [approval('boundary:README.md')],
    });
    expect(verifyRecord(r, policyFrom({ verify: { approvals_cover: [] } })).ok).toBe(false);
  });

  test("a denial of the covering scope wins over another person's approval", () => {
    const r = base({
      files: { changed: [{ path: 'README.md' }] },
      approvals: [
        approval('boundary:README.md'),
        approval('boundary:*', { by: 'Thomas Berg', email: 'tb@example.org', decision: 'denied' }),
      ],
    });
    expect(verifyRecord(r).reasons).toEqual([
      'changed README.md, outside the allowed paths: Thomas Berg denied "boundary:*"',
    ]);
  });

  test('a person who approves after denying replaces their own denial', () => {
    const r = base({
      approvals: [
        approval('merge', { decision: 'denied', at: '2026-11-21T09:00:00.000Z' }),
        approval('merge', { at: '2026-11-21T10:00:00.000Z' }),
      ],
    });
    expect(verifyRecord(r, { ...DEFAULT_POLICY, require_approvals: ['merge'] }).ok).toBe(true);
  });

  test('require_signed_approvals: only approvals whose signature is trusted count', () => {
    const policy = { ...DEFAULT_POLICY, require_approvals: ['merge'], require_signed_approvals: true };
    const r = base({ approvals: [approval('merge', { event: 'q1w2e3r4t5', signed: 'ssh' })] });
    expect(verifyRecord(r, policy, new Map([['q1w2e3r4t5', 'trusted']])).ok).toBe(true);
    const untrusted = verifyRecord(r, policy, new Map([['q1w2e3r4t5', 'untrusted']]));
    expect(untrusted.reasons).toEqual(['no approval for "merge"']);
    expect(untrusted.notes).toEqual([
      'approval by Priya Raman <priya@example.org> for "merge" does not count: its signer is not trusted',
    ]);
    const unsigned = base({ approvals: [approval('merge')] });
    expect(verifyRecord(unsigned, policy).notes).toEqual([
      'approval by Priya Raman <priya@example.org> for "merge" does not count: it is not signed',
    ]);
  });

  test('a signature that does not match its approval fails the gate under any policy', () => {
    const r = base({ approvals: [approval('merge', { event: 'q1w2e3r4t5', signed: 'ssh' })] });
    expect(verifyRecord(r, DEFAULT_POLICY, new Map([['q1w2e3r4t5', 'bad']])).reasons).toEqual([
      'approval by Priya Raman <priya@example.org> for "merge" has a signature that does not match it (altered?)',
    ]);
  });
});
