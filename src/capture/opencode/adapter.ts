// OpenCode behind the agent adapter (../session/adapter.ts). Its hooks are a plugin (./plugin.ts) that
// forwards session events to our hook; import reads `opencode export` JSON or an `opencode run
// --format json` stream (./session-file.ts). Cost is OpenCode's own: every assistant message (and
// every step of the stream) carries the dollars it priced and the tokens.
import { readFileSync } from 'node:fs';
import { UsageError } from '../../errors.js';
import { type AgentAdapter, hookLines } from '../session/adapter.js';
import { foldSession } from '../session/fold.js';
import { opencodeHookEvents } from './hook-events.js';
import { reportedCost } from './parts.js';
import { parseOpencodeSession } from './session-file.js';

export const opencode: AgentAdapter = {
  name: 'opencode',
  label: 'OpenCode',
  journalEvents: (lines) => opencodeHookEvents(hookLines(lines)).events,
  sessionFileFacts: () => ({ cost: null, version: null }),
  hookRunFacts(run, root, redact) {
    const { events, usage, directory } = opencodeHookEvents(hookLines(run.lines));
    const facts = foldSession(events, { root, cwd: directory, redact });
    return { facts, cost: reportedCost(usage), version: facts.version };
  },
  importFile(path, root, redact) {
    const session = parseOpencodeSession(readFileSync(path, 'utf8'));
    if (!session?.session_id)
      throw new UsageError(
        `${path}: not an OpenCode session (expected \`opencode export\` JSON or \`opencode run --format json\` output)`,
      );
    const facts = foldSession(session.events, { root, cwd: session.directory, redact });
    return {
      facts,
      cost: reportedCost(session.usage),
      sessionId: session.session_id,
      version: session.version,
    };
  },
  installer: () => import('./install-command.js'),
};
