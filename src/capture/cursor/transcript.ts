// Cursor agent transcripts (`~/.cursor/projects/<workspace slug>/agent-transcripts/<id>/<id>.jsonl`,
// older builds `agent-transcripts/<id>.jsonl`) into SessionEvents. One line per message:
//   {"role":"user","message":{"content":[{"type":"text","text":"<timestamp>…</timestamp>\n<user_query>\n…\n</user_query>"}]}}
//   {"role":"assistant","message":{"content":[{"type":"text",…},{"type":"tool_use","name":"Shell","input":{…}}]}}
//   {"type":"turn_ended","status":"success"|"error"|"aborted","error"?}
// No ids, no tool results, no usage; the only times are the `<timestamp>` Cursor puts before each
// prompt (to the minute, with its UTC offset). So commands have no exit code (status unknown), every
// event of a turn takes its prompt's time (plus a millisecond per line, to keep the order), and the
// workspace root is the longest directory of a tool path whose slug is the project folder's name. Pure.
import { patchPaths } from '../guard/event.js';
import { type Obj, str as s } from '../hook/payload.js';
import { type SessionEvent, type ToolRole, untimedCall } from '../session/events.js';

const obj = (v: unknown): Obj | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null);

const SHELL = new Set(['Shell', 'run_terminal_cmd', 'Bash', 'terminal']);
const READ = new Set(['Read', 'read_file', 'ReadFile']);
const EDIT = new Set([
  'Write',
  'Edit',
  'StrReplace',
  'MultiEdit',
  'Delete',
  'EditNotebook',
  'edit_file',
  'search_replace',
  'delete_file',
]);
const PATCH = new Set(['ApplyPatch', 'apply_patch']);

/** User-role lines Cursor writes itself (a subagent finished, a resumed interrupt): not a person's prompt. */
const INJECTED = [
  /^Perform any necessary follow-up actions in response to the subagent completion above\.?$/,
  /^Your previous response was interrupted\. Continue from where you left off\.?$/,
];

export interface CursorTranscript {
  events: SessionEvent[];
  /** Non-empty lines that were not JSON objects. */
  skipped: number;
  /** Lines in Cursor's shape (a role with message content, or a turn marker). */
  lines: number;
  /** The workspace root the tool paths were recorded under (another machine's), when it can be told. */
  cwd: string | null;
}

export interface CursorTranscriptOptions {
  /** The transcript's conversation id (its file name). */
  sessionId: string;
  /** The project folder's name (`Users-alice-src-app`), to tell the workspace root from the paths. */
  slug?: string | null;
  /** Time of the file's last write: the time of lines before any `<timestamp>`. */
  fallbackAt: string;
}

export function parseCursorTranscript(text: string, opts: CursorTranscriptOptions): CursorTranscript {
  const session_id = opts.sessionId;
  const rows: Obj[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const v = obj(JSON.parse(line));
      if (v) rows.push(v);
      else skipped++;
    } catch {
      skipped++;
    }
  }
  // Lines before the first timestamp take the first one found (or the file's time).
  const firstStamp = rows.map(promptStamp).find((t) => t !== null) ?? null;
  let base = Date.parse(firstStamp ?? opts.fallbackAt);
  if (!Number.isFinite(base)) base = 0;
  let tick = 0;
  const events: SessionEvent[] = [];
  const paths: string[] = [];
  let n = 0;
  let lines = 0;
  for (const row of rows) {
    const stamp = promptStamp(row);
    if (stamp && Date.parse(stamp) > base + tick) {
      base = Date.parse(stamp);
      tick = 0;
    }
    const at = new Date(base + tick++).toISOString();
    if (row.type === 'turn_ended') {
      lines++;
      events.push({ kind: 'stop', at, session_id });
      continue;
    }
    const content = contentOf(row);
    if (!content || (row.role !== 'user' && row.role !== 'assistant')) continue;
    lines++;
    if (row.role === 'user') {
      const prompt = promptText(textOf(content));
      if (prompt) events.push({ kind: 'prompt', at, session_id, text: prompt });
      continue;
    }
    for (const block of content) {
      const b = obj(block);
      if (!b || b.type !== 'tool_use') continue;
      const tool = s(b.name) ?? 'unknown';
      // ApplyPatch's input is the patch itself (a string)
      const input = obj(b.input) ?? (typeof b.input === 'string' ? { patch: b.input } : {});
      const role = roleOf(tool);
      const files =
        role === 'edit' && PATCH.has(tool)
          ? patchPaths(s(input.patch) ?? '')
          : [pathOf(input)].filter((p): p is string => !!p);
      paths.push(...files, ...[s(input.working_directory)].filter((p): p is string => !!p));
      events.push(
        ...untimedCall({
          at,
          session_id,
          tool_use_id: `cursor-transcript#${++n}`,
          tool: role === 'shell' ? 'Shell' : tool,
          input: role === 'shell' ? { command: s(input.command) ?? '' } : input,
          role,
          cwd: role === 'shell' ? s(input.working_directory) : null,
          paths: role === 'edit' || role === 'read' ? files : null,
          ok: true,
          // the transcript keeps no results: whether a command passed is not known
          exit_code: role === 'shell' ? null : undefined,
        }),
      );
    }
  }
  const cwd = workspaceRoot(paths, opts.slug ?? null);
  if (events.length) events.push({ kind: 'activity', at: new Date(base + tick).toISOString(), session_id });
  return { events, skipped, lines, cwd };
}

