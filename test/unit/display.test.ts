// The output sanitiser: human text never holds a code point a terminal acts on; JSON output
// escapes them and still parses back to the same value.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { displayLine, displayText, jsonText } from '../../src/record/display.js';

const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

// Strings rich in the code points that matter: ESC sequences, C1, bidi, plain text.
const hostile = fc
  .array(
    fc.oneof(
      fc.string(),
      fc.constantFrom(
        '\u001b',
        '\u001b[',
        '\u001b]52;c;',
        '\u0007',
        '\u009b',
        '\u009d',
        '\u202e',
        '\u2066',
        '\u200f',
        '\r',
        '\n',
        '\t',
        '\u007f',
        '\u0085',
        '\u2028',
      ),
      fc.integer({ min: 0, max: 0x2100 }).map((c) => String.fromCharCode(c)),
    ),
  )
  .map((parts) => parts.join(''));

test('displayText never leaves a control, C1 or bidi code point (tab and newline aside)', () => {
  fc.assert(fc.property(hostile, (s) => !UNSAFE.test(displayText(s))));
});

test('displayLine is one line', () => {
  fc.assert(fc.property(hostile, (s) => !/[\n\t]/.test(displayLine(s)) && !UNSAFE.test(displayLine(s))));
});

test('jsonText parses back to the same value and holds no raw C1, bidi or line separator', () => {
  fc.assert(
    fc.property(fc.dictionary(hostile, fc.oneof(hostile, fc.array(hostile))), (v) => {
      const text = jsonText(v);
      expect(JSON.parse(text)).toEqual(v);
      return !UNSAFE.test(text) && !/[\u2028\u2029]/.test(text);
    }),
  );
});

test('escape sequences are removed whole, other unsafe code points shown as U+FFFD', () => {
  expect(displayText('a\u001b]52;c;ZXZpbA==\u0007b\u001b[2Jc\u0007d\u202ee\u009b31mf')).toBe(
    'abc\ufffdd\ufffdef',
  );
  expect(displayText('x\u001b]0;title\u001b\\y')).toBe('xy');
  expect(displayText('line1\r\nline2\rover')).toBe('line1\nline2\nover');
  expect(displayText('plain – ünïcode 日本 👍')).toBe('plain – ünïcode 日本 👍');
});
