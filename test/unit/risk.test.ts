import { describe, expect, test } from 'vitest';
import { assessRisk } from '../../src/record/risk.js';
import { parseRecord, type RunRecordInput } from '../../src/record/schema.js';

const passing = { name: 'npm test', kind: 'test', status: 'passed', attempts: 1, after_last_edit: true };

function record(over: Partial<RunRecordInput> = {}) {
  return parseRecord({
    schema: 'agent-log/v1',
    kind: 'record',
    id: 'abcd123456',
    files: { changed: [{ path: 'src/a.ts', additions: 1, deletions: 0, via: 'edit' }] },
    checks: [passing],
    ...over,
  });
}

const files = (...paths: string[]) => ({ changed: paths.map((path) => ({ path })) });

describe('assessRisk', () => {
  test('a small edit with a passing check after the last edit is low risk', () => {
    expect(assessRisk(record())).toEqual({ level: 'low', reasons: [] });
  });

  test('changed dependencies make a run medium risk', () => {
    const r = assessRisk(record({ dependencies: [{ manifest: 'package.json', name: 'zod', to: '^4' }] }));
    expect(r.level).toBe('medium');
    expect(r.reasons).toContain('1 dependency changed');
  });

  test('a changed manifest without parsed dependencies still counts', () => {
    expect(assessRisk(record({ files: files('package.json') })).reasons[0]).toMatch(
      /manifest changed: package\.json/,
    );
  });

  test('configuration changes are medium risk', () => {
    const r = assessRisk(record({ files: files('.github/workflows/ci.yml') }));
    expect(r).toEqual({ level: 'medium', reasons: ['configuration changed: .github/workflows/ci.yml'] });
  });

  test('a migration is high risk, by file or by command', () => {
    expect(assessRisk(record({ files: files('db/migrations/001.sql') })).level).toBe('high');
    const byCommand = assessRisk(record({ commands: [{ command: 'npx prisma migrate deploy' }] }));
    expect(byCommand).toEqual({ level: 'high', reasons: ['a migration command ran'] });
  });

  test('secrets-adjacent files are high risk, examples are not', () => {
    expect(assessRisk(record({ files: files('.env') })).reasons[0]).toMatch(
      /secrets-adjacent file changed: \.env/,
    );
    expect(assessRisk(record({ files: files('deploy/tls.key') })).level).toBe('high');
    expect(assessRisk(record({ files: files('.env.example') })).level).toBe('low');
  });

  test('a file outside the allowed globs is a boundary breach', () => {
    const r = assessRisk(record({ boundary: { allow: ['docs/**'] } }));
    expect(r.level).toBe('high');
    expect(r.reasons[0]).toMatch(/^boundary breach: 1 file/);
  });

  test('a file inside a denied glob is a boundary breach even when allowed', () => {
    const r = assessRisk(record({ boundary: { allow: ['src/**'], deny: ['src/a.ts'] } }));
    expect(r.reasons[0]).toMatch(/^boundary breach/);
  });

  test('no passing check after the last edit is high risk', () => {
    const stale = assessRisk(record({ checks: [{ ...passing, after_last_edit: false }] }));
    expect(stale.level).toBe('high');
    expect(stale.reasons).toContain('no passing check after the last edit');
    expect(assessRisk(record({ checks: [] })).reasons).toEqual(['no check ran']);
  });

  test('a run that changed nothing needs no check', () => {
    expect(assessRisk(record({ files: { changed: [] }, checks: [] })).level).toBe('low');
  });

  test('many files are medium risk', () => {
    const many = Array.from({ length: 25 }, (_, i) => `src/f${i}.ts`);
    expect(assessRisk(record({ files: files(...many) })).reasons).toEqual(['many files changed (25)']);
  });

  test('three medium reasons add up to high', () => {
    const r = assessRisk(
      record({
        files: files('package.json', 'tsconfig.json'),
        dependencies: [{ manifest: 'package.json', name: 'x' }],
        checks: [passing, { name: 'lint', kind: 'lint', status: 'failed', after_last_edit: true }],
      }),
    );
    expect(r.level).toBe('high');
    expect(r.reasons).toHaveLength(3);
  });
});
