// Cursor behind the agent adapter (../session/adapter.ts): its hook payloads, and its agent transcripts
// (~/.cursor/projects/<slug>/agent-transcripts/<id>/<id>.jsonl) for `import cursor` — the conversation
// without tool results or usage: prompts, commands (no exit code), reads and edits. Tokens come from
// the hooks themselves: Cursor 3.x reports each turn's usage on `stop`.
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { UsageError } from '../../errors.js';
import { type AgentAdapter, hookLines } from '../session/adapter.js';
import { foldSession } from '../session/fold.js';
import { requestsCost } from '../session/request-cost.js';
import { cursorHookEvents, cursorTurnUsage } from './hook-events.js';
import { parseCursorTranscript } from './transcript.js';

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
      cache_write_tokens: u.cache_write_tokens,
      output_tokens: u.output_tokens,
    }));
    return { facts, cost: requestsCost(usage), version: facts.version };
  },
  importFile(path, root, redact) {
    const sessionId = basename(path).replace(/\.jsonl$/, '');
    const t = parseCursorTranscript(readFileSync(path, 'utf8'), {
      sessionId,
      slug: projectSlug(path),
      fallbackAt: statSync(path).mtime.toISOString(),
    });
    if (t.lines === 0)
      throw new UsageError(
        `${path}: not a Cursor agent transcript (no {"role","message"} or {"type":"turn_ended"} lines)`,
      );
    const facts = foldSession(t.events, { root, redact, cwd: t.cwd });
    return { facts, cost: null, sessionId, version: null };
  },
  installer: () => import('./install-command.js'),
};

/** The project folder of a transcript: the directory above `agent-transcripts`, when the path has one. */
export function projectSlug(path: string): string | null {
  let dir = dirname(path);
  for (let i = 0; i < 4 && dir !== dirname(dir); i++, dir = dirname(dir))
    if (basename(dir) === 'agent-transcripts') return basename(dirname(dir));
  return null;
}
