// Redaction rules: each a named detector. The record keeps rule ids and counts, never values.
// Order matters: provider tokens first, then structural rules (URLs, headers, assignments), then
// the generic .env and high-entropy detectors, so each secret is named by its most specific rule.
// This module must stay dependency-free: the hook path loads it.
import { isSshPublicKeyBlob, looksRandom, precededByHashContext } from './entropy.js';
import { base64SecretSpans } from './base64.js';
import { commandCredentialSpans, requotedSecretSpans } from './command-line.js';
import { rewriteAnsiC, rewriteEscapedJson } from './escaped-json.js';
import { inPathWord, isIdentifier } from './identifiers.js';
import { keyValueOk, secretKeyValueOk, VENDOR_NAMES, vendorKeyValueOk } from './key-names.js';

export interface RedactionRule {
  id: string;
  /** Global (`g`) pattern. The whole match is the secret unless `group` names the secret part. */
  pattern?: RegExp;
  /**
   * Instead of a pattern: a scanner returning secret spans as flat [start, end, start, end …].
   * `probe` tells whether the other rules find a secret in a piece of text.
   */
  scan?: (text: string, probe: (piece: string) => boolean) => number[];
  /** Capture group(s) holding the secret (first one that matched wins); the rest of the match is kept. */
  group?: number | readonly number[];
  /** Cheap check before running the pattern: any of these literals must occur in the text (or the regex must test true). */
  prefilter?: readonly string[] | RegExp;
  /**
   * The match must not start inside a word: `true` = not after a letter, digit or `_`; `'key'` =
   * not after a letter or digit (`db_password=` is fine, `compass:` is not). JSON `\n` escapes and
   * `%XX` count as separators.
   */
  boundary?: boolean | 'key';
  /** Where a value runs into the next `key=` (the secret ends there); must not be global. */
  stopAt?: RegExp;
  /** Last word on a candidate: false keeps it. `start` is the secret's offset, `matchStart` the match's. */
  validate?: (secret: string, text: string, start: number, matchStart: number) => boolean;
  /** A randomness heuristic, not a known shape: never applied to identifiers and paths. */
  entropy?: boolean;
  /**
   * Instead of a pattern or scanner: rewrite the text, redacting decoded pieces with `redact` (the
   * same redactor, so its counts); `mark` is this rule's marker for a piece replaced whole.
   */
  rewrite?: (text: string, redact: (piece: string) => string, mark: string) => string;
}

const g = (source: string, flags = '') => new RegExp(source, `g${flags}`);

// Values in assignments: a quoted string (escapes allowed) or a bare run up to a separator.
// Backslashes are never part of a bare value, so redacting raw JSON keeps its escapes intact.
const DQ = String.raw`"((?:[^"\\\n]|\\.){1,4096})"`;
const EDQ = String.raw`\\"([^"\\\n]{1,4096})\\"`;
const SQ = String.raw`'([^'\\\n]{1,4096})'`;
// A bare value stops at `=` unless it is trailing base64 padding: `a=b=c` chains hold more keys.
const BARE = String.raw`([^\s"'\x60,;&<>\\=(){}\[\]][^\s"'\x60,;&<>\\=]{0,4095}(?<!:)={0,3})`;
// A Go raw string or a backquoted value: one word (a shell `$(cmd)`-style command has spaces).
const BQ = String.raw`\x60([^\x60\\\s]{1,4096})\x60`;
const VALUE = `(?:${DQ}|${EDQ}|${SQ}|${BQ}|${BARE})`;
/** The capture groups of VALUE when it follows one group (the key and operator). */
const VALUE_GROUPS = [2, 3, 4, 5, 6] as const;

/**
 * Assignment operators: `=`, `:`, `:=`, `=>`, and (gitleaks' sample shapes) make's `::=`, `:::=`
 * and `?=`, PHP's `.=`.
 */
const ASSIGN = String.raw`(?::{1,3}=|[?.]=|=>|[:=])`;
/** The words that make a key's name say secret (`PGPASSWORD`, `apiSecret`, `<clientSecret>`). */
const SECRET_WORDS =
  'pass|pwd|secret|token|key|auth|cred|sig|salt|cookie|hmac|private|dsn|jwt|bearer|seed|otp|pin';
const SECRET_WORD = new RegExp(SECRET_WORDS, 'i');
/** A declared type between a key and its `=`: Go `var apiToken string =`, Kotlin `val apiSecret: String =`. */
const TYPED = String.raw`(?:[ \t]*:[ \t]*(?:String|string|str)\??|[ \t]+(?:string|\[\]byte))?`;

