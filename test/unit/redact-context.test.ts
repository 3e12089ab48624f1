// Secrets known by their context: credential flags per program, key names, .netrc/.pgpass lines,
// SQL, re-quoted words, presigned URLs, and secrets wrapped in base64. Values are generated at
// test time (the repository holds no secret-shaped string).
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomInt } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';
import { Redactor } from '../../src/redact/redactor.js';
import { ROOT } from '../helpers/repo.js';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const pw = () => `Pw${Array.from({ length: 12 }, () => ALNUM[randomInt(62)]).join('')}9`;
const hex = (n: number) => randomBytes(n / 2).toString('hex');
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
const redact = (s: string) => new Redactor().redact(s);

// Each template puts the secret where `S` is; the line must lose S and keep the rest.
const CONTEXT: [string, (s: string) => string][] = [
  ['mysql -p attached', (s) => `mysql -u root -p${s} shop`],
  ['mysqldump --password=', (s) => `mysqldump --password=${s} shop > shop.sql`],
  ['mariadb -p after sudo', (s) => `sudo -u app mariadb -p${s} -e "show tables"`],
  ['sshpass -p', (s) => `sshpass -p ${s} ssh deploy@10.0.0.4`],
  ['sshpass -p attached', (s) => `sshpass -p${s} scp a.txt host:`],
  ['docker login -p', (s) => `docker login -u bot -p ${s} registry.example.com`],
  ['podman login --password', (s) => `podman login --username bot --password ${s} quay.io`],
  ['redis-cli -a', (s) => `redis-cli -h cache.internal -a ${s} ping`],
  ['keytool -storepass', (s) => `keytool -list -keystore app.jks -storepass ${s}`],
  ['keytool -keypass', (s) => `keytool -genkeypair -alias app -keypass ${s} -keystore a.jks`],
  ['sqlcmd -P', (s) => `sqlcmd -S db.internal -U sa -P ${s} -Q "SELECT 1"`],
  ['zip -P', (s) => `zip -P ${s} backup.zip dump.sql`],
  ['7z -p', (s) => `7z a -p${s} backup.7z dump.sql`],
  ['az login -p', (s) => `az login -u ops@example.com -p ${s}`],
  ['oc login -p', (s) => `oc login https://api.cluster:6443 -u admin -p ${s}`],
  ['htpasswd -b', (s) => `htpasswd -b -c /etc/nginx/.htpasswd alice ${s}`],
  ['htpasswd -nb', (s) => `htpasswd -nbB alice ${s}`],
  ['ldapsearch -w', (s) => `ldapsearch -x -D cn=admin,dc=example,dc=org -w ${s} -b dc=example,dc=org`],
  ['mongosh -p', (s) => `mongosh --host db -u admin -p ${s}`],
  ['sqlplus user/pass@db', (s) => `sqlplus scott/${s}@orcl`],
  ['smbclient -U user%pass', (s) => `smbclient //fs/share -U bob%${s}`],
  ['openssl -passin pass:', (s) => `openssl rsa -in key.pem -passin pass:${s} -out plain.pem`],
  ['mosquitto_pub -P', (s) => `mosquitto_pub -h broker -u dev -P ${s} -t x -m 1`],
  ['rabbitmqctl add_user', (s) => `rabbitmqctl add_user app ${s}`],
  ['aws configure set', (s) => `aws configure set aws_secret_access_key ${s}`],
  ['gh secret set --body', (s) => `gh secret set DEPLOY_KEY --body ${s}`],
  ['generic --db-password', (s) => `./manage.py migrate --db-password ${s}`],
  ['generic --client-secret=', (s) => `oauth-cli --client-secret=${s} --client-id web`],
  ['bash -c "…"', (s) => `bash -c "mysql -uroot -p${s} -e status"`],
  ['kubectl exec … mysql', (s) => `kubectl exec -it db-0 -- mysql -p${s}`],
  ['MYSQL_PWD= anywhere', (s) => `cd /srv/app && MYSQL_PWD=${s} mysql -u root`],
  ['env PGPASSWORD=', (s) => `env PGPASSWORD=${s} psql -h db -U app`],
  ['PGPASSWORD after &&', (s) => `make build && PGPASSWORD='${s}' psql -f seed.sql`],
  ['.netrc one line', (s) => `machine api.example.com login bot password ${s}`],
  ['.netrc lines', (s) => `machine git.example.com\n  login bot\n  password ${s}\n`],
  ['.pgpass', (s) => `db.internal:5432:payments:app_user:${s}`],
  ['SQL PASSWORD', (s) => `psql -c "ALTER USER app WITH PASSWORD '${s}'"`],
  ['SQL IDENTIFIED BY', (s) => `CREATE USER 'app'@'%' IDENTIFIED BY '${s}';`],
  ['re-quoted by exec', (s) => `'password = '"'"'${s}'"'"''`],
  ['re-quoted with backslash', (s) => `'token = '\\''${s}'\\'''`],
];

