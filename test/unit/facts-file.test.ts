// The facts file is read as latin1 by character offsets, so every line written to it is ASCII JSON:
// asciiJson must give text of printable ASCII that parses to the very value the JSON it was given
// parses to, whatever the strings hold (lone surrogates, line and paragraph separators included).
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { asciiJson } from '../../src/index/facts-file.js';

test('ASCII JSON parses to the same value, on one line of printable ASCII', () => {
  const text = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc.constantFrom('ça — 🎉 日本語', '\ud800 lone \udfff', 'tab\tnew\nline\u2028\u2029', '\\"\\u00e9"'),
  );
  fc.assert(
    fc.property(fc.array(fc.oneof(text, fc.dictionary(text, text), fc.constant(null))), (value) => {
      const json = JSON.stringify(value);
      const ascii = asciiJson(json);
      expect(ascii).toMatch(/^[\x20-\x7e]*$/);
      expect(JSON.parse(ascii)).toStrictEqual(JSON.parse(json));
    }),
    { numRuns: 500, seed: 4 },
  );
});

test('ASCII JSON is the text it was given when that is ASCII already', () => {
  const json = JSON.stringify(['k7f3q9x2mz', '2026-11-20T10:42:00Z', 'line one\n  line two']);
  expect(asciiJson(json)).toBe(json);
});
