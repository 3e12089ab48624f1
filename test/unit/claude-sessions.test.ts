import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { splitRuns } from '../../src/capture/session/sessions.js';
import { runIdFor } from '../../src/capture/session/record.js';
import { addOurHooks, isOurHandler, removeOurHooks } from '../../src/capture/claude-code/install.js';
import { clipJson, JsonClipper } from '../../src/capture/hook/clip-json.js';
import type { JournalEvent } from '../../src/journal/journal.js';

const line = (t: string, event: string, payload: Record<string, unknown> = {}, extra = {}): JournalEvent => ({
  v: 1,
  t,
  type: 'hook',
  event,
  session_id: 's',
  payload: { hook_event_name: event, session_id: 's', ...payload },
  ...extra,
});

describe('splitRuns', () => {
  const head = { commit: 'c1', branch: 'main', root: '/r', git_dir: '/r/.git' };
  test('/clear starts a new run; events before it stay in the first', () => {
    const runs = splitRuns('s', '/j/s.jsonl', [
      line(
        '2026-01-01T00:00:00Z',
        'SessionStart',
        { source: 'startup', transcript_path: '/t/s.jsonl' },
        { head },
      ),
      line('2026-01-01T00:00:01Z', 'UserPromptSubmit', { prompt: 'one' }),
      line('2026-01-01T00:00:02Z', 'SessionStart', { source: 'clear' }, { head: { ...head, commit: 'c2' } }),
      line('2026-01-01T00:00:03Z', 'UserPromptSubmit', { prompt: 'two' }),
    ]);
    expect(runs).toHaveLength(2);
    expect(runs.map((r) => r.lines.length)).toEqual([2, 2]);
    expect(runs.map((r) => r.head?.commit)).toEqual(['c1', 'c2']);
    expect(runs[0]!.transcriptPath).toBe('/t/s.jsonl');
    expect(runs[0]!.id).not.toBe(runs[1]!.id);
    expect(runs.every((r) => !r.ended)).toBe(true);
  });
  test('a SessionStart after a SessionEnd (resume) is a new run; compaction is not', () => {
    const runs = splitRuns('s', '/j/s.jsonl', [
      line('2026-01-01T00:00:00Z', 'SessionStart', { source: 'startup' }, { head }),
      line('2026-01-01T00:00:01Z', 'SessionStart', { source: 'compact' }),
      line('2026-01-01T00:00:02Z', 'SessionEnd', { reason: 'other' }),
      line('2026-01-01T01:00:00Z', 'SessionStart', { source: 'resume' }, { head }),
    ]);
    expect(runs.map((r) => [r.lines.length, r.ended])).toEqual([
      [3, true],
      [1, false],
    ]);
  });
  test('events after two quiet hours start a new run (the stale one may be sealed already)', () => {
    const runs = splitRuns('s', '/j/s.jsonl', [
      line('2026-01-01T00:00:00Z', 'UserPromptSubmit', { prompt: 'a' }, { head }),
      line('2026-01-01T01:59:00Z', 'Stop'),
      line('2026-01-01T04:00:00Z', 'UserPromptSubmit', { prompt: 'b' }),
    ]);
    expect(runs.map((r) => r.lines.length)).toEqual([2, 1]);
  });
  test('the start snapshot counts only if HEAD has not moved since the start', () => {
    const [a] = splitRuns('s', '/j', [
      line('2026-01-01T00:00:00Z', 'SessionStart', {}, { head }),
      { v: 1, t: '2026-01-01T00:00:01Z', type: 'snapshot', tree: 'tree1', commit: 'c1' },
    ]);
    expect(a!.startTree).toBe('tree1');
    const [b] = splitRuns('s', '/j', [
      line('2026-01-01T00:00:00Z', 'SessionStart', {}, { head }),
      { v: 1, t: '2026-01-01T00:00:01Z', type: 'snapshot', tree: 'tree1', commit: 'c9' },
    ]);
    expect(b!.startTree).toBeNull();
  });
  test('run ids are stable, lowercase, 10 characters, starting with a letter past f', () => {
    expect(runIdFor('x')).toBe(runIdFor('x'));
    expect(runIdFor('x')).not.toBe(runIdFor('y'));
    for (const seed of ['a', 'b', 'c', 'd', 'e', 'f', 'g'])
      expect(runIdFor(seed)).toMatch(/^[g-z][0-9a-z]{9}$/);
  });
});

