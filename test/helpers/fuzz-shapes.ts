// Secret shapes for the fuzz suite (#11): the classes of the issue plus shapes learnt from the public
// gitleaks / secretlint / trufflehog rule sets, written here as our own generators. Every value is
// drawn from a seeded generator at test time, so the repository never holds a secret-shaped string.
// Each shape gives the line as it shows up (with its key, flag or host) and the parts that must never
// survive anywhere under .git.
import { prng } from './prng.js';

export interface Shape {
  name: string;
  text: string;
  /** Parts that must not appear anywhere (each ≥ 8 characters). */
  secrets: string[];
}

const AL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';
const UP = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const B64 = `${AL}+/`;
const URLSAFE = `${AL}-_`;
const BECH = 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L';

type Rand = () => number;
type Maker = (r: Rand) => { text: string; secrets?: string[]; secret?: string };

function pick(r: Rand, alphabet: string, n: number): string {
  // Real tokens mix classes: re-draw an all-letters or all-digits outcome of a mixed alphabet.
  for (;;) {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(r() * alphabet.length)];
    if (n < 8 || alphabet.length <= 16 || (/[0-9]/.test(s) && /[A-Za-z]/.test(s))) return s;
  }
}
const b64 = (s: string) => Buffer.from(s).toString('base64');
const b64url = (s: string) => Buffer.from(s).toString('base64url');
const word = (r: Rand) => ['amber', 'falcon', 'harbor', 'quartz', 'meadow', 'cobalt'][Math.floor(r() * 6)]!;
const password = (r: Rand) => `${word(r)}-${pick(r, AL, 10)}!${pick(r, AL, 4)}`;

/** A token alone: the whole text is the secret. */
const tok =
  (f: (r: Rand) => string): Maker =>
  (r) => {
    const t = f(r);
    return { text: t, secret: t };
  };
/** A value behind some context: `ctx(value)` is the line, `value` the secret. */
const ctx =
  (value: (r: Rand) => string, line: (v: string, r: Rand) => string): Maker =>
  (r) => {
    const v = value(r);
    return { text: line(v, r), secret: v };
  };

function pemBody(r: Rand, bytes: number): string {
  const raw = Buffer.from(Array.from({ length: bytes }, () => Math.floor(r() * 256)));
  return raw.toString('base64').replace(/.{64}/g, '$&\n');
}
function jwt(r: Rand): string {
  const h = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const p = b64url(JSON.stringify({ sub: pick(r, AL, 12), iat: 1764460800, scope: 'admin' }));
  return `${h}.${p}.${pick(r, URLSAFE, 43)}`;
}

