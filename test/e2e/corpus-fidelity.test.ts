// Real sessions are the test: every public session file of test/fixtures/corpus (origins in its
// README) is imported through the built CLI, and Claude Code transcripts are also replayed through
// the installed hook as the event sequence Claude Code would have sent (real tool ids, the
// transcript's cwd from another machine). The record must say what the file says, as read here by a
// small reader written from the raw JSON — it shares no code with the parsers under test.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { cli, ROOT, type TempRepo, tempRepo } from '../helpers/repo.js';

const CORPUS = join(ROOT, 'test/fixtures/corpus');
// Raw JSON of outside files, read loosely on purpose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const repos: TempRepo[] = [];
afterAll(() => {
  for (const r of repos.splice(0)) r.cleanup();
});
async function repo() {
  const r = await tempRepo({ files: { 'README.md': 'corpus\n' } });
  repos.push(r);
  return r;
}

function jsonLines(path: string): Json[] {
  const out: Json[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const v = JSON.parse(line);
      if (v && typeof v === 'object' && !Array.isArray(v)) out.push(v);
    } catch {
      // torn or foreign line
    }
  }
  return out;
}

const under = (p: string, dir: string | null) => {
  if (!dir || !p.startsWith('/')) return p;
  const d = dir.replace(/\/+$/, '');
  return p.startsWith(`${d}/`) ? p.slice(d.length + 1) : p;
};
const textOf = (content: unknown): string =>
  typeof content === 'string'
    ? content
    : Array.isArray(content)
      ? content
          .filter((b) => b?.type === 'text')
          .map((b) => b.text)
          .join('\n')
      : '';

// ------------------------------------------------------------------------------------------------
// Claude Code: the ground truth of a transcript and its subagent files.

interface Truth {
  commands: { id: string; command: string; exit: number | null; status: string; at: string }[];
  edited: string[];
  prompts: string[];
  tokens: { input: number; output: number; cacheRead: number; cacheWrite: number };
  /** Time of the last edit: edit tools and shell commands that plainly write files. */
  lastEdit: string;
  toolUses: number;
}

function claudeFiles(main: string): string[] {
  const stem = basename(main, '.jsonl');
  const files = [main];
  const sub = join(dirname(main), stem, 'subagents');
  if (existsSync(sub)) for (const f of readdirSync(sub)) if (f.endsWith('.jsonl')) files.push(join(sub, f));
  for (const f of readdirSync(dirname(main)))
    if (/^agent-.*\.jsonl$/.test(f) && jsonLines(join(dirname(main), f)).some((l) => l.sessionId === stem))
      files.push(join(dirname(main), f));
  return files;
}

const EDIT_TOOLS = ['Edit', 'Write', 'MultiEdit', 'NotebookEdit'];
const HOUSEKEEPING = /^\/(clear|compact|model|cost|help|status|config|exit|resume|context|mcp)\b/;

