// Golden files: the packet, PR body and rollback script of recorded runs, compared exactly.
// `UPDATE_GOLDEN=1 npx vitest run test/unit/report-golden.test.ts` rewrites them; review the diff.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { renderPacket, renderPrBody } from '../../src/report/packet.js';
import { renderRollbackScript } from '../../src/report/rollback.js';
import { GOLDEN_CASES } from '../fixtures/records.js';
import { ROOT } from '../helpers/repo.js';

const template = (name: string) => readFileSync(join(ROOT, 'templates', name), 'utf8');
const PACKET = template('packet.md');
const PR = template('pr.md');
const ROLLBACK = template('rollback.sh');

function golden(file: string, actual: string) {
  const path = join(ROOT, 'test', 'golden', file);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) writeFileSync(path, actual);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe.each(Object.entries(GOLDEN_CASES))('%s', (name, build) => {
  test('the review packet matches its golden file', () => {
    golden(`${name}.packet.md`, renderPacket(build(), PACKET));
  });
  test('the PR body matches its golden file', () => {
    golden(
      `${name}.pr.md`,
      build()
        .map((r) => renderPrBody(r, PR))
        .join('\n'),
    );
  });
  test('the rollback script matches its golden file', () => {
    golden(
      `${name}.rollback.sh`,
      build()
        .map((r) => renderRollbackScript(r, ROLLBACK))
        .join('\n'),
    );
  });
});
