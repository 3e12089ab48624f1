// Identifiers and paths are structure: the entropy rules leave them alone, token-prefix rules do not.
import { describe, expect, test } from 'vitest';
import { breachesBoundary, boundaryBreaches } from '../../src/record/glob.js';
import { looksRandom } from '../../src/redact/entropy.js';
import { Redactor } from '../../src/redact/redactor.js';
import { prng } from '../helpers/prng.js';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
// Draws come from a seeded generator: a failure names the same draws on every run and machine, and
// the counts below are large enough to cover the shapes (a crypto source made this suite flaky).
const draw = prng(0x9e3779b9);
const randomInt = (n: number) => Math.floor(draw() * n);
const randomBytes = (n: number) => Buffer.from(Array.from({ length: n }, () => randomInt(256)));
const pick = (alphabet: string, n: number) =>
  Array.from({ length: n }, () => alphabet[randomInt(alphabet.length)]).join('');
/** A random string that holds both letters and digits, as real ids and tokens do. */
function mixed(n: number, alphabet = BASE62): string {
  for (;;) {
    const s = pick(alphabet, n);
    if (/[0-9]/.test(s) && /[A-Za-z]/.test(s)) return s;
  }
}
const toolId = () => `toolu_01${mixed(22)}`;
const requestId = () => `req_011C${mixed(20)}`;
const ulid = () => `0${mixed(25, CROCKFORD)}`;
const ghToken = () => `ghp_${mixed(36)}`;

// Each shape is tried with many random draws: a heuristic that passes one draw may fail the next.
const DRAWS = 200;

describe('identifiers keep their value', () => {
  test.each([
    ['tool id', toolId],
    ['request id', requestId],
    ['message id', () => `msg_01${mixed(22)}`],
    ['Vertex message id', () => `msg_vrtx_01${mixed(22)}`],
    ['OpenAI call id', () => `call_${mixed(24)}`],
    ['chat completion id', () => `chatcmpl-${mixed(29)}`],
    ['ULID', ulid],
  ])('a %s, alone and in prose', (_name, make) => {
    for (let i = 0; i < DRAWS; i++) {
      const id = make();
      for (const text of [id, `result of ${id}: ok`, JSON.stringify({ tool_use_id: id })]) {
        expect(new Redactor().redact(text)).toBe(text);
      }
    }
  });

  test('values under id keys (uuid, parentUuid, requestId, message.id, commits) are kept', () => {
    for (let i = 0; i < DRAWS; i++) {
      const event = {
        uuid: mixed(32),
        parentUuid: mixed(32),
        requestId: mixed(28),
        message: { id: mixed(30), content: [{ type: 'tool_use', id: toolId() }] },
        session_id: mixed(36),
        repo: { commits: [mixed(40)] },
      };
      expect(new Redactor().redactDeep(event)).toEqual(event);
    }
  });

  test('a token under an id key is still redacted by its prefix rule', () => {
    const token = ghToken();
    const out = new Redactor().redactDeep({ request_id: token, tool_use_id: `x-${token}` });
    expect(JSON.stringify(out)).not.toContain(token);
    expect(out.request_id).toBe('[REDACTED:github-token]');
  });

  test('random text under an ordinary key is still caught by the entropy rule', () => {
    for (let i = 0; i < 20; i++) {
      const secret = mixed(40);
      if (!looksRandom(secret)) continue;
      expect(new Redactor().redactDeep({ note: secret }).note).toBe('[REDACTED:high-entropy]');
    }
  });
});

