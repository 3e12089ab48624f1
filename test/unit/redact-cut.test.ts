// Redact first, then cut (#11 point 5): every place that keeps only part of a long text — exec's output
// tail, the hook's JSON clipper (head and tail of each long string), the fold's command output tail —
// redacts before it cuts, so no cut position leaves a piece of a token, and a value whose key falls
// just outside the kept part is still hidden. Each case slides the cut across every offset of the secret.
import { describe, expect, test } from 'vitest';
import { foldSession } from '../../src/capture/session/fold.js';
import { clipJson, type ClipLimits } from '../../src/capture/hook/clip-json.js';
import { tailText } from '../../src/capture/manual/exec.js';
import {
  dropLeadingPartial,
  dropTrailingPartial,
  redactedHead,
  redactedTail,
} from '../../src/redact/caps.js';
import { Redactor } from '../../src/redact/redactor.js';
import { prng } from '../helpers/prng.js';

const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const draw = (next: () => number, n: number) =>
  Array.from({ length: n }, () => B62[Math.floor(next() * 62)]).join('');

const redactor = new Redactor();
const redact = (t: string) => redactor.redact(t);

/** No 8-character piece of `secret` may appear in `out`. */
function pieces(secret: string, out: string): string[] {
  const found: string[] = [];
  for (let i = 0; i + 8 <= secret.length; i++)
    if (out.includes(secret.slice(i, i + 8))) found.push(secret.slice(i, i + 8));
  return found;
}

const next = prng(20261130);
const token = () => `ghp_${draw(next, 36)}`;
const password = () => `${draw(next, 6)}-${draw(next, 10)}`;

describe('exec output tail', () => {
  test('a token cut by the tail at any offset leaves no piece of it', () => {
    const leaks: string[] = [];
    for (let at = 0; at <= 40; at++) {
      const secret = token();
      // One long line (no newline to cut at): the 4000-character tail starts `at` characters into the token.
      const out = `${'x'.repeat(5000)} ${secret}${'y'.repeat(4000 - (secret.length - at))}`;
      const { text, truncated } = tailText(out, 4000, redact);
      expect(truncated).toBe(true);
      leaks.push(...pieces(secret, text));
    }
    expect(leaks).toEqual([]);
  });

  test('a DB_PASSWORD= whose key falls outside the kept tail is still hidden', () => {
    for (let at = 1; at <= 12; at++) {
      const value = password();
      const line = `connecting with DB_PASSWORD=${value} to the primary`;
      const rest = ' ok'.repeat(1300);
      // cut `at` characters before the value: the key is (partly) outside what is kept
      const keep = value.length + at + ' to the primary'.length + rest.length;
      const out = `${'z'.repeat(9000)}\n${line}${rest}`;
      const { text } = tailText(out, keep, redact);
      expect(text.length).toBeLessThanOrEqual(keep + 40);
      expect(text, `cut ${at} before the value`).not.toContain(value);
    }
  });

  test('output that fits is redacted whole; a cut line at the edge is dropped', () => {
    const secret = token();
    expect(tailText(`deploying\nGITHUB_TOKEN=${secret}\n`, 4000, redact).text).toBe(
      'deploying\nGITHUB_TOKEN=[REDACTED:github-token]\n',
    );
    const lines = Array.from({ length: 600 }, (_, i) => `line ${i} ok`).join('\n');
    const { text } = tailText(lines, 1000, redact);
    expect(text.split('\n')[1]).toMatch(/^line \d+ ok$/); // first kept line is whole
  });
});

