// `git agent-log hook <agent> [event]`: the hot path an agent calls on every event. Read the payload
// from stdin (clipped while streaming), redact it, append one journal line keyed by session, exit 0
// and print nothing — except the guard's refusal when a policy rule matches (./guard/). Heavy work
// (folding, diffing, cost) happens at seal time, never here.
// Bundled on its own (scripts/bundle-hook.mjs); imports only the journal, the redactor, the guard and node.
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';
import { appendEvent, ensurePrivateDir, type JournalEvent } from '../journal/journal.js';
import { setMark, worktreeKeyOf } from '../journal/marks.js';
import { errorLogPath, journalRoot, sessionsDir, symlinkedOwnDir } from '../journal/paths.js';
import { repoRedactor } from '../redact/config.js';
import { mergeRedactions, type Redactor } from '../redact/redactor.js';
import { guardEvent } from './guard/guard.js';
import { JsonClipper } from './hook/clip-json.js';
import { guardView } from './hook/guard-view.js';
import { AGENT_ALIASES, type HookProfile, HOOK_PROFILES } from './hook/agent-names.js';
import { findGitDirs, type GitDirs, readHead } from './hook/locate.js';
import { MAX_PAYLOAD_DEPTH, tooDeep } from '../record/json-bounds.js';

export async function runHook(args: string[], opts: HookOptions = {}): Promise<void> {
  const env = opts.env ?? process.env;
  if (env.AGENT_LOG_DISABLE === '1') return;
  let dirs: GitDirs | null = null;
  let event = '';
  try {
    const known = AGENT_ALIASES[args[0] ?? ''];
    const agent = known ?? safeName(args[0] ?? 'unknown');
    const profile: HookProfile = known ? HOOK_PROFILES[known] : HOOK_PROFILES['claude-code'];
    const argvPayload = args.slice(1).find((a) => a.startsWith('{')); // Codex notify passes JSON as argv
    // Long strings are redacted before the clipper cuts them; the payload's repository is not known
    // yet, so the one around the hook's cwd (where the agent runs it), else the default rules.
    let early: { redactor: Redactor; root: string | null } | null = null;
    const redactEarly = (t: string) => {
      if (!early) {
        const root = findGitDirs(process.cwd(), env)?.root ?? null;
        early = { redactor: repoRedactor(root), root };
      }
      return early.redactor.redact(t);
    };
    const text =
      argvPayload !== undefined
        ? clip(argvPayload, redactEarly)
        : readStdinClipped(opts.stdinFd ?? 0, redactEarly);
    const received = new Date().toISOString();
    let payload: Record<string, unknown> | null = null;
    let parseError: string | null = null;
    if (text.trim() === '') parseError = 'empty payload on stdin';
    else if (tooDeep(text))
      parseError = `payload nested deeper than ${MAX_PAYLOAD_DEPTH} levels (${text.length} chars)`;
    else {
      try {
        const v = JSON.parse(text);
        if (v && typeof v === 'object' && !Array.isArray(v)) payload = v as Record<string, unknown>;
        else parseError = 'payload is not a JSON object';
      } catch {
        parseError = `malformed JSON payload (${text.length} chars)`;
      }
    }
    // Cursor sends `cwd: ""` and names its workspace in workspace_roots.
    const roots = Array.isArray(payload?.workspace_roots) ? payload.workspace_roots : [];
    const cwd =
      [payload?.cwd, roots[0]].find((c): c is string => typeof c === 'string' && c.startsWith('/')) ??
      process.cwd();
    dirs = findGitDirs(cwd, env) ?? (cwd !== process.cwd() ? findGitDirs(process.cwd(), env) : null);
    if (!dirs) return; // not in a repository: nothing to record, nowhere to complain
    if (symlinkedOwnDir(dirs.commonDir)) return; // never write through a link; doctor and the CLI say why
    if (existsSync(join(journalRoot(dirs.commonDir), 'paused'))) return;
    event =
      args.slice(1).find((a) => !a.startsWith('{')) ??
      str(payload?.hook_event_name) ??
      str(payload?.type) ??
      '';
    if (!payload) {
      logError(dirs, event, parseError ?? 'no payload');
      return;
    }
    const sessionId = safeName(
      profile.sessionKeys.map((k) => str(payload![k])).find((v) => v !== null) ?? 'unknown',
    );
    const isStart = profile.start.includes(event);
    const isEnd = profile.end.includes(event);
    const file = join(sessionsDir(dirs.commonDir, agent), `${sessionId}.jsonl`);
    // The first event of a run records HEAD: a new session file, or one quiet for two hours.
    const first = isNewRun(file, Date.parse(received));
    const pre = early as { redactor: Redactor; root: string | null } | null;
    const redactor = pre && pre.root === dirs.root ? pre.redactor : repoRedactor(dirs.root);
    const clean = redactor.redactDeep(payload);
    const line: JournalEvent = {
      v: 1,
      t: received,
      type: 'hook',
      event,
      session_id: sessionId,
      ...(str(payload.tool_use_id) ? { tool_use_id: str(payload.tool_use_id) } : {}),
      ...(str(payload.agent_id) ? { agent_id: str(payload.agent_id) } : {}),
      // HEAD at the start, and at each turn's end: commits up to the last one were made while the
      // session was live (its own); later commits need evidence to take it (store/attach-evidence.ts).
      ...(first || isStart || isEnd || profile.turnEnd.includes(event) ? { head: headFacts(dirs) } : {}),
      payload: clean,
    };
    const report =
      pre && pre.redactor !== redactor
        ? mergeRedactions(pre.redactor.report(), redactor.report())
        : redactor.report();
    if (report.length) line.redactions = report;
    appendEvent(file, line, { sync: false });
    // after the line, never before: the git hooks' shell tests see the session (journal/marks.ts)
    const key = worktreeKeyOf(dirs.gitDir, dirs.commonDir);
    setMark(dirs.commonDir, key, 'live');
    if (isEnd) setMark(dirs.commonDir, key, 'pending');
    if (env.AGENT_LOG_GUARD !== '0') {
      try {
        // Cursor and Copilot CLI events in the shape the guard reads (null: one the guard skips).
        const view = guardView(agent, event, clean, env);
        const answer = !view
          ? null
          : guardEvent({
              agent,
              sessionId,
              eventName: view.eventName,
              // The guard keeps state files (commands it saw, checks, repeats): it sees the redacted payload.
              payload: view.payload,
              received,
              firstOfJournal: first,
              journalFile: file,
              dirs,
              env,
              redact: (v) => redactor.redactDeep(v),
            });
        if (answer) (opts.stdout ?? process.stdout).write(answer.stdout);
      } catch (e) {
        // the guard fails open: our own error never refuses the agent anything
        logError(dirs, event, `guard: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (env.AGENT_LOG_NO_BACKGROUND !== '1') {
      if (first || isStart)
        background(dirs.root, ['session-snapshot', '--agent', agent, '--session', sessionId]);
      if (isEnd) background(dirs.root, ['seal-pending', '--agent', agent, '--session', sessionId, '--quiet']);
    }
  } catch (e) {
    if (dirs) logError(dirs, event, e instanceof Error ? e.message : String(e));
  }
}

export interface HookOptions {
  env?: NodeJS.ProcessEnv;
  stdinFd?: number;
  stdout?: { write(s: string): unknown };
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

const STALE_MS = 2 * 60 * 60 * 1000; // as in claude-code/sessions.ts (the hook may not import it)

function isNewRun(file: string, now: number): boolean {
  try {
    return now - statSync(file).mtimeMs > STALE_MS;
  } catch {
    return true;
  }
}

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 128) || 'unknown';
}

function headFacts(dirs: GitDirs) {
  try {
    return { ...readHead(dirs), root: dirs.root, git_dir: dirs.gitDir };
  } catch {
    return { commit: null, branch: null, root: dirs.root, git_dir: dirs.gitDir };
  }
}

function clip(text: string, redact: (t: string) => string): string {
  const c = new JsonClipper(undefined, redact);
  c.write(text);
  return c.end();
}

/** Read fd 0 to the end in chunks, clipping long strings as they stream by: memory stays bounded. */
function readStdinClipped(fd: number, redact: (t: string) => string): string {
  const clipper = new JsonClipper(undefined, redact);
  const decoder = new StringDecoder('utf8');
  const buf = Buffer.allocUnsafe(256 * 1024);
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
        continue;
      }
      if (code === 'EOF' || code === 'EBADF' || code === 'EINVAL') break;
      throw e;
    }
    if (n === 0) break;
    clipper.write(decoder.write(buf.subarray(0, n)));
  }
  clipper.write(decoder.end());
  return clipper.end();
}

function logError(dirs: GitDirs, event: string, message: string) {
  try {
    const dir = journalRoot(dirs.commonDir);
    ensurePrivateDir(dir);
    // The repository's own patterns too: an error message can quote the payload.
    const text = repoRedactor(dirs.root)
      .redact(`${event || '?'}: ${message}`)
      .replace(/\s+/g, ' ')
      .slice(0, 500);
    appendFileSync(errorLogPath(dirs.commonDir), `${new Date().toISOString()} hook ${text}\n`, {
      mode: 0o600,
    });
  } catch {
    // full disk or read-only repository: drop it; the agent must never be blocked
  }
}

/**
 * Work that needs git (snapshot at start, seal at end) runs in a detached process with stdio ignored,
 * so the hook returns at once.
 */
function background(root: string, args: string[]) {
  try {
    const bin = fileURLToPath(new URL('../bin/git-agent-log', import.meta.url));
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: root,
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, AGENT_LOG_BACKGROUND: '1' },
    });
    child.on('error', () => {});
    child.unref();
  } catch {
    // cannot spawn: the next `finish`, `log` or `show` seals it lazily
  }
}
