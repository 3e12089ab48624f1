// Heuristics for "this string looks like a random secret": used by the high-entropy and .env
// detectors. Tuned to leave alone what fills real logs: commit/tree IDs and other hex digests,
// UUIDs, lockfile integrity hashes, base64 of ordinary text, file paths and long identifiers.
// Dependency-free (the hook path loads it).

/** Shannon entropy in bits per character. */
export function shannonEntropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

const HEX_OR_UUID = /^[0-9a-fA-F-]+$/;
const DIGEST_PREFIX = /^(?:sha1|sha224|sha256|sha384|sha512|md5|blake2b|blake3)[-_]/i;
// Words of an identifier: `getUser2FA` → get, User, 2, FA. Random strings split into many tiny words.
const WORDS = /[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+|[^A-Za-z0-9]+/g;
const BASE64ISH = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** Mean length of identifier words: ≥ 3 for names and prose, ~1.5–2.3 for random tokens. */
export function meanWordLength(s: string): number {
  const words = s.match(WORDS);
  return words ? s.length / words.length : s.length;
}

/** base64 (std or url alphabet) that decodes to mostly printable text: an encoded sentence, not a key. */
export function isBase64OfText(s: string): boolean {
  if (s.length < 16 || !BASE64ISH.test(s)) return false;
  const body = s.replace(/=+$/, '');
  if (body.length % 4 === 1) return false;
  let bytes: Buffer;
  try {
    bytes = Buffer.from(body.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  } catch {
    return false;
  }
  if (bytes.length < 8) return false;
  let printable = 0;
  let letters = 0;
  for (const b of bytes) {
    if ((b >= 0x20 && b < 0x7f) || b === 0x0a || b === 0x0d || b === 0x09) printable++;
    if ((b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x20) letters++;
  }
  return printable / bytes.length >= 0.95 && letters / bytes.length >= 0.3;
}

export interface RandomnessOptions {
  /** Shortest string considered (default 24). */
  minLength?: number;
}

/**
 * Does `s` look like a machine-generated secret? Needs letters and digits, high entropy and
 * many short "words"; never true for hex digests, UUIDs, `sha512-…` integrity strings, base64
 * of ordinary text, or paths whose segments are ordinary names.
 */
export function looksRandom(s: string, opts: RandomnessOptions = {}): boolean {
  const minLength = opts.minLength ?? 24;
  if (s.length < minLength) return false;
  if (HEX_OR_UUID.test(s)) return false;
  if (DIGEST_PREFIX.test(s)) return false;
  if (s.includes('/')) {
    const segments = s.split('/').filter((x) => x.length > 0);
    // One random segment is enough (`<token>/Authorization`); a path is made of ordinary names.
    // Judge the alphanumeric runs of each segment, not the segment: a mktemp suffix or a bundler hash
    // (`agent-log-test-Xy3kQ9`, `index-DfK2p9Qa.js`) is a name, not a secret.
    if (
      segments.some((seg) =>
        seg.split(/[-_.]/).some((run) => run.length >= 16 && looksRandom(run, { minLength: 16 })),
      )
    ) {
      return true;
    }
    if (s.startsWith('/') || s.startsWith('./') || s.startsWith('~/')) return false;
    // A base64 key with slashes: its short pieces still look random.
    // A relative path made of names with short hashes (`assets/index-DfK2p9Qa`) has no long random run.
    const runs = s.split(/[/._-]/);
    if (!runs.some((run) => run.length >= 10 && segmentLooksRandom(run))) return false;
  }
  if (!/[0-9]/.test(s) || !/[A-Za-z]/.test(s)) return false;
  if (meanWordLength(s) > 2.6) return false;
  const h = shannonEntropy(s);
  if (h < entropyThreshold(s.length)) return false;
  if (isBase64OfText(s)) return false;
  return true;
}

function segmentLooksRandom(seg: string): boolean {
  if (HEX_OR_UUID.test(seg)) return false;
  return meanWordLength(seg) <= 2.6 && /[0-9]/.test(seg) && /[A-Za-z]/.test(seg);
}

/** Random base62 strings of length n have entropy close to log2(min(n, 62)); ask for most of it. */
function entropyThreshold(n: number): number {
  if (n < 16) return 3.2;
  if (n < 32) return 3.6;
  return 4.0;
}

/** Text immediately before a token that marks it as a content hash (go.sum, lockfiles, digests). */
const HASH_CONTEXT =
  /(?:\bh1:|\bsha(?:1|256|384|512)[:=-]|\bmd5[:=-]|integrity["']?\s*[:=]\s*["']?|;base64,|\bnonce-|\bnonce\\?["']?\s*[:=]\s*\\?["']?)$/i;

export function precededByHashContext(text: string, start: number): boolean {
  return HASH_CONTEXT.test(text.slice(Math.max(0, start - 16), start));
}

/**
 * An SSH public key blob (`ssh-rsa AAAAB3NzaC1yc2E…`): base64 of a length-prefixed key type name.
 * Public keys are published on purpose; a private key never has this shape.
 */
export function isSshPublicKeyBlob(s: string): boolean {
  if (!s.startsWith('AAAA') || s.length < 40) return false;
  const head = Buffer.from(s.slice(0, 64), 'base64');
  if (head.length < 12) return false;
  const n = head.readUInt32BE(0);
  if (n < 7 || n > 40 || head.length < 4 + n) return false;
  const type = head.subarray(4, 4 + n).toString('latin1');
  return /^(?:ssh-(?:rsa|dss|ed25519|ed448)|ecdsa-sha2-nistp\d{3}|sk-(?:ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com)(?:-cert-v01@openssh\.com)?$/.test(
    type,
  );
}
