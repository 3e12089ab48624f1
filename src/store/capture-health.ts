// Is capture working? Facts for doctor from the session journals the agent hooks write: whether any
// event ever arrived, and whether tool call ids are usable for pairing calls with their results.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sealedDir, sessionsDir } from '../journal/paths.js';

export interface CaptureHealth {
  /** Journals (live or sealed) this agent's hooks have written. */
  journals: number;
  /** Sessions where PreToolUse events had no tool id, or one id named two different calls. */
  collisions: { session: string; missing: number; reused: number }[];
}

function journalFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((n) => n.endsWith('.jsonl'));
  } catch {
    return [];
  }
}

export function captureHealth(commonDir: string, agent: string): CaptureHealth {
  const live = sessionsDir(commonDir, agent);
  const files = journalFiles(live);
  const sealed = journalFiles(join(sealedDir(commonDir), agent));
  const collisions: CaptureHealth['collisions'] = [];
  for (const name of files) {
    let text: string;
    try {
      text = readFileSync(join(live, name), 'utf8');
    } catch {
      continue;
    }
    const calls = new Map<string, string>();
    let missing = 0;
    let reused = 0;
    for (const line of text.split('\n')) {
      if (!line.includes('PreToolUse')) continue;
      let e: {
        event?: string;
        tool_use_id?: string;
        payload?: { tool_name?: unknown; tool_input?: unknown };
      };
      try {
        e = JSON.parse(line);
      } catch {
        continue;
      }
      if (e.event !== 'PreToolUse') continue;
      const call = JSON.stringify([e.payload?.tool_name ?? null, e.payload?.tool_input ?? null]);
      if (!e.tool_use_id) missing++;
      else if (calls.has(e.tool_use_id) && calls.get(e.tool_use_id) !== call) reused++;
      else calls.set(e.tool_use_id, call);
    }
    if (missing || reused) collisions.push({ session: name.slice(0, -'.jsonl'.length), missing, reused });
  }
  return { journals: files.length + sealed.length, collisions };
}

export function hasJournalDir(commonDir: string, agent: string): boolean {
  return existsSync(sessionsDir(commonDir, agent));
}
