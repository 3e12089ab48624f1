// A new user's first hour again, from the installed tool (ninth session): what still surprised after
// the first-contact fixes. Each test is one surprise, through the built CLI on a real repository.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { cli, ROOT, type TempRepo, tempRepo } from '../helpers/repo.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function repoWith(files: Record<string, string> = { 'README.md': '# demo\n' }) {
  const repo = await tempRepo({ files });
  cleanups.push(() => repo.cleanup());
  return repo;
}

async function ok(repo: TempRepo | string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = await cli(repo, args, { env });
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r;
}

/** One command's section of the man page source, roff escapes of `-` undone. */
function manSection(usage: string): string {
  const text = readFileSync(join(ROOT, 'man', 'man1', 'git-agent-log.1'), 'utf8').replace(/\\-/g, '-');
  const start = text.indexOf(`.SS "git agent-log ${usage}"`);
  expect(start, usage).toBeGreaterThan(0);
  return text.slice(start).split('\n.SS ')[0]!;
}

/** The option entries of a man page section: each `.B` line after `.TP`, with the text under it. */
function manEntries(section: string): { names: string; text: string }[] {
  return [...section.matchAll(/^\.TP\n\.B (.*)\n(.*)$/gm)].map((m) => ({ names: m[1]!, text: m[2]! }));
}

describe('the man page', () => {
  test('an option that is on by default reads --[no-]NAME with its own words, not --no-NAME with the opposite', () => {
    // `init --hooks` installs the hooks by default; `--no-hooks` does not install them.
    const hooks = manEntries(manSection('init')).find((e) => /hooks\b/.test(e.names));
    expect(hooks?.names).toBe('--[no-]hooks');
    expect(hooks?.text).toMatch(/^install .*\(default: on\)$/);
    const pager = manEntries(manSection('show [ref]')).find((e) => /pager/.test(e.names));
    expect(pager?.names).toBe('--[no-]pager');
  });

  test('lists each option of a command once: an alias is named beside its option, not again alone', () => {
    for (const usage of ['log', 'query']) {
      const names = manEntries(manSection(usage)).map((e) => e.names.split(' ')[0]!.replace(/,$/, ''));
      expect(
        names.filter((n) => n === '--max-count'),
        usage,
      ).toEqual([]);
      expect(
        names.filter((n) => n === '-n'),
        usage,
      ).toHaveLength(1);
      expect(new Set(names).size, `${usage}: ${names.join(' ')}`).toBe(names.length);
    }
  });
});

describe('help that tells the whole story', () => {
  test('`help init` says the pre-push hook shares the records of pushed commits, as `git push` then does', async () => {
    const remote = await tempRepo({ bare: true });
    cleanups.push(() => remote.cleanup());
    const repo = await repoWith();
    await repo.git('remote', 'add', 'origin', remote.dir);
    await ok(repo, ['init', '--pre-push']);
    await ok(repo, ['start', '--task', 'share me']);
    repo.write('src/a.ts', 'export const a = 1;\n');
    await repo.commit('a');
    await ok(repo, ['finish']);
    await repo.git('push', '-q', 'origin', 'main');
    expect(await remote.git('for-each-ref', '--format=%(refname)', 'refs/notes/')).toBe(
      'refs/notes/agent-log\n',
    );
    const help = (await ok(repo, ['help', 'init'])).stdout;
    const entry = help
      .slice(help.indexOf('--pre-push'))
      .split(/\n\s+--/)[0]!
      .replace(/\s+/g, ' ');
    expect(entry).toMatch(/shares? the records of (the )?pushed commits/);
  });

  test('`help log` and `help query` list every --format placeholder, and each one is expanded', async () => {
    // the placeholders the README documents for `--format`
    const documented = 'id short date agent model status intent checks files branch commit hash risk cost';
    const repo = await repoWith();
    await ok(repo, ['start', '--task', 'format me']);
    repo.write('src/a.ts', 'export const a = 1;\n');
    await repo.commit('a');
    await ok(repo, ['finish']);
    for (const command of ['log', 'query']) {
      const help = (await ok(repo, ['help', command])).stdout.replace(/\s+/g, ' ');
      for (const name of documented.split(' ')) {
        expect(help, `${command}: %${name}`).toContain(`%${name}`);
        const line = (await ok(repo, [command, '--no-pager', '--format', `<%${name}>`])).stdout;
        expect(line, `${command} --format %${name}`).not.toContain(`%${name}`);
      }
      expect(help).toContain('%n');
      expect(help).toContain('%%');
    }
  });
});

