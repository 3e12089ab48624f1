import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseRecord, type RunRecordInput } from '../../src/record/schema.js';
import { isSafeRepoPath, planRollback } from '../../src/report/rollback-plan.js';
import { renderRollbackScript } from '../../src/report/rollback.js';
import { GOLDEN_CASES, hostileRun } from '../fixtures/records.js';
import { ROOT } from '../helpers/repo.js';

/** Commit ids of the real shape: SHA-1 hex of a label. */
const oid = (label: string) => createHash('sha1').update(label).digest('hex');
const [c1, c2, c3, a, b] = ['c1', 'c2', 'c3', 'a', 'b'].map(oid) as [string, string, string, string, string];

const record = (over: Partial<RunRecordInput>) =>
  parseRecord({ schema: 'agent-log/v1', kind: 'record', id: 'abcd123456', ...over });

describe('planRollback', () => {
  test('orders the record\u2019s commits newest first whichever way the record lists them', () => {
    const repo = { start_commit: oid('s'), end_commit: c3 };
    expect(planRollback(record({ repo: { ...repo, commits: [c1, c2, c3] } })).commits).toEqual([c3, c2, c1]);
    expect(planRollback(record({ repo: { ...repo, commits: [c3, c2, c1] } })).commits).toEqual([c3, c2, c1]);
  });

  test('an order from git wins over the record\u2019s', () => {
    expect(planRollback(record({ repo: { commits: [a, b] } }), [b, a]).commits).toEqual([b, a]);
  });

  test('commit ids that are not full object ids never reach a plan (revisions, options)', () => {
    const plan = planRollback(
      record({
        repo: { commits: ['HEAD', 'HEAD~1', '--help', c1.slice(0, 12), c1], adopted: [{ commit: '-x' }] },
      }),
    );
    expect(plan.commits).toEqual([c1]);
    expect(plan.adopted).toEqual([]);
  });

  test('no commits means restoring files: old names restored, new names removed', () => {
    const plan = planRollback(
      record({
        files: {
          changed: [
            { path: 'new.ts', old_path: 'old.ts', status: 'renamed' },
            { path: 'added.ts', status: 'added' },
            { path: 'kept.ts', status: 'modified' },
          ],
        },
      }),
    );
    expect(plan.strategy).toBe('restore-files');
    expect(plan.restore).toEqual(['kept.ts', 'old.ts']);
    expect(plan.remove).toEqual(['added.ts', 'new.ts']);
  });

  test('names a reinstall per lockfile and the migrations that changed or ran', () => {
    const plan = planRollback(
      record({
        files: { changed: [{ path: 'web/package-lock.json' }, { path: 'db/migrations/002_add.sql' }] },
        commands: [{ command: 'npx prisma migrate deploy' }],
      }),
    );
    expect(plan.reinstall).toEqual([{ lockfile: 'web/package-lock.json', command: 'npm ci' }]);
    expect(plan.migrations).toEqual(['db/migrations/002_add.sql', 'npx prisma migrate deploy']);
  });

  test('never touches paths outside the repository', () => {
    expect(['../x', '/etc/passwd', 'a/../../b', '.git/config', 'a//b', ''].filter(isSafeRepoPath)).toEqual(
      [],
    );
    expect(['a/b.ts', '$(x).ts', "a'b", '..foo'].every(isSafeRepoPath)).toBe(true);
    const plan = planRollback(
      record({ files: { changed: [{ path: '../../outside.txt' }, { path: 'in.ts' }] } }),
    );
    expect(plan.paths).toEqual(['in.ts']);
    expect(plan.unsafe).toEqual(['../../outside.txt']);
  });
});

describe('rollback scripts', () => {
  const template = readFileSync(join(ROOT, 'templates', 'rollback.sh'), 'utf8');
  const records = [...Object.values(GOLDEN_CASES).flatMap((build) => build()), hostileRun()];
  test.each(records.map((r) => [r.id, r] as const))('the script of %s is valid bash', (_id, r) => {
    const check = spawnSync('bash', ['-n'], { input: renderRollbackScript(r, template), encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });
});
