// What the agent-hook end-to-end tests share: git-agent-log on PATH as an installed tool, a hook
// command run exactly as the agent runs it, the record a commit's note holds, and every byte under
// .git for "no secret reached the disk" checks.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import type { RunRecord } from '../../src/record/schema.js';
import { BIN, cli, type CliResult, finished, gitEnv, type TempRepo } from './repo.js';

/** A PATH directory holding `git-agent-log`, as a developer who installed the tool has; removed after the file's tests. */
export function installedCliDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'agent-log-bin-'));
  symlinkSync(BIN, join(dir, 'git-agent-log'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Run a hook command as the agent does: its shell, the project root as cwd, the payload on stdin. */
export function runHookCommand(
  repo: TempRepo,
  binDir: string,
  command: string,
  payload: unknown,
  opts: { shell?: 'sh' | 'bash'; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  const child = spawn(opts.shell ?? 'sh', ['-c', command], {
    cwd: repo.dir,
    env: gitEnv({ PATH: `${binDir}:${process.env.PATH}`, AGENT_LOG_NO_BACKGROUND: '1', ...opts.env }),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.on('error', () => {});
  child.stdin.end(JSON.stringify(payload));
  return finished(child);
}

/** The run record in a commit's agent-log note, read with `git notes show`; null when there is none. */
export async function noteRecord(repo: TempRepo, commit: string): Promise<RunRecord | null> {
  let note: string;
  try {
    note = await repo.git('notes', '--ref=agent-log', 'show', commit);
  } catch {
    return null;
  }
  const line = note.split('\n').find((l) => l.includes('"kind":"record"'));
  return line ? (JSON.parse(line) as RunRecord) : null;
}

/** Every file under the repository's git dir, as text. */
export function gitDirText(repo: TempRepo): string {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(readFileSync(p, 'latin1'));
    }
  };
  walk(join(repo.dir, '.git'));
  return out.join('\n');
}

/**
 * Claude Code's hook calls for one session in `repo`, with the ids it really mints (a UUID session,
 * `toolu_01` + 22 base62 tool ids); `send` delivers one payload the way the test wants it run.
 */
export function claudeSession(
  repo: TempRepo,
  send: (payload: Record<string, unknown>) => Promise<CliResult>,
) {
  const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  const toolId = () =>
    `toolu_01${Array.from({ length: 22 }, () => B62[Math.floor(Math.random() * 62)]).join('')}`;
  const id = randomUUID();
  const base = {
    session_id: id,
    transcript_path: `/home/dana/.claude/projects/-srv-app/${id}.jsonl`,
    cwd: repo.dir,
    permission_mode: 'default',
  };
  const hook = async (event: string, fields: Record<string, unknown> = {}) => {
    const r = await send({ ...base, hook_event_name: event, ...fields });
    expect(r.code, r.stderr).toBe(0);
    return r;
  };
  return {
    id,
    hook,
    /** A Write tool call that creates or replaces `path` (the file is written between the hooks). */
    async write(path: string, content: string) {
      const t = toolId();
      const file = join(repo.dir, path);
      const input = { file_path: file, content };
      await hook('PreToolUse', { tool_name: 'Write', tool_use_id: t, tool_input: input });
      repo.write(path, content);
      await hook('PostToolUse', {
        tool_name: 'Write',
        tool_use_id: t,
        tool_input: input,
        tool_response: { type: 'create', filePath: file, content },
      });
    },
    async bash(command: string) {
      const t = toolId();
      await hook('PreToolUse', { tool_name: 'Bash', tool_use_id: t, tool_input: { command } });
      await hook('PostToolUse', {
        tool_name: 'Bash',
        tool_use_id: t,
        tool_input: { command },
        tool_response: { stdout: 'ok', stderr: '', interrupted: false },
      });
    },
  };
}

/**
 * Claude Code's two hook payloads around one Bash tool call (PreToolUse with the command, then
 * PostToolUse with its output), on `base` (session_id, transcript_path, cwd, permission_mode).
 */
export function claudeBashCall(
  base: Record<string, unknown>,
  toolUseId: string,
  command: string,
  stdout: string,
  description?: string,
): Record<string, unknown>[] {
  const call = { ...base, tool_name: 'Bash', tool_use_id: toolUseId };
  return [
    { ...call, hook_event_name: 'PreToolUse', tool_input: { command, description } },
    {
      ...call,
      hook_event_name: 'PostToolUse',
      tool_input: { command },
      tool_response: { stdout, stderr: '', interrupted: false, isImage: false },
    },
  ];
}

/**
 * One session each of Claude Code, Codex and Gemini CLI in `repo`, fed through `git agent-log hook
 * AGENT` (the payload on stdin, exit 0 expected), with the fields each agent puts in its payloads.
 * `shell` sends one shell call to Codex and Gemini (PostToolUse / AfterTool, the command's output
 * being `output`); `end` ends the three sessions as the agents do.
 */
export function agentSessions(repo: TempRepo, env: NodeJS.ProcessEnv, tag: string) {
  const claude = {
    session_id: randomUUID(),
    transcript_path: join(repo.dir, '..', 'none.jsonl'),
    cwd: repo.dir,
    permission_mode: 'default',
  };
  const codex = {
    session_id: `cx-${tag}`,
    turn_id: '1',
    transcript_path: null,
    cwd: repo.dir,
    model: 'gpt-5.1-codex',
  };
  const gemini = {
    session_id: `gm-${tag}`,
    transcript_path: join(repo.dir, '..', 'none.json'),
    cwd: repo.dir,
  };
  const hook = async (agent: string, payload: Record<string, unknown>) => {
    const r = await cli(repo, ['hook', agent], { env, input: JSON.stringify(payload) });
    expect(r.code, `hook ${agent}: ${r.stderr}`).toBe(0);
    return r;
  };
  return {
    claude,
    codex,
    gemini,
    hook,
    async shell(command: string, output: string = command) {
      await hook('codex', {
        ...codex,
        hook_event_name: 'PostToolUse',
        tool_name: 'Bash',
        tool_use_id: 'c1',
        tool_input: { command },
        tool_response: output,
      });
      await hook('gemini', {
        ...gemini,
        hook_event_name: 'AfterTool',
        tool_name: 'run_shell_command',
        tool_input: { command },
        tool_response: { llmContent: `Output: ${output}\nExit Code: 0`, returnDisplay: output },
      });
    },
    async end() {
      await hook('claude-code', { ...claude, hook_event_name: 'SessionEnd', reason: 'exit' });
      // Codex has no end-of-session hook (its sessions seal when stale): end it here so it seals now.
      await hook('codex', { ...codex, hook_event_name: 'SessionEnd' });
      await hook('gemini', { ...gemini, hook_event_name: 'SessionEnd', reason: 'exit' });
    },
  };
}