/** Placeholders and code, not secrets: `password: string`, `token=${TOKEN}`, `secret: process.env.X`. */
const PLACEHOLDER =
  /^(?:string|number|boolean|bool|null|nil|none|undefined|true|false|required|optional|any|unknown|object|str|int|bytes|redacted|\*+|x{3,}|\.{3}|…|<[^>]*>|\$\{.*|\$\(?[A-Za-z_][A-Za-z0-9_]*\)?|%\(?[A-Za-z_]*\)?s?|\{\{.*\}\}|(?:process\.env|os\.environ|env|secrets|vars|ENV|config|settings|self|this|opts|options|args|params|props|ctx|req|request)\b.*|[A-Za-z_$][A-Za-z_$]*\([\w$.\s,]*\)|[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+(?:\([^)]*\))?)$/;

/** A value that names where the secret is (`$PASS`, `${TOKEN}`, `<password>`, `***`), not the secret. */
const VARIABLE =
  /^(?:\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\$\(.*\)|<[^>]*>|\*+|x{3,}|\.{3}|…|%[A-Za-z_]+%|\{\{.*\}\}|\[REDACTED:.*)$/;

function notVariable(secret: string): boolean {
  return !VARIABLE.test(secret);
}

function notPlaceholder(secret: string): boolean {
  return !PLACEHOLDER.test(secret) && !secret.startsWith('[REDACTED:');
}

const SECRET_NAME =
  '(?:pass(?:word|wd|phrase)?|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|auth[_-]?key|client[_-]?secret|credentials?|auth)';

/** The start of a `db_password:` / `API_KEY=` inside a value: the value ends there. */
const NEXT_KEY = new RegExp(
  String.raw`(?<![A-Za-z0-9])[A-Za-z0-9_.-]{0,64}?(?:${SECRET_NAME}|_KEY)(?:\\?["'])?[ \t]*${ASSIGN}`,
  'i',
);

/** Programs and flags the command-line scanner knows: skip it on text without any. */
const CLI_PREFILTER =
  /-(?:-?[A-Za-z-]*(?:pass|secret|token|key|cred|bearer)|p\S|[apPwkKUub]\b)|login|sqlplus|sqlldr|rman|imp|exp|htpasswd|rabbitmqctl|vault|xfreerdp|net\s+u|config(?:ure)?\s+set|secret\s+set/i;

export const DEFAULT_RULES: RedactionRule[] = [
  {
    id: 'private-key',
    // A whole block, or (when truncated) the header and the base64 body that follows it.
    pattern:
      /-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]{0,65536}?-----END[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----|(?:\\[nr]|[A-Za-z0-9+/=\s:,.-]){0,65536})/g,
    prefilter: ['PRIVATE KEY'],
  },
  {
    id: 'putty-private-key',
    pattern: /PuTTY-User-Key-File-\d: [^\n]*(?:\n(?!\n)[^\n]*){0,80}/g,
    prefilter: ['PuTTY-User-Key-File'],
  },
  {
    id: 'age-secret-key',
    pattern: /AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}/g,
    prefilter: ['AGE-SECRET-KEY-'],
  },
  // GitHub: classic PAT / OAuth, fine-grained PAT, app installation / user / refresh tokens.
  { id: 'github-token', pattern: /gh[po]_[A-Za-z0-9]{36,255}/g, prefilter: ['ghp_', 'gho_'] },
  {
    id: 'github-fine-grained-token',
    pattern: /github_pat_[A-Za-z0-9_]{50,255}/g,
    prefilter: ['github_pat_'],
  },
  { id: 'github-app-token', pattern: /gh[usr]_[A-Za-z0-9]{36,255}/g, prefilter: ['ghu_', 'ghs_', 'ghr_'] },
  {
    id: 'gitlab-token',
    pattern:
      /(?:glpat|gldt|glrt|glptt|glft|glsoat|glcbt|gloas|glimt|glagent)-[A-Za-z0-9_.-]{20,255}|GR1348941[A-Za-z0-9_-]{20,}/g,
    prefilter: ['gl', 'GR1348941'],
  },
  {
    id: 'slack-token',
    pattern: /xox[abposre]-[A-Za-z0-9-]{10,255}|xapp-\d-[A-Za-z0-9-]{20,255}/g,
    prefilter: ['xox', 'xapp-'],
  },
  {
    id: 'slack-webhook',
    stopAt: NEXT_KEY,
    pattern: /(hooks\.slack\.com\/(?:services|workflows|triggers)\/)([A-Za-z0-9_/-]{16,255})/g,
    group: 2,
    prefilter: ['hooks.slack.com'],
  },
  {
    id: 'discord-webhook',
    stopAt: NEXT_KEY,
    pattern: /(discord(?:app)?\.com\/api\/webhooks\/\d+\/)([A-Za-z0-9_-]{30,255})/g,
    group: 2,
    prefilter: ['/api/webhooks/'],
  },
  {
    id: 'stripe-key',
    pattern: /(?:sk|rk)_(?:live|test|prod)_[A-Za-z0-9]{10,255}/g,
    prefilter: ['_live_', '_test_', '_prod_'],
  },
  {
    id: 'stripe-webhook-secret',
    stopAt: NEXT_KEY,
    pattern: /whsec_[A-Za-z0-9+/=]{24,255}/g,
    prefilter: ['whsec_'],
  },
  { id: 'twilio-api-key', pattern: /SK[0-9a-fA-F]{32}(?![0-9a-fA-F])/g, prefilter: ['SK'], boundary: true },
  {
    id: 'sendgrid-key',
    pattern: /SG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{30,64}/g,
    prefilter: ['SG.'],
    boundary: true,
  },
  { id: 'npm-token', pattern: /npm_[A-Za-z0-9]{36,255}/g, prefilter: ['npm_'] },
  { id: 'rubygems-token', pattern: /rubygems_[a-f0-9]{48}/g, prefilter: ['rubygems_'] },
  {
    id: 'settlemint-token',
    pattern: /sm_(?:aat|pat|sat)_[A-Za-z0-9]{16}(?![A-Za-z0-9])/g,
    prefilter: ['sm_'],
    boundary: true,
  },
  { id: 'cloudflare-origin-ca-key', pattern: /v1\.0-[a-f0-9]{24}-[a-f0-9]{146}/g, prefilter: ['v1.0-'] },
  {
    // GitLab's session cookie: the value alone logs in as its user.
    id: 'gitlab-session-cookie',
    pattern: /(_gitlab_session=)([0-9a-z]{32})/g,
    group: 2,
    prefilter: ['_gitlab_session='],
  },
  {
    id: 'npmrc-auth',
    stopAt: NEXT_KEY,
    pattern: /(?<=:)(_(?:authToken|auth|password)\s*=\s*)([^\s"'\\]{4,4096})/g,
    group: 2,
    prefilter: [':_auth', ':_password'],
    validate: (s) => notPlaceholder(s),
  },
  { id: 'pypi-token', pattern: /pypi-Ag[A-Za-z0-9_-]{50,4096}/g, prefilter: ['pypi-Ag'] },
  { id: 'anthropic-key', pattern: /sk-ant-[A-Za-z0-9_-]{20,255}/g, prefilter: ['sk-ant-'] },
  {
    id: 'openai-key',
    pattern:
      /sk-(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{30,255}|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}|sk-[A-Za-z0-9]{48}(?![A-Za-z0-9])/g,
    prefilter: ['sk-'],
    boundary: true,
  },
  { id: 'google-api-key', pattern: /AIza[0-9A-Za-z_-]{35}/g, prefilter: ['AIza'] },
  { id: 'google-oauth-client-secret', pattern: /GOCSPX-[A-Za-z0-9_-]{24,40}/g, prefilter: ['GOCSPX-'] },
  {
    id: 'google-oauth-token',
    stopAt: NEXT_KEY,
    pattern: /ya29\.[A-Za-z0-9_-]{20,2048}|1\/\/0[A-Za-z0-9_-]{40,512}/g,
    prefilter: ['ya29.', '1//0'],
    boundary: true,
  },
  {
    id: 'aws-access-key-id',
    pattern: /(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|A3T[A-Z0-9])[A-Z0-9]{16}(?![A-Z0-9])/g,
    prefilter: /A(?:KIA|SIA|BIA|CCA|GPA|IDA|ROA|NPA|NVA|IPA|3T)/,
  },
  {
    // A 40-character secret next to its key name, or within a few lines after an access key id.
    id: 'aws-secret-access-key',
    pattern: g(
      String.raw`((?:aws)?_?secret_?(?:access)?_?key(?:_id)?(?:\\?["'])?\s*(?:[:=]|=>)\s*(?:\\?["'])?)([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])|((?:AKIA|ASIA)[A-Z0-9]{16}|\[REDACTED:aws-access-key-id\])([^\n]{0,120}?\n?[^\n]{0,120}?)(?<![A-Za-z0-9/+])([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])`,
      'i',
    ),
    group: [2, 5],
    prefilter: /secret_?(?:access)?_?key|AKIA|ASIA|aws-access-key-id/i,
    validate: (s) => /[A-Z]/.test(s) && /[a-z]/.test(s) && /[0-9/+]/.test(s),
  },
  {
    id: 'azure-connection-string',
    stopAt: NEXT_KEY,
    pattern: /((?:AccountKey|SharedAccessKey|AccessKey|SharedSecretValue)\s*=\s*)([A-Za-z0-9+/=]{20,512})/gi,
    group: 2,
    prefilter: /accesskey|accountkey|sharedsecret/i,
  },
  {
    id: 'azure-sas-token',
    stopAt: NEXT_KEY,
    pattern: /([?&;](?:sig|signature)=)([A-Za-z0-9%+/=_-]{20,512})/gi,
    group: 2,
    prefilter: /sig(?:nature)?=/i,
  },
  {
    id: 'azure-client-secret',
    // May end before a `.ext` (a secret used as a file name).
    pattern: /[A-Za-z0-9_~.-]{3}\d[Q8]~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~-])/g,
    prefilter: ['Q~', '8~'],
    boundary: true,
  },
  { id: 'heroku-api-key', pattern: /HRKU-[A-Za-z0-9_-]{20,255}/g, prefilter: ['HRKU-'] },
  { id: 'digitalocean-token', pattern: /do[opr]_v1_[a-f0-9]{64}/g, prefilter: ['_v1_'] },
  {
    id: 'huggingface-token',
    pattern: /(?:hf|api_org)_[A-Za-z0-9]{30,64}/g,
    prefilter: ['hf_', 'api_org_'],
    boundary: true,
  },
  { id: 'shopify-token', pattern: /shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}/g, prefilter: ['shp'] },
  {
    id: 'mailgun-key',
    pattern:
      /key-[0-9a-zA-Z]{32}(?![0-9a-zA-Z])|(?<![0-9a-f-])[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8}(?![0-9a-f-])/g,
    // Anchored on a dash (cheap to find), not on 32 hex digits tried at every hex position.
    prefilter: /key-|-[0-9a-f]{8}-[0-9a-f]{8}/,
    boundary: true,
  },
  {
    id: 'datadog-key',
    pattern:
      /((?:dd|datadog)[_-]?(?:api|app|application)[_-]?key(?:\\?["'])?\s*[:=]\s*(?:\\?["'])?)([a-f0-9]{32,40})(?![a-f0-9])/gi,
    group: 2,
    prefilter: /d(?:d|atadog)[_-]?ap/i,
  },
  {
    id: 'databricks-token',
    pattern: /dapi[a-f0-9]{32}(?:-\d)?(?![a-f0-9])/g,
    prefilter: ['dapi'],
    boundary: true,
  },
  {
    id: 'hashicorp-vault-token',
    pattern: /hv[sbr]\.[A-Za-z0-9_-]{24,255}/g,
    prefilter: ['hvs.', 'hvb.', 'hvr.'],
    boundary: true,
  },
  {
    id: 'grafana-token',
    stopAt: NEXT_KEY,
    pattern: /glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|glc_[A-Za-z0-9+/=]{32,400}/g,
    prefilter: ['glsa_', 'glc_'],
  },
  { id: 'postman-api-key', pattern: /PMAK-[a-f0-9]{24}-[a-f0-9]{34}/g, prefilter: ['PMAK-'] },
  {
    id: 'linear-api-key',
    pattern: /lin_(?:api|oauth)_[A-Za-z0-9]{40}/g,
    prefilter: ['lin_api_', 'lin_oauth_'],
  },
  {
    id: 'sentry-token',
    stopAt: NEXT_KEY,
    pattern: /sntry[su]_[A-Za-z0-9+/=_-]{40,400}/g,
    prefilter: ['sntry'],
  },
  { id: 'atlassian-api-token', pattern: /ATATT3[A-Za-z0-9_=-]{100,300}/g, prefilter: ['ATATT3'] },
  {
    id: 'supabase-token',
    pattern: /sbp_[a-f0-9]{40}|sb_secret_[A-Za-z0-9_-]{20,}/g,
    prefilter: ['sbp_', 'sb_secret_'],
  },
  {
    id: 'planetscale-token',
    pattern: /pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.-]{32,64}/g,
    prefilter: ['pscale_'],
  },
  { id: 'doppler-token', pattern: /dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44}/g, prefilter: ['dp.'] },
  {
    id: 'newrelic-key',
    pattern: /NR(?:AK|AA|II|JS)-[A-Za-z0-9]{27}/g,
    prefilter: ['NRAK-', 'NRAA-', 'NRII-', 'NRJS-'],
  },
  {
    id: 'square-token',
    pattern: /sq0(?:atp|csp)-[A-Za-z0-9_-]{22,43}|EAAA[A-Za-z0-9_-]{60}/g,
    prefilter: ['sq0', 'EAAA'],
  },
  { id: 'groq-key', pattern: /gsk_[A-Za-z0-9]{48,52}/g, prefilter: ['gsk_'] },
  { id: 'replicate-token', pattern: /r8_[A-Za-z0-9]{37,40}/g, prefilter: ['r8_'], boundary: true },
  { id: 'xai-key', pattern: /xai-[A-Za-z0-9]{70,90}/g, prefilter: ['xai-'], boundary: true },
  {
    id: 'notion-token',
    pattern: /(?:secret_[A-Za-z0-9]{43}|ntn_[A-Za-z0-9]{40,50})(?![A-Za-z0-9])/g,
    prefilter: ['secret_', 'ntn_'],
    boundary: true,
  },
  { id: 'airtable-token', pattern: /pat[A-Za-z0-9]{14}\.[a-f0-9]{64}/g, prefilter: ['pat'], boundary: true },
  { id: 'pulumi-token', pattern: /pul-[a-f0-9]{40}/g, prefilter: ['pul-'], boundary: true },
  {
    id: 'mapbox-token',
    pattern: /(?:sk|tk)\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{20,}/g,
    prefilter: ['.eyJ'],
    boundary: true,
  },
  {
    id: 'telegram-bot-token',
    pattern: /\d{8,10}:AA[A-Za-z0-9_-]{33}(?![A-Za-z0-9_-])/g,
    prefilter: [':AA'],
    boundary: true,
  },
  {
    id: 'jwt',
    // `eyJ` is `{"` in base64; a header with a space (`{ "alg"…`) starts `eyAi`, as gitleaks reads.
    pattern: /ey[A-Za-z0-9_-]{8,8192}\.ey[A-Za-z0-9_/-]{8,65536}\.[A-Za-z0-9_/-]{0,8192}/g,
    prefilter: /ey[A-Za-z0-9_-]{8}/,
  },
  // Structural rules: the secret is part of a larger shape whose rest stays readable.
  {
    // base64 (or base64url) runs whose decoded text holds a secret, or whose bytes are a private key.
    id: 'base64-secret',
    scan: (text, probe) => base64SecretSpans(text, probe),
    prefilter: /[A-Za-z0-9+/_-]{16}/,
  },
  {
    // A word quoted piecewise (`'password = '"'"'x'"'"''`, as `exec` re-quotes a command line):
    // judged on its unquoted value; when that holds a secret, the whole word goes.
    id: 'quoted-secret',
    scan: (text, probe) => requotedSecretSpans(text, probe),
    prefilter: [`'"'"'`, `'\\''`],
  },
  {
    // JSON inside a JSON string (`"{\"password\":\"x\"}"`, any depth): decoded, redacted, encoded back.
    id: 'escaped-secret',
    rewrite: (text, redact, mark) => rewriteEscapedJson(text, redact, mark),
    prefilter: ['\\"', "\\'", '<<'],
  },
  {
    // ANSI-C quoting (`bash -c $'PGPASSWORD=\'x\' psql'`): decoded, redacted, encoded back.
    id: 'escaped-secret',
    rewrite: (text, redact, mark) => rewriteAnsiC(text, redact, mark),
    prefilter: ["$'"],
  },
  {
    id: 'credentialed-url',
    stopAt: NEXT_KEY,
    // scheme://user:password@host — the password may itself contain `@` (the last `@` ends it).
    // Anchored on `://`, not the scheme, so an earlier rule eating the scheme cannot hide it.
    pattern: /(:\/\/[^\s:/@'"`\\]*:)([^\s/'"`\\]{1,1024})(@[^\s@/'"`\\]*)/gi,
    group: 2,
    prefilter: ['://'],
    validate: (s) => !/^\d{1,5}$/.test(s) && notPlaceholder(s),
  },
  {
    id: 'url-secret-param',
    stopAt: NEXT_KEY,
    pattern: g(
      String.raw`([?&;](?:password|passwd|pwd|pass|secret|token|access_token|refresh_token|id_token|api_key|apikey|api-key|client_secret|auth|private_token|key|code|x-amz-signature|x-amz-security-token|x-goog-signature|x-goog-security-token|signature|session_token|sessiontoken|hmac)=)([^&\s'"#\x60\\]{4,4096})`,
      'i',
    ),
    group: 2,
    prefilter: /[?&;][a-z_-]*(?:pass|pwd|secret|token|key|auth|code|signature|hmac)=/i,
    validate: (s) => notPlaceholder(s),
  },
  {
    id: 'authorization-header',
    stopAt: NEXT_KEY,
    pattern: g(
      String.raw`((?:proxy-)?authorization(?:\\?["'])?\s*[:=]\s*(?:\\?["'])?(?:bearer|basic|token|bot|digest|negotiate|apikey|sso-key|splunk|gitlab-token)?[ \t]*)([A-Za-z0-9._~+/=:-]{6,8192})`,
      'i',
    ),
    group: 2,
    prefilter: /authorization/i,
    validate: (s) => notPlaceholder(s) && !/^(?:bearer|basic|token|digest)$/i.test(s),
  },
  {
    id: 'api-key-header',
    stopAt: NEXT_KEY,
    pattern: g(
      String.raw`((?:x-api-key|x-auth-token|x-access-token|private-token|x-goog-api-key|api-key|x-vault-token|x-figma-token|dd-api-key|dd-application-key|x-shopify-access-token)(?:\\?["'])?\s*[:=]\s*(?:\\?["'])?)([A-Za-z0-9._~+/=-]{8,4096})`,
      'i',
    ),
    group: 2,
    prefilter: /-(?:key|token)/i,
    validate: (s) => notPlaceholder(s),
  },
  {
    id: 'bearer-token',
    stopAt: NEXT_KEY,
    pattern: /(\bbearer[ \t]+)([A-Za-z0-9._~+/-]{16,8192}=*)/gi,
    group: 2,
    prefilter: /bearer/i,
    validate: (s) => notPlaceholder(s),
  },
  {
    // `export GITHUB_TOKEN=…`, `set -x NPM_PASSWORD …` style lines: any value, however short.
    id: 'env-export',
    stopAt: NEXT_KEY,
    pattern: g(
      String.raw`((?:export|setenv|set\s+-x|\$env:)\s*[A-Za-z_][A-Za-z0-9_]*(?:TOKEN|SECRET|PASSWORD|PASSWD|PASS|KEY|AUTH|CREDENTIALS?|PRIVATE|DSN|SIG|SIGNATURE|COOKIE|SESSION)[A-Za-z0-9_]*\s*[= ]\s*)${VALUE}`,
      'i',
    ),
    group: VALUE_GROUPS,
    prefilter: /export|setenv|set\s+-x|\$env:/i,
    boundary: true,
    validate: (s) => notPlaceholder(s),
  },
  {
    // password=…, "secret": "…", api_key: …, PASSWORD => '…', token := "…" (the key may be
    // prefixed: db_password, client.secret). The key must start a word: `compass: north` is prose.
    id: 'secret-assignment',
    stopAt: NEXT_KEY,
    pattern: g(String.raw`(${SECRET_NAME}(?:\\?["'])?${TYPED}[ \t]*${ASSIGN}[ \t]*)${VALUE}`, 'i'),
    group: VALUE_GROUPS,
    prefilter: /pass|secret|token|key|credential|auth/i,
    boundary: 'key',
    validate: (s, text, start) => notPlaceholder(s) && assignmentValueOk(s, text, start),
  },
  {
    // SIGNING_KEY=…, STRIPE_SECRET_KEY: … (upper-case names ending in _KEY).
    id: 'secret-assignment',
    stopAt: NEXT_KEY,
    pattern: g(String.raw`(_KEY(?:\\?["'])?${TYPED}[ \t]*${ASSIGN}[ \t]*)${VALUE}`),
    group: VALUE_GROUPS,
    prefilter: ['_KEY'],
    validate: (s, text, start, matchStart) =>
      /[A-Z0-9]$/.test(text.slice(Math.max(0, matchStart - 1), matchStart)) &&
      notPlaceholder(s) &&
      assignmentValueOk(s, text, start),
  },
  {
    // Credential flags read per program, anywhere in a command line: mysql -pX, sshpass -p X,
    // docker login -p X, redis-cli -a X, keytool -storepass X, htpasswd -b f user X, --db-password=X.
    id: 'cli-credential',
    scan: (text) => commandCredentialSpans(text),
    prefilter: CLI_PREFILTER,
    validate: (s) => notVariable(s.replace(/^(["'])(.*)\1$/s, '$2')),
  },
  {
    // Any key whose name says secret, whatever the value looks like (hex, base64, quoted):
    // SECRET_KEY_BASE=…, hmac_signing_key: …, {"apiSecret": …}, STRIPE_WEBHOOK_SECRET_PROD=…,
    // PGPASSWORD=… and MYSQL_PWD=… anywhere in a line, os.environ['API_TOKEN'] = '…'.
    id: 'secret-key-name',
    stopAt: NEXT_KEY,
    // Anchored on the secret word (fast to find); the validator reads the whole key back from there.
    pattern: g(
      String.raw`(?:${SECRET_WORDS})[A-Za-z0-9_.-]{0,40}((?:\\?["'])?\]?${TYPED}[ \t]*${ASSIGN}[ \t]*)${VALUE}`,
      'i',
    ),
    group: VALUE_GROUPS,
    prefilter: SECRET_WORD,
    validate: (s, text, start, matchStart) =>
      notPlaceholder(s) && secretKeyValueOk(s, text, start, matchStart),
  },
  {
    // A key named after a service, with a machine-made value: `hubspot: <uuid>`, `DISCORD=<hex>`,
    // `"sentry": "…"`, and the separators gitleaks reads there (`||`, `>`, `,`).
    id: 'vendor-key-name',
    stopAt: NEXT_KEY,
    pattern: g(
      String.raw`(?:${VENDOR_NAMES})[A-Za-z0-9_.-]{0,40}((?:\\?["'])?${TYPED}[ \t]*(?:${ASSIGN}|\|\||[>,])[ \t]*)${VALUE}`,
      'i',
    ),
    group: VALUE_GROUPS,
    prefilter: new RegExp(VENDOR_NAMES, 'i'),
    boundary: 'key',
    validate: (s, text, start, matchStart) =>
      notPlaceholder(s) && vendorKeyValueOk(s, text, start, matchStart),
  },
  {
    // A Kubernetes Secret: every value under its `data:` / `stringData:` is secret, whatever the key.
    id: 'kubernetes-secret',
    scan: (text) => kubernetesSecretSpans(text),
    prefilter: /kind:[ \t]*["']?secret/i,
  },
  {
    // Bundler's credentials for a gem source, BUNDLE_<HOST>=user:password (gitleaks' sidekiq rules):
    // the password goes, the user stays.
    id: 'bundler-credentials',
    pattern:
      /(\bBUNDLE_[A-Z0-9_]*__[A-Z0-9_]+(?:\\?["'])?[ \t]*(?:=>|[:=])[ \t]*["']?[^\s"':@]{1,256}:)([^\s"'@]{1,1024})/g,
    group: 2,
    prefilter: ['BUNDLE_'],
    validate: (s) => notPlaceholder(s) && notVariable(s),
  },
  {
    // An XML element named as a secret: `<clientSecret>…</clientSecret>`, the value alone on its own
    // line or not (raw, or inside a JSON string with `\n` escapes).
    id: 'secret-xml',
    pattern:
      /<([A-Za-z_][A-Za-z0-9_.:-]{0,64})>(?:\s|\\[nrt]){0,64}([^<>\s\\]{1,4096})(?:\s|\\[nrt]){0,64}<\/\1>/g,
    group: 2,
    prefilter: SECRET_WORD,
    validate: (s, text, start, matchStart) =>
      notPlaceholder(s) && keyValueOk(/^<([^>]*)>/.exec(text.slice(matchStart))![1]!, s, text, start),
  },
  {
    // A key/value pair in attributes: NuGet's `<add key="ClearTextPassword" value="…" />`.
    id: 'secret-xml',
    pattern: /\bkey=(["'])([A-Za-z_][A-Za-z0-9_.:-]{0,64})\1[ \t]*value=(["'])([^"'<>\n]{1,4096})\3/gi,
    group: 4,
    prefilter: /\bkey=/i,
    validate: (s, text, start, matchStart) =>
      notPlaceholder(s) && keyValueOk(/^key=["']([^"']*)/i.exec(text.slice(matchStart))![1]!, s, text, start),
  },
  {
    // A call given a secret's name and its value: `System.setProperty("API_TOKEN", "…")`,
    // `os.Setenv("DB_PASSWORD", "…")`. A capitalised word is a label (`t("password", "Password")`).
    id: 'secret-call-argument',
    pattern: /\(\s*(["'])([A-Za-z_][A-Za-z0-9_.-]{0,64})\1\s*,\s*(["'])([^"'\\\n]{1,4096})\3\s*\)/g,
    group: 4,
    prefilter: SECRET_WORD,
    validate: (s, text, start, matchStart) =>
      notPlaceholder(s) &&
      !/^[A-Z]?[a-z]+(?: [a-z]+)*$/.test(s) &&
      keyValueOk(/^\(\s*["']([^"']*)/.exec(text.slice(matchStart))![1]!, s, text, start),
  },
  {
    // SQL: ALTER USER … PASSWORD 'x', CREATE USER … IDENTIFIED BY 'x'.
    id: 'sql-password',
    pattern: /(\b(?:PASSWORD|IDENTIFIED\s+BY)(?:\s*=\s*|\s+))'((?:[^'\\\n]|''){1,256})'/gi,
    group: 2,
    prefilter: /password|identified/i,
    validate: (s) => notVariable(s),
  },
  {
    // .netrc: `machine host login user password X` (one line or several).
    id: 'netrc-password',
    pattern: /(\b(?:password|passwd)[ \t]+)([^\s"'\\]{1,1024})/g,
    group: 2,
    prefilter: ['machine', 'login'],
    validate: (s, text, start) =>
      notPlaceholder(s) &&
      /\b(?:machine|default)\s+\S+[\s\S]{0,200}$/.test(text.slice(Math.max(0, start - 240), start)),
  },
  {
    // .pgpass: host:port:database:user:password
    id: 'pgpass-line',
    pattern:
      /((?:^|[\s'"])[A-Za-z0-9_.*[\]-]{1,255}:(?:\d{1,5}|\*):[^:\s'"]{1,255}:[^:\s'"]{1,255}:)([^\s'":]{6,1024})(?=['"]?(?:\s|$))/gm,
    group: 2,
    prefilter: /:(?:\d{1,5}|\*):/,
    validate: (s) => notPlaceholder(s),
  },
  {
    // curl -u user:password, wget --password=…
    id: 'cli-credential',
    stopAt: NEXT_KEY,
    pattern:
      /((?:^|[\s"'])(?:-u|--user|--proxy-user)[ =](?:\\?["'])?[^\s:'"\\]+:)([^\s'"\\]{3,1024})|((?:^|\s)--(?:password|passwd|token|api-key|secret)[ =](?:\\?["'])?)([^\s'"\\]{3,1024})/g,
    group: [2, 4],
    prefilter: /-u|--user|--proxy-user|--pass|--token|--api-key|--secret/,
    validate: (s) => notPlaceholder(s),
  },
  {
    // .env content: KEY=value lines whose value looks machine-generated, whatever the key is called.
    id: 'dotenv-value',
    stopAt: NEXT_KEY,
    pattern:
      /^([ \t]*(?:export[ \t]+)?[A-Za-z_][A-Za-z0-9_.]*[ \t]*=[ \t]*(?:\\?["'])?)([^\s"'#\\]{12,4096})/gm,
    group: 2,
    prefilter: ['='],
    entropy: true,
    validate: (s, text, start) =>
      notPlaceholder(s) &&
      !isIdentifier(s) &&
      looksRandom(s, { minLength: 12 }) &&
      !inPathWord(text, start, start + s.length),
  },
  {
    id: 'high-entropy',
    stopAt: NEXT_KEY,
    pattern: /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{24,}={0,2}(?![A-Za-z0-9+/_-])/g,
    entropy: true,
    validate: (s, text, start) =>
      !isIdentifier(s) &&
      !/^nonce-/i.test(s) &&
      !isSshPublicKeyBlob(s) &&
      looksRandom(s) &&
      !precededByHashContext(text, start) &&
      !inPathWord(text, start, start + s.length),
  },
];

/** The rule ids a record may name, in order (for docs and tests). */
export const DEFAULT_RULE_IDS: readonly string[] = DEFAULT_RULES.map((r) => r.id);

/** Kept for callers written against the baseline rule set. */
export const BASELINE_RULES = DEFAULT_RULES;

const WEAK_KEY = new RegExp(
  String.raw`(?:^|[^A-Za-z0-9])(?:token|secret|key|auth|credentials?)(?:\\?["'])?${TYPED}\s*${ASSIGN}\s*$`,
  'i',
);
const PASSWORD_KEY = new RegExp(String.raw`pass(?:word|wd|phrase)?(?:\\?["'])?${TYPED}\s*${ASSIGN}\s*$`, 'i');
const UPPER_KEY = new RegExp(String.raw`KEY(?:\\?["'])?${TYPED}\s*${ASSIGN}\s*$`);

/**
 * For weak key names (`token:`, `auth=`), prose is common ("the token: expired"): keep a short
 * lowercase word. Password-like keys redact any value.
 */
function assignmentValueOk(secret: string, text: string, start: number): boolean {
  const before = text.slice(Math.max(0, start - 48), start).replace(/\\?["']$/, '');
  if (PASSWORD_KEY.test(before)) return secret.length >= 3;
  if (WEAK_KEY.test(before) || UPPER_KEY.test(before)) {
    if (/^[a-z]+$/.test(secret) && secret.length < 12) return false;
    if (/^\d{1,6}$/.test(secret)) return false;
  }
  return secret.length >= 4;
}

const K8S_KIND = /^[ \t]*kind:[ \t]*["']?Secret["']?[ \t]*$/im;
const K8S_DATA = /^([ \t]*)(?:data|stringData):[ \t]*\r?$/gm;
const K8S_ENTRY = /^([ \t]+)[\w.-]+:[ \t]*(?:["']?)([^\s"'#][^\s"']*)["']?[ \t]*\r?$/;

/** Spans of the values under `data:` and `stringData:` in a text that is a Kubernetes Secret. */
function kubernetesSecretSpans(text: string): number[] {
  if (!K8S_KIND.test(text)) return [];
  const spans: number[] = [];
  for (const m of text.matchAll(K8S_DATA)) {
    const indent = m[1]!.length;
    let at = m.index + m[0].length + 1;
    while (at < text.length) {
      const end = text.indexOf('\n', at) === -1 ? text.length : text.indexOf('\n', at);
      const line = text.slice(at, end);
      // The block ends at the first line indented no deeper than its `data:` (blank lines go on).
      if (line.trim() !== '' && /^[ \t]*/.exec(line)![0].length <= indent) break;
      const e = K8S_ENTRY.exec(line);
      if (e && !e[2]!.startsWith('[REDACTED:')) {
        const start = at + e[0].indexOf(e[2]!, e[1]!.length);
        spans.push(start, start + e[2]!.length);
      }
      at = end + 1;
    }
  }
  return spans;
}
