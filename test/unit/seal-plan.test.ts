// Properties of what a seal writes, over generated notes and seals: a full record line is never
// removed unless the same notes commit writes that run's full line elsewhere; lines that are not
// ours keep their bytes and order; the run's newest commit gets its full line; sealing twice is a
// no-op. The checks read notes with their own small parser, not the code under test.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { recordLine, refLine } from '../../src/record/note-lines.js';
import { fullKey, lostFullLines, planSeal, type SealPlanItem } from '../../src/store/seal-plan.js';
import { sampleRecord } from '../helpers/sample-record.js';

const COMMITS = [
  '1a9dd28d0b2a328c4db2c418715c74fc04b3dc09',
  '3b04c080d9ec324d28d2453f9e3a019b88821c1d',
  '72f45957810ff34d9c289777dfb4fdee3148e164',
  'cd22cc9d13d03cce51c79d39e8b3ad5099aec714',
];
const IDS = ['k7f3q9x2mz', 'p0w2n8c4vd', 'x4r8t2b6nq'];
const VERSIONS = ['2026-09-21T10:00:00.000Z', '2026-09-22T11:30:00.000Z'];
const FULL = new Map(
  IDS.flatMap((id) =>
    VERSIONS.map((at) => [`${id}@${at}`, recordLine(sampleRecord([COMMITS[0]!], { id, sealedAt: at }))]),
  ),
);
const full = (id: string, at: string) => FULL.get(`${id}@${at}`)!;

/** Independent reader: a line is ours when it is unindented JSON of our schema. */
function own(raw: string): { kind: string; id: string } | null {
  if (/^\s/.test(raw)) return null;
  try {
    const v = JSON.parse(raw);
    if (
      typeof v?.schema === 'string' &&
      v.schema.startsWith('agent-log/') &&
      (v.kind === 'record' || v.kind === 'ref')
    )
      return { kind: v.kind, id: v.id };
  } catch {
    // not JSON: not ours
  }
  return null;
}
const lines = (body: string) => (body === '' ? [] : body.replace(/\n$/, '').split('\n'));
const fullIds = (body: string | null | undefined) =>
  new Set(lines(body ?? '').flatMap((l) => (own(l)?.kind === 'record' ? [own(l)!.id] : [])));
const foreign = (body: string | null | undefined) => lines(body ?? '').filter((l) => !own(l));

const foreignLine = fc.constantFrom(
  '',
  'Reviewer notes:',
  '    indented code',
  '- item',
  'trailing spaces   ',
  '\tA tab',
  '{"json":"but not ours"}',
  `  ${refLine(IDS[0]!)}`,
);
const ourLine = fc.oneof(
  fc.tuple(fc.constantFrom(...IDS), fc.constantFrom(...VERSIONS)).map(([id, at]) => full(id, at)),
  fc.constantFrom(...IDS).map(refLine),
);
const body = fc.oneof(
  fc.constant(null),
  fc
    .tuple(fc.array(fc.oneof(foreignLine, ourLine), { minLength: 1, maxLength: 7 }), fc.boolean())
    .map(([ls, nl]) => `${ls.join('\n')}${nl ? '\n' : ''}`),
);
const notes = fc
  .tuple(...COMMITS.map(() => body))
  .map((bodies) => new Map(COMMITS.map((c, i) => [c, bodies[i]!])));
const items = fc
  .uniqueArray(
    fc.record({
      id: fc.constantFrom(...IDS),
      at: fc.constantFrom(...VERSIONS),
      commits: fc.array(fc.constantFrom(...COMMITS), { minLength: 1, maxLength: 5 }),
    }),
    { selector: (i) => i.id, minLength: 1, maxLength: 3 },
  )
  .map((list): SealPlanItem[] => list.map((i) => ({ id: i.id, full: full(i.id, i.at), commits: i.commits })));
const keep = fc
  .array(fc.tuple(fc.constantFrom(...COMMITS), fc.constantFrom(...IDS)), { maxLength: 4 })
  .map((pairs) => new Set(pairs.map(([c, id]) => fullKey(c, id))));