function claudeTruth(main: string): Truth {
  const lines = claudeFiles(main).flatMap(jsonLines);
  const cwd = lines.find((l) => typeof l.cwd === 'string' && !l.isSidechain)?.cwd ?? null;
  const uses = new Map<string, { name: string; input: Json; at: string }>();
  const results = new Map<string, { text: string; isError: boolean; tur: Json | null; at: string }>();
  const notified = new Map<string, number>();
  const prompts: string[] = [];
  const usage = new Map<string, Json>();
  for (const l of lines) {
    const content = l.message?.content;
    if (l.type === 'assistant') {
      if (Array.isArray(content))
        for (const b of content)
          if (b?.type === 'tool_use' && !uses.has(b.id))
            uses.set(b.id, { name: b.name, input: b.input ?? {}, at: l.timestamp });
      if (l.message?.usage && l.message?.model !== '<synthetic>')
        usage.set(`${l.message.id}:${l.requestId}`, l.message.usage);
    }
    if (l.type !== 'user') continue;
    const text = textOf(content);
    for (const m of text.matchAll(/<task-id>([^<]+)<\/task-id>[\s\S]*?exit code (\d+)/g))
      notified.set(m[1]!, Number(m[2]));
    if (Array.isArray(content))
      for (const b of content)
        if (b?.type === 'tool_result')
          results.set(b.tool_use_id, {
            text: textOf(b.content),
            isError: b.is_error === true,
            tur: l.toolUseResult && typeof l.toolUseResult === 'object' ? l.toolUseResult : null,
            at: l.timestamp,
          });
    if (l.isSidechain || l.isMeta || l.isCompactSummary) continue;
    if (Array.isArray(content) && content.some((b) => b?.type === 'tool_result')) continue;
    const cmd = /<command-name>\/?([^<]+)<\/command-name>/.exec(text);
    if (cmd) {
      const args = /<command-args>([\s\S]*?)<\/command-args>/.exec(text)?.[1]?.trim();
      const typed = `/${cmd[1]!.trim()}${args ? ` ${args}` : ''}`;
      if (!HOUSEKEEPING.test(typed)) prompts.push(typed);
      continue;
    }
    const typed = text.replace(/<system-reminder>[\s\S]*?<\/system-reminder>/g, '').trim();
    if (!typed || /^(<[a-z-]+>|\[Request interrupted|Caveat: |This session is being continued)/.test(typed))
      continue;
    prompts.push(typed);
  }
  const commands: Truth['commands'] = [];
  const edited = new Set<string>();
  let lastEdit = '';
  for (const [id, u] of uses) {
    const r = results.get(id);
    if (EDIT_TOOLS.includes(u.name) && (!r || !r.isError)) {
      edited.add(under(u.input.file_path ?? u.input.notebook_path, cwd));
      if ((r?.at ?? u.at) > lastEdit) lastEdit = r?.at ?? u.at;
    }
    if (u.name !== 'Bash') continue;
    const command = String(u.input.command);
    let exit: number | null = null;
    let status: string;
    const taskId = r?.tur?.backgroundTaskId;
    if (!r) status = 'unknown';
    else if (/doesn't want to proceed with this tool use/.test(r.text)) status = 'refused';
    else if (/Sibling tool call errored/.test(r.text)) status = 'cancelled';
    else if (r.tur?.interrupted === true || r.text.startsWith('[Request interrupted')) status = 'interrupted';
    else if (u.input.run_in_background === true || typeof taskId === 'string') {
      exit = notified.get(taskId) ?? null;
      status = exit === null ? 'unknown' : exit === 0 ? 'ok' : 'failed';
    } else if (r.isError) {
      const m = /^(?:Error: )?Exit code (\d+)/.exec(r.text.trim());
      exit = m ? Number(m[1]) : null;
      status = /git commit/.test(command) && /pre-commit|husky/.test(r.text) ? 'blocked' : 'failed';
    } else {
      exit = 0;
      status = 'ok';
    }
    commands.push({ id, command, exit, status, at: u.at });
    const writes = /^mix format(?! --check)|(^|&& )rm |sed -i|^mix deps\.get/.test(command);
    if (writes && u.at > lastEdit) lastEdit = r?.at ?? u.at;
  }
  const tokens = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
  for (const u of usage.values()) {
    tokens.input += u.input_tokens ?? 0;
    tokens.output += u.output_tokens ?? 0;
    tokens.cacheRead += u.cache_read_input_tokens ?? 0;
    tokens.cacheWrite += u.cache_creation_input_tokens ?? 0;
  }
  return { commands, edited: [...edited], prompts, tokens, lastEdit, toolUses: uses.size };
}

/** A check is known by its command without output plumbing. */
const plainCheck = (c: string) =>
  c
    .replace(/\s*2>&1/g, '')
    .replace(/;\s*echo "[^"]*"/g, '')
    .replace(/\s*\|\s*(tail|head|grep)\b.*$/s, '')
    .trim();

const sortBy = <T>(xs: T[], key: (x: T) => string): T[] =>
  [...xs].sort((a, b) => key(a).localeCompare(key(b)));

/** The figures of one comparison, for the README table. */
const figures: Record<string, Record<string, [number, number]>> = {};
function tally(file: string, what: string, ok: number, of: number) {
  (figures[file] ??= {})[what] = [ok, of];
}
afterAll(() => {
  if (process.env.CORPUS_FIGURES)
    console.log(
      Object.entries(figures)
        .map(
          ([f, m]) =>
            `${f}: ${Object.entries(m)
              .map(([k, [a, b]]) => `${k} ${a}/${b}`)
              .join(', ')}`,
        )
        .join('\n'),
    );
});

function compareClaude(name: string, record: Json, truth: Truth, opts: { tokens: boolean }) {
  const got = sortBy(
    (record.commands as Json[]).map((c) => ({ command: c.command, exit: c.exit_code, status: c.status })),
    (c) => `${c.command}\u0000${c.exit}\u0000${c.status}`,
  );
  const want = sortBy(
    truth.commands.map((c) => ({ command: c.command, exit: c.exit, status: c.status })),
    (c) => `${c.command}\u0000${c.exit}\u0000${c.status}`,
  );
  const same = want.filter((w, i) => JSON.stringify(got[i]) === JSON.stringify(w)).length;
  tally(name, 'commands+status', same, want.length);
  expect(got).toEqual(want);

  const changed = record.files.changed.filter((f: Json) => f.via === 'edit').map((f: Json) => f.path);
  const listed = [...changed, ...(record.files.outside_repo ?? [])];
  tally(name, 'edit files', truth.edited.filter((p) => listed.includes(p)).length, truth.edited.length);
  expect([...listed].sort()).toEqual([...truth.edited].sort());

  const prompts = [record.task.intent, ...record.task.follow_ups].filter(Boolean);
  tally(name, 'prompts', truth.prompts.filter((p) => prompts.includes(p)).length, truth.prompts.length);
  expect([...prompts].sort()).toEqual([...truth.prompts].sort());
  expect(prompts.length).toBe(truth.prompts.length);

  // Every check's verdict "ran after the last edit" from the times in the file.
  let right = 0;
  for (const check of record.checks) {
    const runs = truth.commands.filter((c) => plainCheck(c.command) === check.name);
    const last = runs.sort((a, b) => a.at.localeCompare(b.at)).at(-1);
    if (!last) continue;
    const expected = !truth.lastEdit || last.at > truth.lastEdit;
    if (check.after_last_edit === expected) right++;
    expect([check.name, check.after_last_edit]).toEqual([check.name, expected]);
  }
  tally(name, 'checks after last edit', right, record.checks.length);

  if (opts.tokens) {
    const cost = record.cost;
    const t = truth.tokens;
    const ok =
      cost.input_tokens === t.input &&
      cost.output_tokens === t.output &&
      cost.cache_read_tokens === t.cacheRead &&
      cost.cache_write_tokens === t.cacheWrite;
    tally(name, 'tokens', ok ? 1 : 0, 1);
    expect([cost.input_tokens, cost.output_tokens, cost.cache_read_tokens, cost.cache_write_tokens]).toEqual([
      t.input,
      t.output,
      t.cacheRead,
      t.cacheWrite,
    ]);
  }
}

const CLAUDE = [
  'spotter/4d5611e5-241a-462a-8d15-5122611a9569.jsonl',
  'spotter/ae4a77f8-aedd-4bc1-888f-c94edc91af04.jsonl',
  'spotter/subagent.jsonl',
  'spotter/tool_heavy.jsonl',
  'spotter/short.jsonl',
  'codemie/4c2ddfdc-b619-4525-8d03-1950fb1b0257.jsonl',
  'codemie/incremental-subagents/turn-2.jsonl',
];

describe('Claude Code transcripts: import', () => {
  test.each(CLAUDE)('%s: the record says what the transcript says', async (file) => {
    const path = join(CORPUS, 'claude-code', file);
    const truth = claudeTruth(path);
    const r = await repo();
    const res = await cli(r, ['import', 'claude-code', path, '--json']);
    expect(res.code, res.stderr).toBe(0);
    const record = JSON.parse(res.stdout);
    compareClaude(`claude-code/${file} (import)`, record, truth, { tokens: true });
    // The pending run shows the same facts and cost as the import printed.
    const listed = await cli(r, ['show', record.id, '--format', 'json']);
    expect(listed.code, listed.stderr).toBe(0);
    const shown = JSON.parse(listed.stdout);
    const pick = (x: Json) => ({
      commands: x.commands,
      checks: x.checks,
      files: x.files,
      task: x.task,
      cost: x.cost,
    });
    expect(pick(Array.isArray(shown) ? shown[0] : shown)).toEqual(pick(record));
  });
});

/** The hook payloads Claude Code would have sent for this transcript, in order. */
function hookSequence(path: string): Json[] {
  const lines = claudeFiles(path).flatMap(jsonLines);
  const sid = basename(path, '.jsonl');
  const cwd = lines.find((l) => typeof l.cwd === 'string')?.cwd ?? '/';
  const base = { session_id: sid, transcript_path: path, cwd };
  const out: Json[] = [{ ...base, hook_event_name: 'SessionStart', source: 'startup' }];
  const uses = new Map<string, Json>();
  const ordered = [...lines].sort((a, b) =>
    String(a.timestamp ?? '').localeCompare(String(b.timestamp ?? '')),
  );
  for (const l of ordered) {
    const content = l.message?.content;
    const agent = l.isSidechain ? { agent_id: l.agentId ?? 'sub' } : {};
    if (l.type === 'assistant' && Array.isArray(content))
      for (const b of content)
        if (b?.type === 'tool_use' && !uses.has(b.id)) {
          uses.set(b.id, b);
          out.push({
            ...base,
            ...agent,
            hook_event_name: 'PreToolUse',
            tool_name: b.name,
            tool_use_id: b.id,
            tool_input: b.input,
          });
        }
    if (l.type !== 'user') continue;
    if (Array.isArray(content) && content.some((b) => b?.type === 'tool_result')) {
      for (const b of content) {
        if (b?.type !== 'tool_result' || !uses.has(b.tool_use_id)) continue;
        const u = uses.get(b.tool_use_id)!;
        const tur = l.toolUseResult;
        out.push(
          b.is_error
            ? {
                ...base,
                ...agent,
                hook_event_name: 'PostToolUseFailure',
                tool_name: u.name,
                tool_use_id: u.id,
                tool_input: u.input,
                error: textOf(b.content),
                is_interrupt: tur?.interrupted === true,
              }
            : {
                ...base,
                ...agent,
                hook_event_name: 'PostToolUse',
                tool_name: u.name,
                tool_use_id: u.id,
                tool_input: u.input,
                tool_response: tur && typeof tur === 'object' ? tur : textOf(b.content),
              },
        );
      }
    } else if (!l.isSidechain && !l.isMeta && !l.isCompactSummary) {
      const text = textOf(content);
      const cmd = /<command-name>\/?([^<]+)<\/command-name>/.exec(text);
      const args = /<command-args>([\s\S]*?)<\/command-args>/.exec(text)?.[1]?.trim();
      const prompt = cmd ? `/${cmd[1]!.trim()}${args ? ` ${args}` : ''}` : text;
      // Claude Code sends what the person submitted; notifications and command output are not submitted.
      if (prompt.trim() && !/^(<(?!command-name)[a-z-]+>|\[Request interrupted|Caveat: )/.test(prompt.trim()))
        out.push({ ...base, hook_event_name: 'UserPromptSubmit', prompt });
    }
  }
  out.push({ ...base, hook_event_name: 'SessionEnd', reason: 'prompt_input_exit' });
  return out;
}

describe('Claude Code transcripts: replayed through the installed hook', () => {
  test.each([
    'spotter/tool_heavy.jsonl',
    'spotter/short.jsonl',
    'codemie/4c2ddfdc-b619-4525-8d03-1950fb1b0257.jsonl',
  ])('%s: the hook-recorded run says what the transcript says', async (file) => {
    const path = join(CORPUS, 'claude-code', file);
    const truth = claudeTruth(path);
    const r = await repo();
    expect((await cli(r, ['install', 'claude-code'])).code).toBe(0);
    for (const payload of hookSequence(path)) {
      const res = await cli(r, ['hook', 'claude-code'], {
        input: JSON.stringify(payload),
        env: { AGENT_LOG_NO_BACKGROUND: '1' },
      });
      expect(res).toEqual({ code: 0, stdout: '', stderr: '' });
    }
    const listed = await cli(r, ['log', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const records = JSON.parse(listed.stdout) as Json[];
    const record = records.find((x) => x.agent?.name === 'claude-code' && x.task?.source !== 'import');
    expect(record).toBeTruthy();
    const shown = await cli(r, ['show', record!.id, '--format', 'json']);
    expect(shown.code, shown.stderr).toBe(0);
    const full = JSON.parse(shown.stdout);
    // The hook journal's times are the replay's, not the transcript's: cost is compared on import.
    compareClaude(`claude-code/${file} (hooks)`, Array.isArray(full) ? full[0] : full, truth, {
      tokens: false,
    });
  });
});

// ------------------------------------------------------------------------------------------------
// Codex rollouts: exec_command_end events carry the exit code apart from the tool output text.

function codexTruth(path: string) {
  const lines = jsonLines(path);
  const cwd = lines.find((l) => l.type === 'session_meta')?.payload?.cwd ?? null;
  const exits = new Map<string, number>();
  const calls: { id: string; name: string; args: Json }[] = [];
  const prompts: string[] = [];
  let last: Json | null = null;
  const edited = new Set<string>();
  for (const l of lines) {
    const p = l.payload ?? {};
    if (l.type === 'event_msg' && p.type === 'exec_command_end' && typeof p.exit_code === 'number')
      exits.set(p.call_id, p.exit_code);
    // Without exec_command_end events (0.128), the output text's header says how the process ended.
    if (l.type === 'response_item' && p.type === 'function_call_output' && typeof p.output === 'string') {
      const m = /^Process exited with code (\d+)/m.exec(p.output);
      if (m && !exits.has(p.call_id)) exits.set(p.call_id, Number(m[1]));
    }
    if (
      l.type === 'event_msg' &&
      p.type === 'user_message' &&
      p.message?.trim() &&
      !/^\s*<(environment_context|user_instructions|turn_aborted)/.test(p.message)
    )
      prompts.push(p.message.trim()); // surrounding whitespace is not part of what was asked
    if (l.type === 'event_msg' && p.type === 'token_count' && p.info?.total_token_usage)
      last = p.info.total_token_usage;
    if (l.type === 'event_msg' && p.type === 'patch_apply_end' && p.success && p.changes)
      for (const f of Object.keys(p.changes)) edited.add(under(f, cwd));
    if (l.type === 'response_item' && (p.type === 'function_call' || p.type === 'custom_tool_call'))
      calls.push({
        id: p.call_id,
        name: p.name,
        args: p.arguments ? JSON.parse(p.arguments) : { input: p.input },
      });
  }
  const commands = calls
    .filter((c) => c.name === 'exec_command' || c.name === 'shell')
    .map((c) => ({ id: c.id, exit: exits.get(c.id) ?? null }));
  return { commands, prompts, tokens: last, edited: [...edited] };
}

describe('Codex rollouts: import', () => {
  const files = readdirSync(join(CORPUS, 'codex/codemie')).filter((f) => f.endsWith('.jsonl'));
  test.each(files)('%s: commands, exit codes, edits, prompts and tokens', async (file) => {
    const path = join(CORPUS, 'codex/codemie', file);
    const truth = codexTruth(path);
    const r = await repo();
    const res = await cli(r, ['import', 'codex', path, '--json']);
    expect(res.code, res.stderr).toBe(0);
    const record = JSON.parse(res.stdout);
    const name = `codex/${file}`;
    expect(record.commands.length).toBe(truth.commands.length);
    const withExit = truth.commands.filter((c) => c.exit !== null);
    const exitsGot = record.commands
      .map((c: Json) => c.exit_code)
      .filter((x: unknown) => x !== null)
      .sort();
    tally(
      name,
      'commands',
      record.commands.length === truth.commands.length ? truth.commands.length : 0,
      truth.commands.length,
    );
    tally(name, 'exit codes', withExit.length === exitsGot.length ? withExit.length : 0, withExit.length);
    expect(exitsGot).toEqual(withExit.map((c) => c.exit).sort());
    const edits = record.files.changed.filter((f: Json) => f.via === 'edit').map((f: Json) => f.path);
    tally(
      name,
      'edit files',
      truth.edited.filter((p) => edits.includes(p) || record.files.outside_repo?.includes(p)).length,
      truth.edited.length,
    );
    expect([...edits, ...(record.files.outside_repo ?? [])].sort()).toEqual([...truth.edited].sort());
    const prompts = [record.task.intent, ...record.task.follow_ups].filter(Boolean);
    tally(
      name,
      'prompts',
      prompts.length === truth.prompts.length ? prompts.length : 0,
      truth.prompts.length,
    );
    expect(prompts).toEqual(truth.prompts);
    if (truth.tokens) {
      const t = truth.tokens;
      expect(record.cost.input_tokens + record.cost.cache_read_tokens).toBe(t.input_tokens);
      expect(record.cost.output_tokens).toBe(t.output_tokens);
      tally(name, 'tokens', 1, 1);
    }
  });
});

// ------------------------------------------------------------------------------------------------
// Gemini sessions.

function geminiTruth(path: string) {
  const doc = JSON.parse(readFileSync(path, 'utf8')) as Json;
  const prompts: string[] = [];
  const shell: { exit: number | null }[] = [];
  const edited = new Set<string>();
  let input = 0;
  let output = 0;
  for (const m of doc.messages ?? []) {
    if (m.type === 'user') {
      const t = typeof m.content === 'string' ? m.content : textOf(m.content);
      if (t.trim() && t.trim() !== 'System: Please continue.') prompts.push(t);
    }
    if (m.type !== 'gemini') continue;
    input += m.tokens?.input ?? 0;
    output += (m.tokens?.output ?? 0) + (m.tokens?.thoughts ?? 0);
    for (const c of m.toolCalls ?? []) {
      if (c.name === 'run_shell_command') {
        const out = JSON.stringify(c.result ?? '');
        const code = /Exit Code: (-?\d+)/.exec(out)?.[1];
        shell.push({ exit: c.status === 'success' ? (code ? Number(code) : 0) : code ? Number(code) : null });
      }
      if ((c.name === 'write_file' || c.name === 'replace') && c.status === 'success')
        edited.add(c.args?.file_path ?? c.args?.absolute_path);
    }
  }
  return { prompts, shell, edited: [...edited], input, output };
}

describe('Gemini sessions: import', () => {
  const files = readdirSync(join(CORPUS, 'gemini/codemie')).filter((f) => f.endsWith('.json'));
  test.each(files)('%s: commands, exit codes, edits, prompts and tokens', async (file) => {
    const path = join(CORPUS, 'gemini/codemie', file);
    const truth = geminiTruth(path);
    const r = await repo();
    const res = await cli(r, ['import', 'gemini', path, '--json']);
    expect(res.code, res.stderr).toBe(0);
    const record = JSON.parse(res.stdout);
    const name = `gemini/${file}`;
    tally(
      name,
      'commands',
      record.commands.length === truth.shell.length ? truth.shell.length : 0,
      truth.shell.length,
    );
    expect(record.commands.map((c: Json) => c.exit_code).sort()).toEqual(
      truth.shell.map((s) => s.exit).sort(),
    );
    const edits = [
      ...record.files.changed.filter((f: Json) => f.via === 'edit').map((f: Json) => f.path),
      ...(record.files.outside_repo ?? []),
    ];
    const wanted = truth.edited.map((p) => (p.startsWith('/') ? p : p));
    tally(
      name,
      'edit files',
      wanted.filter((p) => edits.some((e: string) => p === e || p.endsWith(`/${e}`))).length,
      wanted.length,
    );
    expect(edits.length).toBe(wanted.length);
    const prompts = [record.task.intent, ...record.task.follow_ups].filter(Boolean);
    tally(
      name,
      'prompts',
      prompts.length === truth.prompts.length ? prompts.length : 0,
      truth.prompts.length,
    );
    expect(prompts).toEqual(truth.prompts);
    expect(record.cost.input_tokens + record.cost.cache_read_tokens).toBe(truth.input);
    expect(record.cost.output_tokens).toBe(truth.output);
    tally(name, 'tokens', 1, 1);
    expect(record.agent.model).toBe(record.cost.model);
  });
});
