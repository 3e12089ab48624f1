// Trailers are read as git reads them: every message here is also given to the real
// `git interpret-trailers --parse --no-divider`, whose answer is the expected value.
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { agentLogIds, parseTrailers } from '../../src/record/trailers.js';
import { gitEnv } from '../helpers/repo.js';

/** git's own reading: `Key: value` per trailer, continuation lines unfolded. */
function gitTrailers(message: string): string[] {
  const out = execFileSync('git', ['interpret-trailers', '--parse', '--no-divider'], {
    input: message,
    env: gitEnv(),
    encoding: 'utf8',
  });
  return out.split('\n').filter((l) => l !== '');
}

const ours = (message: string) => parseTrailers(message).map((t) => `${t.key}: ${t.value}`);

const ID = 'k7f3q9x2mz';
const OTHER = 'p0w2n8c4vd';

const examples: Record<string, string> = {
  'a plain trailer block': `Fix the parser\n\nLonger body.\n\nAgent-Log: ${ID}\nSigned-off-by: Ann <ann@example.com>\n`,
  'a title only': `Agent-Log: ${ID}\n`,
  'a trailer-looking line inside the body': `Fix\n\nAgent-Log: ${ID}\n\nNot a trailer paragraph at all.\n`,
  'a mixed last paragraph without a git-generated trailer': `Fix\n\nSome prose here\nAgent-Log: ${ID}\n`,
  'a mixed paragraph with Signed-off-by (25% rule)': `Fix\n\nprose one\nprose two\nAgent-Log: ${ID}\nSigned-off-by: A <a@b>\n`,
  'too much prose for the 25% rule': `Fix\n\np1\np2\np3\np4\np5\np6\np7\nSigned-off-by: A <a@b>\n`,
  'a continuation line': `Fix\n\nAgent-Log: ${ID}\nCo-authored-by: Ann\n  <ann@example.com>\n`,
  'blank and comment lines after the block': `Fix\n\nAgent-Log: ${ID}\n\n# a comment\n\n`,
  'a cherry-pick line': `Fix\n\nbody\n\nAgent-Log: ${ID}\n(cherry picked from commit 1a9dd28d0b2a328c4db2c418715c74fc04b3dc09)\n`,
  'token with spaces before the colon': `Fix\n\nAgent-Log : ${ID}\n`,
  'an indented first line': `Fix\n\n  indented\nAgent-Log: ${ID}\n`,
};

describe('parseTrailers reads the block git reads', () => {
  test.each(Object.entries(examples))('%s', (_name, message) => {
    expect(ours(message)).toEqual(gitTrailers(message));
  });

  test('on generated messages, the same trailers as git interpret-trailers', () => {
    const line = fc.oneof(
      fc.constant(''),
      fc.constant(`Agent-Log: ${ID}`),
      fc.constant('Signed-off-by: Ann <ann@example.com>'),
      fc.constant('Reviewed-by:Bob'),
      fc.constant('  continued value'),
      fc.constant('\tTabbed'),
      fc.constant('# comment'),
      fc.constant('plain prose line'),
      fc.constant('Key with space: not a trailer'),
      fc.constant('(cherry picked from commit 1a9dd28d0b2a328c4db2c418715c74fc04b3dc09)'),
      fc.constant('* bullet: item'),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 9 }), (lines) => {
        const message = `Subject line\n${lines.join('\n')}\n`;
        expect(ours(message)).toEqual(gitTrailers(message));
      }),
      { numRuns: 60 },
    );
  });
});

describe('agentLogIds', () => {
  test('finds ids in the squashed commits GitHub lists, once each, in either order', () => {
    const a = `add a.ts\n\nPart of the run.\n\nAgent-Log: ${ID}`;
    const b = `add b.ts\n\nAgent-Log: ${OTHER}`;
    const forward = `Signup (#184)\n\n* ${a}\n\n* ${b}\n\nCo-authored-by: Ann <ann@example.com>\n`;
    const backward = `Signup (#184)\n\n* ${b}\n\n* ${a}\n`;
    expect(agentLogIds(forward).sort()).toEqual([ID, OTHER].sort());
    expect(agentLogIds(backward).sort()).toEqual([ID, OTHER].sort());
  });

  test('a bullet list inside a squashed commit body does not hide its trailer', () => {
    const msg = `Title (#9)\n\n* change\n\nDetails:\n* one\n* two\n\nAgent-Log: ${ID}\n\n* other\n`;
    expect(agentLogIds(msg)).toEqual([ID]);
  });

  test('finds the run of a PR body (from `pr`) used as the squash message, by its marker', () => {
    const body = `Squash (#12)\n\n## Summary\n\nWork.\n\nAgent-Log: ${ID}\n<!-- agent-log:${ID} -->\n`;
    expect(parseTrailers(body)).toEqual([]); // a mixed paragraph: not a trailer block for git
    expect(agentLogIds(body)).toEqual([ID]);
  });

  test('ignores an Agent-Log line that is prose in a body, as git does', () => {
    expect(agentLogIds(`Fix\n\nAgent-Log: ${ID} was wrong\n\nSee above.\n`)).toEqual([]);
    expect(agentLogIds(`Agent-Log: ${ID}\n`)).toEqual([]);
  });
});
