// Engines bench: a cold single-note read, the seal of a 200-event run and a read of every record, on the
// native and the isomorphic engine, against what plain git takes for the same job (`git notes show`,
// `git notes add`, `git log --notes`).
// Repository: 10,000 commits, a ~2 KB note on each (one git fast-import stream), packed by gc.
// Every figure is the median of BENCH_RUNS (default 11) cold processes; runs alternate between engines.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_GIT_ENV } from './lib.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'git-agent-log');
const RUNS = Math.max(10, Number(process.env.BENCH_RUNS ?? 11));
const COMMITS = Number(process.env.BENCH_COMMITS ?? 10_000);
const EVENTS = 200;
const NOTES = 'refs/notes/agent-log';

const env = {
  ...BENCH_GIT_ENV,
};
delete env.AGENT_LOG_ENGINE;

const dir = mkdtempSync(join(tmpdir(), 'agent-log-engines-bench-'));
const git = (...args) =>
  execFileSync('git', args, { cwd: dir, env, encoding: 'utf8', maxBuffer: 1 << 28 }).trim();

function timed(cmd, args, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: dir, env, encoding: 'utf8', ...opts });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
  return ms;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// ------------------------------------------------------------------ the repository

function buildRepo() {
  git('init', '-q', '-b', 'main');
  const parts = [];
  const base = 1_790_000_000;
  for (let i = 1; i <= COMMITS; i++) {
    const msg = `commit ${i}\n`;
    const content = `line ${i}\n`;
    parts.push(
      `commit refs/heads/main\nmark :${i}\ncommitter Bench <bench@example.com> ${base + i * 60} +0000\n`,
      `data ${Buffer.byteLength(msg)}\n${msg}M 100644 inline f.txt\ndata ${Buffer.byteLength(content)}\n${content}\n`,
    );
  }
  const notesMsg = 'bench notes\n';
  parts.push(
    `commit ${NOTES}\ncommitter Bench <bench@example.com> ${base + COMMITS * 60 + 1} +0000\n`,
    `data ${Buffer.byteLength(notesMsg)}\n${notesMsg}`,
  );
  for (let i = 1; i <= COMMITS; i++) {
    // Random padding, so the pack is about as large as real ~2 KB JSON notes make it.
    const pad = randomBytes(950).toString('hex');
    const note = `${JSON.stringify({ schema: 'agent-log/v1', kind: 'x-bench-filler', n: i, pad })}\n`;
    parts.push(`N inline :${i}\ndata ${Buffer.byteLength(note)}\n${note}`);
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: dir, env, input: parts.join('') });
  git('checkout', '-q', 'main');
  git('gc', '-q', '--prune=now');
}

// ------------------------------------------------------------------ runs with 200 events

function newRunId() {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(10), (b) => alphabet[b % alphabet.length]).join('');
}

/** A journal of EVENTS events (start + exec), written the way the CLI writes it, made active. */
function stageRun(startCommit, startTree) {
  const id = newRunId();
  const t = (i) => new Date(Date.UTC(2026, 10, 23, 10, 0, i)).toISOString();
  const events = [
    {
      v: 1,
      t: t(0),
      type: 'start',
      worktree: 'main',
      task: 'bench: harden the signup endpoint',
      allow: ['api/**'],
      deny: ['migrations/**'],
      level: 'edit',
      constraints: [],
      agent: 'manual',
      model: null,
      branch: 'main',
      start_commit: startCommit,
      start_tree: startTree,
    },
  ];
  for (let i = 1; i < EVENTS; i++) {
    events.push({
      v: 1,
      t: t(i),
      type: 'exec',
      command: `npm test -- signup case ${i}`,
      cwd: '.',
      started_at: t(i),
      duration_ms: 40 + i,
      exit_code: i % 7 === 0 ? 1 : 0,
      interrupted: false,
      kind: 'test',
      output_tail: `case ${i}: ${'ok '.repeat(40)}`,
      tree: startTree,
    });
  }
  const common = join(dir, '.git');
  mkdirSync(join(common, 'agent-log', 'runs'), { recursive: true });
  mkdirSync(join(common, 'agent-log', 'active'), { recursive: true });
  writeFileSync(
    join(common, 'agent-log', 'runs', `${id}.jsonl`),
    events.map((e) => JSON.stringify(e)).join('\n') + '\n',
  );
  writeFileSync(join(common, 'agent-log', 'active', 'main'), id);
  return id;
}

let edits = 0;
function commitOne() {
  writeFileSync(join(dir, 'f.txt'), `edit ${++edits}\n`);
  git('commit', '-q', '-am', `edit ${edits}`);
  return git('rev-parse', 'HEAD');
}

// ------------------------------------------------------------------ measurements

const results = [];
function report(name, samples, base) {
  results.push({ name, median: median(samples), min: Math.min(...samples), max: Math.max(...samples), base });
}

