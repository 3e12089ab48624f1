// Record IDs of agent runs, derived from the session (no schema here: the git hooks' fast path uses it).
import { createHash } from 'node:crypto';

/** A stable record ID for a run (same input, same ID), so sealing twice is idempotent. */
export function runIdFor(seed: string): string {
  const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
  const bytes = createHash('sha256').update(`agent-log:${seed}`).digest();
  let out = '';
  for (const byte of bytes) {
    if (byte < 252 && out.length < 10) out += ALPHABET[byte % 36];
  }
  if (/^[0-9a-f]/.test(out)) out = ALPHABET[16 + (out.charCodeAt(1) % 20)]! + out.slice(1);
  return out;
}
