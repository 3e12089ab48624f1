// Aider's chat history (a real one: the first 12 sessions of the file Aider's own repository keeps as a
// test fixture, see test/fixtures/corpus/README.md) read into sessions, compared with what a reader
// written here finds with plain line matching.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { aiderEvents, parseAiderHistory, sessionRoot } from '../../src/capture/aider/history.js';
import { foldSession } from '../../src/capture/session/fold.js';
import { ROOT } from '../helpers/repo.js';

const FILE = join(ROOT, 'test/fixtures/corpus/aider/aider-ai/chat-history-head.md');
const text = readFileSync(FILE, 'utf8');

/** The file cut at its session headers, by line matching alone. */
function truth() {
  const parts = text.split(/^# aider chat started at /m).slice(1);
  return parts.map((part) => {
    const lines = part.split('\n');
    const inputs: string[] = [];
    for (let i = 0; i < lines.length; i++)
      if (lines[i]!.startsWith('#### ') && !lines[i - 1]?.startsWith('####'))
        inputs.push(lines[i]!.slice(5).trim());
    return {
      started: lines[0]!.trim(),
      empty: lines.slice(1).every((l) => !l.trim()),
      prompts: inputs.filter((t) => t && !t.startsWith('/') && !t.startsWith('# Fix any errors below')),
      edits: lines.filter((l) => l.startsWith('> Applied edit to ')).map((l) => l.slice(18).trim()),
      commits: lines.filter((l) => /^> Commit [0-9a-f]{7} /.test(l)).map((l) => l.slice(9, 16)),
      usd: lines
        .map((l) => /Cost: \$([\d.]+) request/.exec(l)?.[1])
        .filter((v): v is string => !!v)
        .reduce((a, v) => a + Number(v), 0),
      tests: inputs.filter((t) => t.startsWith('/test ')).map((t) => t.slice(6)),
      undone: lines.filter((l) => l.startsWith('> Removed: ')).map((l) => l.slice(11, 18)),
    };
  });
}

describe('Aider chat history (real file)', () => {
  const sessions = parseAiderHistory(text);
  const expected = truth();

  test('one session per header, with its time, version and command line', () => {
    expect(sessions.map((s) => s.started)).toEqual(expected.map((e) => e.started));
    // Four sessions were started and left before Aider printed anything (empty headers).
    expect(sessions.map((s) => s.version)).toEqual(expected.map((e) => (e.empty ? null : '0.47.2-dev')));
    expect(sessions[1]!.argv).toBe('/Users/gauthier/Projects/aider/.venv/bin/aider aider/utils.py');
  });

  test('prompts, edits, commits, undos and reported dollars match the line reader', () => {
    for (const [i, s] of sessions.entries()) {
      const e = expected[i]!;
      const kinds = (k: string) => s.items.filter((x) => x.kind === k);
      expect(kinds('prompt').map((x) => (x as { text: string }).text.split('\n')[0])).toEqual(e.prompts);
      expect(kinds('edit').map((x) => (x as { path: string }).path)).toEqual(e.edits);
      expect(kinds('commit').map((x) => (x as { short: string }).short)).toEqual(e.commits);
      expect(kinds('undo').map((x) => (x as { short: string }).short)).toEqual(e.undone);
      const usd = kinds('usage').reduce((a, x) => a + ((x as { usd: number | null }).usd ?? 0), 0);
      expect(usd).toBeCloseTo(e.usd, 6);
    }
  });

  test('a /test whose output Aider added to the chat failed; its output is the run output only', () => {
    const s = sessions[11]!;
    const tests = s.items.flatMap((x) => (x.kind === 'command' ? [x.run] : []));
    expect(tests.map((t) => t.command)).toEqual(expected[11]!.tests);
    for (const t of tests) {
      expect(t.exit).toBe(1);
      expect(t.output.split('\n')[0]).toMatch(/^=+ test session starts =+$/);
      expect(t.output.split('\n').at(-1)).toMatch(/^=+ 1 failed, 6 passed in [\d.]+s =+$/);
      expect(t.output).not.toContain('Applied edit');
    }
  });

  test('the repository root comes from an absolute path beside its relative form', () => {
    expect(sessionRoot(sessions[11]!)).toBe('/Users/gauthier/Projects/aider');
  });

  test('folded: the session edits, the failed check and Aider’s dollars reach the facts', () => {
    const s = sessions[11]!;
    const clock = { start: (t: string) => `${t.replace(' ', 'T')}Z`, commitTime: () => null };
    const { events, cost, root } = aiderEvents(s, clock);
    const facts = foldSession(events, { root: '/tmp/elsewhere', cwd: root });
    expect(facts.intent).toBe('Add tests for `subtree_only`.');
    expect(facts.files_edited.sort()).toEqual([...new Set(expected[11]!.edits)].sort());
    expect(facts.files_read).toContain('tests/basic/test_repomap.py');
    expect(facts.commands.filter((c) => c.command.startsWith('pytest')).map((c) => c.exit_code)).toEqual([
      1, 1,
    ]);
    expect(cost!.usd).toBeCloseTo(expected[11]!.usd, 6);
    expect(cost!.price_table).toBe('aider-reported');
  });
});
