import { describe, expect, test } from 'vitest';
import { breachesBoundary, globLiteral, matchGlob } from '../../src/record/glob.js';

describe('matchGlob', () => {
  test.each([
    ['api/signup.ts', 'api/**', true],
    ['api/v1/signup.ts', 'api/**', true],
    ['apix/signup.ts', 'api/**', false],
    ['api/signup.ts', 'api/*', true],
    // Like .gitignore: `api/*` names the directory api/v1, and so everything below it.
    ['api/v1/signup.ts', 'api/*', true],
    ['api/v1/signup.ts', 'api/*.ts', false],
    ['api/v1/signup.ts', 'api/*/signup.ts', true],
    ['src/a/b/c.test.ts', 'src/**/*.test.ts', true],
    ['src/c.test.ts', 'src/**/*.test.ts', true],
    ['src/c.ts', 'src/**/*.test.ts', false],
    ['a1.ts', 'a?.ts', true],
    ['a12.ts', 'a?.ts', false],
    ['src/x.ts', 'src/x.{ts,js}', true],
    ['src/x.js', 'src/x.{ts,js}', true],
    ['src/x.md', 'src/x.{ts,js}', false],
    ['src/payments/refund.ts', 'src/payments', true],
    ['src/payments/refund.ts', 'src/payments/', true],
    ['src/paymentsx/refund.ts', 'src/payments', false],
    ['deep/dir/signup.ts', 'signup.ts', true],
    ['deep/dir/signup.ts', '*.ts', true],
    ['deep/dir/signup.ts', 'dir/signup.ts', false],
    ['./api/signup.ts', 'api/signup.ts', true],
    ['a+b(1).ts', 'a+b(1).ts', true],
    ['x{y.ts', 'x{y.ts', true],
  ])('%s against %s is %s', (path, glob, expected) => {
    expect(matchGlob(path, glob)).toBe(expected);
  });
});

describe('breachesBoundary', () => {
  test('a path outside every allow glob breaches', () => {
    expect(breachesBoundary('lib/x.ts', { allow: ['api/**'], deny: [] })).toBe(true);
    expect(breachesBoundary('api/x.ts', { allow: ['api/**'], deny: [] })).toBe(false);
  });
  test('a path inside a deny glob breaches even when allowed', () => {
    expect(breachesBoundary('api/migrations/1.sql', { allow: ['api/**'], deny: ['**/migrations/**'] })).toBe(
      true,
    );
  });
  test('no globs means no boundary', () => {
    expect(breachesBoundary('anything', { allow: [], deny: [] })).toBe(false);
  });
});

test('globLiteral gives a substring every match contains', () => {
  expect(globLiteral('src/payments/**')).toBe('src/payments/');
  expect(globLiteral('**/*.test.ts')).toBe('.test.ts');
  expect(globLiteral('src/{a,b}/x.ts')).toBe('src/');
});