const SHAPES: [string, Maker][] = [
  // ── provider tokens (prefix rules) ──
  ['github-pat', tok((r) => `ghp_${pick(r, AL, 36)}`)],
  ['github-oauth', tok((r) => `gho_${pick(r, AL, 36)}`)],
  ['github-user-to-server', tok((r) => `ghu_${pick(r, AL, 36)}`)],
  ['github-server-to-server', tok((r) => `ghs_${pick(r, AL, 36)}`)],
  ['github-refresh', tok((r) => `ghr_${pick(r, AL, 76)}`)],
  ['github-fine-grained', tok((r) => `github_pat_${pick(r, AL, 22)}_${pick(r, AL, 59)}`)],
  ['gitlab-pat', tok((r) => `glpat-${pick(r, URLSAFE, 20)}`)],
  ['gitlab-pipeline-trigger', tok((r) => `glptt-${pick(r, HEX, 40)}`)],
  ['gitlab-runner', tok((r) => `glrt-${pick(r, URLSAFE, 20)}`)],
  ['aws-access-key-id', tok((r) => `AKIA${pick(r, UP.slice(0, 26) + '234567', 16)}`)],
  ['aws-session-key-id', tok((r) => `ASIA${pick(r, UP.slice(0, 26) + '234567', 16)}`)],
  [
    'aws-secret-key',
    ctx(
      (r) => pick(r, B64, 40),
      (v) => `aws_secret_access_key = ${v}`,
    ),
  ],
  [
    'aws-credentials-json',
    ctx(
      (r) => pick(r, B64, 40),
      (v) => `{"SecretAccessKey": "${v}"}`,
    ),
  ],
  [
    'slack-bot',
    tok((r) => `xoxb-${pick(r, '0123456789', 12)}-${pick(r, '0123456789', 13)}-${pick(r, AL, 24)}`),
  ],
  [
    'slack-user',
    tok(
      (r) =>
        `xoxp-${pick(r, '0123456789', 12)}-${pick(r, '0123456789', 12)}-${pick(r, '0123456789', 13)}-${pick(r, HEX, 32)}`,
    ),
  ],
  ['slack-app', tok((r) => `xapp-1-A${pick(r, UP, 10)}-${pick(r, '0123456789', 13)}-${pick(r, HEX, 64)}`)],
  [
    'slack-webhook',
    ctx(
      (r) => pick(r, AL, 24),
      (v, r) => `https://hooks.slack.com/services/T${pick(r, UP, 8)}/B${pick(r, UP, 10)}/${v}`,
    ),
  ],
  ['stripe-secret', tok((r) => `sk_live_${pick(r, AL, 99)}`)],
  ['stripe-restricted', tok((r) => `rk_live_${pick(r, AL, 99)}`)],
  ['stripe-webhook', tok((r) => `whsec_${pick(r, AL, 32)}`)],
  ['google-api-key', tok((r) => `AIza${pick(r, URLSAFE, 35)}`)],
  ['google-oauth-secret', tok((r) => `GOCSPX-${pick(r, URLSAFE, 28)}`)],
  ['google-access-token', tok((r) => `ya29.${pick(r, URLSAFE, 120)}`)],
  ['openai-project', tok((r) => `sk-proj-${pick(r, URLSAFE, 156)}`)],
  ['openai-legacy', tok((r) => `sk-${pick(r, AL, 20)}T3BlbkFJ${pick(r, AL, 20)}`)],
  ['anthropic', tok((r) => `sk-ant-api03-${pick(r, URLSAFE, 93)}AA`)],
  ['huggingface', tok((r) => `hf_${pick(r, AL, 34)}`)],
  ['npm', tok((r) => `npm_${pick(r, AL, 36)}`)],
  ['pypi', tok((r) => `pypi-AgEIcHlwaS5vcmc${pick(r, URLSAFE, 70)}`)],
  ['sendgrid', tok((r) => `SG.${pick(r, URLSAFE, 22)}.${pick(r, URLSAFE, 43)}`)],
  ['twilio-api-key', tok((r) => `SK${pick(r, HEX, 32)}`)],
  [
    'twilio-auth-token',
    ctx(
      (r) => pick(r, HEX, 32),
      (v) => `TWILIO_AUTH_TOKEN=${v}`,
    ),
  ],
  ['mailgun', tok((r) => `key-${pick(r, HEX, 32)}`)],
  [
    'mailchimp',
    ctx(
      (r) => `${pick(r, HEX, 32)}-us${1 + Math.floor(r() * 20)}`,
      (v) => `MAILCHIMP_API_KEY=${v}`,
    ),
  ],
  ['shopify-access', tok((r) => `shpat_${pick(r, HEX, 32)}`)],
  ['shopify-shared-secret', tok((r) => `shpss_${pick(r, HEX, 32)}`)],
  ['shopify-custom-app', tok((r) => `shpca_${pick(r, HEX, 32)}`)],
  ['shopify-private-app', tok((r) => `shppa_${pick(r, HEX, 32)}`)],
  ['digitalocean-pat', tok((r) => `dop_v1_${pick(r, HEX, 64)}`)],
  ['digitalocean-oauth', tok((r) => `doo_v1_${pick(r, HEX, 64)}`)],
  ['digitalocean-refresh', tok((r) => `dor_v1_${pick(r, HEX, 64)}`)],
  ['heroku', tok((r) => `HRKU-${pick(r, URLSAFE, 60)}`)],
  ['linear', tok((r) => `lin_api_${pick(r, AL, 40)}`)],
  ['postman', tok((r) => `PMAK-${pick(r, HEX, 24)}-${pick(r, HEX, 34)}`)],
  ['pulumi', tok((r) => `pul-${pick(r, HEX, 40)}`)],
  ['doppler', tok((r) => `dp.pt.${pick(r, AL, 43)}`)],
  ['databricks', tok((r) => `dapi${pick(r, HEX, 32)}`)],
  ['age-secret-key', tok((r) => `AGE-SECRET-KEY-1${pick(r, BECH, 58)}`)],
  ['atlassian', tok((r) => `ATATT3xFfGF0${pick(r, URLSAFE, 170)}=${pick(r, HEX, 8).toUpperCase()}`)],
  ['vault-service', tok((r) => `hvs.${pick(r, URLSAFE, 90)}`)],
  ['grafana-service-account', tok((r) => `glsa_${pick(r, AL, 32)}_${pick(r, HEX, 8)}`)],
  ['sentry-user', tok((r) => `sntryu_${pick(r, HEX, 64)}`)],
  ['newrelic-user', tok((r) => `NRAK-${pick(r, UP, 27)}`)],
  ['square-access', tok((r) => `EAAA${pick(r, URLSAFE, 60)}`)],
  ['groq', tok((r) => `gsk_${pick(r, AL, 52)}`)],
  ['replicate', tok((r) => `r8_${pick(r, AL, 37)}`)],
  ['xai', tok((r) => `xai-${pick(r, AL, 80)}`)],
  ['notion', tok((r) => `ntn_${pick(r, '0123456789', 11)}${pick(r, AL, 35)}`)],
  ['airtable', tok((r) => `pat${pick(r, AL, 14)}.${pick(r, HEX, 64)}`)],
  ['mapbox-secret', tok((r) => `sk.eyJ1Ijoi${pick(r, AL, 20)}.${pick(r, URLSAFE, 22)}`)],
  [
    'telegram-bot',
    ctx(
      (r) => `${pick(r, '0123456789', 10)}:AA${pick(r, URLSAFE, 33)}`,
      (v) => `TELEGRAM_BOT_TOKEN=${v}`,
    ),
  ],
  [
    'discord-webhook',
    ctx(
      (r) => pick(r, URLSAFE, 68),
      (v, r) => `https://discord.com/api/webhooks/${pick(r, '0123456789', 18)}/${v}`,
    ),
  ],
  ['supabase', tok((r) => `sbp_${pick(r, HEX, 40)}`)],
  ['planetscale', tok((r) => `pscale_tkn_${pick(r, URLSAFE, 43)}`)],
  [
    'azure-client-secret',
    ctx(
      (r) => `${pick(r, AL, 3)}8Q~${pick(r, URLSAFE, 34)}`,
      (v) => `AZURE_CLIENT_SECRET=${v}`,
    ),
  ],
  [
    'azure-storage-conn',
    ctx(
      (r) => `${pick(r, B64, 86)}==`,
      (v) =>
        `DefaultEndpointsProtocol=https;AccountName=prodstore;AccountKey=${v};EndpointSuffix=core.windows.net`,
    ),
  ],
  [
    'azure-sas',
    ctx(
      (r) => `${pick(r, AL, 43)}%3D`,
      (v) =>
        `https://prodstore.blob.core.windows.net/backups/db.bak?sv=2022-11-02&ss=b&srt=o&sp=r&se=2026-12-01&sig=${v}`,
    ),
  ],
  // ── structured: keys, URLs, headers ──
  [
    'pem-rsa',
    (r) => {
      const b = pemBody(r, 600);
      return {
        text: `-----BEGIN RSA PRIVATE KEY-----\n${b}\n-----END RSA PRIVATE KEY-----`,
        secrets: b.split('\n').filter((l) => l.length >= 16),
      };
    },
  ],
  [
    'pem-pkcs8',
    (r) => {
      const b = pemBody(r, 300);
      return {
        text: `-----BEGIN PRIVATE KEY-----\n${b}\n-----END PRIVATE KEY-----`,
        secrets: b.split('\n').filter((l) => l.length >= 16),
      };
    },
  ],
  [
    'pem-ec',
    (r) => {
      const b = pemBody(r, 120);
      return {
        text: `-----BEGIN EC PRIVATE KEY-----\n${b}\n-----END EC PRIVATE KEY-----`,
        secrets: b.split('\n').filter((l) => l.length >= 16),
      };
    },
  ],
  [
    'pem-openssh',
    (r) => {
      const b = pemBody(r, 400);
      return {
        text: `-----BEGIN OPENSSH PRIVATE KEY-----\n${b}\n-----END OPENSSH PRIVATE KEY-----`,
        secrets: b.split('\n').filter((l) => l.length >= 16),
      };
    },
  ],
  [
    'pem-pgp',
    (r) => {
      const b = pemBody(r, 300);
      return {
        text: `-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n${b}\n-----END PGP PRIVATE KEY BLOCK-----`,
        secrets: b.split('\n').filter((l) => l.length >= 16),
      };
    },
  ],
  [
    'pem-json-escaped',
    (r) => {
      const b = pemBody(r, 300);
      return {
        text: JSON.stringify({
          private_key: `-----BEGIN PRIVATE KEY-----\n${b}\n-----END PRIVATE KEY-----\n`,
        }),
        secrets: b.split('\n').filter((l) => l.length >= 16),
      };
    },
  ],
  ['jwt', tok(jwt)],
  ['jwt-bearer', ctx(jwt, (v) => `Authorization: Bearer ${v}`)],
  ['url-https-creds', ctx(password, (v) => `https://deploy:${v}@git.example.com/org/repo.git`)],
  ['url-postgres', ctx(password, (v) => `DATABASE_URL=postgres://app:${v}@db.internal:5432/app`)],
  ['url-mongodb-srv', ctx(password, (v) => `mongodb+srv://admin:${v}@cluster0.ab1cd.mongodb.net/prod`)],
  ['url-redis', ctx(password, (v) => `redis://:${v}@cache.internal:6379/0`)],
  ['url-amqp', ctx(password, (v) => `amqp://worker:${v}@mq.internal:5672/`)],
  [
    'header-bearer',
    ctx(
      (r) => pick(r, AL, 40),
      (v) => `curl -H "Authorization: Bearer ${v}" https://api.example.com`,
    ),
  ],
  [
    'header-basic',
    (r) => {
      const p = password(r);
      const v = b64(`admin:${p}`);
      return { text: `Authorization: Basic ${v}`, secrets: [v, p] };
    },
  ],
  [
    'header-api-key',
    ctx(
      (r) => pick(r, AL, 32),
      (v) => `X-API-Key: ${v}`,
    ),
  ],
  [
    'header-cookie',
    ctx(
      (r) => pick(r, URLSAFE, 48),
      (v) => `Cookie: sessionid=${v}; csrftoken=abc`,
    ),
  ],
  ['dotenv-password', ctx(password, (v) => `DB_PASSWORD=${v}`)],
  [
    'dotenv-export',
    ctx(
      (r) => pick(r, AL, 32),
      (v) => `export STRIPE_API_KEY=${v}`,
    ),
  ],
  [
    'secret-key-base',
    ctx(
      (r) => pick(r, HEX, 128),
      (v) => `SECRET_KEY_BASE=${v}`,
    ),
  ],
  [
    'json-client-secret',
    ctx(
      (r) => pick(r, URLSAFE, 40),
      (v) => `{"client_id":"web","client_secret":"${v}"}`,
    ),
  ],
  ['yaml-password', ctx(password, (v) => `database:\n  password: ${v}\n  host: db`)],
  ['json-escaped-password', ctx(password, (v) => JSON.stringify(JSON.stringify({ password: v })))],
  [
    'hmac-signing-key',
    ctx(
      (r) => pick(r, HEX, 64),
      (v) => `hmac_signing_key: ${v}`,
    ),
  ],
  [
    'api-secret-json',
    ctx(
      (r) => pick(r, HEX, 48),
      (v) => `{"apiSecret":"${v}"}`,
    ),
  ],
  [
    'webhook-secret',
    ctx(
      (r) => pick(r, HEX, 40),
      (v) => `GITHUB_WEBHOOK_SECRET_PROD=${v}`,
    ),
  ],
  [
    'presigned-s3',
    ctx(
      (r) => pick(r, HEX, 64),
      (v, r) =>
        `https://bucket.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA${pick(r, UP, 16)}%2F20261130&X-Amz-Signature=${v}`,
    ),
  ],
  [
    'presigned-gcs',
    ctx(
      (r) => pick(r, HEX, 128),
      (v) => `https://storage.googleapis.com/b/o?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Signature=${v}`,
    ),
  ],
  // ── command lines ──
  ['mysql-p', ctx(password, (v) => `mysql -u root -p${v} shop`)],
  ['sshpass', ctx(password, (v) => `sshpass -p '${v}' ssh deploy@host`)],
  ['docker-login', ctx(password, (v) => `docker login -u ci -p ${v} registry.example.com`)],
  ['redis-cli-a', ctx(password, (v) => `redis-cli -h cache -a ${v} PING`)],
  ['keytool', ctx(password, (v) => `keytool -importcert -keystore ks.jks -storepass ${v} -file ca.pem`)],
  ['sqlcmd', ctx(password, (v) => `sqlcmd -S db -U sa -P ${v} -Q "select 1"`)],
  ['zip-P', ctx(password, (v) => `zip -P ${v} backup.zip dump.sql`)],
  ['htpasswd', ctx(password, (v) => `htpasswd -b -c .htpasswd admin ${v}`)],
  ['pgpassword-mid', ctx(password, (v) => `cd db && PGPASSWORD=${v} psql -h db -U app`)],
  ['mysql-pwd-env', ctx(password, (v) => `env MYSQL_PWD=${v} mysqldump shop`)],
  ['netrc', ctx(password, (v) => `machine api.example.com login deploy password ${v}`)],
  ['pgpass', ctx(password, (v) => `db.internal:5432:app:app:${v}`)],
  ['generic-password-flag', ctx(password, (v) => `./deploy --db-password=${v} --region eu`)],
  [
    'aws-configure',
    ctx(
      (r) => pick(r, B64, 40),
      (v) => `aws configure set aws_secret_access_key ${v}`,
    ),
  ],
  [
    'gh-secret-set',
    ctx(
      (r) => pick(r, AL, 32),
      (v) => `gh secret set DEPLOY_KEY --body ${v}`,
    ),
  ],
  [
    'npmrc-authtoken',
    ctx(
      (r) => pick(r, AL, 36),
      (v) => `//registry.npmjs.org/:_authToken=${v}`,
    ),
  ],
  ['sql-password', ctx(password, (v) => `ALTER USER app WITH PASSWORD '${v}';`)],
  ['sql-identified-by', ctx(password, (v) => `CREATE USER 'app'@'%' IDENTIFIED BY '${v}';`)],
  // ── base64-wrapped ──
  [
    'k8s-tls-key',
    (r) => {
      const b = pemBody(r, 300);
      const v = b64(`-----BEGIN PRIVATE KEY-----\n${b}\n-----END PRIVATE KEY-----\n`);
      return { text: `data:\n  tls.key: ${v}`, secrets: [v.slice(0, 40), v.slice(200, 260)] };
    },
  ],
  [
    'k8s-secret-token',
    (r) => {
      const t = `ghp_${pick(r, AL, 36)}`;
      const v = b64(t);
      return { text: `  token: ${v}`, secrets: [v, t] };
    },
  ],
  [
    'base64-service-account',
    (r) => {
      const k = pick(r, HEX, 40);
      const v = b64(
        JSON.stringify({
          type: 'service_account',
          private_key_id: k,
          private_key: `-----BEGIN PRIVATE KEY-----\n${pemBody(r, 120)}\n-----END PRIVATE KEY-----\n`,
        }),
      );
      return { text: `GOOGLE_CREDENTIALS_B64=${v}`, secrets: [v.slice(0, 48), v.slice(-48)] };
    },
  ],
  [
    'dockerconfigjson',
    (r) => {
      const p = password(r);
      const v = b64(JSON.stringify({ auths: { 'registry.example.com': { auth: b64(`ci:${p}`) } } }));
      return { text: `.dockerconfigjson: ${v}`, secrets: [v, p] };
    },
  ],
  [
    'base64-user-pass',
    (r) => {
      const p = password(r);
      const v = b64(`deploy:${p}`);
      return { text: `echo ${v} | base64 -d`, secrets: [v] };
    },
  ],
  // ── behind one more level of quoting or encoding ──
  ['echo-escaped-json', ctx(password, (v) => `echo "{\\"password\\": \\"${v}\\"}" > config.json`)],
  ['bash-c-escaped-pgpassword', ctx(password, (v) => `bash -c "PGPASSWORD=\\"${v}\\" psql -h db -U app"`)],
  ['echo-escaped-sqlcmd', ctx(password, (v) => `echo "sqlcmd -S db -U sa -P ${v} -Q \\"select 1\\""`)],
  ['ssh-escaped-mysql', ctx(password, (v) => `ssh db01 "mysql -u root -p${v} -e \\"show databases\\""`)],
  [
    'docker-exec-escaped-redis',
    ctx(password, (v) => `docker exec cache sh -c "redis-cli -a \\"${v}\\" ping"`),
  ],
  ['single-in-double-sshpass', ctx(password, (v) => `sh -c "sshpass -p '${v}' ssh deploy@host uptime"`)],
  [
    'json-twice',
    ctx(password, (v) => JSON.stringify(JSON.stringify({ db: { host: 'db.internal', password: v } }))),
  ],
  ['json-thrice', ctx(password, (v) => JSON.stringify(JSON.stringify(JSON.stringify({ client_secret: v }))))],
  [
    'payload-json-string',
    ctx(password, (v) =>
      JSON.stringify({
        tool_input: {
          file_path: '/Users/alice/shop/config.json',
          content: JSON.stringify({ smtp: { password: v } }),
        },
      }),
    ),
  ],
  ['ansi-c-mysql', ctx(password, (v) => `bash -c $'mysql -u root -p${v} -e \\'show tables\\''`)],
  ['ansi-c-pgpassword', ctx(password, (v) => `bash -c $'PGPASSWORD=\\'${v}\\' psql -h db'`)],
  ['heredoc-env', ctx(password, (v) => `cat <<'EOF' > .env.production\nDB_PASSWORD=${v}\nEOF`)],
  ['heredoc-sshpass', ctx(password, (v) => `bash <<'EOF'\nsshpass -p ${v} ssh deploy@host uptime\nEOF`)],
  ['python-environ', ctx(password, (v) => `python -c "import os; os.environ['DB_PASSWORD']='${v}'"`)],
];

