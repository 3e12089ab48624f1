// Query bench: 10,000 and 100,000 run records (one ~2 KB record line per commit, written by one
// git fast-import stream, 2/38 fanout). Measures the cold index build, a warm `query --file` against
// `git log --notes=agent-log --format=%N | grep`, `show <id>` against `git notes show`, `blame` on a
// 2,000-line file (each line from its own recorded commit) against `git blame --porcelain`, and the
// peak memory (max RSS from /usr/bin/time). Medians of cold processes; BENCH_SIZES=10000 to shorten.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_GIT_ENV } from './lib.mjs';
import { BLAME_LINES, buildRepo } from './record-repo.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'git-agent-log');
const SIZES = (process.env.BENCH_SIZES ?? '10000,100000').split(',').map(Number);

const env = {
  ...BENCH_GIT_ENV,
  GIT_PAGER: 'cat',
};
delete env.AGENT_LOG_ENGINE;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Wall time and CPU time (user + sys, children included) of one cold process, via GNU time. */
function timed(dir, cmd, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S %M', cmd, ...args], {
    cwd: dir,
    env,
    maxBuffer: 1 << 30,
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  const err = r.stderr.toString().trim().split('\n');
  const [u, sys, kb] = err.at(-1).split(' ').map(Number);
  return { ms, cpu: (u + sys) * 1000, rssMb: kb / 1024, stdout: r.stdout.toString() };
}

const indexFile = (dir) => join(dir, '.git', 'agent-log', 'index', 'records.v1');
const cliArgs = (...a) => [BIN, ...a, '--no-pager'];

const phase = (label) => process.stderr.write(`  [${new Date().toISOString().slice(11, 19)}] ${label}\n`);

async function benchSize(n) {
  const t0 = Date.now();
  phase(`building ${n} records`);
  const dir = await buildRepo(n);
  phase('cold builds');
  const buildS = ((Date.now() - t0) / 1000).toFixed(1);
  const big = n >= 100_000;
  const runs = big ? 3 : 7;

  const cold = [];
  for (let r = 0; r < (big ? 2 : 5); r++) {
    rmSync(indexFile(dir), { force: true });
    cold.push(timed(dir, process.execPath, cliArgs('log', '-n', '1')));
  }
  if (!existsSync(indexFile(dir))) throw new Error('no index written');
  const nodeBaseline = Array.from({ length: 5 }, () => timed(dir, process.execPath, ['-e', '0']));

  phase('warm query vs grep');
  const query = [];
  const grep = [];
  let ours = 0;
  let theirs = 0;
  for (let r = 0; r < runs; r++) {
    const q = timed(dir, process.execPath, cliArgs('query', '--file', 'src/payments/**', '--format', '%id'));
    query.push(q);
    ours = q.stdout.trim().split('\n').length;
    const g = timed(dir, 'sh', [
      '-c',
      `git log --notes=agent-log --format=%N main | grep -c 'src/payments/'`,
    ]);
    grep.push(g);
    theirs = Number(g.stdout.trim());
  }
  if (ours !== n / 50 || theirs !== n / 50)
    throw new Error(`query found ${ours}, grep ${theirs}, expected ${n / 50}`);

  const someId = `b${(n - 7).toString(36).padStart(9, '0')}`;
  const someCommit = execFileSync('git', ['rev-parse', 'main~6'], { cwd: dir }).toString().trim();
  phase('show');
  const show = [];
  const notesShow = [];
  for (let r = 0; r < runs; r++) {
    show.push(timed(dir, process.execPath, [BIN, 'show', someId, '--json']));
    notesShow.push(timed(dir, 'git', ['notes', '--ref=agent-log', 'show', someCommit]));
  }

  phase('blame');
  const blame = [];
  const gitBlame = [];
  for (let r = 0; r < (big ? 2 : 3); r++) {
    const b = timed(dir, process.execPath, cliArgs('blame', 'big.txt', '--json'));
    blame.push(b);
    if (JSON.parse(b.stdout).runs.length !== BLAME_LINES) throw new Error('blame did not find every run');
    gitBlame.push(timed(dir, 'git', ['blame', '--porcelain', 'big.txt']));
  }

  phase('peak memory');
  rmSync(indexFile(dir), { force: true });
  const rssCold = timed(dir, process.execPath, cliArgs('log', '-n', '1')).rssMb;
  const rssQuery = timed(
    dir,
    process.execPath,
    cliArgs('query', '--file', 'src/payments/**', '--format', '%id'),
  ).rssMb;
  const indexMb = (Number(execFileSync('stat', ['-c', '%s', indexFile(dir)]).toString()) / 1e6).toFixed(1);
  if (process.env.BENCH_KEEP) console.error(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });

  const row = (label, ours, base, baseLabel, aim = '') => {
    const w = median(ours.map((x) => x.ms));
    const c = median(ours.map((x) => x.cpu));
    const cells = [label, `${w.toFixed(0)} ms`, `${c.toFixed(0)} ms`];
    if (base) {
      const bw = median(base.map((x) => x.ms));
      const bc = median(base.map((x) => x.cpu));
      cells.push(
        `${baseLabel}: ${bw.toFixed(0)} / ${bc.toFixed(0)} ms`,
        `${(w / bw).toFixed(2)}× / ${(c / bc).toFixed(2)}×`,
      );
    } else cells.push('', '');
    cells.push(aim);
    console.log(`| ${cells.join(' | ')} |`);
  };
  console.log(`\n### ${n.toLocaleString('en')} records (repo built in ${buildS} s; index ${indexMb} MB)\n`);
  console.log('| measurement | wall | CPU | baseline wall / CPU | ratio wall / CPU | aim |');
  console.log('|---|---|---|---|---|---|');
  row('`node -e 0`', nodeBaseline, null, '');
  row('cold index build (`log -n 1`, no index)', cold, null, '', '≤ 600 ms at 10k');
  row(
    `warm \`query --file 'src/payments/**'\` (${ours} hits)`,
    query,
    grep,
    '`git log --format=%N \\| grep`',
    'ratio ≤ 1',
  );
  row('warm `show <id> --json`', show, notesShow, '`git notes show`');
  row(
    `\`blame\` on a ${BLAME_LINES}-line file (${BLAME_LINES} runs)`,
    blame,
    gitBlame,
    '`git blame --porcelain`',
  );
  console.log(`| peak RSS, cold build | ${rssCold.toFixed(0)} MB | | | | ≤ 300 MB at 100k |`);
  console.log(`| peak RSS, warm query | ${rssQuery.toFixed(0)} MB | | | | |`);
  console.log(
    `\nLoad average during the run: ${execFileSync('cat', ['/proc/loadavg']).toString().split(' ').slice(0, 3).join(' ')}`,
  );
}

for (const n of SIZES) await benchSize(n);