describe('clipJson', () => {
  const limits = { head: 10, tail: 5, budget: 1_000_000, bulky: 4 };
  test('short strings, numbers and structure pass unchanged', () => {
    const doc = { a: 'short', b: [1, 2.5, true, null], c: { 'k"ey': 'q\\"x\n\u00e9\ud83d\ude00' } };
    expect(JSON.parse(clipJson(JSON.stringify(doc), limits))).toEqual(doc);
  });
  test('a long string keeps head and tail', () => {
    const s = `0123456789${'x'.repeat(100)}abcde`;
    expect(JSON.parse(clipJson(JSON.stringify({ s }), limits)).s).toBe(
      '0123456789\n…[100 chars omitted]…\nabcde',
    );
  });
  test('escapes split across chunks decode correctly', () => {
    const text = JSON.stringify({ s: 'a\\b"c\u00e9' }).replace('é', '\\u00e9');
    for (let cut = 1; cut < text.length; cut++) {
      const c = new JsonClipper(limits);
      c.write(text.slice(0, cut));
      c.write(text.slice(cut));
      expect(JSON.parse(c.end()), `cut at ${cut}`).toEqual({ s: 'a\\b"c\u00e9' });
    }
  });
  test('file contents under bulky keys keep a short head and are skipped without decoding, across chunks', () => {
    const doc = { tool_response: { file: { content: 'ab\\"cd\\\\"x'.repeat(20), after: 'ok' } }, k: ['v'] };
    const text = JSON.stringify(doc);
    for (let cut = 1; cut < text.length; cut++) {
      const c = new JsonClipper(limits);
      c.write(text.slice(0, cut));
      c.write(text.slice(cut));
      const out = JSON.parse(c.end());
      expect(out.tool_response.file.content, `cut at ${cut}`).toMatch(/^ab\\"\n…\[\d+\+ chars omitted\]$/);
      expect(out.tool_response.file.after).toBe('ok');
      expect(out.k).toEqual(['v']);
    }
  });
  test('keys are never clipped and a key named like a bulky one does not clip other keys', () => {
    const doc = { content: 'x'.repeat(50), contentType: 'y'.repeat(12), list: [{ content: 'abc' }] };
    const out = JSON.parse(clipJson(JSON.stringify(doc), limits));
    expect(Object.keys(out)).toEqual(['content', 'contentType', 'list']);
    expect(out.content).toMatch(/^xxxx\n…\[46\+ chars omitted\]$/);
    expect(out.contentType).toBe('y'.repeat(12));
    expect(out.list).toEqual([{ content: 'abc' }]);
  });
  test('long base64 is dropped', () => {
    const b = 'QUJD'.repeat(1000);
    expect(JSON.parse(clipJson(JSON.stringify({ b }), limits)).b).toBe(`[base64 omitted: ${b.length} chars]`);
  });
  test('any JSON, split anywhere, clips to valid JSON; with room to spare it is unchanged', () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.record({ head: fc.nat(20), tail: fc.nat(10), budget: fc.nat(400), bulky: fc.nat(8) }),
        (value, cuts, small) => {
          const text = JSON.stringify(value);
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const feed = (limits: typeof small) => {
            const c = new JsonClipper(limits);
            let at = 0;
            for (const p of [...points, text.length]) {
              c.write(text.slice(at, p));
              at = p;
            }
            return c.end();
          };
          expect(() => JSON.parse(feed(small))).not.toThrow();
          const roomy = { head: 1e6, tail: 1e6, budget: 1e9, bulky: 1e6 };
          expect(JSON.parse(feed(roomy))).toEqual(JSON.parse(text));
        },
      ),
      { numRuns: 300 },
    );
  });
  test('malformed input stays malformed (the hook logs it)', () => {
    expect(() => JSON.parse(clipJson('{"a": ', limits))).toThrow();
  });
});

describe('settings hooks', () => {
  test('our handlers are recognised by command prefix only', () => {
    expect(isOurHandler({ command: 'git agent-log hook claude-code' })).toBe(true);
    expect(isOurHandler({ command: '/usr/local/bin/git-agent-log hook claude-code PreToolUse' })).toBe(true);
    expect(isOurHandler({ command: 'echo git agent-log hook' })).toBe(false);
    expect(isOurHandler({ command: 'git agent-log show' })).toBe(false);
  });
  test('add then remove is the identity on a file without our hooks', () => {
    const s = { hooks: { Stop: [{ hooks: [{ type: 'command', command: 'x' }] }] }, other: 1 };
    expect(removeOurHooks(addOurHooks(s).settings).settings).toEqual(s);
    expect(removeOurHooks(addOurHooks({}).settings).settings).toEqual({});
  });
  test('a group shared with another handler keeps the other handler', () => {
    const s = {
      hooks: {
        Stop: [
          {
            hooks: [
              { type: 'command', command: 'x' },
              { type: 'command', command: 'git agent-log hook claude-code' },
            ],
          },
        ],
      },
    };
    expect(removeOurHooks(s).settings).toEqual({
      hooks: { Stop: [{ hooks: [{ type: 'command', command: 'x' }] }] },
    });
    expect(addOurHooks(s).added).not.toContain('Stop');
  });
});
