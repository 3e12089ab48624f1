// Aider's chat history (`.aider.chat.history.md`, or `--chat-history-file`): one Markdown file that
// grows by a session at a time. What Aider writes there, and what a record can take from it:
//
//   # aider chat started at 2024-08-05 19:33:32     a session; local wall-clock time, no zone
//   > /path/bin/aider --model X file.py              the command line (first tool line)
//   > Aider v0.47.2-dev                              version
//   > Models: X with diff edit format, weak model Y  model (older); `Model:` / `Main model:` (newer)
//   #### text                                        what the person typed (continued by `####` lines)
//   #### /run CMD, /test CMD, !CMD                   shell commands; the output follows
//   > Added N lines of output to the chat.           after /test: the command exited non-zero
//   #### # Fix any errors below …  ## Running: CMD   Aider's auto-lint found errors: a failed check
//   > Added F to the chat.                           a file put in the chat (read)
//   > Applied edit to F                              a file edited
//   > Commit abc1234 subject                         Aider's own commit
//   > Removed: abc1234 subject                       /undo took that commit back
//   > Tokens: 5,244 sent, 604 received. Cost: $0.02 request, $0.02 session.
//
// Only the session header carries a time; everything else is ordered but untimed. Pure: no I/O.
import { type SessionCost, zeroTokens } from '../session/cost.js';
import { type SessionEvent, type ToolRole, untimedCall } from '../session/events.js';

export interface AiderCommand {
  command: string;
  output: string;
  /** 0 ok, 1 failed, null: Aider did not say (a /run whose output was offered to the chat). */
  exit: 0 | 1 | null;
  via: 'run' | 'test' | 'lint';
}

export type AiderItem =
  | { kind: 'prompt'; text: string }
  | { kind: 'command'; run: AiderCommand }
  | { kind: 'read'; path: string }
  | { kind: 'edit'; path: string }
  | { kind: 'commit'; short: string; subject: string }
  | { kind: 'undo'; short: string; subject: string }
  | { kind: 'usage'; sent: number; received: number; usd: number | null }
  | { kind: 'model'; model: string };

export interface AiderSession {
  /** Position in the file (0 = first session), counting every header. */
  index: number;
  /** Sessions before this one in the file that started in the same second (usually 0). */
  twin: number;
  /** The header's local wall-clock time, `YYYY-MM-DD HH:MM:SS`. */
  started: string;
  argv: string | null;
  version: string | null;
  items: AiderItem[];
}

const HEADER = /^# aider chat started at (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\s*$/;
const INPUT = /^####(?: |$)/;
const TOOL = /^> ?/;

/** Tool lines end in two spaces (a Markdown line break). */
const clean = (line: string) => line.replace(/\s+$/, '');

/** The last line of a tool message: text, then the two spaces Aider adds (blank lines of output have spaces too). */
const endsMessage = (line: string) => /\S {2}$/.test(line);

/** `5,244` → 5244; `9.6k` → 9600; `1.2M` → 1200000. */
function count(text: string): number {
  const m = /^([\d.,]+)([kKmM]?)$/.exec(text.trim());
  if (!m) return 0;
  const n = Number(m[1]!.replace(/,/g, ''));
  if (!Number.isFinite(n)) return 0;
  const scale = m[2] === 'k' || m[2] === 'K' ? 1e3 : m[2] === 'm' || m[2] === 'M' ? 1e6 : 1;
  return Math.round(n * scale);
}

function usage(line: string): AiderItem | null {
  if (!line.startsWith('Tokens:')) return null;
  const sent = /([\d.,]+[kKmM]?) sent\b/.exec(line);
  const received = /([\d.,]+[kKmM]?) received\b/.exec(line);
  if (!sent || !received) return null;
  const usd = /Cost: \$([\d.]+) (?:message|request)\b/.exec(line);
  return {
    kind: 'usage',
    sent: count(sent[1]!),
    received: count(received[1]!),
    usd: usd ? Number(usd[1]) : null,
  };
}

