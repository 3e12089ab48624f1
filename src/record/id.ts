// Record IDs: random, lowercase, 10 characters of [0-9a-z] (~51 bits), resolvable by unique prefix.
// node:crypto loads when an ID is made, not when a reader merely checks one (it costs ~3 ms at start).
const crypto = () => process.getBuiltinModule('node:crypto');

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
export const ID_LENGTH = 10;
export const MIN_PREFIX = 4;
export const ID_PATTERN = /^[0-9a-z]{10}$/;

export function newRecordId(): string {
  // Rejection sampling keeps the distribution uniform over the 36 symbols.
  let out = '';
  while (out.length < ID_LENGTH) {
    for (const byte of crypto().randomBytes(16)) {
      if (byte < 252 && out.length < ID_LENGTH) out += ALPHABET[byte % 36];
    }
  }
  // A leading letter keeps IDs from being mistaken for abbreviated commit hashes.
  if (/^[0-9a-f]/.test(out)) out = ALPHABET[10 + 6 + (out.charCodeAt(1) % 20)]! + out.slice(1);
  return out;
}

export function isRecordId(s: string): boolean {
  return ID_PATTERN.test(s);
}

export function looksLikeIdPrefix(s: string): boolean {
  return /^[0-9a-z]{4,10}$/.test(s);
}

/** A stable record ID for a run (same input, same ID), so sealing twice is idempotent. */
export function runIdFor(seed: string): string {
  const bytes = crypto().createHash('sha256').update(`agent-log:${seed}`).digest();
  let out = '';
  for (const byte of bytes) {
    if (byte < 252 && out.length < ID_LENGTH) out += ALPHABET[byte % 36];
  }
  if (/^[0-9a-f]/.test(out)) out = ALPHABET[16 + (out.charCodeAt(1) % 20)]! + out.slice(1);
  return out;
}
