import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { MARK, Redactor } from '../../src/redact/redactor.js';
import { DEFAULT_RULES } from '../../src/redact/rules.js';
import { embeddings, loadLookalikes, loadSecretCorpus } from '../helpers/secrets.js';

const corpus = loadSecretCorpus();
const lookalikes = loadLookalikes();
const byRule = (rule: string) => corpus.find((c) => c.rule === rule)!;

describe('rule set', () => {
  test('has at least 30 distinct detectors with marker-safe ids', () => {
    const ids = new Set(DEFAULT_RULES.map((r) => r.id));
    expect(ids.size).toBeGreaterThanOrEqual(30);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9-]+$/);
  });

  test('the corpus holds at least 30 secrets covering at least 30 rules', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30);
    expect(new Set(corpus.map((s) => s.rule)).size).toBeGreaterThanOrEqual(30);
  });

  test('every rule named in the corpus exists', () => {
    const ids = new Set(DEFAULT_RULES.map((r) => r.id));
    for (const s of corpus) expect(ids, s.rule).toContain(s.rule);
  });
});

describe('secrets are redacted', () => {
  test.each(corpus.map((s) => [s.rule, s] as const))('%s: alone, named by its rule', (_rule, s) => {
    const r = new Redactor();
    const out = r.redact(s.text);
    for (const secret of s.secrets) expect(out).not.toContain(secret);
    expect(out).toContain(MARK(s.rule));
    expect(r.report().find((c) => c.rule === s.rule)?.count).toBeGreaterThanOrEqual(1);
  });

  test.each(corpus.map((s) => [s.rule, s] as const))(
    '%s: inside prompts, commands, output, JSON and file names',
    (_rule, s) => {
      for (const { where, text } of embeddings(s)) {
        const out = new Redactor().redact(text);
        for (const secret of s.secrets) expect(out, `${where}: ${out}`).not.toContain(secret);
      }
    },
  );

  test('redacting raw JSON keeps it valid JSON', () => {
    for (const s of corpus) {
      const doc = JSON.stringify({ prompt: s.text, nested: { cmd: `echo "${s.text}"\n${s.text}` } });
      const out = new Redactor().redact(doc);
      expect(() => JSON.parse(out), out).not.toThrow();
      for (const secret of s.secrets) expect(out).not.toContain(secret);
    }
  });

  test('the context around a secret stays readable', () => {
    const s = corpus.find((c) => c.rule === 'credentialed-url' && c.text.startsWith('postgres'))!;
    expect(new Redactor().redact(s.text)).toBe(
      'postgres://app_user:[REDACTED:credentialed-url]@db.prod.internal:5432/payments',
    );
  });

  test('a password containing @ is redacted up to the last @ before the host', () => {
    const out = new Redactor().redact('DATABASE_URL=postgres://app:pa@ss@word1@db:5432/app');
    expect(out).toBe('DATABASE_URL=postgres://app:[REDACTED:credentialed-url]@db:5432/app');
  });

  test('a truncated private key (no END line) is still redacted', () => {
    const pk = byRule('private-key');
    const cut = pk.text.slice(0, pk.text.indexOf('-----END'));
    const out = new Redactor().redact(`key:\n${cut}`);
    for (const secret of pk.secrets) expect(out).not.toContain(secret);
  });

  test('a token right after a JSON \\n escape is found and the escape kept', () => {
    const gh = byRule('github-token');
    const out = new Redactor().redact(`{"o":"line1\\n${gh.text}\\nline3"}`);
    expect(out).toBe('{"o":"line1\\n[REDACTED:github-token]\\nline3"}');
  });

  test('an AWS secret key a line after its access key id is found without a key name', () => {
    const out = new Redactor().redact(
      `Access key: AKIAZ3MBQ7XKPLT5RWNE\nSecret: aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5/+Qx`,
    );
    expect(out).toBe('Access key: [REDACTED:aws-access-key-id]\nSecret: [REDACTED:aws-secret-access-key]');
  });

  test('report() gives rule ids and counts, never values', () => {
    const r = new Redactor();
    const a = byRule('github-token');
    r.redact(`${a.text} and ${a.text}`);
    r.redactDeep({ k: a.text, list: [a.text] });
    expect(r.report()).toEqual([{ rule: 'github-token', count: 4 }]);
    expect(JSON.stringify(r.report())).not.toContain(a.text);
  });

  test('redactDeep redacts keys and nested strings and keeps other values', () => {
    const a = byRule('npm-token');
    const out = new Redactor().redactDeep({ [a.text]: [1, true, null, { x: a.text }] });
    expect(out).toEqual({ '[REDACTED:npm-token]': [1, true, null, { x: '[REDACTED:npm-token]' }] });
  });

  test('findings() reports without touching the counts', () => {
    const r = new Redactor();
    expect(r.findings(byRule('jwt').text)).toEqual([{ rule: 'jwt', count: 1 }]);
    expect(r.report()).toEqual([]);
  });
});