function main() {
  const t0 = Date.now();
  buildRepo();
  const pack = readdirSync(join(dir, '.git', 'objects', 'pack')).find((f) => f.endsWith('.pack'));
  const packMb = statSync(join(dir, '.git', 'objects', 'pack', pack)).size / 1e6;
  console.log(
    `repo: ${COMMITS} commits with a note each, one pack of ${packMb.toFixed(1)} MB (built in ${((Date.now() - t0) / 1000).toFixed(1)} s); ${RUNS} cold runs per figure\n`,
  );

  // Seal: each run seals a 200-event journal onto one new commit.
  const seal = { native: [], isomorphic: [] };
  for (let i = 0; i <= RUNS; i++) {
    for (const engine of ['native', 'isomorphic']) {
      const startCommit = git('rev-parse', 'HEAD');
      const startTree = git('rev-parse', 'HEAD^{tree}');
      const id = stageRun(startCommit, startTree);
      commitOne();
      const ms = timed(process.execPath, [BIN, '--engine', engine, 'finish', id]);
      if (i > 0) seal[engine].push(ms); // the first round warms the page cache
    }
  }
  const sealedCommit = git('rev-parse', 'HEAD');
  const recordNote = git('notes', '--ref=agent-log', 'show', sealedCommit);
  const noteFile = join(dir, '.git', 'bench-note.txt');
  writeFileSync(noteFile, `${recordNote}\n`);
  const gitAdd = [];
  for (let i = 0; i <= RUNS; i++) {
    const c = commitOne();
    const ms = timed('git', ['notes', '--ref=agent-log', 'add', '-f', '-F', noteFile, c]);
    if (i > 0) gitAdd.push(ms);
  }

  // Cold single-note read of the commit that carries a full 200-event record.
  const floor = [];
  const gitShow = [];
  const nodeGitShow = [];
  const show = { native: [], isomorphic: [] };
  const nodeGit = `require('child_process').execFileSync('git',['notes','--ref=agent-log','show','${sealedCommit}'])`;
  for (let i = 0; i <= RUNS; i++) {
    const samples = [
      timed(process.execPath, ['-e', '0']),
      timed('git', ['notes', '--ref=agent-log', 'show', sealedCommit]),
      timed(process.execPath, ['-e', nodeGit]),
      timed(process.execPath, [BIN, '--engine', 'native', 'show', sealedCommit, '--json']),
      timed(process.execPath, [BIN, '--engine', 'isomorphic', 'show', sealedCommit, '--json']),
    ];
    if (i === 0) continue;
    floor.push(samples[0]);
    gitShow.push(samples[1]);
    nodeGitShow.push(samples[2]);
    show.native.push(samples[3]);
    show.isomorphic.push(samples[4]);
  }

  // Bulk read: `log` loads every record, i.e. all 10,000 notes (git's equivalent: log --notes).
  const bulk = { native: [], isomorphic: [] };
  const gitLogNotes = [];
  for (let i = 0; i <= RUNS; i++) {
    const samples = [
      timed('git', ['log', '--notes=agent-log', '--format=%N', 'main'], { maxBuffer: 1 << 28 }),
      timed(process.execPath, [BIN, '--engine', 'native', 'log'], { maxBuffer: 1 << 28 }),
      timed(process.execPath, [BIN, '--engine', 'isomorphic', 'log'], { maxBuffer: 1 << 28 }),
    ];
    if (i === 0) continue;
    gitLogNotes.push(samples[0]);
    bulk.native.push(samples[1]);
    bulk.isomorphic.push(samples[2]);
  }

  report('node -e 0 (floor)', floor);
  report('git notes show', gitShow);
  report('node + git notes show', nodeGitShow);
  report('show <commit> --json, native engine', show.native, 'node + git notes show');
  report('show <commit> --json, isomorphic engine', show.isomorphic, 'node + git notes show');
  report(`git notes add -f (${(recordNote.length / 1024).toFixed(0)} KB record)`, gitAdd);
  report(
    `finish: seal ${EVENTS}-event run, native engine`,
    seal.native,
    `git notes add -f (${(recordNote.length / 1024).toFixed(0)} KB record)`,
  );
  report(
    `finish: seal ${EVENTS}-event run, isomorphic engine`,
    seal.isomorphic,
    `git notes add -f (${(recordNote.length / 1024).toFixed(0)} KB record)`,
  );

  report(`git log --notes (all ${COMMITS} notes)`, gitLogNotes);
  report('log (every record), native engine', bulk.native, `git log --notes (all ${COMMITS} notes)`);
  report('log (every record), isomorphic engine', bulk.isomorphic, `git log --notes (all ${COMMITS} notes)`);

  const byName = new Map(results.map((r) => [r.name, r]));
  console.log('| measurement | median ms | min–max ms | ratio |');
  console.log('|---|---:|---:|---|');
  for (const r of results) {
    const base = r.base ? byName.get(r.base) : null;
    const ratio = base ? `${(r.median / base.median).toFixed(2)}× ${r.base}` : '';
    console.log(
      `| ${r.name} | ${r.median.toFixed(1)} | ${r.min.toFixed(1)}–${r.max.toFixed(1)} | ${ratio} |`,
    );
  }
  const iso = byName.get('show <commit> --json, isomorphic engine').median;
  const nat = byName.get('show <commit> --json, native engine').median;
  const isoSeal = byName.get(`finish: seal ${EVENTS}-event run, isomorphic engine`).median;
  const natSeal = byName.get(`finish: seal ${EVENTS}-event run, native engine`).median;
  const isoLog = byName.get('log (every record), isomorphic engine').median;
  const natLog = byName.get('log (every record), native engine').median;
  const ratios = [`show ${(iso / nat).toFixed(2)}×`, `seal ${(isoSeal / natSeal).toFixed(2)}×`];
  ratios.push(`log ${(isoLog / natLog).toFixed(2)}×`);
  console.log(`\nisomorphic / native: ${ratios.join(', ')}`);
  // Every seal landed: one record line per sealed run on top of the filler notes.
  const sealed = readdirSync(join(dir, '.git', 'agent-log', 'sealed')).length;
  if (sealed !== 2 * (RUNS + 1)) throw new Error(`expected ${2 * (RUNS + 1)} sealed runs, found ${sealed}`);
}

try {
  main();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