describe('paths keep their value', () => {
  test.each([
    ['hashed infra file', () => `infra/prod/main-${mixed(24)}.tf`],
    ['hashed asset', () => `public/assets/app-${mixed(20)}.js`],
    [
      'tool result file',
      () => `/Users/alice/.claude/projects/-Users-alice-src-shop/tool-results/${toolId()}.txt`,
    ],
    ['home path', () => `~/.cache/build-${mixed(30)}/out.log`],
    ['directory with a random name', () => `node_modules/.cache/${mixed(32)}`],
    ['Windows path', () => `C:\\Users\\bob\\AppData\\Local\\Temp\\${mixed(28)}.tmp`],
  ])('a %s, alone, in a command and in JSON', (_name, make) => {
    for (let i = 0; i < DRAWS; i++) {
      const path = make();
      for (const text of [path, `cat ${path} | head`, JSON.stringify({ tool_input: { file_path: path } })]) {
        expect(new Redactor().redact(text)).toBe(text);
      }
    }
  });

  test('values under path keys (file_path, cwd, read, changed paths) are kept whole', () => {
    for (let i = 0; i < DRAWS; i++) {
      const record = {
        cwd: `/srv/${mixed(30)}`,
        tool_input: { file_path: `${mixed(30)}/${mixed(24)}` },
        files: { read: [`${mixed(30)}`], changed: [{ path: `gen/${mixed(40)}`, old_path: mixed(26) }] },
      };
      expect(new Redactor().redactDeep(record)).toEqual(record);
    }
  });

  test('a path holding a real token is marked redacted, directories kept', () => {
    const token = ghToken();
    expect(new Redactor().redact(`secrets/${token}.txt`)).toBe('secrets/[REDACTED:github-token].txt');
    expect(new Redactor().redactDeep({ file_path: `a/${token}` }).file_path).toBe(
      'a/[REDACTED:github-token]',
    );
  });

  test('a base64 key with slashes is not mistaken for a path', () => {
    let tried = 0;
    for (let i = 0; i < DRAWS * 40; i++) {
      const key = randomBytes(30).toString('base64');
      // Only keys the entropy rule judges random on their own: the path exemption must not save them.
      if (!key.includes('/') || !looksRandom(key)) continue;
      tried++;
      expect(new Redactor().redact(`signing key ${key} rotated`)).not.toContain(key);
    }
    expect(tried).toBeGreaterThan(DRAWS * 10);
    // Found by a CI run: a rooted key whose first segment is eight hex digits read as an id.
    const key = '/6EE9CCf1/RQJZDBDwdDb2HiNkG3Gnl9aXmimLyZ';
    expect(new Redactor().redact(`signing key ${key} rotated`)).not.toContain(key);
  });

  test('a URL is not a path: a random segment in it is still caught', () => {
    for (let i = 0; i < 50; i++) {
      const secret = mixed(36);
      if (!looksRandom(secret)) continue;
      expect(new Redactor().redact(`https://files.example.com/d/${secret}`)).not.toContain(secret);
    }
  });
});

describe('look-alikes stay intact', () => {
  test('CSP nonces in headers and attributes', () => {
    for (let i = 0; i < DRAWS; i++) {
      const nonce = randomBytes(18).toString('base64');
      for (const text of [
        `Content-Security-Policy: script-src 'nonce-${nonce}' 'strict-dynamic'`,
        `<script nonce="${nonce}" src="/app.js"></script>`,
      ]) {
        expect(new Redactor().redact(text)).toBe(text);
      }
    }
  });

  test('a sourceMappingURL data URI', () => {
    const map = { version: 3, sources: ['src/app.ts'], names: [], mappings: 'AAAA,SAASA,GAAG;AACnB' };
    const line = `//# sourceMappingURL=data:application/json;charset=utf-8;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}`;
    expect(new Redactor().redact(line)).toBe(line);
  });

  test('ssh public keys of every type stay whole', () => {
    const blob = (type: string, bytes: number) => {
      const name = Buffer.from(type);
      const len = Buffer.alloc(4);
      len.writeUInt32BE(name.length);
      return Buffer.concat([len, name, randomBytes(bytes)]).toString('base64');
    };
    for (let i = 0; i < 50; i++) {
      for (const [type, n] of [
        ['ssh-rsa', 270],
        ['ssh-ed25519', 36],
        ['ecdsa-sha2-nistp256', 100],
        ['sk-ssh-ed25519@openssh.com', 50],
      ] as const) {
        const line = `${type} ${blob(type, n)} alice@laptop`;
        expect(new Redactor().redact(line)).toBe(line);
      }
    }
  });
});

describe('the boundary fails closed on a redacted path', () => {
  const redacted = 'infra/[REDACTED:github-token].tf';
  test('outside every allow glob, even one that would match its directory', () => {
    expect(breachesBoundary(redacted, { allow: ['infra/**'], deny: [] })).toBe(true);
    expect(boundaryBreaches([redacted], { allow: ['**'], deny: [] })).toEqual([
      { path: redacted, reason: 'outside-allow', glob: null },
    ]);
  });

  test('a deny glob that matches still names itself', () => {
    expect(boundaryBreaches([redacted], { allow: [], deny: ['infra/**'] })).toEqual([
      { path: redacted, reason: 'denied', glob: 'infra/**' },
    ]);
  });

  test('a deny-only boundary still counts it as a breach', () => {
    expect(breachesBoundary('[REDACTED:github-token]/x', { allow: [], deny: ['infra/**'] })).toBe(true);
  });

  test('no boundary, no breach', () => {
    expect(breachesBoundary(redacted, { allow: [], deny: [] })).toBe(false);
  });
});
