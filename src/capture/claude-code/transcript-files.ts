// Find and read every transcript file of a session: the main `<session>.jsonl`, current subagent files
// (`<session>/subagents/**/agent-*.jsonl`), 2.0-era `agent-*.jsonl` files next to it that name this
// session, and any paths the hooks reported (SubagentStop.agent_transcript_path). Missing files are
// not errors: the transcript may lag the hooks, or be cleaned up already.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseTranscript, type TranscriptEntry } from './transcript.js';

export interface SessionTranscripts {
  entries: TranscriptEntry[];
  files: string[];
  /** Non-object or torn lines skipped. */
  skipped: number;
  /** The main transcript could not be read. */
  missing: boolean;
}

export function loadSessionTranscripts(
  mainPath: string,
  extraPaths: readonly string[] = [],
): SessionTranscripts {
  const out: SessionTranscripts = { entries: [], files: [], skipped: 0, missing: false };
  const seen = new Set<string>();
  const readOne = (path: string, requireSession?: string): boolean => {
    const full = resolve(path);
    if (seen.has(full)) return true;
    let text: string;
    try {
      text = readFileSync(full, 'utf8');
    } catch {
      return false;
    }
    const parsed = parseTranscript(text, full);
    if (requireSession && !parsed.entries.some((e) => e.sessionId === requireSession)) return true;
    seen.add(full);
    out.entries.push(...parsed.entries);
    out.skipped += parsed.skipped;
    out.files.push(full);
    return true;
  };
  out.missing = !readOne(mainPath);
  const dir = dirname(resolve(mainPath));
  const session = basename(mainPath).replace(/\.jsonl$/, '');
  for (const f of walk(join(dir, session, 'subagents'))) if (/agent-[^/]*\.jsonl$/.test(f)) readOne(f);
  for (const name of safeList(dir)) if (/^agent-.*\.jsonl$/.test(name)) readOne(join(dir, name), session);
  for (const p of extraPaths) readOne(p);
  return out;
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function walk(dir: string, depth = 0): string[] {
  if (depth > 4) return [];
  const out: string[] = [];
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p, depth + 1));
    else out.push(p);
  }
  return out;
}
