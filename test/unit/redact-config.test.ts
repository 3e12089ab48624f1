import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { loadRedactionConfig, redactorForRepo } from '../../src/redact/config.js';
import { Redactor } from '../../src/redact/redactor.js';
import { DEFAULT_RULES } from '../../src/redact/rules.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function worktree(config?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'agent-log-config-'));
  dirs.push(dir);
  if (config !== undefined) {
    mkdirSync(join(dir, '.agent-log'));
    writeFileSync(join(dir, '.agent-log', 'config.json'), config);
  }
  return dir;
}

describe('loadRedactionConfig', () => {
  test('no config file: the default rules, no allowlist, no warning', () => {
    const c = loadRedactionConfig(worktree());
    expect(c.rules).toEqual(DEFAULT_RULES);
    expect(c.allowlist).toEqual([]);
    expect(c.warnings).toEqual([]);
  });

  test('extra patterns are added after the defaults and redact under their own id', () => {
    const dir = worktree(
      JSON.stringify({ redact: { patterns: [{ id: 'acme-key', regex: 'acme_[a-z0-9]{16}' }] } }),
    );
    const c = loadRedactionConfig(dir);
    expect(c.warnings).toEqual([]);
    expect(c.rules.at(-1)?.id).toBe('acme-key');
    const r = new Redactor(c.rules, { allowlist: c.allowlist });
    expect(r.redact('key acme_0123456789abcdef here')).toBe('key [REDACTED:acme-key] here');
    expect(r.report()).toEqual([{ rule: 'acme-key', count: 1 }]);
  });

  test('a pattern may name the capture group that holds the secret', () => {
    const dir = worktree(
      JSON.stringify({
        redact: { patterns: [{ id: 'pin', regex: '(pin code )(\\d{6})', group: 2, flags: 'i' }] },
      }),
    );
    const { redactor } = redactorForRepo(dir);
    expect(redactor.redact('PIN code 123456')).toBe('PIN code [REDACTED:pin]');
  });

  test('allowlist entries: "/re/" strings are patterns, other strings exact values', () => {
    const token = ['ghp', '_', 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'].join('');
    const dir = worktree(
      JSON.stringify({
        redact: { allowlist: [token, '/^AKIA[A-Z0-9]*EXAMPLE$/', { regex: '^dapi0{32}$' }] },
      }),
    );
    const { redactor, warnings } = redactorForRepo(dir);
    expect(warnings).toEqual([]);
    const text = `${token} AKIAIOSFODNN7EXAMPLE dapi${'0'.repeat(32)}`;
    expect(redactor.redact(text)).toBe(text);
  });

  test('bad JSON is ignored with one warning; the defaults still apply', () => {
    const c = loadRedactionConfig(worktree('{ "redact": '));
    expect(c.rules).toEqual(DEFAULT_RULES);
    expect(c.warnings).toHaveLength(1);
    expect(c.warnings[0]).toMatch(/not valid JSON, ignored/);
  });

  test('each bad setting is skipped with a warning naming it, good ones are kept', () => {
    const dir = worktree(
      JSON.stringify({
        redact: {
          patterns: [
            { id: 'ok', regex: 'zz_[0-9]{8}' },
            { id: 'Bad Id!', regex: 'x+' },
            { id: 'broken', regex: '(' },
            { id: 'empty', regex: 'a*' },
            { regex: 'no-id' },
            'not an object',
          ],
          allowlist: ['/(/', 42, 'fine'],
        },
      }),
    );
    const c = loadRedactionConfig(dir);
    expect(c.rules.at(-1)?.id).toBe('ok');
    expect(c.rules).toHaveLength(DEFAULT_RULES.length + 1);
    expect(c.allowlist).toEqual(['fine']);
    expect(c.warnings).toHaveLength(7);
    expect(c.warnings.join('\n')).toMatch(/patterns\[2\] \(broken\): regex cannot be used/);
    expect(c.warnings.join('\n')).toMatch(/patterns\[3\] \(empty\): regex matches the empty string/);
  });

  test('a "redact" that is not an object is ignored with a warning', () => {
    const c = loadRedactionConfig(worktree(JSON.stringify({ redact: [1, 2] })));
    expect(c.warnings).toEqual(['.agent-log/config.json: "redact" must be an object, ignored']);
  });

  test('other top-level keys are left for other readers', () => {
    const c = loadRedactionConfig(worktree(JSON.stringify({ policy: { required: ['test'] } })));
    expect(c.warnings).toEqual([]);
  });
});
