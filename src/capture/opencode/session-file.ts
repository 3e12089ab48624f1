// OpenCode session files for `import opencode FILE`: the JSON `opencode export <sessionID>` prints
// (`{info, messages: [{info, parts}]}`, pretty-printed; some builds print "Exporting session: …" on
// stdout before it) and the JSONL stream `opencode run --format json` writes (`{type, timestamp,
// sessionID, part}` per line: step_start, tool_use, text, step_finish with the step's cost and
// tokens, error). The export has the prompts, the models and the session's directory; the stream has
// neither prompt nor model nor directory. Pure.
import type { SessionEvent } from '../session/events.js';
import { tooDeep } from '../../record/json-bounds.js';
import { type Obj, str } from '../hook/payload.js';
import { iso, obj, type OpencodeUsage, promptText, toolPartEvents, usageOf } from './parts.js';

export interface OpencodeSession {
  format: 'export' | 'run-json';
  session_id: string | null;
  /** The directory OpenCode ran in (export only). */
  directory: string | null;
  version: string | null;
  events: SessionEvent[];
  usage: OpencodeUsage[];
}

/** The export document, or null when the text is not one. */
function exportDocument(text: string): Obj | null {
  const start = text.indexOf('{');
  if (start < 0) return null;
  const head = text.slice(0, start).trim();
  if (head && !/^Exporting session:/.test(head)) return null;
  const body = text.slice(start).trim();
  if (tooDeep(body)) return null;
  try {
    const doc = obj(JSON.parse(body));
    return doc && obj(doc.info) && Array.isArray(doc.messages) ? doc : null;
  } catch {
    return null;
  }
}

export function parseOpencodeSession(text: string): OpencodeSession | null {
  const doc = exportDocument(text);
  return doc ? fromExport(doc) : fromStream(text);
}

function fromExport(doc: Obj): OpencodeSession {
  const info = obj(doc.info)!;
  const session_id = str(info.id) ?? '';
  const directory = str(info.directory);
  const version = str(info.version);
  const events: SessionEvent[] = [];
  const usage: OpencodeUsage[] = [];
  const created = iso(obj(info.time)?.created);
  if (created) events.push({ kind: 'session-start', at: created, session_id, source: null, model: null });
  if (created && version) events.push({ kind: 'version', at: created, session_id, version });
  let model: string | null = null;
  for (const m of doc.messages as unknown[]) {
    const msg = obj(obj(m)?.info);
    const parts = Array.isArray(obj(m)?.parts) ? (obj(m)!.parts as unknown[]) : [];
    if (!msg) continue;
    const time = obj(msg.time);
    const at = iso(time?.created) ?? created;
    if (!at) continue;
    if (msg.role === 'user') {
      const text = promptText(parts);
      if (text) events.push({ kind: 'prompt', at, session_id, text });
      continue;
    }
    if (msg.role !== 'assistant') continue;
    const modelId = str(msg.modelID);
    if (modelId && modelId !== model) {
      model = modelId;
      events.push({ kind: 'model', at, session_id, model: modelId });
    }
    const u = usageOf(msg, modelId, iso(time?.completed) ?? at);
    if (u) usage.push(u);
    const cwd = str(obj(msg.path)?.cwd) ?? directory;
    for (const p of parts) {
      const part = obj(p);
      if (part?.type === 'tool') events.push(...toolPartEvents(part, { session_id, cwd }));
    }
    const done = iso(time?.completed);
    if (done) events.push({ kind: 'activity', at: done, session_id });
  }
  const updated = iso(obj(info.time)?.updated);
  if (updated) events.push({ kind: 'activity', at: updated, session_id });
  return { format: 'export', session_id, directory, version, events, usage };
}

function fromStream(text: string): OpencodeSession | null {
  const events: SessionEvent[] = [];
  const usage: OpencodeUsage[] = [];
  let session: string | null = null;
  let lines = 0;
  const finished = new Set<string>();
  for (const raw of text.split('\n')) {
    if (!raw.trim() || tooDeep(raw)) continue;
    let line: Obj | null;
    try {
      line = obj(JSON.parse(raw));
    } catch {
      continue;
    }
    const type = str(line?.type);
    const session_id = str(line?.sessionID);
    if (!line || !type || !session_id) continue;
    lines++;
    session ??= session_id;
    const at = iso(line.timestamp);
    const part = obj(line.part) ?? {};
    if (type === 'tool_use') {
      events.push(...toolPartEvents(part, { session_id, cwd: null }));
      continue;
    }
    if (type === 'step_finish') {
      // one per step; a step re-emitted with the same part id is not billed twice
      const id = str(part.id);
      if (id && finished.has(id)) continue;
      if (id) finished.add(id);
      const u = usageOf(part, null, at);
      if (u) usage.push(u);
    }
    if (at) events.push({ kind: 'activity', at, session_id });
  }
  if (!lines || !session) return null;
  return { format: 'run-json', session_id: session, directory: null, version: null, events, usage };
}
