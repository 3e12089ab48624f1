// Hook bench: wall time of `git agent-log hook claude-code` (one PreToolUse payload on stdin) against
// `node -e 0`, on a small repository and a large one (20,000 files, 5,000 commits, packed refs, a
// 5,000-line session journal already there), plus a 200 KB PostToolUse (a Read of a big file).
// Runs are interleaved; figures are medians of BENCH_HOOK_RUNS (default 31). Then the seal of a
// 500-event session (`seal-pending`), median of 5.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_GIT_ENV } from './lib.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'git-agent-log');
const RUNS = Math.max(30, Number(process.env.BENCH_HOOK_RUNS ?? 31));

const env = {
  ...BENCH_GIT_ENV,
  AGENT_LOG_NO_BACKGROUND: '1',
};
for (const k of Object.keys(env))
  if (k.startsWith('AGENT_LOG_') && k !== 'AGENT_LOG_NO_BACKGROUND') delete env[k];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function timed(cwd, args, input) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd, env, input, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 || r.stdout !== '') throw new Error(`${args.join(' ')} failed: ${r.stderr || r.stdout}`);
  return ms;
}

const git = (cwd, ...args) =>
  execFileSync('git', args, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 28 }).trim();

function smallRepo() {
  const dir = mkdtempSync(join(tmpdir(), 'agent-log-hook-small-'));
  git(dir, 'init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'a.txt'), 'a\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'init');
  return dir;
}

function largeRepo() {
  const dir = mkdtempSync(join(tmpdir(), 'agent-log-hook-large-'));
  git(dir, 'init', '-q', '-b', 'main');
  const parts = [];
  const base = 1_790_000_000;
  const FILES = 20_000;
  const COMMITS = 5_000;
  let first =
    'commit refs/heads/main\nmark :1\ncommitter Bench <bench@example.com> 1790000000 +0000\ndata 5\ninit\n';
  for (let f = 0; f < FILES; f++)
    first += `M 100644 inline src/d${f % 200}/f${f}.ts\ndata 11\nexport {};\n\n`;
  parts.push(first);
  for (let i = 2; i <= COMMITS; i++) {
    const content = `line ${i}\n`;
    const msg = `c${i}\n`;
    parts.push(
      `commit refs/heads/main\nmark :${i}\ncommitter Bench <bench@example.com> ${base + i * 60} +0000\ndata ${msg.length}\n${msg}`,
      `M 100644 inline log.txt\ndata ${Buffer.byteLength(content)}\n${content}\n`,
    );
  }
  for (let b = 0; b < 2000; b++) parts.push(`reset refs/heads/branch-${b}\nfrom :${1 + (b % COMMITS)}\n\n`);
  execFileSync('git', ['fast-import', '--quiet'], { cwd: dir, env, input: parts.join('') });
  git(dir, 'checkout', '-q', 'main');
  git(dir, 'pack-refs', '--all');
  const sessions = join(dir, '.git', 'agent-log', 'sessions', 'claude-code');
  mkdirSync(sessions, { recursive: true });
  const line = JSON.stringify({
    v: 1,
    t: new Date().toISOString(),
    type: 'hook',
    event: 'PreToolUse',
    payload: { x: 'y'.repeat(500) },
  });
  writeFileSync(join(sessions, 'bench.jsonl'), `${line}\n`.repeat(5000));
  return dir;
}

const payload = (dir, n, extra = {}) =>
  JSON.stringify({
    session_id: 'bench',
    transcript_path: '/tmp/none.jsonl',
    cwd: dir,
    permission_mode: 'default',
    hook_event_name: 'PreToolUse',
    tool_name: 'Bash',
    tool_use_id: `toolu_${n}`,
    tool_input: { command: 'npm test -- --runInBand', description: 'Run the tests', timeout: 120000 },
    ...extra,
  });

const small = smallRepo();
const large = largeRepo();

/** The small repository again, with a guard policy that checks every rule on every call. */
function guardedRepo() {
  const dir = smallRepo();
  mkdirSync(join(dir, '.agent-log'), { recursive: true });
  writeFileSync(
    join(dir, '.agent-log', 'config.json'),
    JSON.stringify({
      guard: {
        budget: { usd_per_run: 50, tokens_per_run: 50_000_000, usd_per_day: 500 },
        max_minutes: 600,
        retries: { same_check: 3, check_total: 10, same_command: 5 },
        paths: { deny: ['migrations/**', 'infra/**'] },
        mcp: { allow: ['github'], limits: { github: 100 } },
      },
    }),
  );
  // a transcript the budget rule reads from its last offset (40 assistant messages already there)
  const transcript = join(dir, 'transcript.jsonl');
  const usage = { input_tokens: 1200, output_tokens: 300, cache_read_input_tokens: 40_000 };
  const lines = [];
  for (let i = 0; i < 40; i++)
    lines.push(
      JSON.stringify({
        type: 'assistant',
        requestId: `req_011C${String(i).padStart(20, '0')}`,
        message: { id: `msg_01${String(i).padStart(22, '0')}`, model: 'claude-sonnet-4-5-20250929', usage },
      }),
    );
  writeFileSync(transcript, `${lines.join('\n')}\n`);
  return { dir, transcript };
}
const guarded = guardedRepo();
const bigRead = (dir, n) =>
  payload(dir, n, {
    hook_event_name: 'PostToolUse',
    tool_name: 'Read',
    tool_input: { file_path: join(dir, 'big.ts') },
    tool_response: {
      type: 'text',
      file: { filePath: join(dir, 'big.ts'), content: 'const x = 1;\n'.repeat(16_000) },
    },
  });