const bodyAfter = (before: Map<string, string | null>, after: Map<string, string>, c: string) =>
  after.has(c) ? after.get(c)! : (before.get(c) ?? '');

describe('planSeal', () => {
  test('never removes a full record line unless the same notes commit holds that run’s full line elsewhere', () => {
    fc.assert(
      fc.property(notes, items, keep, (before, plan, keepFull) => {
        const { after } = planSeal(before, plan, keepFull);
        // The notes commit holds every note as before, with the changed ones replaced.
        const written = new Set(COMMITS.flatMap((c) => [...fullIds(bodyAfter(before, after, c))]));
        for (const [c, b] of after) {
          const now = fullIds(b);
          for (const id of fullIds(before.get(c))) {
            if (!now.has(id)) expect(written.has(id), `${id} lost on ${c}`).toBe(true);
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  test('the guard run before every notes commit agrees with the reader above', () => {
    fc.assert(
      fc.property(notes, items, keep, (before, plan, keepFull) => {
        expect(lostFullLines(before, planSeal(before, plan, keepFull).after)).toEqual([]);
        // and it does fire on a change that drops a run's only full line
        const only = new Map([[COMMITS[0]!, `${full(IDS[0]!, VERSIONS[0]!)}\n`]]);
        expect(lostFullLines(only, new Map([[COMMITS[0]!, `${refLine(IDS[0]!)}\n`]]))).toEqual([IDS[0]]);
      }),
      { numRuns: 200 },
    );
  });

  test('keeps every line that is not ours, byte for byte and in order', () => {
    fc.assert(
      fc.property(notes, items, keep, (before, plan, keepFull) => {
        const { after } = planSeal(before, plan, keepFull);
        for (const [c, b] of after) {
          const theirs = foreign(before.get(c));
          if (b === '') expect(theirs.every((l) => l.trim() === '')).toBe(true);
          else expect(foreign(b)).toEqual(theirs);
        }
      }),
      { numRuns: 400 },
    );
  });

  test('puts each run’s new full line on its first commit, once, and nothing of it twice on a commit', () => {
    fc.assert(
      fc.property(notes, items, keep, (before, plan, keepFull) => {
        const { after } = planSeal(before, plan, keepFull);
        for (const item of plan) {
          const home = bodyAfter(before, after, item.commits[0]!);
          expect(lines(home).filter((l) => l === item.full)).toHaveLength(1);
          for (const c of new Set(item.commits)) {
            const mine = lines(bodyAfter(before, after, c)).filter((l) => own(l)?.id === item.id);
            expect(mine).toHaveLength(1);
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  test('a full line on a commit in keepFull stays full', () => {
    fc.assert(
      fc.property(notes, items, keep, (before, plan, keepFull) => {
        const { after } = planSeal(before, plan, keepFull);
        for (const item of plan) {
          for (const c of new Set(item.commits)) {
            if (keepFull.has(fullKey(c, item.id)) && fullIds(before.get(c)).has(item.id))
              expect(fullIds(bodyAfter(before, after, c)).has(item.id)).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  test('sealing the same runs again changes nothing', () => {
    fc.assert(
      fc.property(notes, items, keep, (before, plan, keepFull) => {
        const first = planSeal(before, plan, keepFull).after;
        const next = new Map(COMMITS.map((c) => [c, first.has(c) ? first.get(c)! || null : before.get(c)!]));
        expect(planSeal(next, plan, keepFull).after.size).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  test('a squash commit named twice gets the full line, not a pointer over it', () => {
    const squash = COMMITS[0]!;
    const old = COMMITS[1]!;
    const before = new Map([[old, `${full(IDS[0]!, VERSIONS[0]!)}\n`]]);
    const { after } = planSeal(before, [
      { id: IDS[0]!, full: full(IDS[0]!, VERSIONS[1]!), commits: [squash, squash, old] },
    ]);
    expect(after.get(squash)).toBe(`${full(IDS[0]!, VERSIONS[1]!)}\n`);
    expect(after.get(old)).toBe(`${refLine(IDS[0]!)}\n`);
  });
});
