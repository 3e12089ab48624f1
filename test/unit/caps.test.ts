import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  capList,
  capTail,
  capText,
  LIST_ENTRIES,
  OUTPUT_TAIL_BYTES,
  PROMPT_BYTES,
  redactAndCap,
} from '../../src/redact/caps.js';
import { Redactor } from '../../src/redact/redactor.js';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

describe('capText', () => {
  test('text within the cap is returned unchanged', () => {
    expect(capText('short', 100)).toBe('short');
  });

  test('keeps the head and says how many bytes were dropped', () => {
    const out = capText('a'.repeat(10_000), PROMPT_BYTES);
    expect(bytes(out)).toBeLessThanOrEqual(PROMPT_BYTES);
    const dropped = Number(/…\[truncated (\d+) bytes\]$/.exec(out)?.[1]);
    expect(out.startsWith('aaaa')).toBe(true);
    expect(dropped + (bytes(out) - bytes(`…[truncated ${dropped} bytes]`))).toBe(10_000);
  });

  test('capTail keeps the end of command output', () => {
    const out = capTail(`${'x'.repeat(9000)}FAIL: expected 409`);
    expect(out.endsWith('FAIL: expected 409')).toBe(true);
    expect(out.startsWith('…[truncated ')).toBe(true);
    expect(bytes(out)).toBeLessThanOrEqual(OUTPUT_TAIL_BYTES);
  });

  test('never splits a multi-byte character, and stays within the cap', () => {
    fc.assert(
      fc.property(
        // U+FFFD in the input would hide one made by a split.
        fc.string({ unit: 'grapheme', maxLength: 400 }).filter((x) => !x.includes('\uFFFD')),
        fc.integer({ min: 30, max: 300 }),
        (s, max) => {
          for (const keep of ['head', 'tail'] as const) {
            const out = capText(s, max, { keep });
            expect(bytes(out)).toBeLessThanOrEqual(max);
            expect(out).not.toContain('\uFFFD');
            if (bytes(s) > max) expect(out).toMatch(/…\[truncated \d+ bytes\]/);
            else expect(out).toBe(s);
          }
        },
      ),
    );
  });
});

describe('capList', () => {
  test('a list within the cap is kept whole', () => {
    expect(capList(['a', 'b'], 5)).toEqual(['a', 'b']);
  });

  test('a long list keeps the first entries and ends with a marker', () => {
    const files = Array.from({ length: 5000 }, (_, i) => `src/f${i}.ts`);
    const out = capList(files);
    expect(out).toHaveLength(LIST_ENTRIES);
    expect(out[0]).toBe('src/f0.ts');
    expect(out.at(-1)).toBe(`…[truncated ${5000 - LIST_ENTRIES + 1} entries]`);
  });
});

describe('redactAndCap', () => {
  test('redacts before cutting, so a secret at the cut is not left in pieces', () => {
    const token = ['ghp', '_', 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'].join('');
    const text = `${'.'.repeat(100)} token ${token} end`;
    const out = redactAndCap(new Redactor(), text, 60, 'tail');
    expect(out).not.toContain(token.slice(-12));
    expect(out).toContain('[REDACTED:github-token] end');
  });

  test('a huge output is narrowed first and the marker counts every dropped byte', () => {
    const text = `${'line of build output\n'.repeat(200_000)}tail`;
    const out = redactAndCap(new Redactor(), text, OUTPUT_TAIL_BYTES, 'tail');
    expect(bytes(out)).toBeLessThanOrEqual(OUTPUT_TAIL_BYTES);
    const dropped = Number(/^…\[truncated (\d+) bytes\]/.exec(out)?.[1]);
    expect(dropped + bytes(out.replace(/^…\[truncated \d+ bytes\]/, ''))).toBe(bytes(text));
  });
});
