// Shared by the query and speed benches: a repository of N commits, each with one ~2 KB run record
// (one git fast-import stream for the commits, one for the notes, 2/38 fanout); the last
// BLAME_LINES commits each add one line to big.txt, so `blame big.txt` names that many runs.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BENCH_GIT_ENV } from './lib.mjs';

const dist = (p) =>
  import(pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', p)).href);

export const BLAME_LINES = 2000;
const NOTES = 'refs/notes/agent-log';
const env = BENCH_GIT_ENV;

const AGENTS = ['claude-code', 'codex', 'gemini-cli', 'aider'];
const MODELS = ['claude-opus-4-1', 'gpt-5-codex', 'gemini-2.5-pro', 'claude-sonnet-4-5'];

/**
 * The note line of run `i` on `commit` as the tool writes it (record/note-lines.ts recordLine: the
 * record as the schema reads it, keys sorted), or with `shape: 'plain'` the object below as
 * JSON.stringify writes it (its own key order, no defaults: what this bench wrote before).
 */
export async function recordLine(i, commit, { shape = 'real' } = {}) {
  const rec = recordObject(i, commit);
  if (shape === 'plain') return `${JSON.stringify(rec)}\n`;
  const [{ RunRecord }, { recordLine: writerLine }] = await Promise.all([
    dist('record/schema.js'),
    dist('record/note-lines.js'),
  ]);
  return `${writerLine(RunRecord.parse(rec))}\n`;
}

function recordObject(i, commit) {
  const id = `b${i.toString(36).padStart(9, '0')}`;
  const mod = i % 50 === 0 ? 'src/payments' : `src/mod${i % 200}`;
  const at = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
  const rec = {
    schema: 'agent-log/v1',
    kind: 'record',
    id,
    task: {
      intent: `refactor the ${mod} module so that request validation happens in one place (task ${i})`,
      source: 'prompt',
      follow_ups: ['also update the tests for the error paths'],
    },
    boundary: { allow: [`${mod}/**`, 'test/**'], deny: ['migrations/**'], level: 'edit', constraints: [] },
    agent: { name: AGENTS[i % 4], version: '2.1.3', model: MODELS[i % 4], session_ids: [`s-${i}`] },
    repo: { branch: 'main', start_commit: commit, end_commit: commit, commits: [commit] },
    started_at: at,
    ended_at: at,
    files: {
      read: [`${mod}/index.ts`, `${mod}/types.ts`, 'package.json'],
      changed: [
        { path: `${mod}/handler${i % 7}.ts`, status: 'modified', additions: 12, deletions: 3, via: 'edit' },
        { path: `test/mod${i % 200}.test.ts`, status: 'modified', additions: 30, deletions: 1, via: 'edit' },
      ],
    },
    commands: [
      {
        command: 'npm test -- handler',
        cwd: '.',
        started_at: at,
        duration_ms: 4100,
        exit_code: i % 9 === 0 ? 1 : 0,
        interrupted: false,
        kind: 'test',
        output_tail: `Tests: ${i % 9 === 0 ? '1 failed, ' : ''}41 passed, 42 total\nTime: 4.1 s\nRan all test suites matching /handler/i.`,
      },
      {
        command: 'npx tsc --noEmit',
        cwd: '.',
        started_at: at,
        duration_ms: 9000,
        exit_code: 0,
        kind: 'typecheck',
      },
    ],
    checks: [
      {
        name: 'npm test -- handler',
        kind: 'test',
        status: i % 9 === 0 ? 'failed' : 'passed',
        attempts: 1 + (i % 3),
        after_last_edit: i % 11 !== 0,
        weakened: null,
      },
      { name: 'npx tsc --noEmit', kind: 'typecheck', status: 'passed', attempts: 1, after_last_edit: true },
    ],
    dependencies:
      i % 40 === 0 ? [{ manifest: 'package.json', name: 'zod', from: '^3.23.0', to: '^4.0.0' }] : [],
    config_changes: [],
    approvals: i % 2 ? [{ by: 'Thomas', scope: 'PR creation', decision: 'approved', at, note: null }] : [],
    outcome: { status: 'completed', pr: null, summary: 'validation moved into one middleware' },
    rollback: { strategy: 'revert-commits', notes: [`revert ${commit.slice(0, 12)}`] },
    cost: {
      model: MODELS[i % 4],
      input_tokens: 120000 + i,
      output_tokens: 8000,
      cache_read_tokens: 50000,
      cache_write_tokens: 1000,
      usd: 1.23,
    },
    risk: { level: i % 40 === 0 ? 'medium' : 'low', reasons: i % 40 === 0 ? ['dependencies changed'] : [] },
    redactions: [],
    sealed_at: at,
  };
  return rec;
}

/** `opts.shape`: how the note lines are written (recordLine). */
export async function buildRepo(n, opts = {}) {
  const dir = mkdtempSync(join(tmpdir(), `agent-log-query-bench-${n}-`));
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir, env });
  const child = spawn('git', ['fast-import', '--quiet', '--export-marks=marks'], {
    cwd: dir,
    env,
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  const done = new Promise((res, rej) =>
    child.on('close', (c) => (c === 0 ? res() : rej(new Error('fast-import')))),
  );
  const write = async (s) => {
    if (!child.stdin.write(s)) await new Promise((r) => child.stdin.once('drain', r));
  };
  const base = 1_790_000_000;
  let blame = '';
  for (let i = 1; i <= n; i++) {
    const msg = `commit ${i}\n`;
    // The last 2,000 commits each add one line to big.txt: blame then names 2,000 recorded commits.
    const k = i - (n - BLAME_LINES);
    let file;
    if (k > 0) {
      blame += `line ${k} of a long file\n`;
      file = `M 100644 inline big.txt\ndata ${Buffer.byteLength(blame)}\n${blame}`;
    } else {
      const c = `v${i}\n`;
      file = `M 100644 inline f${i % 100}.txt\ndata ${Buffer.byteLength(c)}\n${c}`;
    }
    await write(
      `commit refs/heads/main\nmark :${i}\ncommitter Bench <bench@example.com> ${base + i * 60} +0000\ndata ${Buffer.byteLength(msg)}\n${msg}${file}\n`,
    );
  }
  await write(`checkpoint\n`);
  child.stdin.end();
  await done;
  // Record lines need the commit ids: read them from the marks, then write the notes commit.
  const marks = execFileSync('cat', ['marks'], { cwd: dir, maxBuffer: 1 << 28 })
    .toString()
    .trim()
    .split('\n');
  const byMark = new Map(marks.map((l) => [Number(l.slice(1, l.indexOf(' '))), l.slice(l.indexOf(' ') + 1)]));
  const notes = spawn('git', ['fast-import', '--quiet'], {
    cwd: dir,
    env,
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  const notesDone = new Promise((res, rej) =>
    notes.on('close', (c) => (c === 0 ? res() : rej(new Error('fast-import')))),
  );
  const nwrite = async (s) => {
    if (!notes.stdin.write(s)) await new Promise((r) => notes.stdin.once('drain', r));
  };
  const m = 'records\n';
  await nwrite(
    `commit ${NOTES}\ncommitter Bench <bench@example.com> ${base + n * 60 + 1} +0000\ndata ${m.length}\n${m}`,
  );
  for (let i = 1; i <= n; i++) {
    const commit = byMark.get(i);
    const line = await recordLine(i, commit, opts);
    await nwrite(`N inline ${commit}\ndata ${Buffer.byteLength(line)}\n${line}`);
  }
  notes.stdin.end();
  await notesDone;
  execFileSync('git', ['checkout', '-q', 'main'], { cwd: dir, env });
  return dir;
}
