// Rolling out to a team: the agent settings one person commits must not break a teammate who has not
// installed git-agent-log, and must record for one who has it globally or as a devDependency. Each
// hook command runs the way its agent runs it (reference/agent-formats.md): Claude Code through bash
// with CLAUDE_PROJECT_DIR, Codex through `sh -c` in the session's cwd, Gemini through `sh -c` with a
// sanitized environment (GEMINI_PROJECT_DIR, its CLAUDE_PROJECT_DIR alias); the payload on stdin.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BIN, cli, gitEnv, ROOT, type TempRepo, tempRepo } from '../helpers/repo.js';

type Agent = 'claude-code' | 'codex' | 'gemini';
const SETTINGS: Record<Agent, string> = {
  'claude-code': '.claude/settings.json',
  codex: '.codex/hooks.json',
  gemini: '.gemini/settings.json',
};
const EVENT: Record<Agent, string> = {
  'claude-code': 'UserPromptSubmit',
  codex: 'UserPromptSubmit',
  gemini: 'BeforeAgent',
};
const SESSION: Record<Agent, string> = {
  'claude-code': '0c5b7a2e-3f41-4d8a-9b6e-5a2f1c9d7e30',
  codex: '019a3c1e-7b2d-7f40-a8c5-2e9d4b6f1a07',
  gemini: 'b2f6e1d4-58a3-4c97-8e0f-6d1a9c3b7e52',
};

let work: string;
let sysPath: string; // node, git and the shell's tools; no git-agent-log
let globalBin: string; // a PATH directory where git-agent-log is installed "globally"
let origin: TempRepo;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'agent-log-team-'));
  const tools = join(work, 'tools');
  mkdirSync(tools);
  symlinkSync(process.execPath, join(tools, 'node'));
  symlinkSync(execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim(), join(tools, 'git'));
  sysPath = `${tools}:/usr/bin:/bin`;
  // the precondition of the "absent" case: nothing on this PATH answers to git-agent-log
  expect(spawnSync('sh', ['-c', 'command -v git-agent-log'], { env: { PATH: sysPath } }).status).not.toBe(0);
  globalBin = join(work, 'global-bin');
  mkdirSync(globalBin);
  symlinkSync(BIN, join(globalBin, 'git-agent-log'));

  // one person installs the agent hooks and commits the settings for the team
  origin = await tempRepo({ files: { 'README.md': '# team\n', 'src/app.js': 'export {};\n' } });
  for (const agent of ['claude-code', 'codex', 'gemini'] as const)
    expect((await cli(origin, ['install', agent])).code).toBe(0);
  await origin.commit('Record agent runs');
}, 60_000);
afterAll(() => {
  origin?.cleanup();
  rmSync(work, { recursive: true, force: true });
});

/** A teammate's clone of the project. */
function clone(name: string): string {
  const dir = join(work, name);
  execFileSync('git', ['clone', '-q', origin.dir, dir], { env: gitEnv() });
  return dir;
}

/** The project's devDependency as npm lays it out: the package, and its bin linked in .bin. */
function addDevDependency(dir: string) {
  mkdirSync(join(dir, 'node_modules/.bin'), { recursive: true });
  symlinkSync(ROOT, join(dir, 'node_modules/git-agent-log'));
  symlinkSync('../git-agent-log/bin/git-agent-log', join(dir, 'node_modules/.bin/git-agent-log'));
}

/** Every hook command of ours in the committed settings file of `agent`, one per event. */
function ourCommands(dir: string, agent: Agent): string[] {
  const settings = JSON.parse(readFileSync(join(dir, SETTINGS[agent]), 'utf8'));
  const commands = Object.values(settings.hooks as Record<string, { hooks: { command: string }[] }[]>)
    .flatMap((groups) => groups.flatMap((g) => g.hooks.map((h) => h.command)))
    .filter((c) => c.includes('git-agent-log'));
  return [...new Set(commands)];
}

