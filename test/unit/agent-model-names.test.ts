// Model ids as Cursor and Copilot CLI spell them find the list price of the same model, and no other;
// Cursor's <timestamp> before a prompt reads as the UTC time it shows.
import { describe, expect, test } from 'vitest';
import PRICES from '../../src/capture/prices.json' with { type: 'json' };
import { parseCursorTranscript, promptStamp } from '../../src/capture/cursor/transcript.js';
import { priceFor } from '../../src/capture/session/cost.js';

describe('priceFor: Cursor and Copilot CLI model names', () => {
  test.each([
    ['claude-4.5-sonnet', 'claude-sonnet-4-5'],
    ['claude-4.5-sonnet-thinking', 'claude-sonnet-4-5'],
    ['claude-4-sonnet', 'claude-sonnet-4'],
    ['claude-sonnet-4.5', 'claude-sonnet-4-5'],
    ['claude-opus-4.7', 'claude-opus-4-7'],
    ['claude-opus-4.6-1m', 'claude-opus-4-6'],
    ['claude-haiku-4.5', 'claude-haiku-4-5'],
    ['claude-3-opus', 'claude-3-opus'],
    ['claude-3-5-sonnet-20241022', 'claude-3-5-sonnet'],
  ])('%s is priced as %s', (name, key) => {
    expect(priceFor(name)).toBe((PRICES.models as Record<string, unknown>)[key]);
  });

  test.each(['composer-2', 'default', 'claude-opus-4.10', 'gpt-5.4'])('%s has no list price', (name) => {
    expect(priceFor(name)).toBeNull();
  });
});

describe("Cursor's prompt <timestamp>", () => {
  const row = (stamp: string) => ({
    role: 'user',
    message: {
      content: [{ type: 'text', text: `<timestamp>${stamp}</timestamp>\n<user_query>\nx\n</user_query>` }],
    },
  });
  test.each([
    ['Monday, Jul 13, 2026, 8:59 AM (UTC)', '2026-07-13T08:59:00.000Z'],
    ['Tuesday, Sep 29, 2026, 2:29 AM (UTC-4)', '2026-09-29T06:29:00.000Z'],
    ['Tuesday, Jun 2, 2026, 11:20 AM (UTC+8)', '2026-06-02T03:20:00.000Z'],
    ['Friday, Jan 1, 2027, 12:05 AM (UTC+5:30)', '2026-12-31T18:35:00.000Z'],
    ['Monday, Mar 2, 2026, 12:30 PM (UTC)', '2026-03-02T12:30:00.000Z'],
  ])('%s is %s', (stamp, iso) => {
    expect(promptStamp(row(stamp))).toBe(iso);
  });
  test('a message written as a plain string (some builds) is read too', () => {
    const row = {
      role: 'user',
      message: {
        content: '<timestamp>Monday, Jul 13, 2026, 8:59 AM (UTC)</timestamp>\n<user_query>\nx\n</user_query>',
      },
    };
    expect(promptStamp(row)).toBe('2026-07-13T08:59:00.000Z');
    const t = parseCursorTranscript(`${JSON.stringify(row)}\n`, {
      sessionId: 's',
      fallbackAt: '2026-07-13T09:00:00Z',
    });
    expect(t.events.filter((e) => e.kind === 'prompt').map((e) => (e as { text: string }).text)).toEqual([
      'x',
    ]);
  });
  test('a prompt without one has no time', () => {
    expect(promptStamp({ role: 'user', message: { content: [{ type: 'text', text: 'hi' }] } })).toBeNull();
  });
});