/** What one tool line says, if it is one of the lines a record uses. */
function toolLine(text: string): AiderItem | 'version' | null {
  let m: RegExpExecArray | null;
  if ((m = /^Applied edit to (.+)$/.exec(text))) return { kind: 'edit', path: m[1]! };
  if (
    (m = /^Added (.+?) to the chat(?: \(read-only\))?\.?$/.exec(text)) &&
    !/^\d+ lines? of output$/.test(m[1]!)
  )
    return { kind: 'read', path: m[1]! };
  if ((m = /^Commit ([0-9a-f]{7,40}) (.*)$/.exec(text)))
    return { kind: 'commit', short: m[1]!, subject: m[2]! };
  if ((m = /^Removed: ([0-9a-f]{7,40}) (.*)$/.exec(text)))
    return { kind: 'undo', short: m[1]!, subject: m[2]! };
  if ((m = /^(?:Main model|Models?): (\S+) with /.exec(text))) return { kind: 'model', model: m[1]! };
  if (/^Aider v\S+$/.test(text)) return 'version';
  return usage(text);
}

/** A `/run`, `/test` or `!` input: the command it runs, or null. */
function shellInput(text: string): { command: string; via: 'run' | 'test' } | null {
  const m = /^(?:\/(run|test)\s+|(!))([\s\S]+)$/.exec(text);
  if (!m) return null;
  return { command: m[3]!.trim(), via: m[1] === 'test' ? 'test' : 'run' };
}

/** Inputs that are questions or instructions for the model (and not UI commands). */
function promptOf(text: string): string | null {
  if (!text.trim()) return null;
  if (!text.startsWith('/')) return text;
  const m = /^\/(ask|code|architect|context)\s+([\s\S]+)$/.exec(text);
  return m ? m[2]!.trim() : null;
}

/** Aider's auto-lint reflection: `# Fix any errors below, if possible.` then `## Running: CMD` and output. */
function lintReflection(text: string): AiderCommand | null {
  if (!text.startsWith('# Fix any errors below')) return null;
  const m = /^## Running: (.+)$/m.exec(text);
  if (!m) return null;
  const output = text.slice(m.index + m[0].length).replace(/^\n+/, '');
  return { command: m[1]!.trim(), output, exit: 1, via: 'lint' };
}

