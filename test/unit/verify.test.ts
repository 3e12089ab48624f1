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
    expect(verifyRecord(base())).toEqual({ id: 'kaaaaaaaaa', ok: true, reasons: [] });
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