/** Run a hook command the way `agent` runs it: its shell, its environment, the payload on stdin. */
function runAsAgent(agent: Agent, dir: string, path: string, cwd = dir) {
  const [command] = ourCommands(dir, agent);
  const payload = JSON.stringify({
    session_id: SESSION[agent],
    transcript_path: `/Users/alice/.agents/${agent}/${SESSION[agent]}.jsonl`,
    cwd,
    hook_event_name: EVENT[agent],
    ...(agent === 'gemini' ? { prompt: 'add a health check', timestamp: '2026-11-29T10:00:00.000Z' } : {}),
    ...(agent !== 'gemini' ? { prompt: 'add a health check', permission_mode: 'default' } : {}),
    ...(agent === 'codex' ? { turn_id: '1', model: 'gpt-5-codex' } : {}),
  });
  const base = { PATH: path, HOME: join(work, 'home'), AGENT_LOG_NO_BACKGROUND: '1' };
  const [shell, env] =
    agent === 'claude-code'
      ? ['bash', { ...base, CLAUDE_PROJECT_DIR: dir }]
      : agent === 'codex'
        ? ['sh', base]
        : [
            'sh',
            {
              ...base,
              GEMINI_PROJECT_DIR: dir,
              CLAUDE_PROJECT_DIR: dir,
              GEMINI_SESSION_ID: SESSION[agent],
              GEMINI_CWD: cwd,
            },
          ];
  const r = spawnSync(shell, ['-c', command!], { cwd, env, input: payload, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Journal lines the hook wrote for `agent`'s session, read straight from the file. */
function journal(dir: string, agent: Agent): { event: string; session_id: string }[] {
  const file = join(dir, '.git/agent-log/sessions', agent, `${SESSION[agent]}.jsonl`);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

const AGENTS: Agent[] = ['claude-code', 'codex', 'gemini'];

describe('a teammate without git-agent-log', () => {
  let dir: string;
  beforeAll(() => {
    dir = clone('absent');
  });

  test.each(AGENTS)('%s: the committed hook command exits 0 and prints nothing', (agent) => {
    expect(ourCommands(dir, agent)).toHaveLength(1);
    expect(runAsAgent(agent, dir, sysPath)).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(runAsAgent(agent, dir, sysPath, join(dir, 'src'))).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(existsSync(join(dir, '.git/agent-log'))).toBe(false);
  });
});

describe('a teammate with git-agent-log installed globally (on PATH)', () => {
  let dir: string;
  beforeAll(() => {
    dir = clone('global');
  });

  test.each(AGENTS)('%s: the hook records the event, silently', (agent) => {
    expect(runAsAgent(agent, dir, `${globalBin}:${sysPath}`)).toEqual({ code: 0, stdout: '', stderr: '' });
    const lines = journal(dir, agent);
    expect(lines.map((l) => [l.event, l.session_id])).toEqual([[EVENT[agent], SESSION[agent]]]);
  });
});

describe('a teammate with git-agent-log only as a devDependency (node_modules/.bin)', () => {
  let dir: string;
  beforeAll(() => {
    dir = clone('devdep');
    addDevDependency(dir);
  });

  test.each(AGENTS)('%s: the hook finds the project copy, also from a subdirectory', (agent) => {
    expect(runAsAgent(agent, dir, sysPath)).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(runAsAgent(agent, dir, sysPath, join(dir, 'src'))).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(journal(dir, agent).map((l) => l.event)).toEqual([EVENT[agent], EVENT[agent]]);
  });

  test('the "prepare" script installs the git hooks; a run commit gets its trailer with no global install', () => {
    const env = { ...gitEnv(), PATH: sysPath };
    const local = join(dir, 'node_modules/.bin/git-agent-log');
    const prepared = spawnSync(local, ['init', '--if-repo'], { cwd: dir, env, encoding: 'utf8' });
    expect(prepared.status).toBe(0);
    expect(readFileSync(join(dir, '.git/hooks/post-commit'), 'utf8')).toContain('# >>> git-agent-log >>>');
    const id = spawnSync(local, ['start', '--task', 'health check'], { cwd: dir, env, encoding: 'utf8' });
    expect(id.status).toBe(0);
    writeFileSync(join(dir, 'src/health.js'), 'export const ok = true;\n');
    execFileSync('git', ['add', '-A'], { cwd: dir, env });
    execFileSync('git', ['commit', '-q', '-m', 'health check'], { cwd: dir, env });
    const trailers = execFileSync('git', ['log', '-1', '--format=%(trailers:key=Agent-Log,valueonly)'], {
      cwd: dir,
      env,
      encoding: 'utf8',
    });
    expect(trailers.trim()).toBe(id.stdout.trim());
  });

  test('init --if-repo outside a git working tree (a tarball install) exits 0 with one line', () => {
    const outside = mkdtempSync(join(tmpdir(), 'agent-log-no-repo-'));
    try {
      const r = spawnSync(process.execPath, [BIN, 'init', '--if-repo'], {
        cwd: outside,
        env: { ...gitEnv(), GIT_CEILING_DIRECTORIES: tmpdir() },
        encoding: 'utf8',
      });
      expect({ code: r.status, stdout: r.stdout }).toEqual({ code: 0, stdout: '' });
      expect(r.stderr).toBe('agent-log: not in a git working tree, nothing to configure\n');
      const strict = spawnSync(process.execPath, [BIN, 'init'], {
        cwd: outside,
        env: { ...gitEnv(), GIT_CEILING_DIRECTORIES: tmpdir() },
        encoding: 'utf8',
      });
      expect(strict.status).toBe(2);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe('install upgrades entries an older version wrote', () => {
  test.each([
    ['claude-code', 'git agent-log hook claude-code', 12],
    ['codex', 'git-agent-log hook codex', 5],
    ['gemini', 'git-agent-log hook gemini', 6],
  ] as const)('%s: `%s` entries get the current command, in place', async (agent, old, events) => {
    const repo = await tempRepo({ files: { 'README.md': 'x\n' } });
    try {
      expect((await cli(repo, ['install', agent])).code).toBe(0);
      const path = SETTINGS[agent];
      const current = JSON.parse(repo.read(path));
      // what the older release left behind: same entries, the old command; plus someone's own hook
      const older = JSON.parse(
        JSON.stringify(current).replaceAll(
          JSON.stringify(ourCommands(repo.dir, agent)[0]),
          JSON.stringify(old),
        ),
      );
      const firstEvent = Object.keys(older.hooks)[0]!;
      older.hooks[firstEvent].unshift({ hooks: [{ type: 'command', command: 'audit.sh', timeout: 5 }] });
      repo.write(path, JSON.stringify(older, null, 2) + '\n');
      const r = await cli(repo, ['install', agent]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(
        new RegExp(`^upgraded .* hooks in ${path.replace('.', '\\.')} \\(${events} events\\)\\n$`),
      );
      const after = JSON.parse(repo.read(path));
      expect(after.hooks[firstEvent][0]).toEqual({
        hooks: [{ type: 'command', command: 'audit.sh', timeout: 5 }],
      });
      const upgraded = JSON.parse(JSON.stringify(after));
      upgraded.hooks[firstEvent].shift();
      expect(upgraded).toEqual(current);
      expect((await cli(repo, ['install', agent])).stdout).toMatch(/already installed/);
    } finally {
      repo.cleanup();
    }
  });
});

test('the hook commands are plain POSIX sh (Codex and Gemini run them with sh -c)', () => {
  for (const agent of AGENTS) {
    const [command] = ourCommands(origin.dir, agent);
    const r = spawnSync('sh', ['-n', '-c', command!], { encoding: 'utf8' });
    expect({ agent, code: r.status, stderr: r.stderr }).toEqual({ agent, code: 0, stderr: '' });
  }
});

describe('gaps are visible: agent-made commits without a record, by author', () => {
  let repo: TempRepo;
  let base: string;
  const sha: Record<string, string> = {};

  async function commitAs(who: string, email: string, file: string, message: string) {
    repo.write(file, `${file}\n`);
    const env = { ...gitEnv(), GIT_AUTHOR_NAME: who, GIT_AUTHOR_EMAIL: email };
    execFileSync('git', ['add', '-A'], { cwd: repo.dir, env });
    execFileSync('git', ['commit', '-q', '-m', message], { cwd: repo.dir, env });
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo.dir, encoding: 'utf8' }).trim();
  }

  beforeAll(async () => {
    repo = await tempRepo({ files: { 'README.md': '# gaps\n' } });
    expect((await cli(repo, ['init'])).code).toBe(0);
    base = (await repo.git('rev-parse', 'HEAD')).trim();
    sha.alice = await commitAs(
      'Alice',
      'alice@example.com',
      'a.js',
      'Add retry to the client\n\nCo-Authored-By: Claude <noreply@anthropic.com>',
    );
    const id = (await cli(repo, ['start', '--task', 'add the cache'])).stdout.trim();
    sha.bob = await commitAs('Bob', 'bob@example.com', 'b.js', 'Add the cache');
    expect((await cli(repo, ['finish', id])).code).toBe(0);
    sha.carol = await commitAs('Carol', 'carol@example.com', 'c.md', 'Fix a typo');
    sha.dave = await commitAs('Dave', 'dave@example.com', 'd.js', 'Handle timeouts');
    // a Codex session of Dave's made that commit with its own shell; its journal (retired) says so
    const session = '019a3c1e-7b2d-7f40-a8c5-2e9d4b6f1a99';
    const dir = join(repo.dir, '.git/agent-log/sealed/codex');
    mkdirSync(dir, { recursive: true });
    const line = {
      v: 1,
      t: '2026-11-29T09:00:00.000Z',
      type: 'hook',
      event: 'PostToolUse',
      session_id: session,
      tool_use_id: 'call_Yk2mQ8rT4vN6pL0sW3xZ9aBc',
      payload: {
        session_id: session,
        cwd: '/Users/dave/src/gaps',
        hook_event_name: 'PostToolUse',
        tool_name: 'Bash',
        tool_input: { command: "git commit -m 'Handle timeouts'" },
        tool_response: `[main ${sha.dave.slice(0, 7)}] Handle timeouts\n 1 file changed, 1 insertion(+)\n`,
      },
    };
    writeFileSync(join(dir, `${session}.20261129090000.jsonl`), `${JSON.stringify(line)}\n`);
  }, 120_000);
  afterAll(() => repo?.cleanup());

  test('doctor names each author with unrecorded agent commits and why they look agent-made', async () => {
    const r = await cli(repo, ['doctor', '--json']);
    const gaps = JSON.parse(r.stdout).findings.filter((f: { what: string }) =>
      / without a record: /.test(f.what),
    );
    expect(gaps.map((f: { level: string; what: string }) => [f.level, f.what])).toEqual([
      [
        'warn',
        `Alice <alice@example.com>: 1 agent-made commit without a record: ${sha.alice!.slice(0, 12)} (Co-Authored-By: Claude <noreply@anthropic.com>)`,
      ],
      [
        'warn',
        `Dave <dave@example.com>: 1 agent-made commit without a record: ${sha.dave!.slice(0, 12)} (made by a codex session's git commit (journal))`,
      ],
    ]);
    expect(JSON.parse(r.stdout).findings).toContainEqual({
      level: 'ok',
      what: '1 of 3 recent agent commits carry a record',
    });
  });

  test('verify over a range lists them with their authors', async () => {
    const r = await cli(repo, ['verify', `${base}..HEAD`, '--json']);
    const out = JSON.parse(r.stdout);
    expect(out.unrecorded_agent_commits).toEqual([
      {
        commit: sha.dave,
        author: { name: 'Dave', email: 'dave@example.com' },
        why: [expect.stringContaining('codex session')],
      },
      {
        commit: sha.alice,
        author: { name: 'Alice', email: 'alice@example.com' },
        why: ['Co-Authored-By: Claude <noreply@anthropic.com>'],
      },
    ]);
    const text = await cli(repo, ['verify', `${base}..HEAD`]);
    expect(text.stdout).toContain(
      `warn ${sha.alice!.slice(0, 12)} by Alice <alice@example.com> looks agent-made (Co-Authored-By: Claude <noreply@anthropic.com>) but has no record`,
    );
  });

  test('stats shows the share of agent commits that carry a record', async () => {
    const out = JSON.parse((await cli(repo, ['stats', '--json'])).stdout);
    expect(out.agent_commits).toMatchObject({
      agent_commits: 3,
      with_record: 1,
      share: 0.333,
      unrecorded_by_author: { 'Alice <alice@example.com>': 1, 'Dave <dave@example.com>': 1 },
    });
    expect((await cli(repo, ['stats', '--no-pager'])).stdout).toContain(
      'Agent commits with records (last 500 commits): 1 of 3 (33%)',
    );
  });
});

test('a commit Aider attributed (author or committer "Name (aider)") is an agent commit; one with a record is not a gap', async () => {
  const repo = await tempRepo({ files: { 'README.md': '# aider\n' } });
  try {
    const base = (await repo.git('rev-parse', 'HEAD')).trim();
    const commit = (file: string, author: string, committer: string) => {
      repo.write(file, `${file}\n`);
      const env = { ...gitEnv(), GIT_AUTHOR_NAME: author, GIT_COMMITTER_NAME: committer };
      execFileSync('git', ['add', '-A'], { cwd: repo.dir, env });
      execFileSync('git', ['commit', '-q', '-m', `edit ${file}`], { cwd: repo.dir, env });
      return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo.dir, encoding: 'utf8' }).trim();
    };
    // Aider's defaults: its edits are authored "You (aider)"; your changes it commits are committed so.
    const edit = commit('a.py', 'Erin (aider)', 'Erin (aider)');
    const dirty = commit('b.py', 'Erin', 'Erin (aider)');
    commit('c.py', 'Erin', 'Erin');
    const out = JSON.parse((await cli(repo, ['verify', `${base}..HEAD`, '--json'])).stdout);
    expect(out.unrecorded_agent_commits).toEqual([
      {
        commit: dirty,
        author: { name: 'Erin', email: 'author@example.com' },
        why: ['committer Erin (aider)'],
      },
      {
        commit: edit,
        author: { name: 'Erin (aider)', email: 'author@example.com' },
        why: ['author Erin (aider)'],
      },
    ]);
  } finally {
    repo.cleanup();
  }
});