export function parseAiderHistory(text: string): AiderSession[] {
  const lines = text.split(/\r?\n/);
  const sessions: AiderSession[] = [];
  let s: AiderSession | null = null;
  /**
   * The shell command whose output is being read. Aider logs the output as one tool message: its first
   * line after `> `, the rest raw, the last ending in the two spaces of a Markdown break (`raw`). Then
   * (`after`) come the question whether to add it to the chat, and the copy of it that was added
   * (`> ` on every line), until a blank line.
   */
  let open: { run: AiderCommand; phase: 'start' | 'raw' | 'after' } | null = null;
  const close = () => {
    if (open && s) {
      open.run.output = open.run.output.replace(/\s+$/, '');
      s.items.push({ kind: 'command', run: open.run });
    }
    open = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const header = HEADER.exec(line);
    if (header) {
      close();
      const twin = sessions.filter((x) => x.started === header[1]).length;
      s = { index: sessions.length, twin, started: header[1]!, argv: null, version: null, items: [] };
      sessions.push(s);
      continue;
    }
    if (!s) continue; // a file cut mid-session: its head belongs to no session
    if (INPUT.test(line)) {
      close();
      const input: string[] = [];
      while (i < lines.length && INPUT.test(lines[i]!)) input.push(clean(lines[i++]!.replace(INPUT, '')));
      i--;
      const text = input.join('\n').trim();
      const shell = shellInput(text);
      const lint = lintReflection(text);
      if (shell)
        open = {
          run: { command: shell.command, output: '', exit: shell.via === 'test' ? 0 : null, via: shell.via },
          phase: 'start',
        };
      else if (lint) s.items.push({ kind: 'command', run: lint });
      else {
        const prompt = promptOf(text);
        if (prompt) s.items.push({ kind: 'prompt', text: prompt });
      }
      continue;
    }
    const tool = TOOL.test(line);
    const text = clean(tool ? line.replace(TOOL, '') : line);
    if (open) {
      const { run } = open;
      if (open.phase === 'start') {
        if (!line.trim()) {
          close();
          continue;
        }
        if (/^Add(?:ed \d+ lines? of| (?:the |[\d.]+k tokens of command )?output)/.test(text))
          open.phase = 'after';
        else {
          run.output += `${text}\n`;
          open.phase = endsMessage(line) ? 'after' : 'raw';
          continue;
        }
      } else if (open.phase === 'raw') {
        run.output += `${text}\n`;
        if (endsMessage(line)) open.phase = 'after';
        continue;
      }
      // after
      if (!line.trim()) {
        close();
        continue;
      }
      if (tool && /^Added \d+ lines? of output to the chat\.?$/.test(text)) {
        if (run.via === 'test') run.exit = 1;
        close();
        continue;
      }
      // The copy added to the chat starts with the output's first line: a /test adds it only when
      // the command failed.
      if (tool && text && text === run.output.split('\n', 1)[0] && run.via === 'test') run.exit = 1;
      continue;
    }
    if (!tool) continue;
    const item = toolLine(text);
    if (item === 'version') s.version = text.slice('Aider v'.length);
    else if (item) s.items.push(item);
    else if (s.argv === null && s.items.length === 0 && /(?:^|[/\\])aider(?:\.exe)?(?:\s|$)/.test(text))
      s.argv = text;
  }
  close();
  return sessions;
}

/** A session did something worth a record: a prompt, an edit, a command or a commit. */
export function sessionDidWork(s: AiderSession): boolean {
  return s.items.some(
    (i) => i.kind === 'prompt' || i.kind === 'edit' || i.kind === 'command' || i.kind === 'commit',
  );
}

export interface AiderClock {
  /** The header's local wall-clock time as an ISO instant (the zone is the importer's to decide). */
  start(local: string): string;
  /** When an Aider commit was made (its abbreviated id as logged), if the repository has it. */
  commitTime(short: string): string | null;
}

export interface AiderEvents {
  sessionId: string;
  events: SessionEvent[];
  cost: SessionCost | null;
  /** The repository root the session worked in, when its absolute paths tell. */
  root: string | null;
}

/**
 * The session's repository root, from absolute paths whose tail is a relative path the same session
 * used (`/Users/a/proj/tests/x.py` beside `tests/x.py` → `/Users/a/proj`), or pytest's `rootdir:`.
 */
export function sessionRoot(s: AiderSession): string | null {
  const paths = s.items.flatMap((i) => (i.kind === 'read' || i.kind === 'edit' ? [i.path] : []));
  const relative = new Set(paths.filter((p) => !isAbsolute(p)));
  for (const p of paths) {
    if (!isAbsolute(p)) continue;
    for (const r of relative) if (p.endsWith(`/${r}`)) return p.slice(0, -r.length - 1);
  }
  for (const i of s.items) {
    if (i.kind !== 'command') continue;
    const m = /^rootdir: (\/\S*)$/m.exec(i.run.output);
    if (m) return m[1]!;
  }
  return null;
}

const isAbsolute = (p: string) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p);

/**
 * The session as events of the shared model. Only the header has a time; an event takes the time of
 * the last Aider commit before it that the repository knows (so a session's span reaches its commits),
 * else the header's. Calls get ids from the session's and their order (`aider-<start>-<n>`); they carry no timing.
 */