describe('a bare repository (the team remote)', () => {
  test('doctor finds nothing to fix in the remote a clone pushes its records to, and names no fix that fails there', async () => {
    const remote = await tempRepo({ bare: true });
    cleanups.push(() => remote.cleanup());
    const repo = await repoWith();
    await repo.git('remote', 'add', 'origin', remote.dir);
    await ok(repo, ['init', '--pre-push']);
    await ok(repo, ['start', '--task', 'pushed run']);
    repo.write('src/a.ts', 'export const a = 1;\n');
    await repo.commit('a');
    await ok(repo, ['finish']);
    await repo.git('push', '-q', 'origin', 'main');

    const doctor = await cli(remote, ['doctor', '--json']);
    const report = JSON.parse(doctor.stdout) as { findings: { level: string; what: string; fix?: string }[] };
    expect(report.findings.filter((f) => f.level === 'problem')).toEqual([]);
    expect(doctor.code, doctor.stderr).toBe(0);
    // every `git agent-log …` a finding suggests runs there
    for (const f of report.findings.filter((x) => x.fix))
      for (const fix of f.fix!.split(/, or |; /).filter((x) => x.startsWith('git agent-log ')))
        expect((await cli(remote, fix.split(' ').slice(2))).code, fix).toBe(0);
    expect((await cli(remote, ['init'])).code).toBe(2); // which is why doctor must not ask for it
  });
});

/** Claude Code's hook calls for one session in `repo`, with the ids it really mints. */
function claudeSession(repo: TempRepo) {
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
    const r = await cli(repo, ['hook', 'claude-code'], {
      input: JSON.stringify({ ...base, hook_event_name: event, ...fields }),
      env: { AGENT_LOG_NO_BACKGROUND: '1' },
    });
    expect(r.code).toBe(0);
    return r;
  };
  return {
    hook,
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

describe('stop, the kill switch', () => {
  test('with no ID it stops only runs going on: not a session that ended, nor the run before a /clear', async () => {
    const repo = await repoWith();
    await ok(repo, ['install', 'claude-code']);
    const ended = claudeSession(repo);
    await ended.hook('SessionStart', { source: 'startup' });
    await ended.hook('UserPromptSubmit', { prompt: 'list the files' });
    await ended.bash('ls');
    await ended.hook('Stop');
    await ended.hook('SessionEnd', { reason: 'prompt_input_exit' });
    const none = await cli(repo, ['stop', '--reason', 'enough']);
    expect(none.stderr).toMatch(/^error: no live run in this worktree\n/);
    expect(none.code).toBe(1);

    const live = claudeSession(repo);
    await live.hook('SessionStart', { source: 'startup' });
    await live.hook('UserPromptSubmit', { prompt: 'first task' });
    await live.bash('git status');
    await live.hook('SessionStart', { source: 'clear' });
    await live.hook('UserPromptSubmit', { prompt: 'second task' });
    await live.bash('git diff');
    const stopped = await ok(repo, ['stop', '--reason', 'enough']);
    const ids = stopped.stdout.trim().split('\n');
    expect(ids).toHaveLength(1);
    // the one stopped is the run the next tool call belongs to: that call is refused
    const t = 'toolu_01' + 'A'.repeat(22);
    const refused = await live.hook('PreToolUse', {
      tool_name: 'Bash',
      tool_use_id: t,
      tool_input: { command: 'ls' },
    });
    expect(JSON.parse(refused.stdout).hookSpecificOutput.permissionDecision).toBe('deny');
    const runs = JSON.parse((await ok(repo, ['log', '--json'])).stdout) as {
      id: string;
      task: { intent: string };
    }[];
    expect(runs.find((r) => r.id === ids[0])?.task.intent).toBe('second task');
  });
});
