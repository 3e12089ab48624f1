// Pure parts of the OTLP and Agent Trace exports: batching whole traces, provider and model names,
// stable ids, added line ranges.
import { describe, expect, test } from 'vitest';
import { addedRanges, modelId, traceRecordId } from '../../src/export/agent-trace.js';
import { batches } from '../../src/export/otlp.js';
import { providerOf, type RunSpan, spanIdOf, traceIdOf } from '../../src/export/spans.js';
import { prng } from '../helpers/prng.js';

const trace = (run: string, spans: number): RunSpan[] =>
  Array.from({ length: spans }, (_, i) => ({
    traceId: traceIdOf(run),
    spanId: spanIdOf(run, `s${i}`),
    name: 's',
    startMs: 0,
    endMs: 0,
    attributes: {},
    status: { code: 0 },
    events: [],
  }));

describe('OTLP batches', () => {
  test('requests hold whole traces and at most maxSpans spans unless one trace is bigger', () => {
    const rand = prng(7);
    const runs = Array.from({ length: 200 }, (_, i) => trace(`run${i}`, 1 + Math.floor(rand() * 40)));
    runs.push(trace('huge', 120));
    const out = batches(runs, 100);
    expect(out.flat()).toEqual(runs.flat());
    // each trace lies within one request
    const requestOf = new Map<string, Set<number>>();
    out.forEach((b, i) =>
      b.forEach((s) => requestOf.set(s.traceId, (requestOf.get(s.traceId) ?? new Set()).add(i))),
    );
    for (const requests of requestOf.values()) expect(requests.size).toBe(1);
    for (const b of out) if (b[0]!.traceId !== traceIdOf('huge')) expect(b.length).toBeLessThanOrEqual(100);
    expect(out.find((b) => b[0]!.traceId === traceIdOf('huge'))).toHaveLength(120);
  });

  test('ids are hex of the OTLP sizes and stable per run', () => {
    expect(traceIdOf('k7f3q9x2mz')).toMatch(/^[0-9a-f]{32}$/);
    expect(spanIdOf('k7f3q9x2mz', 'run')).toMatch(/^[0-9a-f]{16}$/);
    expect(traceIdOf('k7f3q9x2mz')).toBe(traceIdOf('k7f3q9x2mz'));
    expect(traceIdOf('k7f3q9x2mz')).not.toBe(traceIdOf('k7f3q9x2m0'));
  });
});

describe('names', () => {
  test.each([
    ['claude-code', 'claude-opus-4-5-20251101', 'anthropic'],
    ['cursor', 'gpt-5.1-codex', 'openai'],
    ['copilot', 'gemini-2.5-pro', 'gcp.gemini'],
    ['codex', null, 'openai'],
    ['aider', 'deepseek-chat', null],
  ])('%s with %s: gen_ai.provider.name %s', (agent, model, provider) => {
    expect(providerOf(agent, model)).toBe(provider);
  });

  test.each([
    ['claude-opus-4-5-20251101', 'anthropic/claude-opus-4-5-20251101'],
    ['gpt-5.1-codex', 'openai/gpt-5.1-codex'],
    ['gemini-2.5-pro', 'google/gemini-2.5-pro'],
    ['openrouter/qwen3-coder', 'openrouter/qwen3-coder'],
    [null, undefined],
  ])('model %s: models.dev id %s', (model, id) => {
    expect(modelId(model)).toBe(id);
  });

  test('trace record ids are RFC 9562 version 5 UUIDs, one per run and commit', () => {
    const a = traceRecordId('k7f3q9x2mz', '9f41c2a0d6e8b1c3f5a7d9e1b3c5d7f9a1b3c5d7');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(traceRecordId('k7f3q9x2mz', '9f41c2a0d6e8b1c3f5a7d9e1b3c5d7f9a1b3c5d7')).toBe(a);
    expect(traceRecordId('k7f3q9x2mz', '0f41c2a0d6e8b1c3f5a7d9e1b3c5d7f9a1b3c5d7')).not.toBe(a);
  });
});

describe('addedRanges', () => {
  test('inserted, changed and appended lines; deletions add nothing', () => {
    const before = 'a\nb\nc\nd\ne\n';
    const after = 'a\nX\nY\nb\nC\nd\n';
    expect(addedRanges(before, after).map((r) => [r.start_line, r.end_line])).toEqual([
      [2, 3],
      [5, 5],
    ]);
    expect(addedRanges('a\nb\n', 'a\n')).toEqual([]);
    expect(addedRanges('', 'one\ntwo\n').map((r) => [r.start_line, r.end_line])).toEqual([[1, 2]]);
  });
});
