// Gemini CLI behind the agent adapter (../session/adapter.ts): settings.json hook payloads, chat
// recordings (legacy .json and current .jsonl) for import and cost.
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { UsageError } from '../../errors.js';
import { type AgentAdapter, hookLines, readText, spanCost } from '../session/adapter.js';
import { foldSession } from '../session/fold.js';
import { expandHome } from '../session/sessions.js';
import { geminiHookEvents } from './hook-events.js';
import { parseGeminiSession } from './session.js';

export const gemini: AgentAdapter = {
  name: 'gemini',
  label: 'Gemini CLI',
  journalEvents: (lines) => geminiHookEvents(hookLines(lines)),
  sessionFileFacts(path, _extra, from, to) {
    // A legacy .json session is migrated to .jsonl when resumed: read whichever exists now.
    const file = existsSync(expandHome(path)) ? path : path.endsWith('.json') ? `${path}l` : path;
    const text = readText(file);
    if (text === null) return { cost: null, version: null };
    return { cost: spanCost(parseGeminiSession(text).usage, from, to), version: null };
  },
  importFile(path, root, redact) {
    const session = parseGeminiSession(readFileSync(path, 'utf8'), { cwd: root });
    if (!session.session_id && session.messages === 0)
      throw new UsageError(`${path}: not a Gemini CLI session file (no sessionId, no messages)`);
    const facts = foldSession(session.events, { root, redact });
    return {
      facts,
      cost: session.cost,
      sessionId: session.session_id ?? basename(path).replace(/\.jsonl?$/, ''),
      version: null,
    };
  },
  installer: () => import('./install-command.js'),
};
