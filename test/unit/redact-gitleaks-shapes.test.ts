// The assignment shapes of gitleaks' own true-positive samples (GenerateSampleSecrets in
// github.com/gitleaks/gitleaks cmd/generate/config/utils/generate.go) that our key-name rules missed,
// and provider tokens gitleaks knows that we did not. Values are generated at test time.
import { randomBytes, randomInt } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { Redactor } from '../../src/redact/redactor.js';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
// Real tokens mix letters and digits: re-draw the rare all-letters outcome.
const alnum = (n: number): string => {
  const s = Array.from({ length: n }, () => ALNUM[randomInt(62)]).join('');
  return /[0-9]/.test(s) && /[A-Za-z]/.test(s) ? s : alnum(n);
};
const hex = (n: number) => randomBytes(n / 2).toString('hex');
const uuid = () => {
  const h = hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};
const redact = (s: string) => new Redactor().redact(s);

// Each template puts the secret where `S` is: the line must lose S and keep its key.
const SHAPES: [string, (s: string) => string, string][] = [
  ['make simple-expanded assignment', (s) => `HUBSPOT_TOKEN ::= "${s}"`, 'HUBSPOT_TOKEN'],
  ['make immediate assignment', (s) => `HUBSPOT_TOKEN :::= "${s}"`, 'HUBSPOT_TOKEN'],
  ['make conditional assignment', (s) => `SENTRY_TOKEN ?= "${s}"`, 'SENTRY_TOKEN'],
  ['make conditional, unquoted', (s) => `SENTRY_AUTH_TOKEN ?= ${s}`, 'SENTRY_AUTH_TOKEN'],
  ['php string concat', (s) => `$snykToken .= "${s}"`, '$snykToken'],
  ['go typed var', (s) => `var discordToken string = "${s}"`, 'discordToken'],
  ['go raw string', (s) => `linearToken := \`${s}\``, 'linearToken'],
  ['kotlin typed val', (s) => `val apiSecret: String = "${s}"`, 'apiSecret'],
  ['xml element, multiline', (s) => `<adobeToken>\n    ${s}\n</adobeToken>`, '</adobeToken>'],
  ['xml element', (s) => `<clientSecret>${s}</clientSecret>`, '</clientSecret>'],
  ['nuget add key/value', (s) => `<add key="ClearTextPassword" value="${s}" />`, 'ClearTextPassword'],
  ['java setProperty', (s) => `System.setProperty("ASANA_TOKEN", "${s}")`, 'ASANA_TOKEN'],
  ['go os.Setenv', (s) => `os.Setenv("CLOUDFLARE_API_KEY", "${s}")`, 'CLOUDFLARE_API_KEY'],
  // gitleaks' semi-generic rules: a service's name is the key.
  ['yaml key named after a service', (s) => `hubspot: ${s}`, 'hubspot:'],
  ['env key named after a service', (s) => `DISCORD=${s}`, 'DISCORD='],
  ['json key named after a service', (s) => `{"sendbird": "${s}"}`, '"sendbird"'],
  ['csv after a service name', (s) => `kucoin,${s}`, 'kucoin,'],
  // Bundler's credentials for a gem source: BUNDLE_<HOST>=user:password.
  [
    'bundler source credentials',
    (s) => `BUNDLE_ENTERPRISE__CONTRIBSYS__COM=deploy:${s}`,
    'BUNDLE_ENTERPRISE__CONTRIBSYS__COM=',
  ],
];

describe('gitleaks sample shapes', () => {
  for (const [name, shape, keep] of SHAPES)
    for (const [kind, value] of [
      ['hex', () => hex(32)],
      ['uuid', uuid],
      ['alnum', () => alnum(20)],
      ['digits', () => String(randomInt(1e9, 9e9)) + String(randomInt(1e7, 9e7))],
    ] as const)
      test(`${name} (${kind})`, () => {
        const s = value();
        const line = shape(s);
        const out = redact(line);
        expect(out, line).not.toContain(s);
        expect(out).toContain(keep);
        expect(out).toContain('[REDACTED:');
      });

  test('provider tokens gitleaks knows', () => {
    for (const s of [
      `rubygems_${hex(48)}`,
      `_gitlab_session=${alnum(32).toLowerCase()}`,
      `sm_pat_${alnum(16)}`,
      `sm_aat_${alnum(16)}`,
      `v1.0-${hex(24)}-${hex(146)}`,
      `sk_prod_${alnum(12)}`,
    ]) {
      const out = redact(`see ${s} here`);
      expect(out).not.toContain(s.slice(-20));
      expect(out).toMatch(/^see .*\[REDACTED:[a-z-]+\].* here$/);
    }
  });

  test('a JWT whose header has a space (base64 `eyAi…`, not `eyJ…`)', () => {
    const b64u = (o: string) => Buffer.from(o).toString('base64url');
    const jwt = `${b64u('{ "alg": "HS256", "typ": "JWT" }')}.${b64u(`{ "sub": "${alnum(12)}", "iat": 1700000000 }`)}.${randomBytes(32).toString('base64url')}`;
    expect(jwt.startsWith('eyAi')).toBe(true);
    const out = redact(`Authorization header: ${jwt}`);
    expect(out).not.toContain(jwt.split('.')[2]);
    expect(out).toContain('Authorization header: [REDACTED:');
  });

  test("a Kubernetes Secret's data values, whatever their keys", () => {
    const values = [alnum(24), Buffer.from(`https://${alnum(10)}.example.com`).toString('base64'), hex(40)];
    const yaml = [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: app-config',
      'type: Opaque',
      'data:',
      `  api_url: ${values[1]}`,
      `  signing: "${values[0]}"`,
      '  region: eu-west-1',
      'stringData:',
      `  webhook: ${values[2]}`,
      '',
    ].join('\n');
    const out = redact(yaml);
    for (const v of values) expect(out).not.toContain(v);
    expect(out).not.toContain('eu-west-1');
    expect(out).toContain('  name: app-config\ntype: Opaque\ndata:\n  api_url: [REDACTED:');
    // Not a Secret: a ConfigMap's data stays.
    const cm = yaml.replace('kind: Secret', 'kind: ConfigMap');
    expect(redact(cm)).toContain('  region: eu-west-1');
  });

  test('look-alikes of those shapes stay', () => {
    for (const line of [
      'CFLAGS ?= -O2 -Wall',
      'PREFIX ::= /usr/local',
      'TOKENIZER ?= bert-base-uncased',
      '$html .= "<p>Password</p>";',
      'var tokenCount int = 42',
      'var tokenType string = "Bearer"',
      '<tokenizer>bert-base-uncased</tokenizer>',
      '<passwordPolicy>strict</passwordPolicy>',
      '<add key="PasswordLength" value="12" />',
      'os.Setenv("PATH", "/usr/local/bin:/usr/bin")',
      'i18n.t("password", "Password")',
      'linear: 0.5',
      'discord: https://discord.gg/rust-lang',
      'sentry_dsn_public_key: true',
      'twitter: @gitagentlog',
      'commit 3f2a9c1d4b5e6f708192a3b4c5d6e7f8091a2b3c on main',
      'run 7e3b9c1a-2f4d-4e8a-9b6c-0d1e2f3a4b5c finished',
    ])
      expect(redact(line), line).toBe(line);
  });
});
