// Which commit messages look agent-made: Agent-Log trailers and the Co-Authored-By lines coding agents
// write, not a person who happens to share an agent's name.
import { expect, test } from 'vitest';
import { agentSignals } from '../../src/query/agent-commits.js';

const body = (...trailers: string[]) =>
  `Fix the signup validation\n\nLonger text.\n\n${trailers.join('\n')}\n`;

test.each([
  ['Co-Authored-By: Claude <noreply@anthropic.com>', 'claude-code'],
  ['Co-authored-by: Claude Opus 4.1 <noreply@anthropic.com>', 'claude-code'],
  ['Co-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>', 'copilot'],
  ['Co-authored-by: aider (gpt-4o) <noreply@aider.chat>', 'aider'],
  ['Co-authored-by: Cursor Agent <cursoragent@cursor.com>', 'cursor'],
])('%s names %s', (line, agent) => {
  expect(agentSignals(body(line))).toEqual([
    { agent, why: line.replace(/^Co-[Aa]uthored-[Bb]y: /, 'Co-Authored-By: ') },
  ]);
});

test('a person named Claude, or any other co-author, is not an agent', () => {
  expect(agentSignals(body('Co-authored-by: Claude Dupont <claude@dupont.fr>'))).toEqual([]);
  expect(agentSignals(body('Co-authored-by: Alice <alice@example.com>', 'Signed-off-by: Bob <b@x>'))).toEqual(
    [],
  );
});

test('an Agent-Log trailer is a signal; the words inside a sentence are not', () => {
  expect(agentSignals(body('Agent-Log: k7f3q9x2mz'))).toEqual([
    { agent: null, why: 'Agent-Log: k7f3q9x2mz trailer' },
  ]);
  expect(agentSignals('Mention Co-Authored-By: Claude <noreply@anthropic.com> inline\n')).toEqual([]);
});
