// Bounds on outside JSON, and the batch reader that skips oversized objects without holding them.
import { execFileSync } from 'node:child_process';
import { expect, test } from 'vitest';
import { CatFileBatch } from '../../src/git/native/cat-file.js';
import { jsonDepth, jsonOutOfBounds, MAX_JSON_DEPTH } from '../../src/record/json-bounds.js';
import { parseNoteLine } from '../../src/record/note-lines.js';
import { prng } from '../helpers/prng.js';
import { tempRepo } from '../helpers/repo.js';

test('jsonDepth counts nesting outside strings, iteratively', () => {
  expect(jsonDepth('{"a":[1,{"b":[]}]}')).toBe(4);
  expect(jsonDepth('{"a":"[[[[{{{{\\"[["}')).toBe(1);
  expect(jsonDepth('0')).toBe(0);
  const deep = '['.repeat(1_000_000) + ']'.repeat(1_000_000);
  expect(jsonDepth(deep)).toBe(1_000_000);
  expect(jsonDepth(deep, 10)).toBe(11); // stops as soon as it passes the limit
});

test('a note line nested past the limit or over the size cap is invalid, with the reason', () => {
  const deep = `{"schema":"agent-log/v1","kind":"record","x":${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}}`;
  expect(parseNoteLine(deep)).toMatchObject({
    type: 'invalid',
    error: `nested deeper than ${MAX_JSON_DEPTH} levels`,
  });
  expect(jsonOutOfBounds('x'.repeat(2048), { maxBytes: 1024 })).toBe('2 KiB line is over the 1 KiB limit');
  expect(jsonOutOfBounds('[[1]]')).toBeNull();
});

test('the bracket count that spares most lines the walk refuses exactly what the walk refuses', () => {
  // Seeded lines with about as many brackets as the limit, some inside strings, some escaped.
  const rand = prng(20261130);
  const parts = ['{', '[', '}', ']', '"', '\\"', 'a', ',', ':'];
  for (let n = 0; n < 3000; n++) {
    const len = 40 + Math.floor(rand() * 160);
    let text = '';
    for (let i = 0; i < len; i++) text += parts[Math.floor(rand() * parts.length)];
    const limit = 4 + Math.floor(rand() * 60);
    const refused = jsonOutOfBounds(text, { maxDepth: limit }) !== null;
    expect(refused, text).toBe(jsonDepth(text, limit) > limit);
  }
});

test('cat-file batch skips objects over maxBytes as they stream, and reads those around them', async () => {
  const repo = await tempRepo();
  try {
    const put = (text: string) =>
      execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: repo.dir, input: text }).toString().trim();
    const small1 = put('first small\n');
    const big = put('B'.repeat(3 * 1024 * 1024));
    const small2 = put('second small\n');
    const cat = new CatFileBatch(repo.dir);
    const got = await cat.readMany([small1, big, small2, big, small1], 1024 * 1024);
    expect(got.get(small1)?.content.toString()).toBe('first small\n');
    expect(got.get(small2)?.content.toString()).toBe('second small\n');
    expect(got.get(big)).toMatchObject({ oversized: 3 * 1024 * 1024 });
    expect(got.get(big)?.content.length).toBe(0);
    // Without a cap the same reader returns it whole, and still in step.
    const whole = await cat.readMany([big, small2]);
    expect(whole.get(big)?.content.length).toBe(3 * 1024 * 1024);
    expect(whole.get(small2)?.content.toString()).toBe('second small\n');
    await cat.close();
  } finally {
    repo.cleanup();
  }
});
