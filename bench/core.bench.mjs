// Core benchmark (npm run bench): sealing and showing on a 10,000-commit repository with a note on
// every commit, against git's own `git notes add` / `git notes show`. Medians and ratios, one run.
//   node bench/core.bench.mjs [--runs N]
// The big repository is built once with git fast-import and cached under .bench/core-10k.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BENCH_GIT_ENV } from './lib.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'git-agent-log');
const dist = (p) => import(pathToFileURL(join(ROOT, 'dist', p)).href);
const { foldManualRun } = await dist('capture/manual/fold.js');
const { newRecordId } = await dist('record/id.js');
const { recordLine } = await dist('record/note-lines.js');
const { openRepo } = await dist('git/repo.js');
const { startRun } = await dist('capture/manual/session.js');
const { appendRunEvent } = await dist('store/runs.js');
const { sealRecords } = await dist('store/seal.js');

const RUNS = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 11;
const COMMITS = 10_000;
const EVENTS = 200;

const ENV = {
  ...BENCH_GIT_ENV,
};
for (const k of Object.keys(ENV)) if (k.startsWith('AGENT_LOG_')) delete ENV[k];

const git = (cwd, args, input) =>
  execFileSync('git', args, { cwd, env: ENV, input, maxBuffer: 1 << 30, encoding: 'utf8' });

/** A realistic record: `n` events of a manual run (tests failing then passing, approvals, notes). */
function realisticEvents(n, task) {
  const t = (i) => new Date(Date.UTC(2026, 8, 21, 10, 0, i)).toISOString();
  const events = [{ v: 1, t: t(0), type: 'start', task, start_commit: null, worktree: 'main' }];
  for (let i = 1; i < n - 1; i++) {
    if (i % 20 === 0)
      events.push({ v: 1, t: t(i), type: 'approve', by: 'Ann', scope: `step ${i}`, decision: 'approved' });
    else if (i % 20 === 10)
      events.push({ v: 1, t: t(i), type: 'note', text: `observed flaky timing in step ${i}` });
    else
      events.push({
        v: 1,
        t: t(i),
        type: 'exec',
        command: i % 3 ? 'npm test -- parser' : 'npx tsc --noEmit',
        cwd: '.',
        started_at: t(i),
        duration_ms: 800 + i,
        exit_code: i % 7 === 0 ? 1 : 0,
        interrupted: false,
        kind: i % 3 ? 'test' : 'typecheck',
        output_tail: `> vitest run parser\n ✓ parser.test.ts (${i} tests)\n Test Files 1 passed\n`,
        ...(i % 3 ? { check: 'unit-tests' } : {}),
      });
  }
  events.push({ v: 1, t: t(n), type: 'finish', status: 'completed' });
  return events;
}

function recordFor(id, commits, events) {
  return foldManualRun(id, events, {
    commits,
    endTree: null,
    changes: {
      changed: [{ path: 'src/parser.ts', status: 'modified', additions: 12, deletions: 3 }],
      dependencies: [],
      config_changes: [],
    },
    sealedAt: '2026-09-21T10:30:00.000Z',
    branch: 'main',
  });
}