export function aiderEvents(s: AiderSession, clock: AiderClock): AiderEvents {
  // Named by its start (and its rank among sessions started in the same second), not by its place in
  // the file: the same session imported from a copy or a longer file is the same run.
  const sessionId = `aider-${s.started.replace(/[^0-9]/g, '')}${s.twin ? `-${s.twin}` : ''}`;
  const start = clock.start(s.started);
  let at = start;
  let model: string | null = s.items.find((i) => i.kind === 'model')?.model ?? null;
  const events: SessionEvent[] = [
    { kind: 'session-start', at, session_id: sessionId, source: 'aider', model },
  ];
  if (s.version) events.push({ kind: 'version', at, session_id: sessionId, version: s.version });
  let n = 0;
  const call = (
    tool: string,
    role: ToolRole,
    input: Record<string, unknown>,
    paths: string[] | undefined,
    end: { ok: boolean; exit_code?: number | null; output?: string | null },
  ) => {
    const tool_use_id = `${sessionId}-${++n}`;
    events.push(...untimedCall({ at, session_id: sessionId, tool_use_id, tool, input, role, paths, ...end }));
  };
  const usage = new Map<string, ModelUsage>();
  for (const item of s.items) {
    switch (item.kind) {
      case 'model':
        if (item.model !== model)
          events.push({ kind: 'model', at, session_id: sessionId, model: item.model });
        model = item.model;
        break;
      case 'prompt':
        events.push({ kind: 'prompt', at, session_id: sessionId, text: item.text });
        break;
      case 'read':
        call('add', 'read', { path: item.path }, [item.path], { ok: true });
        break;
      case 'edit':
        call('edit', 'edit', { file_path: item.path }, [item.path], { ok: true });
        break;
      case 'command':
        call('run', 'shell', { command: item.run.command }, undefined, {
          ok: item.run.exit !== 1,
          exit_code: item.run.exit,
          output: item.run.output,
        });
        break;
      case 'undo':
        // /undo: Aider reset its own last commit (files back to the commit before).
        call('undo', 'shell', { command: `/undo ${item.short}`, description: item.subject }, undefined, {
          ok: true,
          exit_code: 0,
        });
        break;
      case 'commit': {
        const t = clock.commitTime(item.short);
        if (t && t > at) at = t;
        break;
      }
      case 'usage': {
        const key = model ?? 'unknown';
        const u: ModelUsage = usage.get(key) ?? { input: 0, output: 0, usd: 0, messages: 0 };
        u.input += item.sent;
        u.output += item.received;
        u.usd = u.usd === null || item.usd === null ? null : u.usd + item.usd;
        u.messages++;
        usage.set(key, u);
        break;
      }
    }
  }
  if (at > start) events.push({ kind: 'activity', at, session_id: sessionId });
  return { sessionId, events, cost: reportedCost(usage), root: sessionRoot(s) };
}

/** Aider prints its own price of every message (litellm's table): the record keeps those dollars. */
/** What one model's requests in a session came to, as Aider printed them (usd null: one had no price). */
interface ModelUsage {
  input: number;
  output: number;
  usd: number | null;
  messages: number;
}

function reportedCost(usage: Map<string, ModelUsage>): SessionCost | null {
  if (usage.size === 0) return null;
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  const total = zeroTokens();
  const byModel: SessionCost['by_model'] = {};
  let usd: number | null = 0;
  let messages = 0;
  for (const [model, u] of usage) {
    byModel[model] = {
      ...zeroTokens(),
      input_tokens: u.input,
      output_tokens: u.output,
      usd: u.usd === null ? null : round(u.usd),
    };
    total.input_tokens += u.input;
    total.output_tokens += u.output;
    usd = usd === null || u.usd === null ? null : usd + u.usd;
    messages += u.messages;
  }
  const main = [...usage.entries()].sort(([, a], [, b]) => b.output - a.output)[0]![0];
  return {
    ...total,
    model: main === 'unknown' ? null : main,
    usd: usd === null ? null : round(usd),
    price_table: 'aider-reported',
    messages,
    by_model: byModel,
  };
}
