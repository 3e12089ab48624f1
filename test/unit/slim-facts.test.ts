// slimFacts reads a few fields out of the index's slim JSON by slicing between slimRecord's keys:
// it must give exactly what JSON.parse of the whole line gives, for every record slimRecord writes,
// and refuse (null) anything that is not such a line. factsJsonOf (the facts file's lines) must
// parse to what a report prints of the whole line, in one line of ASCII. compareText must order as
// localeCompare.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { slimRecord } from '../../src/index/model.js';
import { factsJsonOf, slimFacts, slimFactsIn } from '../../src/index/slim-facts.js';
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
    'tab\there\nnew line\r',
    'ça marche — 🎉 \ud800 lone',
    '"},"agent":{"name":"x"},"outcome":{"status":"',
  ),
  fc.string({ unit: 'binary' }),
);

test('the facts equal the whole parse for the sample records', () => {
  for (const r of sampleRecords()) expectSameFacts(JSON.stringify(slimRecord(r)));
});

/** The facts file line of a slim record: what a blame report reads of it, as JSON.parse of it all says. */
function expectSameFactsLine(json: string) {
  const line = factsJsonOf(json);
  // One line of ASCII: read as latin1 by character offsets, and no tab or newline to split it.
  expect(line).toMatch(/^\{[\x20-\x7e]*\}$/);
  const whole = JSON.parse(json) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const facts = JSON.parse(line) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(facts.id).toBe(whole.id);
  expect(facts.task.intent).toStrictEqual(whole.task.intent);
  expect(facts.agent.name).toStrictEqual(whole.agent.name);
  expect(facts.outcome.status).toStrictEqual(whole.outcome.status);
  for (const k of ['started_at', 'ended_at', 'sealed_at', 'checks', 'approvals'])
    expect(facts[k]).toStrictEqual(whole[k]);
}

test('the facts line of each sample record reads as the whole record, and holds only what is printed', () => {
  for (const r of sampleRecords()) {
    const json = JSON.stringify(slimRecord(r));
    expectSameFactsLine(json);
    expect(Object.keys(JSON.parse(factsJsonOf(json)))).toEqual(
      [...KEYS.slice(0, 5), 'checks', 'approvals', 'outcome'].filter(
        (k) => k !== 'sealed_at' || 'sealed_at' in JSON.parse(json),
      ),
    );
    for (const k of ['task', 'agent', 'outcome'])
      expect(Object.keys(JSON.parse(factsJsonOf(json))[k])).toHaveLength(1);
  }
});

test('a facts line is cut short to the whole record when a key is not where slimRecord writes it', () => {
  const line = JSON.stringify(slimRecord(sampleRecords()[0]!));
  const moved = line.replace(',"rollback":', ',"rollbackX":');
  expect(factsJsonOf(moved)).toBe(moved);
  expect(factsJsonOf('{"a":"\u00e9"}')).toBe('{"a":"\\u00e9"}');
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
        expectSameFactsLine(JSON.stringify(slimRecord(r)));
      },
    ),
    { numRuns: 300, seed: 12 },
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