describe('redactedHead and redactedTail', () => {
  test('sliding a cut over a token, a JWT and a key=value: nothing survives at either edge', () => {
    const leaks: string[] = [];
    for (let i = 0; i < 60; i++) {
      const jwt = `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify({ sub: draw(next, 12) })).toString('base64url')}.${draw(next, 43)}`;
      for (const secret of [token(), jwt, `api_key=${draw(next, 32)}`]) {
        const pad = draw(next, 1).repeat(200 + i);
        const text = `${pad} ${secret} ${pad}`;
        const max = pad.length + 1 + Math.floor(next() * secret.length);
        leaks.push(...pieces(secret.replace(/^api_key=/, ''), redactedHead(redact, text, max).text));
        leaks.push(
          ...pieces(secret.replace(/^api_key=/, ''), redactedTail(redact, text, text.length - max).text),
        );
      }
    }
    expect(leaks).toEqual([]);
  });

  test('partial words at a cut go, whole words stay', () => {
    expect(dropLeadingPartial('ial word here')).toBe(' word here');
    expect(dropTrailingPartial('here a partia')).toBe('here a ');
    expect(dropLeadingPartial('x'.repeat(300))).toBe('x'.repeat(300)); // no break: kept
    expect(redactedTail(redact, 'short', 100)).toEqual({ text: 'short', truncated: false });
  });
});

describe('the hook clipper', () => {
  const limits: ClipLimits = { head: 200, tail: 100, budget: 1 << 20, bulky: 50 };
  test('a token at the head cut, at the tail cut, and under a bulky key, at every offset', () => {
    const leaks: string[] = [];
    for (let at = 0; at <= 40; at += 2) {
      const a = token();
      const b = token();
      const c = token();
      const long = `${'h'.repeat(200 - at)} ${a} ${'m'.repeat(5000)} ${b}${'t'.repeat(100 - at)}`;
      const bulky = `${'q'.repeat(50 - Math.min(at, 49))}${c} ${'r'.repeat(3000)}`;
      const out = clipJson(
        JSON.stringify({ tool_response: { stdout: long }, tool_input: { content: bulky } }),
        limits,
        redact,
      );
      const parsed = JSON.parse(out);
      expect(parsed.tool_response.stdout).toMatch(/chars omitted/);
      leaks.push(...pieces(a, out), ...pieces(b, out), ...pieces(c, out));
    }
    expect(leaks).toEqual([]);
  });

  test('a password= key just before the head cut still hides its value', () => {
    for (let at = 0; at < 10; at++) {
      const value = password();
      const s = `${'h'.repeat(190 - at)} password=${value} ${'m'.repeat(5000)}`;
      const out = clipJson(JSON.stringify({ s }), limits, redact);
      expect(out).not.toContain(value.slice(0, 8));
    }
  });

  test('without a redactor, the clipper keeps exactly what it kept before', () => {
    const s = `${'a'.repeat(300)}${'b'.repeat(300)}`;
    expect(JSON.parse(clipJson(JSON.stringify({ s }), limits)).s).toBe(
      `${'a'.repeat(200)}\n…[300 chars omitted]…\n${'b'.repeat(100)}`,
    );
  });
});

describe('the fold', () => {
  test('a Bash output longer than the tail is redacted before it is cut', () => {
    const leaks: string[] = [];
    for (let at = 0; at <= 40; at += 4) {
      const secret = token();
      const output = `${'o'.repeat(3000)} ${secret}${'p'.repeat(2000 - (secret.length - at))}`;
      const at0 = '2026-11-30T01:00:00.000Z';
      const base = {
        session_id: 's',
        tool_use_id: `toolu_01${draw(next, 22)}`,
        tool: 'Bash',
        input: { command: 'make' },
        agent_id: null,
      };
      const facts = foldSession([
        { kind: 'tool-start' as const, at: at0, ...base },
        {
          kind: 'tool-end' as const,
          at: at0,
          ...base,
          ok: true,
          output,
          interrupted: false,
          duration_ms: 5,
          response: null,
        },
      ]);
      const tail = facts.commands[0]!.output_tail!;
      expect(tail.length).toBeLessThanOrEqual(2000);
      leaks.push(...pieces(secret, tail));
    }
    expect(leaks).toEqual([]);
  });
});