/** A message's blocks; some builds write a plain string for a text-only message. */
function contentOf(row: Obj): unknown[] | null {
  const c = obj(row.message)?.content;
  if (Array.isArray(c)) return c;
  return typeof c === 'string' ? [{ type: 'text', text: c }] : null;
}

function roleOf(tool: string): ToolRole {
  if (SHELL.has(tool)) return 'shell';
  if (READ.has(tool)) return 'read';
  if (EDIT.has(tool) || PATCH.has(tool)) return 'edit';
  return 'other';
}

function pathOf(input: Obj): string | null {
  return s(input.path) ?? s(input.file_path) ?? s(input.target_file) ?? s(input.target_notebook);
}

const textOf = (content: unknown[]) =>
  content
    .map((b) => obj(b))
    .filter((b): b is Obj => !!b && b.type === 'text' && typeof b.text === 'string')
    .map((b) => b.text as string)
    .join('\n');

/** What the person typed: the `<user_query>` body, else the text without Cursor's context tags. */
export function promptText(text: string): string | null {
  const q = /<user_query>\s*([\s\S]*?)\s*<\/user_query>/.exec(text);
  const body = (
    q ? q[1]! : text.replace(/<(timestamp|image_files|attached_files|user_info)>[\s\S]*?<\/\1>/g, '')
  ).trim();
  if (!body || INJECTED.some((re) => re.test(body))) return null;
  return body;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * The time of a prompt line: `<timestamp>Monday, Jul 13, 2026, 8:59 AM (UTC)</timestamp>` (offsets
 * such as `UTC-4`, `UTC+5:30`), as an ISO time; null when the line has none.
 */
export function promptStamp(row: Obj): string | null {
  if (row.role !== 'user') return null;
  const content = contentOf(row);
  if (!content) return null;
  const m =
    /<timestamp>\s*(?:\w+,\s*)?(\w{3})\w*\s+(\d{1,2}),\s*(\d{4}),\s*(\d{1,2}):(\d{2})\s*(AM|PM)\s*\(UTC(?:([+-])(\d{1,2})(?::(\d{2}))?)?\)\s*<\/timestamp>/.exec(
      textOf(content),
    );
  if (!m) return null;
  const month = MONTHS.indexOf(m[1]!);
  if (month < 0) return null;
  const hour = (Number(m[4]) % 12) + (m[6] === 'PM' ? 12 : 0);
  const offset = m[7] ? (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9] ?? 0)) : 0;
  const utc = Date.UTC(Number(m[3]), month, Number(m[2]), hour, Number(m[5])) - offset * 60_000;
  return Number.isFinite(utc) ? new Date(utc).toISOString() : null;
}

/**
 * The workspace root: the longest directory above a tool path whose Cursor slug (the path's parts
 * joined by `-`, dots and spaces made dashes) is the project folder's name; null when none is (the
 * fold then takes a command's working directory).
 */
export function workspaceRoot(paths: readonly string[], slug: string | null): string | null {
  const abs = paths.filter((p) => p.startsWith('/'));
  if (slug) {
    const want = slug.toLowerCase();
    for (const p of abs) {
      const parts = p.split('/').filter(Boolean);
      for (let i = parts.length; i > 0; i--) {
        const dir = `/${parts.slice(0, i).join('/')}`;
        if (slugOf(dir) === want) return dir;
      }
    }
  }
  return null;
}

const slugOf = (dir: string) =>
  dir
    .replace(/^\/+/, '')
    .replace(/[/\\.\s_]+/g, '-')
    .toLowerCase();
