// Git hooks bench: what our prepare-commit-msg and post-commit hooks add to `git commit` and to a
// 20-commit rebase, against the same repository without them, and what a commit pays while a run is
// open (manual run; live agent session with a 2,000-event journal), against `node -e 0`.
// Interleaved runs; medians of BENCH_GIT_HOOK_RUNS (default 31) commits and 7 rebases.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_GIT_ENV } from './lib.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'git-agent-log');
const RUNS = Math.max(11, Number(process.env.BENCH_GIT_HOOK_RUNS ?? 31));
const REBASES = 7;

const env = { ...BENCH_GIT_ENV, AGENT_LOG_NO_BACKGROUND: '1' };
for (const k of Object.keys(env))
  if (k.startsWith('AGENT_LOG_') && k !== 'AGENT_LOG_NO_BACKGROUND') delete env[k];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const git = (cwd, ...args) => execFileSync('git', args, { cwd, env, encoding: 'utf8' }).trim();
const cli = (cwd, ...args) =>
  execFileSync(process.execPath, [BIN, ...args], { cwd, env, encoding: 'utf8' }).trim();

function timed(cwd, cmd, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
  return ms;
}

function repo(name, { hooks }) {
  const dir = mkdtempSync(join(tmpdir(), `agent-log-git-hooks-${name}-`));
  git(dir, 'init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'a.txt'), 'a\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'init');
  if (hooks) cli(dir, 'init');
  return dir;
}

const commit = (dir, i) => timed(dir, 'git', ['commit', '-q', '--allow-empty', '-m', `commit ${i}`]);

const plain = repo('plain', { hooks: false });
// git's own price for running two hook scripts at all (fork + exec of sh): the floor for any hook
const empty = repo('empty', { hooks: false });
for (const h of ['prepare-commit-msg', 'post-commit'])
  writeFileSync(join(empty, '.git', 'hooks', h), '#!/bin/sh\n:\n', { mode: 0o755 });
const ours = repo('ours', { hooks: true });
const withRun = repo('run', { hooks: true });
cli(withRun, 'start', '--task', 'bench run');
const withSession = repo('session', { hooks: true });
liveSession(withSession, 2000);

const t = { node: [], plain: [], empty: [], ours: [], run: [], session: [] };
for (let i = 0; i < RUNS; i++) {
  t.node.push(timed(plain, process.execPath, ['-e', '0']));
  t.plain.push(commit(plain, i));
  t.empty.push(commit(empty, i));
  t.ours.push(commit(ours, i));
  t.run.push(commit(withRun, i));
  t.session.push(commit(withSession, i));
}

// 20-commit rebase: replay the last 20 commits onto a new base, in both repositories
for (const dir of [plain, empty, ours]) {
  git(dir, 'checkout', '-q', '-b', 'topic');
  for (let i = 0; i < 20; i++) {
    writeFileSync(join(dir, `t${i}.txt`), `${i}\n`);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', `topic ${i}`);
  }
  git(dir, 'checkout', '-q', 'main');
}
const rebase = { plain: [], empty: [], ours: [] };
for (let i = 0; i < REBASES; i++) {
  for (const [name, dir] of [
    ['plain', plain],
    ['empty', empty],
    ['ours', ours],
  ]) {
    git(dir, 'checkout', '-q', 'main');
    git(dir, 'commit', '-q', '--allow-empty', '-m', `base ${i}`);
    rebase[name].push(timed(dir, 'git', ['rebase', '-q', 'main', 'topic']));
  }
}

const node = median(t.node);
const plainMs = median(t.plain);
const ms = (x) => `${x.toFixed(1)} ms`;
const added = (xs) => median(xs) - plainMs;
console.log(`git commit wall time, median of ${RUNS} interleaved runs\n`);
console.log('| operation | median | added by our hooks | aim |');
console.log('|---|---|---|---|');
console.log(`| node -e 0 | ${ms(node)} | | |`);
console.log(`| git commit, no hooks | ${ms(plainMs)} | | |`);
console.log(
  `| git commit, two empty hook scripts (floor) | ${ms(median(t.empty))} | ${ms(added(t.empty))} | |`,
);
console.log(
  `| git commit, our hooks, no run open | ${ms(median(t.ours))} | ${ms(added(t.ours))} | ≤ +10 ms |`,
);
console.log(
  `| git commit, our hooks, manual run open | ${ms(median(t.run))} | ${ms(added(t.run))} = ${(added(t.run) / node).toFixed(2)}× node -e 0 | ≤ 1.3× node -e 0 |`,
);
console.log(
  `| git commit, our hooks, live agent session (2,000-event journal) | ${ms(median(t.session))} | ${ms(added(t.session))} = ${(added(t.session) / node).toFixed(2)}× node -e 0 | ≤ 1.3× node -e 0 |`,
);
const rp = median(rebase.plain) / 1000;
const ro = median(rebase.ours) / 1000;
console.log(`\n20-commit rebase, median of ${REBASES}\n`);
console.log('| operation | median | aim |');
console.log('|---|---|---|');
console.log(`| git rebase, no hooks | ${rp.toFixed(3)} s | |`);
const re = median(rebase.empty) / 1000;
console.log(
  `| git rebase, two empty hook scripts (floor) | ${re.toFixed(3)} s = ${(re / rp).toFixed(2)}× | |`,
);
console.log(
  `| git rebase, our hooks | ${ro.toFixed(3)} s = ${(ro / rp).toFixed(2)}× | ≤ 1.5× + 0.1 s = ${(rp * 1.5 + 0.1).toFixed(3)} s |`,
);

/** A Claude Code session still running in this worktree: its journal, as the agent hook writes it. */
function liveSession(dir, events) {
  const session = '6b1f3f0e-2c4d-4a8b-9e7f-0a1b2c3d4e5f';
  const head = {
    commit: git(dir, 'rev-parse', 'HEAD'),
    branch: 'main',
    root: dir,
    git_dir: join(dir, '.git'),
  };
  const t0 = Date.now() - events * 100;
  const lines = [];
  for (let k = 0; k < events; k++) {
    const event = k === 0 ? 'SessionStart' : k % 2 ? 'PreToolUse' : 'PostToolUse';
    const id = `toolu_01${String(k).padStart(22, 'A')}`;
    lines.push({
      v: 1,
      t: new Date(t0 + k * 100).toISOString(),
      type: 'hook',
      event,
      session_id: session,
      ...(k === 0 ? { head } : { tool_use_id: id }),
      payload: {
        session_id: session,
        cwd: dir,
        hook_event_name: event,
        tool_name: 'Bash',
        tool_input: { command: `npm test -- case${k}` },
        ...(event === 'PostToolUse' ? { tool_response: { stdout: 'ok '.repeat(100), stderr: '' } } : {}),
      },
    });
  }
  const sessions = join(dir, '.git', 'agent-log', 'sessions', 'claude-code');
  mkdirSync(sessions, { recursive: true });
  writeFileSync(join(sessions, `${session}.jsonl`), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  // what the agent hook does after each line: the live mark of this worktree
  mkdirSync(join(dir, '.git', 'agent-log', 'marks'), { recursive: true });
  writeFileSync(join(dir, '.git', 'agent-log', 'marks', 'main.live'), '');
}
