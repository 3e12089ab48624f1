// Cursor behind the agent adapter (../session/adapter.ts): its hook payloads. Its agent transcripts
// (~/.cursor/projects/<slug>/agent-transcripts/<id>/<id>.jsonl) hold the conversation without tool
// results or usage, so they add nothing the hooks do not give and are not read. Tokens come from the
// hooks themselves: Cursor 3.x reports each turn's usage on `stop`.
import { UsageError } from '../../errors.js';
import { type AgentAdapter, hookLines } from '../session/adapter.js';
import { foldSession } from '../session/fold.js';
import { requestsCost } from '../session/request-cost.js';
import { cursorHookEvents, cursorTurnUsage } from './hook-events.js';

export const cursor: AgentAdapter = {
  name: 'cursor',
  label: 'Cursor',
  journalEvents: (lines) => cursorHookEvents(hookLines(lines)),
  sessionFileFacts: () => ({ cost: null, version: null }),
  hookRunFacts(run, root, redact) {
    const lines = hookLines(run.lines);
    const facts = foldSession(cursorHookEvents(lines), { root, redact });
    const model = facts.model && facts.model !== 'default' ? facts.model : null;
    const usage = cursorTurnUsage(lines).map((u) => ({
      model: u.model ?? model,
      at: u.at,
      input_tokens: u.input_tokens,
      cache_read_tokens: u.cache_read_tokens,
      output_tokens: u.output_tokens,
    }));
    return { facts, cost: requestsCost(usage), version: facts.version };
  },
  importFile(path) {
    throw new UsageError(
      `${path}: Cursor sessions are recorded by its hooks (git agent-log install cursor); import is not supported`,
    );
  },
  installer: () => import('./install-command.js'),
};
