// slimFacts reads a few fields out of the index's slim JSON by slicing between slimRecord's keys:
// it must give exactly what JSON.parse of the whole line gives, for every record slimRecord writes,
// and refuse (null) anything that is not such a line. compareText must order as localeCompare.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { slimRecord } from '../../src/index/model.js';
import { slimFacts, slimFactsIn } from '../../src/index/slim-facts.js';
import { compareText } from '../../src/query/blame.js';
import { makeRecord, sampleRecords } from '../helpers/records.js';

const KEYS = ['id', 'task', 'agent', 'started_at', 'ended_at', 'sealed_at', 'checks', 'approvals', 'outcome'];

function expectSameFacts(json: string) {
  const whole = JSON.parse(json) as Record<string, unknown>;
  const facts = slimFacts(json) as Record<string, unknown> | null;
  expect(facts).not.toBeNull();
  for (const k of KEYS) expect(facts![k]).toStrictEqual(whole[k]);
}

// Text that tries to look like the keys slimFacts cuts at, quotes and backslashes included.
const hostile = fc.oneof(
  fc.string(),
  fc.constantFrom(
    ',"boundary":{',
    '","repo":"x',
    '\\",\\"files\\":[',
    ',"dependencies":[]',
    '"},"rollback":{"strategy":"x"},"a":"',
    '\\\\',
    '\u2028\u202e\u0000',
  ),
);

test('the facts equal the whole parse for the sample records', () => {
  for (const r of sampleRecords()) expectSameFacts(JSON.stringify(slimRecord(r)));
});

test('the facts equal the whole parse for records whose text imitates the keys', () => {
  fc.assert(
    fc.property(
      fc.record({
        intent: hostile,
        agent: hostile,
        check: hostile,
        by: hostile,
        note: fc.option(hostile, { nil: undefined }),
        summary: fc.option(hostile, { nil: null }),
        path: hostile,
        command: hostile,
        sealed: fc.boolean(),
      }),
      (v) => {
        const r = makeRecord('k7f3q9x2mz', {
          task: { intent: v.intent, source: 'prompt', follow_ups: [v.intent] },
          agent: { name: v.agent || 'claude-code', session_ids: [] },
          ended_at: '2026-11-20T10:42:00Z',
          ...(v.sealed ? { sealed_at: '2026-11-20T10:43:00Z' } : {}),
          files: { read: [v.path], changed: [{ path: v.path, status: 'modified', via: 'edit' }] },
          commands: [{ command: v.command, exit_code: 0, kind: 'test', output_tail: v.command }],
          checks: [
            {
              name: v.check || 'npm test',
              kind: 'test',
              status: 'passed',
              attempts: 2,
              after_last_edit: false,
            },
          ],
          approvals: [
            { by: v.by || 'Thomas', scope: v.check || 'merge', decision: 'approved', note: v.note },
          ],
          outcome: { status: 'completed', summary: v.summary },
        });
        expectSameFacts(JSON.stringify(slimRecord(r)));
      },
    ),
    { numRuns: 300 },
  );
});

test('anything but a slim record line is refused', () => {
  const line = JSON.stringify(slimRecord(sampleRecords()[0]!));
  expect(slimFacts('{}')).toBeNull();
  expect(slimFacts(line.replace(',"rollback":', ',"rollbackX":'))).toBeNull();
  expect(slimFacts(line.slice(0, line.indexOf(',"files":')))).toBeNull();
  expect(slimFacts(line.replace('"checks":[', '"checks":{"a":['))).toBeNull();
  expect(slimFacts('not json')).toBeNull();
});

test('a record among other index lines is read within its own bounds', () => {
  const [one, two] = sampleRecords().map((r) => JSON.stringify(slimRecord(r)));
  const text = `r\tx\t${one}\nr\ty\t${two}\n`;
  const at = text.indexOf(one!);
  expect(slimFactsIn(text, at, at + one!.length)).toStrictEqual(slimFacts(one!));
  // Its last key missing: the next line's must not stand in for it.
  const cut = one!.slice(0, one!.indexOf(',"rollback":'));
  const joined = `r\tx\t${cut}\nr\ty\t${two}\n`;
  const from = joined.indexOf(cut);
  expect(slimFactsIn(joined, from, from + cut.length)).toBeNull();
});

test('compareText orders as localeCompare', () => {
  const date = fc
    .date({ min: new Date('1990-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
    .map((d) => d.toISOString());
  const text = fc.oneof(
    date,
    date.map((d) => d.slice(0, 19) + 'Z'),
    fc.string(),
    fc.constant(''),
  );
  fc.assert(
    fc.property(text, text, (a, b) => {
      expect(Math.sign(compareText(a, b))).toBe(Math.sign(a.localeCompare(b)));
    }),
    { numRuns: 3000 },
  );
});
