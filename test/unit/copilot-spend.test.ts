// The guard's spend reader on Copilot CLI's events.jsonl: each reply's output tokens while that is
// all the file has; once it has `assistant.usage` lines, their whole usage and no reply estimate.
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { emptySpend, readNewUsage, spendFigures } from '../../src/capture/guard/spend.js';

const dir = mkdtempSync(join(tmpdir(), 'copilot-spend-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('replies count their output tokens on the model last named; assistant.usage replaces those estimates', () => {
  const file = join(dir, 'events.jsonl');
  const line = (type: string, data: object) =>
    appendFileSync(file, `${JSON.stringify({ type, data, timestamp: '2026-10-04T04:21:20.806Z' })}\n`);
  const spend = emptySpend();
  const cursor = { path: file, offset: 0 };
  line('session.start', { sessionId: 's', selectedModel: 'claude-sonnet-4.5', context: { cwd: '/p' } });
  line('assistant.message', { content: 'hi', toolRequests: [], outputTokens: 373 });
  readNewUsage(cursor, spend);
  expect(spend.by_model['claude-sonnet-4.5']).toMatchObject({ output_tokens: 373, input_tokens: 0 });
  expect(spendFigures(spend).usd).toBeCloseTo((373 * 15) / 1e6, 9);
  line('assistant.usage', {
    model: 'claude-sonnet-4.5',
    inputTokens: 10_000,
    outputTokens: 400,
    cacheReadTokens: 6_000,
    cacheWriteTokens: 1_000,
  });
  line('assistant.message', { content: 'done', toolRequests: [], outputTokens: 400 });
  readNewUsage(cursor, spend);
  expect(spend.by_model['claude-sonnet-4.5']).toMatchObject({
    input_tokens: 3_000,
    output_tokens: 400,
    cache_read_tokens: 6_000,
    cache_write_tokens: 1_000,
  });
  expect(spendFigures(spend).tokens).toBe(3_000 + 400 + 6_000 + 1_000);
});