describe('credentials known by their context', () => {
  test.each(CONTEXT)('%s', (_name, make) => {
    for (let i = 0; i < 5; i++) {
      const secret = pw();
      const out = redact(make(secret));
      expect(out, out).not.toContain(secret);
      expect(out).toContain('[REDACTED:');
    }
  });

  test('a long dash-led word is read in linear time, and secret flags are still found', () => {
    // The secret-flag pattern once split such a word in exponentially many ways: 40 characters took
    // minutes (found on a real Codex rollout holding encrypted reasoning after a dash). The words go
    // through the built redactor in a child process, so a regression fails at the bound instead of
    // hanging the suite; the bound is a safety net, nothing is timed.
    const lines = [40, 400, 20_000].map(
      (n) => `curl -u bot -${'Ab1'.repeat(n).slice(0, n)}x https://example.com`,
    );
    const script = `const { Redactor } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'dist/redact/redactor.js')).href)});
process.stdout.write(JSON.stringify(JSON.parse(process.argv[1]).map((l) => new Redactor().redact(l))));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(lines)], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(JSON.parse(out)).toEqual(lines);
    const s = pw();
    for (const flag of [
      '--db-password',
      '--client-secret',
      '--bindPassword',
      '-storepass',
      '--vault.token',
    ]) {
      const red = redact(`deploy ${flag} ${s} --verbose`);
      expect(red, flag).not.toContain(s);
      expect(red).toContain('--verbose');
    }
  });

  test('the rest of a command line stays readable', () => {
    const s = pw();
    expect(redact(`mysql -u root -p${s} shop`)).toBe('mysql -u root -p[REDACTED:cli-credential] shop');
    expect(redact(`docker login -u bot -p ${s} registry.example.com`)).toBe(
      'docker login -u bot -p [REDACTED:cli-credential] registry.example.com',
    );
  });
});

const KEYS: [string, (v: string) => string, () => string][] = [
  ['SECRET_KEY_BASE with 128 hex', (v) => `SECRET_KEY_BASE=${v}`, () => hex(128)],
  ['hmac_signing_key: hex', (v) => `hmac_signing_key: ${v}`, () => hex(64)],
  ['apiSecret in JSON', (v) => JSON.stringify({ apiSecret: v }), () => hex(40)],
  ['*_WEBHOOK_SECRET_*', (v) => `STRIPE_WEBHOOK_SECRET_PROD=${v}`, () => hex(40)],
  ['encryption_key base64', (v) => `encryption_key = "${v}"`, () => randomBytes(32).toString('base64')],
  ['clientSecret quoted', (v) => `clientSecret: '${v}'`, () => pw()],
  [
    'X-Amz-Signature',
    (v) =>
      `https://b.s3.amazonaws.com/r.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20260101T000000Z&X-Amz-Signature=${v}`,
    () => hex(64),
  ],
  [
    'X-Goog-Signature',
    (v) => `https://storage.googleapis.com/b/o?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Signature=${v}`,
    () => hex(128),
  ],
  ['session_secret', (v) => `session_secret=${v}`, () => pw()],
];

describe('secret-ish key names, whatever the value looks like', () => {
  test.each(KEYS)('%s', (_name, make, value) => {
    for (let i = 0; i < 5; i++) {
      const v = value();
      expect(redact(make(v))).not.toContain(v);
    }
  });

  test.each([
    'max_tokens: 4096',
    'input_tokens=1234',
    'tokenizer: bert-base-uncased',
    'cache_key: user-profile-42',
    'primary_key: id',
    'public_key: ssh-ed25519',
    'key_id: 7',
    'PWD=/home/alice/src',
    'author: Alice Liddell',
    'keyboard: us',
    'sort_key: created_at',
    'passed: 12',
    'private_key_path: ~/.ssh/id_ed25519',
    'password_min_length: 12',
    'docker run -p 8080:80 nginx',
    'mysql -u root -p shop',
    'git commit -m "pass the token to the client"',
    'see --token in the docs',
  ])('kept: %s', (line) => {
    expect(redact(line)).toBe(line);
  });
});

describe('secrets wrapped in base64', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const pkcs1 = privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const sec1 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
    type: 'sec1',
    format: 'pem',
  }) as string;
  const body = (pem: string) => pem.split('\n').filter((l) => l && !l.startsWith('-----'));
  const wrap = (s: string) => s.match(/.{1,76}/g)!.join('\n');

  test.each([
    ['kubectl tls.key (one line)', `  tls.key: ${b64(pkcs1)}`],
    ['base64 PEM wrapped at 76', wrap(b64(pkcs8))],
    [
      'service-account JSON',
      `  key.json: ${b64(JSON.stringify({ type: 'service_account', private_key_id: hex(40), private_key: pkcs8 }))}`,
    ],
    [
      '.dockerconfigjson',
      `  .dockerconfigjson: ${b64(JSON.stringify({ auths: { 'r.example.com': { auth: b64(`bot:${pw()}`) } } }))}`,
    ],
    ['echo $TOKEN | base64', b64(`ghp_${Array.from({ length: 36 }, () => ALNUM[randomInt(62)]).join('')}`)],
    ['bare user:pass', b64(`deploy:${pw()}`)],
    ['PKCS#1 body without header', body(pkcs1).join('\n')],
    ['PKCS#8 body without header', body(pkcs8).join('\n')],
    ['SEC1 EC body without header', body(sec1).join('\n')],
    ['PEM body with its first lines cut', body(pkcs1).slice(3).join('\n')],
  ])('%s', (_name, text) => {
    const out = redact(text);
    expect(out).toContain('[REDACTED:');
    // No 16 characters of the encoded material survive: the key is gone, not only its head.
    const material = text.replace(/^\s*[.\w-]+: /, '').replace(/\s+/g, '');
    for (let i = 0; i + 16 <= material.length; i += 8) expect(out).not.toContain(material.slice(i, i + 16));
  });

  test.each([
    ['base64 of a sentence', b64('Please review the migration plan before Friday, thanks!')],
    ['base64 of host:port', b64('registry.example.com:5000')],
    ['base64 JSON config', b64(JSON.stringify({ name: 'git-agent-log', version: '0.1.0', private: true }))],
  ])('kept: %s', (_name, text) => {
    expect(redact(text)).toBe(text);
  });

  // A one-line secret in base64 followed by the next line of a file: that line is not part of it.
  test.each([
    ['the next YAML key', (v: string) => `api_url: ${v}\n  signing: on\n`, 'api_url: ', '\n  signing: on\n'],
    ['a line of prose', (v: string) => `${v}\nhello world\n`, '', '\nhello world\n'],
    ['a dotenv line', (v: string) => `${v}\nDEBUG=1`, '', '\nDEBUG=1'],
  ])('only the run goes: %s', (_name, shape, before, after) => {
    const out = redact(shape(b64(`deploy:${pw()}`)));
    expect(out).toBe(`${before}[REDACTED:base64-secret]${after}`);
  });
});
