import { describe, expect, test } from 'vitest';
import { deriveChecks } from '../../src/capture/checks.js';
import { classifyCommand } from '../../src/capture/classify.js';
import { CommandRun } from '../../src/record/schema.js';

const run = (
  command: string,
  exit_code: number | null,
  started_at: string,
  extra: Partial<CommandRun> = {},
) => CommandRun.parse({ command, exit_code, started_at, kind: classifyCommand(command), ...extra });

describe('deriveChecks', () => {
  test('a failing then passing test is one check, passed, two attempts, one retry', () => {
    const checks = deriveChecks(
      [run('npm test', 1, '2026-01-01T10:00:00Z'), run('npm test', 0, '2026-01-01T10:05:00Z')],
      { edits: [{ at: '2026-01-01T10:03:00Z' }], endTree: null },
    );
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({
      name: 'npm test',
      kind: 'test',
      status: 'passed',
      attempts: 2,
      retries: 1,
      after_last_edit: true,
      weakened: null,
    });
  });

  test('a passing run re-run without a failure in between is not a retry', () => {
    const [check] = deriveChecks(
      [run('npm test', 0, '2026-01-01T10:00:00Z'), run('npm test', 0, '2026-01-01T10:05:00Z')],
      { edits: [], endTree: null },
    );
    expect(check).toMatchObject({ attempts: 2, retries: 0 });
  });

  test('a check whose last run came before the last edit is not after_last_edit', () => {
    const [check] = deriveChecks([run('pytest', 0, '2026-01-01T10:00:00Z')], {
      edits: [{ at: '2026-01-01T10:01:00Z' }],
      endTree: null,
    });
    expect(check?.after_last_edit).toBe(false);
  });

  test('manual exec compares the recorded tree with the end tree', () => {
    const checks = deriveChecks(
      [
        run('npm test', 0, '2026-01-01T10:00:00Z', { tree: 'aaa' }),
        run('npm run lint', 0, '2026-01-01T10:00:01Z', { tree: 'bbb' }),
      ],
      { edits: [], endTree: 'bbb' },
    );
    expect(checks.map((c) => c.after_last_edit)).toEqual([false, true]);
  });

  test('non-check commands produce no checks', () => {
    expect(
      deriveChecks([run('ls', 0, '2026-01-01T10:00:00Z'), run('npm ci', 0, '2026-01-01T10:00:00Z')], {
        edits: [],
        endTree: null,
      }),
    ).toEqual([]);
  });

  test('statuses: failed, not-run (unknown exit), skipped (nothing ran)', () => {
    const checks = deriveChecks(
      [
        run('npm run lint', 2, '2026-01-01T10:00:00Z'),
        run('npm run build', null, '2026-01-01T10:00:00Z'),
        run('npx jest', 0, '2026-01-01T10:00:00Z', { output_tail: 'No tests found, exiting with code 0' }),
        run('pytest tests/', 5, '2026-01-01T10:00:00Z'),
        run('npx tsc', null, '2026-01-01T10:00:00Z', { interrupted: true }),
      ],
      { edits: [], endTree: null },
    );
    expect(checks.map((c) => [c.name, c.status])).toEqual([
      ['npm run lint', 'failed'],
      ['npm run build', 'not-run'],
      ['npx jest', 'skipped'],
      ['pytest tests/', 'skipped'],
      ['npx tsc', 'failed'],
    ]);
  });

  test('a narrowed run after a failing full run is weakened', () => {
    const checks = deriveChecks(
      [run('npm test', 1, '2026-01-01T10:00:00Z'), run('npm test -- -t signup', 0, '2026-01-01T10:01:00Z')],
      { edits: [], endTree: null },
    );
    expect(checks.find((c) => c.name === 'npm test')?.weakened).toBeNull();
    expect(checks.find((c) => c.name === 'npm test -- -t signup')?.weakened).toMatch(/narrowed to -t signup/);
  });

  test('an explicit check name groups different command lines', () => {
    const checks = deriveChecks(
      [
        run('npm test', 1, '2026-01-01T10:00:00Z', { check: 'unit' }),
        run('npm test -- --ci', 0, '2026-01-01T10:01:00Z', { check: 'unit' }),
      ],
      { edits: [], endTree: null },
    );
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ name: 'unit', attempts: 2, retries: 1, status: 'passed' });
  });
});
