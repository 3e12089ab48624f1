// GitHub Copilot CLI behind the agent adapter (../session/adapter.ts): its hook payloads, and its
// session state (`~/.copilot/session-state/<session id>/events.jsonl`, under $COPILOT_HOME when set)
// for `import copilot` and for the cost of hook-recorded runs: its hooks report no usage, its session
// file does (session.shutdown's per-model totals).
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { UsageError } from '../../errors.js';
import { type AgentAdapter, hookLines, readText, spanCost } from '../session/adapter.js';
import { foldSession } from '../session/fold.js';
import { requestsCost } from '../session/request-cost.js';
import { copilotEventsPath } from '../hook/guard-view.js';
import { copilotHookEvents } from './hook-events.js';
import { parseCopilotSessionState } from './session-state.js';

export const copilot: AgentAdapter = {
  name: 'copilot',
  label: 'GitHub Copilot CLI',
  journalEvents: (lines) => copilotHookEvents(hookLines(lines)),
  sessionFileFacts(path, _extra, from, to) {
    const text = readText(path);
    if (text === null) return { cost: null, version: null };
    const state = parseCopilotSessionState(text);
    return { cost: spanCost(state.usage, from, to), version: state.version };
  },
  importFile(path, root, redact) {
    const state = parseCopilotSessionState(readFileSync(path, 'utf8'));
    if (state.lines === 0 || (!state.session_id && !state.events.some((e) => e.kind !== 'activity')))
      throw new UsageError(`${path}: not a Copilot CLI session file (no {"type","data"} event lines)`);
    const facts = foldSession(state.events, { root, redact, cwd: state.cwd });
    // the folder is named for the session when the file does not say
    const sessionId =
      state.session_id ??
      (basename(path) === 'events.jsonl' ? basename(dirname(path)) : basename(path, '.jsonl'));
    return { facts, cost: requestsCost(state.usage), sessionId, version: state.version };
  },
  findSessionFile: (sessionId) => copilotEventsPath(sessionId, process.env),
  installer: () => import('./install-command.js'),
};
