// The synthetic secret corpus (test/fixtures/secrets/secrets.txt), expanded with a seeded generator
// at test time so the repository never holds a secret-shaped string (push protection stays quiet).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './repo.js';
import { prng } from './prng.js';

export interface CorpusSecret {
  /** The rule expected to name this secret when the line stands alone. */
  rule: string;
  /** The full line: the secret with its context (key name, host…). */
  text: string;
  /** The parts that must never survive redaction. */
  secrets: string[];
  /** True when the whole line is one token (fit to embed in a file name). */
  standalone: boolean;
}

const FIXTURES = join(ROOT, 'test', 'fixtures', 'secrets');

const ALPHABETS: Record<string, string> = {
  alnum: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  hex: '0123456789abcdef',
  b64: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
  b64url: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
  upper: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567',
  digits: '0123456789',
  bech32: 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L',
};

function token(rand: () => number, alphabet: string, n: number): string {
  // Real tokens mix character classes; re-draw the rare all-letters or all-digits outcome.
  for (;;) {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
    if (n < 8 || alphabet.length <= 16) return s;
    if (/[0-9]/.test(s) && /[A-Za-z]/.test(s) && (!/[a-z]/.test(alphabet) || /[a-z]/.test(s))) return s;
  }
}

function expand(template: string, rand: () => number): string {
  return template.replace(/\{\{(\w+)(?::(\d+))?\}\}/g, (_, kind: string, n?: string) => {
    if (kind === 'uuid') {
      const h = token(rand, ALPHABETS.hex!, 32);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
    }
    const alphabet = ALPHABETS[kind];
    if (!alphabet) throw new Error(`unknown template kind ${kind}`);
    return token(rand, alphabet, Number(n));
  });
}

export function loadSecretCorpus(seed = 20261123): CorpusSecret[] {
  const rand = prng(seed);
  const lines = readFileSync(join(FIXTURES, 'secrets.txt'), 'utf8').split('\n');
  const out: CorpusSecret[] = [];
  for (const line of lines) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const tab = line.indexOf('\t');
    const rule = line.slice(0, tab);
    const expanded = expand(line.slice(tab + 1), rand).replace(/\\n/g, '\n');
    const secrets = [...expanded.matchAll(/⟦([^⟧]*)⟧/g)].map((m) => m[1]!);
    const text = expanded.replace(/[⟦⟧]/g, '');
    out.push({ rule, text, secrets: secrets.length ? secrets : [text], standalone: secrets.length === 0 });
  }
  return out;
}

export function loadLookalikes(): string[] {
  return readFileSync(join(FIXTURES, 'lookalikes.txt'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'));
}

/** Ways a secret shows up in a run: a prompt, a command, command output, a file name. */
export function embeddings(s: CorpusSecret): { where: string; text: string }[] {
  const out = [
    { where: 'prompt', text: `Deploy with these settings:\n${s.text}\nand tell me when done.` },
    { where: 'command', text: `curl -sS -d '${s.text}' https://ci.example.com/hooks` },
    {
      where: 'output',
      text: `Error: request failed (401)\n  at config: ${s.text}\n  at main (index.js:3:7)`,
    },
    { where: 'json', text: JSON.stringify({ tool_input: { command: `echo "${s.text}"` } }) },
  ];
  // Paths are exempt from the entropy rule (a hashed file name is not a secret): only a secret with a
  // known shape is caught inside a file name.
  if (s.standalone && s.rule !== 'high-entropy')
    out.push({ where: 'file name', text: `config/keys/${s.text}.json` });
  return out;
}
