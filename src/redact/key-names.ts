// Key names that say "secret": `SECRET_KEY_BASE`, `hmac_signing_key`, `apiSecret`,
// `STRIPE_WEBHOOK_SECRET_PROD`, `PGPASSWORD`, `MYSQL_PWD`, `X-Amz-Signature`. A strong name
// (password, secret, token, credential) redacts any value; a weak one (a qualified `key`, auth,
// signature, salt, cookie, hmac) only a value that looks machine-made. Dependency-free.
import { looksRandom } from './entropy.js';
import { inPathWord } from './identifiers.js';

/** Words of a key: `apiSecret` → api, secret; `SECRET_KEY_BASE` → secret, key, base. */
export function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 0)
    .map((w) => w.toLowerCase());
}

const STRONG =
  /^(?:password|passwd|passphrase|passcode|secret|secrets|token|credential|credentials|apikey|privatekey|pwd|pass)$/;
/** Glued names (`PGPASSWORD`, `SSHPASS`, `authtoken`, `clientsecret`): a strong word inside one word. */
const STRONG_INSIDE = /password|passwd|passphrase|secret|token|sshpass|credential/;
/** Words that contain a strong word but are not secrets. */
const NOT_SECRET_WORD =
  /^(?:tokeni[sz]\w*|tokens|secretary\w*|passwordless|passed|passes|passing|passthrough|bypass\w*|compass\w*|passenger\w*|passive\w*|passport\w*)$/;
const WEAK = /^(?:key|auth|sig|signature|salt|cookie|hmac|private|jwt|bearer|dsn|seed|otp|pin)$/;
/** A last word that makes the value something about the secret, not the secret. */
const META =
  /^(?:id|ids|type|types|name|names|file|files|path|paths|dir|url|uri|endpoint|length|len|size|count|limit|ttl|expiry|expires|expiration|at|header|headers|field|prefix|suffix|format|mode|version|enabled|required|policy|policies|algorithm|alg|hint|env|var|provider|store|ring|usage|location|ref|arn|version|rotation|set|list|index|len|tokens|public|pub|fingerprint|kind|method|scheme|source|label|template|regex|pattern|param|class)$/;

export type KeyStrength = 'strong' | 'weak' | null;

/** How strongly a key name says its value is a secret. */
export function keyStrength(key: string): KeyStrength {
  const words = keyWords(key);
  if (words.length === 0 || words.length > 10) return null;
  const last = words[words.length - 1]!;
  if (META.test(last) || words.includes('public') || words.includes('pub')) return null;
  let weak = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (NOT_SECRET_WORD.test(w)) continue;
    // `pwd`, `pass` and `key` alone are too common (`PWD=/home/x`, `pass: true`, `key: title`).
    if (STRONG.test(w) && !((w === 'pwd' || w === 'pass') && words.length === 1)) return 'strong';
    if (w.length > 6 && STRONG_INSIDE.test(w)) return 'strong';
    if (WEAK.test(w) && !(w === 'key' && words.length === 1)) weak = true;
    if (
      w.length > 3 &&
      /^(?:\w+key|\w+auth)$/.test(w) &&
      !/^(?:monkey|turkey|hockey|jockey|donkey|whiskey|hotkey|hotkeys|keykey|oauth)$/.test(w)
    )
      weak = true;
  }
  return weak ? 'weak' : null;
}

/** A value that looks machine-made: a hex or base64 run, or random letters and digits. */
function looksMachineMade(v: string): boolean {
  if (v.length < 12) return false;
  if (/\s/.test(v)) return false;
  if (/^[0-9a-fA-F]{16,}$/.test(v)) return true;
  if (/^[A-Za-z0-9+/_-]{16,}={0,2}$/.test(v) && /[0-9]/.test(v) && /[A-Za-z]/.test(v)) return true;
  return looksRandom(v, { minLength: 12 });
}

/** Validate a `secret-key-name` candidate: the key is read from the text before the value. */
export function secretKeyValueOk(secret: string, text: string, start: number, matchStart: number): boolean {
  return keyValueOk(keyBefore(text, start, matchStart), secret, text, start);
}

/**
 * The key of a value at `start`, read back from a match that starts inside it (at the secret or
 * service word): to the start of the key (`PG` of `PGPASSWORD`), at most 40 characters back.
 */
function keyBefore(text: string, start: number, matchStart: number): string {
  let k = matchStart;
  const floor = Math.max(0, matchStart - 40);
  while (k > floor && /[A-Za-z0-9_.-]/.test(text[k - 1]!)) k--;
  return /^[A-Za-z0-9_.-]*/.exec(text.slice(k, start))?.[0] ?? '';
}

/** Whether `secret` (at `start` in `text`) is a secret as the value of a key named `key`. */
export function keyValueOk(key: string, secret: string, text: string, start: number): boolean {
  const strength = keyStrength(key);
  if (strength === null) return false;
  const v = secret.trim();
  if (/^(?:true|false|yes|no|on|off|null|nil|none|0|1|-1)$/i.test(v)) return false;
  if (strength === 'strong') {
    const words = keyWords(key);
    const passwordish = words.some((w) => /pass|pwd/.test(w));
    if (passwordish) return v.length >= 3;
    if (/^\d{1,6}$/.test(v)) return false;
    if (/^[a-z]+$/.test(v) && v.length < 12) return false;
    return v.length >= 4;
  }
  if (/[/\\]/.test(v) && inPathWord(text, start, start + secret.length)) return false;
  return looksMachineMade(v);
}

/**
 * Services whose name alone, as a key, says the value is theirs: the identifiers of gitleaks'
 * semi-generic rules (`hubspot: <uuid>`, `DISCORD=<hex>`, `sentry,<token>`).
 */
export const VENDOR_NAMES =
  'adafruit|adobe|airtable|algolia|alibaba|artifactory|asana|atlassian|beamer|bintray|bitbucket|bittrex|cloudflare|codecov|coinbase|confluent|contentful|datadog|discord|droneci|dropbox|etsy|facebook|fastly|finicity|finnhub|flickr|freshbooks|gitter|gocardless|heroku|hubspot|intercom|jfrog|kraken|kucoin|launchdarkly|linear|linkedin|lob|looker|mailchimp|mailgun|mapbox|mattermost|meraki|messagebird|netlify|newrelic|nytimes|plaid|rapidapi|sendbird|sentry|settlemint|snyk|sonar|squarespace|sumo|sumologic|telegram|travis|twitch|twitter|typeform|xray|yandex|zendesk';
const VENDOR = new RegExp(`^(?:${VENDOR_NAMES})$`);

/** Validate a `vendor-key-name` candidate: a key holding a service's name, a machine-made value. */
export function vendorKeyValueOk(secret: string, text: string, start: number, matchStart: number): boolean {
  const words = keyWords(keyBefore(text, start, matchStart));
  if (words.length === 0 || words.length > 6 || !words.some((w) => VENDOR.test(w))) return false;
  if (META.test(words[words.length - 1]!) || words.includes('public') || words.includes('pub')) return false;
  if (/[/\\]/.test(secret) && inPathWord(text, start, start + secret.length)) return false;
  return looksMachineMade(secret.trim());
}
