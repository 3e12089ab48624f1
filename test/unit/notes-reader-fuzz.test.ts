// Arbitrary bytes and arbitrary JSON through the notes reader and the schema: never a crash, and a
// damaged or hostile line never costs another line its record.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { canonicalJson, parseNote, parseNoteLine, recordLine } from '../../src/record/note-lines.js';
import { RunRecord } from '../../src/record/schema.js';
import { collectRecords } from '../../src/store/read.js';
import { dropRecordLines } from '../../src/store/purge.js';
import { scanNoteBody } from '../../src/store/scan.js';
import { sampleRecord } from '../helpers/sample-record.js';

const C1 = 'a'.repeat(40);
const good = sampleRecord([C1], { id: 'goodrec001' });
const goodLine = recordLine(good);

const junkLine = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  // Our schema name with arbitrary content: the most likely to confuse a reader.
  fc
    .record({
      kind: fc.constantFrom('record', 'ref', 'other'),
      id: fc.anything(),
      rest: fc.dictionary(fc.string(), fc.jsonValue()),
    })
    .map(({ kind, id, rest }) => {
      try {
        return JSON.stringify({ ...rest, schema: 'agent-log/v1', kind, id });
      } catch {
        return '{}';
      }
    }),
  fc.constantFrom(
    '{"schema":"agent-log/v9","kind":"record","id":"future0001"}',
    '{',
    '\u0000\uFFFD',
    '[]',
    'null',
  ),
);
const bytesToText = fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b).toString('utf8'));

describe('notes reader on hostile input', () => {
  test('parseNote never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(bytesToText, (text) => {
        for (const line of parseNote(text))
          expect(['record', 'ref', 'foreign', 'invalid']).toContain(line.type);
      }),
      { numRuns: 1000 },
    );
  });

  test('a valid record survives any junk around it, unchanged', () => {
    fc.assert(
      fc.property(fc.array(junkLine, { maxLength: 8 }), fc.nat(8), (junk, at) => {
        const lines = [...junk];
        lines.splice(Math.min(at, lines.length), 0, goodLine);
        const warnings: string[] = [];
        const records = collectRecords([[C1, parseNote(lines.join('\n'))]], warnings);
        const found = records.find((r) => r.record.id === 'goodrec001');
        expect(found?.raw).toBe(goodLine);
        expect(canonicalJson(found?.record)).toBe(canonicalJson(RunRecord.parse(good)));
        for (const w of warnings) expect(w).not.toContain('\n');
      }),
      { numRuns: 500 },
    );
  });

  test('the schema accepts or rejects arbitrary JSON, never throws', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = RunRecord.safeParse(v);
        expect(typeof r.success).toBe('boolean');
        expect(() => parseNoteLine(JSON.stringify(v) ?? 'null')).not.toThrow();
      }),
      { numRuns: 1000 },
    );
  });

  test('unknown fields and a newer schema version are tolerated', () => {
    const future = JSON.stringify({
      ...JSON.parse(goodLine),
      schema: 'agent-log/v2',
      id: 'future0001',
      new_field: { x: 1 },
    });
    const parsed = parseNoteLine(future);
    expect(parsed.type).toBe('record');
  });

  test('scan and purge line filters never throw and never touch other lines', () => {
    fc.assert(
      fc.property(fc.array(junkLine, { maxLength: 6 }), (junk) => {
        const body = [...junk, goodLine].join('\n');
        expect(() => scanNoteBody(body, C1)).not.toThrow();
        const kept = dropRecordLines(body, 'goodrec001');
        expect(kept.split('\n').filter((l) => l.trim() !== '')).toEqual(
          junk
            .filter((l) => l.trim() !== '' && !isOurLineFor(l, 'goodrec001'))
            .flatMap((l) => l.split('\n'))
            .filter((l) => l.trim() !== ''),
        );
      }),
      { numRuns: 300 },
    );
  });
});

function isOurLineFor(raw: string, id: string): boolean {
  const p = parseNoteLine(raw.trim());
  return (p.type === 'record' && p.record.id === id) || (p.type === 'ref' && p.id === id);
}