/** A repository with `n` commits and a record note on each (fast-import, cached). */
function buildRepo(dir, n) {
  const meta = join(dir, 'bench-meta.json');
  if (existsSync(meta)) return JSON.parse(readFileSync(meta, 'utf8'));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  git(dir, ['init', '-q', '-b', 'main']);
  const chunks = [];
  for (let i = 1; i <= n; i++) {
    const file = `line ${i}\n`;
    chunks.push(
      `commit refs/heads/main\nmark :${i}\ncommitter Bench <bench@example.com> ${1_790_000_000 + i * 60} +0000\n` +
        `data ${`change ${i}\n`.length}\nchange ${i}\nM 100644 inline log/${i % 100}.txt\ndata ${Buffer.byteLength(file)}\n${file}\n`,
    );
  }
  git(dir, ['fast-import', '--quiet'], chunks.join(''));
  const commits = git(dir, ['rev-list', '--reverse', 'main']).trim().split('\n');
  const events = realisticEvents(12, 'routine maintenance');
  const ids = [];
  const notes = [
    `commit refs/notes/agent-log\ncommitter Bench <bench@example.com> 1790000000 +0000\ndata 6\nnotes\n`,
  ];
  for (const c of commits) {
    const id = newRecordId();
    ids.push(id);
    const line = `${recordLine(recordFor(id, [c], events))}\n`;
    notes.push(`N inline ${c}\ndata ${Buffer.byteLength(line)}\n${line}`);
  }
  git(dir, ['fast-import', '--quiet'], `${notes.join('')}\n`);
  git(dir, ['checkout', '-q', 'main']);
  const info = { commits: commits.length, ids, targets: commits };
  writeFileSync(meta, JSON.stringify(info));
  return info;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const BASH = ['/bin/bash', '/usr/bin/bash'].find((p) => existsSync(p)) ?? null;
const TIME_BIN = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

/**
 * Wall time of a child process, ms, and its CPU time (user + sys, with the git processes it waited
 * for): on a busy machine wall time mostly measures the queue. bash's `time` gives the CPU to the
 * millisecond (GNU time's %U and %S only to 10 ms); GNU time when there is no bash.
 */
function timed(cmd, args, cwd, env = ENV) {
  const argv = BASH
    ? [BASH, ['-c', 'TIMEFORMAT="@cpu %3U %3S"; time "$@"', 'bash', cmd, ...args]]
    : TIME_BIN
      ? [TIME_BIN, ['-f', '@cpu %U %S', cmd, ...args]]
      : [cmd, args];
  const t0 = performance.now();
  const r = spawnSync(argv[0], argv[1], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  const cpu = /@cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr.toString());
  return { ms, cpu: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : null };
}

const plus = (a, b) => ({ ms: a.ms + b.ms, cpu: a.cpu === null || b.cpu === null ? null : a.cpu + b.cpu });

/** Prepare a 200-event run and a commit for it, the way the CLI does (not timed). */
async function prepareRun(dir) {
  const repo = await openRepo(dir, { engine: 'native' });
  const id = await startRun(repo, { task: 'make the parser tolerate trailing commas' });
  for (const e of realisticEvents(EVENTS, '').slice(1, -1)) {
    const { v: _v, t: _t, ...rest } = e;
    appendRunEvent(repo.location, id, rest);
  }
  await repo.engine.close();
  writeFileSync(join(dir, 'src.txt'), `${id}\n`);
  git(dir, ['add', 'src.txt']);
  git(dir, ['commit', '-q', '-m', `run ${id}`]);
  return id;
}

async function main() {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('run npm run build first');
  const cache = join(ROOT, '.bench');
  const t0 = performance.now();
  const big = buildRepo(join(cache, 'core-10k'), COMMITS);
  buildRepo(join(cache, 'core-10'), 10);
  console.log(`repositories ready in ${Math.round(performance.now() - t0)} ms (cached under .bench/)\n`);

  const work = mkdtempSync(join(tmpdir(), 'agent-log-bench-'));
  const bigDir = join(work, 'big');
  const smallDir = join(work, 'small');
  cpSync(join(cache, 'core-10k'), bigDir, { recursive: true });
  cpSync(join(cache, 'core-10'), smallDir, { recursive: true });

  const iso = spawnSync(process.execPath, [BIN, 'log', '-n', '1'], {
    cwd: smallDir,
    env: { ...ENV, AGENT_LOG_ENGINE: 'isomorphic' },
    encoding: 'utf8',
  });
  const engines = iso.status === 0 ? ['native', 'isomorphic'] : ['native'];
  const engineEnv = (e) => ({ ...ENV, AGENT_LOG_ENGINE: e });

  const samples = {};
  const cpuSamples = {};
  const add = (k, t) => {
    samples[k] ??= [];
    samples[k].push(t.ms);
    if (t.cpu !== null) {
      cpuSamples[k] ??= [];
      cpuSamples[k].push(t.cpu);
    }
  };
  const record200 = recordFor(
    'benchseal1',
    [],
    realisticEvents(EVENTS, 'make the parser tolerate trailing commas'),
  );
  const lineBytes = Buffer.byteLength(recordLine(record200));
  const showId = big.ids[Math.floor(big.ids.length / 2)];
  const showRev = big.targets[Math.floor(big.targets.length / 2)];

  const engine = await openRepo(bigDir, { engine: 'native' });
  for (let i = 0; i < RUNS; i++) {
    for (const e of engines) {
      for (const [name, dir] of [
        ['big', bigDir],
        ['small', smallDir],
      ]) {
        await prepareRun(dir);
        add(`finish ${name} ${e}`, timed(process.execPath, [BIN, 'finish'], dir, engineEnv(e)));
      }
    }
    // git's own: one note of the same size on a fresh commit
    git(bigDir, ['commit', '-q', '--allow-empty', '-m', `plain ${i}`]);
    const line = recordLine({ ...record200, id: `gitnote${String(i).padStart(3, '0')}` });
    add('git notes add', timed('git', ['notes', '--ref=agent-log', 'add', '-m', line, 'HEAD'], bigDir));

    // the store alone, warm: sealRecords of a 200-event record on a fresh commit
    git(bigDir, ['commit', '-q', '--allow-empty', '-m', `direct ${i}`]);
    const head = git(bigDir, ['rev-parse', 'HEAD']).trim();
    const rec = {
      ...record200,
      id: `direct${String(i).padStart(4, '0')}`,
      repo: { ...record200.repo, commits: [head] },
    };
    const s0 = performance.now();
    await sealRecords(engine.engine, [{ record: rec, commits: [head] }]);
    add('sealRecords', { ms: performance.now() - s0, cpu: null });

    for (const e of engines) {
      add(`show id ${e}`, timed(process.execPath, [BIN, 'show', showId], bigDir, engineEnv(e)));
      add(`show rev ${e}`, timed(process.execPath, [BIN, 'show', showRev], bigDir, engineEnv(e)));
    }
    add('startup', timed(process.execPath, [BIN, 'finish', '--help'], bigDir));
    const n0 = timed(process.execPath, ['-e', '0'], bigDir);
    add('node -e 0', n0);
    add(
      'node -e 0 + git notes show',
      plus(n0, timed('git', ['notes', '--ref=agent-log', 'show', showRev], bigDir)),
    );
  }
  await engine.engine.close();
  rmSync(work, { recursive: true, force: true });

  const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
  const c = Object.fromEntries(Object.entries(cpuSamples).map(([k, v]) => [k, median(v)]));
  // GNU time (no bash) counts CPU in 10 ms steps: below that it reports 0
  const f = (ms) =>
    ms === undefined ? '—' : ms === 0 ? (BASH ? '<1 ms' : '<10 ms') : `${Math.round(ms)} ms`;
  const x = (a, b) => (a === undefined || b === undefined || b === 0 ? '—' : `${(a / b).toFixed(2)}×`);
  const rows = [];
  const row = (label, engine, key, base) =>
    rows.push([
      label,
      engine,
      f(m[key]),
      f(c[key]),
      f(m[base]),
      f(c[base]),
      x(m[key], m[base]),
      x(c[key], c[base]),
    ]);
  for (const e of engines) {
    row(
      `seal: \`finish\` of a ${EVENTS}-event run, ${COMMITS.toLocaleString('en')} commits`,
      e,
      `finish big ${e}`,
      'git notes add',
    );
    row(`seal: \`finish\` of a ${EVENTS}-event run, 10 commits`, e, `finish small ${e}`, 'git notes add');
  }
  row(
    `seal: \`sealRecords\` in process (store only, ${(lineBytes / 1024).toFixed(0)} KiB line)`,
    'native',
    'sealRecords',
    'git notes add',
  );
  for (const e of engines) {
    row('`show <id>` cold (ID lookup)', e, `show id ${e}`, 'node -e 0 + git notes show');
    row('`show <commit>` cold', e, `show rev ${e}`, 'node -e 0 + git notes show');
  }
  row('CLI start-up alone (`finish --help`), vs `node -e 0`', 'any', 'startup', 'node -e 0');
  const table = [
    '| measure | engine | wall | CPU | baseline wall | baseline CPU | ratio (wall) | ratio (CPU) |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
  console.log(table);
  console.log(
    `\nBaselines: \`git notes add -m <same-size line>\` (new process); \`node -e 0\` + \`git notes show\` (two processes). ` +
      `Medians of ${RUNS} runs; ${COMMITS.toLocaleString('en')}-commit repository with a record note on every commit; ` +
      `load average ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs at the end; ` +
      `engines measured: ${engines.join(', ')}${engines.length === 1 ? ' (the isomorphic engine is not in this build)' : ''}.`,
  );
  const baseNote = '`git notes add -m <same-size line>`';
  console.log(
    `\nAim seal ≤ 300 ms (native, 10,000 commits): wall ${f(m['finish big native'])}, CPU ${f(c['finish big native'])}; ` +
      `10 commits: wall ${f(m['finish small native'])}, CPU ${f(c['finish small native'])} (baseline ${baseNote}).`,
  );
  console.log(
    `Aim show ≤ 1.5× node + git notes show (native): show <id> ${x(m['show id native'], m['node -e 0 + git notes show'])} wall, ` +
      `${x(c['show id native'], c['node -e 0 + git notes show'])} CPU; show <commit> ${x(m['show rev native'], m['node -e 0 + git notes show'])} wall, ` +
      `${x(c['show rev native'], c['node -e 0 + git notes show'])} CPU.`,
  );
}

await main();