const guardedPayload = (n) =>
  JSON.stringify({
    ...JSON.parse(payload(guarded.dir, n)),
    session_id: 'bench-guard',
    transcript_path: guarded.transcript,
  });
const t = { node: [], small: [], large: [], big: [], guard: [] };
for (let i = 0; i < RUNS; i++) {
  t.node.push(timed(small, ['-e', '0']));
  t.guard.push(timed(guarded.dir, [BIN, 'hook', 'claude-code'], guardedPayload(i)));
  t.small.push(timed(small, [BIN, 'hook', 'claude-code'], payload(small, i)));
  t.large.push(timed(large, [BIN, 'hook', 'claude-code'], payload(large, i)));
  t.big.push(timed(small, [BIN, 'hook', 'claude-code'], bigRead(small, i)));
}
const node = median(t.node);
const row = (name, xs) => `| ${name} | ${median(xs).toFixed(1)} ms | ${(median(xs) / node).toFixed(2)}× |`;
console.log(`Hook wall time, median of ${RUNS} interleaved runs (target ≤ 1.30× node -e 0)\n`);
console.log('| process | median | vs node -e 0 |');
console.log('|---|---|---|');
console.log(row('node -e 0', t.node));
console.log(row('hook, small repo (PreToolUse)', t.small));
console.log(row('hook, large repo: 20k files, 2k packed refs (PreToolUse)', t.large));
console.log(row('hook, 200 KB PostToolUse (Read)', t.big));
console.log(row('hook + guard policy, every rule checked (PreToolUse)', t.guard));

// ------------------------------------------------------------------ seal of a 500-event session

function sessionJournal(dir, id, startCommit) {
  const lines = [];
  const t0 = Date.now() - 60_000;
  const at = (k) => new Date(t0 + k * 50).toISOString();
  const head = { commit: startCommit, branch: 'main', root: dir, git_dir: join(dir, '.git') };
  const base = { session_id: id, cwd: dir, transcript_path: '/nonexistent.jsonl' };
  const hook = (k, event, p) => ({
    v: 1,
    t: at(k),
    type: 'hook',
    event,
    session_id: id,
    payload: { ...base, hook_event_name: event, ...p },
  });
  lines.push({ ...hook(0, 'SessionStart', { source: 'startup' }), head });
  lines.push(hook(1, 'UserPromptSubmit', { prompt: 'refactor the bench module' }));
  let k = 2;
  for (let c = 0; lines.length < 498; c++) {
    const id2 = `toolu_${c}`;
    const kind = c % 4;
    const tool = ['Read', 'Edit', 'Bash', 'Grep'][kind];
    const input =
      kind === 2
        ? { command: c % 8 === 2 ? 'npm test' : 'ls -la' }
        : { file_path: join(dir, `src/d${c % 50}/f${c}.ts`), pattern: 'x' };
    lines.push({
      ...hook(k++, 'PreToolUse', { tool_name: tool, tool_use_id: id2, tool_input: input }),
      tool_use_id: id2,
    });
    lines.push({
      ...hook(k++, 'PostToolUse', {
        tool_name: tool,
        tool_use_id: id2,
        tool_input: input,
        tool_response: { stdout: 'ok', stderr: '' },
      }),
      tool_use_id: id2,
    });
  }
  lines.push(hook(k++, 'Stop', {}));
  lines.push(hook(k, 'SessionEnd', { reason: 'other' }));
  const sessions = join(dir, '.git', 'agent-log', 'sessions', 'claude-code');
  mkdirSync(sessions, { recursive: true });
  writeFileSync(join(sessions, `${id}.jsonl`), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return lines.length;
}

const seal = [];
let events = 0;
for (let i = 0; i < 5; i++) {
  const start = git(small, 'rev-parse', 'HEAD');
  events = sessionJournal(small, `seal-${i}`, start);
  writeFileSync(join(small, `f${i}.txt`), `${i}\n`);
  git(small, 'add', '-A');
  git(small, 'commit', '-q', '-m', `c${i}`);
  seal.push(timed(small, [BIN, 'seal-pending']));
}
console.log(
  `\nSeal of a ${events}-event session (seal-pending, whole process): median ${median(seal).toFixed(1)} ms over 5 runs`,
);
