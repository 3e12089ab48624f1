import { describe, expect, test } from 'vitest';
import { firstMatch, matchGlob } from '../../src/record/glob.js';

describe('matchGlob', () => {
  test.each([
    ['api/**', 'api/signup.ts', true],
    ['api/**', 'api/v1/deep/x.ts', true],
    ['api/**', 'apix/signup.ts', false],
    ['api/', 'api/a/b.ts', true],
    ['**/*.ts', 'a.ts', true],
    ['**/*.ts', 'a/b/c.ts', true],
    ['**/*.ts', 'a/b/c.tsx', false],
    ['*.md', 'README.md', true],
    ['*.md', 'docs/README.md', true],
    ['/*.md', 'docs/README.md', false],
    ['src/?.ts', 'src/a.ts', true],
    ['src/?.ts', 'src/ab.ts', false],
    ['src/*.{ts,tsx}', 'src/a.tsx', true],
    ['src/*.{ts,tsx}', 'src/a.js', false],
    ['{api,web/{a,b}}/**', 'web/b/x', true],
    ['{api,web/{a,b}}/**', 'web/c/x', false],
    ['.env*', '.env.local', true],
    ['a.b', 'aXb', false],
    ['(x)+[y].ts', '(x)+[y].ts', true],
    ['./api/**', 'api/x', true],
    ['src/**/test/*.ts', 'src/test/a.ts', true],
    ['src/**/test/*.ts', 'src/a/b/test/a.ts', true],
  ])('%s matches %s: %s', (glob, path, expected) => {
    expect(matchGlob(path, glob)).toBe(expected);
  });

  test('a `*` never crosses a directory, even with a newline in the name', () => {
    expect(matchGlob('src/a\nb/c.js', 'src/*.ts')).toBe(false);
    expect(matchGlob('src/a\nb.ts', 'src/*.ts')).toBe(true);
    expect(matchGlob('src/line\nbreak.ts', 'src/**')).toBe(true);
  });

  test('firstMatch names the glob that matched', () => {
    expect(firstMatch('migrations/1.sql', ['docs/**', 'migrations/**'])).toBe('migrations/**');
    expect(firstMatch('x', ['docs/**'])).toBeNull();
  });
});