/** Every shape, drawn with `seed` (the same strings on every run). */
export function fuzzShapes(seed = 20261130): Shape[] {
  const r = prng(seed);
  return SHAPES.map(([name, make]) => {
    const m = make(r);
    const secrets = (m.secrets ?? [m.secret!]).filter((s) => s.length >= 8);
    return { name, text: m.text, secrets };
  });
}

/** Strings that look like secrets but are not: the record must keep them intact. */
export function lookalikes(seed = 20261130): string[] {
  const r = prng(seed ^ 0x5eed);
  const hex = (n: number) => pick(r, HEX, n);
  const ulidChars = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
  const sri = Buffer.from(Array.from({ length: 48 }, () => Math.floor(r() * 256))).toString('base64');
  return [
    hex(40), // commit id
    `tree ${hex(40)}`,
    uuid(),
    `01${pick(r, ulidChars, 24)}`, // ULID
    `toolu_01${pick(r, AL, 22)}`,
    `req_011C${pick(r, AL, 20)}`,
    `msg_01${pick(r, AL, 22)}`,
    `sha512-${Buffer.from(Array.from({ length: 64 }, () => Math.floor(r() * 256))).toString('base64')}`,
    `public/assets/app-${pick(r, URLSAFE, 8)}.js`,
    `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${pick(r, B64, 43)} alice@laptop`,
    `<script nonce="${pick(r, AL, 22)}">`,
    `integrity="sha384-${sri.slice(0, 64)}"`,
    b64('The quick brown fox jumps over the lazy dog, twice a day.'),
    `handleUserAuthenticationTokenRefreshCallback`,
  ];
}