describe('look-alikes stay intact', () => {
  test.each(lookalikes.map((l) => [l]))('%s', (line) => {
    const r = new Redactor();
    expect(r.redact(line)).toBe(line);
    expect(r.report()).toEqual([]);
  });

  test('a block of lockfile lines, git output and code passes through unchanged', () => {
    const block = lookalikes.join('\n');
    expect(new Redactor().redact(block)).toBe(block);
  });
});

describe('allowlist', () => {
  test('an allowlisted exact value or pattern is kept and not counted', () => {
    const gh = byRule('github-token');
    const npm = byRule('npm-token');
    const r = new Redactor(DEFAULT_RULES, { allowlist: [gh.text, /^npm_[A-Za-z0-9]+$/] });
    expect(r.redact(`${gh.text} ${npm.text}`)).toBe(`${gh.text} ${npm.text}`);
    expect(r.report()).toEqual([]);
  });

  test('a pattern must match the whole candidate, not part of it', () => {
    const gh = byRule('github-token');
    const r = new Redactor(DEFAULT_RULES, { allowlist: [/ghp_/] });
    expect(r.redact(gh.text)).toBe('[REDACTED:github-token]');
  });
});

// Text built from secrets, look-alikes, separators and noise: where redaction bugs live.
const separator = fc.constantFrom(
  ' ',
  '\n',
  '\t',
  '=',
  ': ',
  '"',
  "'",
  ',',
  ';',
  '&',
  '(',
  ')',
  '/',
  '\\n',
  '  ',
);
const fragment = fc.oneof(
  fc.constantFrom(...corpus.map((s) => s.text)),
  fc.constantFrom(...lookalikes),
  fc.string({ maxLength: 30 }),
  fc.stringMatching(/^[A-Za-z0-9+/_=-]{0,60}$/),
  fc.constantFrom(
    'password=',
    'token: ',
    'export A_TOKEN=',
    'Authorization: Bearer ',
    '[REDACTED:x]',
    'postgres://u:',
  ),
);
// FC_RUNS=20000 for a long soak; the default keeps the suite quick.
const RUNS = Number(process.env.FC_RUNS ?? 500);
const text = fc.array(fc.tuple(fragment, separator), { maxLength: 12 }).map((parts) => parts.flat().join(''));

describe('properties', () => {
  test('redact never throws, on any string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), text), (s) => {
        new Redactor().redact(s);
      }),
      { numRuns: RUNS },
    );
  });

  test('redact is idempotent', () => {
    fc.assert(
      fc.property(text, (s) => {
        const r = new Redactor();
        const once = r.redact(s);
        expect(r.redact(once)).toBe(once);
      }),
      { numRuns: RUNS },
    );
  });

  test('no corpus secret survives, wherever it sits in the text', () => {
    fc.assert(
      fc.property(text, (s) => {
        const out = new Redactor().redact(s);
        for (const c of corpus) {
          if (!s.includes(c.text)) continue;
          for (const secret of c.secrets) expect(out).not.toContain(secret);
        }
      }),
      { numRuns: RUNS },
    );
  });

  test('redaction only removes: what is left outside markers appears in the input, in order', () => {
    fc.assert(
      fc.property(text, (s) => {
        const out = new Redactor().redact(s);
        let at = 0;
        for (const piece of out.split(/\[REDACTED:[a-z0-9-]+\]/)) {
          const found = s.indexOf(piece, at);
          expect(found).toBeGreaterThanOrEqual(0);
          at = found + piece.length;
        }
      }),
      { numRuns: RUNS },
    );
  });

  test('raw JSON stays parseable after redaction', () => {
    fc.assert(
      fc.property(fc.jsonValue(), text, (v, s) => {
        const doc = JSON.stringify({ v, s });
        expect(() => JSON.parse(new Redactor().redact(doc))).not.toThrow();
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });
});

describe('paths with random-looking names are not secrets', () => {
  test.each([
    '/tmp/agent-log-test-Xy3kQ9/src/math.js',
    'dist/assets/index-DfK2p9Qa.js',
    'cd /tmp/agent-log-demo-4i14oh && npm test',
    '/home/dev/.cache/ms-playwright/chromium_headless_shell-1181/chrome-linux/headless_shell',
  ])('%s stays intact', (text) => {
    const r = new Redactor();
    expect(r.redact(text)).toBe(text);
  });
});
