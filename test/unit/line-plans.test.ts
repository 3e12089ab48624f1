// The fast parser's plans for the three kinds of note line ship precomputed in
// src/record/line-plans.ts, so a reader builds no zod schema unless a line needs zod. They must be
// exactly what planOf() reads from the schemas today: this test fails when schema.ts changes and the
// file does not. `UPDATE_LINE_PLANS=1 npx vitest run test/unit/line-plans.test.ts` rewrites it
// (then `npx prettier --write src/record/line-plans.ts`); review the diff.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { compilePlan, NOT_PARSED, planOf } from '../../src/record/fast-parse.js';
import { LINE_PLANS } from '../../src/record/line-plans.js';
import { RefLine, RunEventLine, RunRecord } from '../../src/record/schema.js';
import { ROOT } from '../helpers/repo.js';

const HEADER = `// Generated from src/record/schema.ts by test/unit/line-plans.test.ts, which fails whenever this
// differs from the schemas (UPDATE_LINE_PLANS=1 rewrites it). The plans the fast parser of note lines
// is compiled from (fast-parse.ts): shipped as data so that reading a note builds no zod schema.
import type { Plan } from './fast-parse.js';

`;

test("the shipped plans are the schemas' own, and every kind of line has one", () => {
  const plans = { record: planOf(RunRecord), ref: planOf(RefLine), event: planOf(RunEventLine) };
  if (process.env.UPDATE_LINE_PLANS === '1') {
    const body = `export const LINE_PLANS: { record: Plan; ref: Plan; event: Plan } = ${JSON.stringify(plans, null, 2)};\n`;
    writeFileSync(join(ROOT, 'src', 'record', 'line-plans.ts'), HEADER + body);
  }
  expect(plans.record).not.toBeNull();
  expect(plans.ref).not.toBeNull();
  expect(plans.event).not.toBeNull();
  expect(LINE_PLANS).toEqual(plans);
});

test('a plan parses as the schema: a pointer line, its defaults, and what it refuses', () => {
  const ref = compilePlan<{ id: string }>(LINE_PLANS.ref)!;
  const line = { schema: 'agent-log/v1', kind: 'ref', id: 'k7f3q9x2mz', extra: [1] };
  expect(ref(line)).toEqual(RefLine.parse(line));
  expect(ref({ ...line, id: 'K7F3' })).toBe(NOT_PARSED);
  expect(RefLine.safeParse({ ...line, id: 'K7F3' }).success).toBe(false);
  const event = compilePlan(LINE_PLANS.event)!;
  const e = {
    schema: 'agent-log/v1',
    kind: 'event',
    id: 'k7f3q9x2mz',
    event: 'e1f2g3h4',
    type: 'note',
    at: 'yesterday',
  };
  expect(event(e)).toBe(NOT_PARSED); // not a date: the named check runs
  expect(RunEventLine.safeParse(e).success).toBe(false);
  const dated = { ...e, at: '2026-11-23T10:00:00Z' };
  expect(event(dated)).toEqual(RunEventLine.parse(dated));
});
