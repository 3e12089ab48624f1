// Speed bench (issue #12): read commands against git itself, side by side, on a 10,000-record
// repository (and the cold build's peak memory at 100,000 records with BENCH_SPEED_100K=1). Each
// round runs ours and the baseline back to back (interleaved), so both see the same machine load;
// the table gives medians of wall and CPU time (user + sys, children included, from bash's `times`), the
// ratio, and the load average (/proc/loadavg, 1 min) over the rounds.
//   node bench/speed.bench.mjs [--runs N]
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_GIT_ENV, NODE_ENV_DROPPED } from './lib.mjs';
import { BLAME_LINES, buildRepo } from './record-repo.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'git-agent-log');
const RUNS = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 9;
const env = { ...BENCH_GIT_ENV, GIT_PAGER: 'cat' };
for (const k of Object.keys(env)) if (k.startsWith('AGENT_LOG_')) delete env[k];

const load = () => Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * The measured command runs under bash, which takes its wall time from $EPOCHREALTIME around it and
 * its CPU from `times` (getrusage of the children: microseconds, printed to the millisecond), and
 * under GNU time for the peak RSS only: GNU time prints CPU in 10 ms steps, as coarse as the whole
 * gap being measured for `show`. bash's own start is in neither figure.
 */
const MEASURE = 's=$EPOCHREALTIME; "$@"; c=$?; e=$EPOCHREALTIME; echo "@@wall $s $e" >&2; times >&2; exit $c';
const seconds = (t) => {
  const m = /^(\d+)m([\d.]+)s$/.exec(t);
  if (!m) throw new Error(`unexpected output of bash's times: ${t}`);
  return Number(m[1]) * 60 + Number(m[2]);
};

/** One cold process (or shell pipeline): wall ms, CPU ms with children, peak RSS MB. */
function timed(dir, cmd, args) {
  // --norc: bash reads ~/.bashrc when stdin is a socket (node's pipes are) at shell level 1, which
  // would put whatever the user's startup files run into the children's CPU.
  const shell = ['bash', '--norc', '--noprofile', '-c', MEASURE, 'bash', cmd, ...args];
  const r = spawnSync('/usr/bin/time', ['-f', '@@rss %M', ...shell], {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 1 << 30,
  });
  const lines = r.stderr.toString().trim().split('\n');
  const at = lines.findLastIndex((l) => l.startsWith('@@wall '));
  const rss = /^@@rss (\d+)$/.exec(lines.at(-1) ?? '');
  if (r.status !== 0 || at < 0 || !rss || lines.length < at + 3)
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  const [start, end] = lines[at].split(' ').slice(1).map(Number);
  // `times` prints the shell's own user and sys, then its children's
  const [user, sys] = lines[at + 2].trim().split(/\s+/).map(seconds);
  return {
    ms: (end - start) * 1000,
    cpu: (user + sys) * 1000,
    rss: Number(rss[1]) / 1024,
    stdout: r.stdout.toString(),
  };
}

const sh = (script) => ['sh', ['-c', script]];

let added = 0;
/**
 * What a seal or a fetch does to the notes ref between two reads: one more note (HEAD's record line
 * under a new ID, on a new commit off HEAD, so no other row's answer changes).
 */
function addNote(dir) {
  const run = (args, input) => {
    const r = spawnSync('git', args, { cwd: dir, env, input, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout.trim();
  };
  const line = run(['notes', '--ref=agent-log', 'show', 'HEAD']).split('\n')[0];
  const id = `u${(added++).toString(36).padStart(9, '0')}`;
  const renamed = line.replace(/"id":"[0-9a-z]{10}"/, `"id":"${id}"`);
  if (renamed === line) throw new Error("HEAD's note has no record ID to replace");
  const commit = run(['commit-tree', 'HEAD^{tree}', '-p', 'HEAD', '-m', `bench note ${id}`]);
  run(['notes', '--ref=agent-log', 'add', '-F', '-', commit], `${renamed}\n`);
}

const indexFile = (dir) => join(dir, '.git', 'agent-log', 'index', 'records.v1');

async function main() {
  if (NODE_ENV_DROPPED.length)
    console.log(`(run without ${NODE_ENV_DROPPED.join(', ')}; BENCH_KEEP_NODE_ENV=1 keeps them)\n`);
  process.stderr.write('building a 10,000-record repository…\n');
  const dir = await buildRepo(10_000);
  const node = process.execPath;
  // The note blobs a cold build reads, in the order it asks for them (the notes tree's).
  const oids = spawnSync('git', ['ls-tree', '-r', 'refs/notes/agent-log'], {
    cwd: dir,
    env,
    maxBuffer: 1 << 28,
  })
    .stdout.toString()
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(/\s/)[2]);
  writeFileSync(join(dir, '.git', 'bench-note-oids'), `${oids.join('\n')}\n`);

  /** [label, aim (null: none, for information), setup, ours, baseline] */
  const pairs = [
    [
      '`show HEAD --json` vs `node -e 0; git notes show HEAD`',
      1.5,
      null,
      () => timed(dir, node, [BIN, 'show', 'HEAD', '--json']),
      () => timed(dir, ...sh(`'${node}' -e 0; git notes --ref=agent-log show HEAD`)),
    ],
    [
      "warm `query --file 'src/payments/**'` vs `git log --notes=agent-log --format=%N \\| grep`",
      1.0,
      null,
      () => timed(dir, node, [BIN, 'query', '--file', 'src/payments/**', '--format', '%id', '--no-pager']),
      () => timed(dir, ...sh(`git log --notes=agent-log --format=%N main | grep -c 'src/payments/'`)),
    ],
    [
      "`query --file 'src/payments/**'` after one new note (the notes ref moved: the index is updated first) vs `git log --notes=agent-log --format=%N \\| grep`",
      null,
      () => addNote(dir),
      () => timed(dir, node, [BIN, 'query', '--file', 'src/payments/**', '--format', '%id', '--no-pager']),
      () => timed(dir, ...sh(`git log --notes=agent-log --format=%N main | grep -c 'src/payments/'`)),
    ],
    [
      '`show HEAD --json` beside the lookup file a slower update left (the index is current; the lookup file names the one before, and is written anew) vs `node -e 0; git notes show HEAD`',
      null,
      () => {
        const lookup = `${indexFile(dir)}.at`;
        const before = readFileSync(lookup);
        addNote(dir);
        timed(dir, node, [BIN, 'log', '-n', '1', '--no-pager']);
        writeFileSync(lookup, before);
      },
      () => timed(dir, node, [BIN, 'show', 'HEAD', '--json']),
      () => timed(dir, ...sh(`'${node}' -e 0; git notes --ref=agent-log show HEAD`)),
    ],
    [
      'cold index build (first `query`) vs `git log --notes=agent-log --format=%N`',
      5,
      () => rmSync(indexFile(dir), { force: true }),
      () => timed(dir, node, [BIN, 'query', '--file', 'src/payments/**', '--format', '%id', '--no-pager']),
      () => timed(dir, ...sh('git log --notes=agent-log --format=%N main >/dev/null')),
    ],
    [
      'the cold build’s own git work: `git ls-tree -r` + `git cat-file --batch --buffer` of every note into a file (part of the cold build above) vs `git log --notes=agent-log --format=%N`',
      null,
      null,
      () =>
        timed(
          dir,
          ...sh(
            'git ls-tree -r -z --full-tree refs/notes/agent-log >/dev/null; git cat-file --batch --buffer <.git/bench-note-oids >.git/bench-blobs; rm -f .git/bench-blobs',
          ),
        ),
      () => timed(dir, ...sh('git log --notes=agent-log --format=%N main >/dev/null')),
    ],
    [
      `\`blame big.txt\` right after one new note (index updated, the runs rendered again) vs \`git blame big.txt\``,
      null,
      () => addNote(dir),
      () => timed(dir, node, [BIN, 'blame', 'big.txt', '--no-pager']),
      () => timed(dir, 'git', ['blame', 'big.txt']),
    ],
    [
      `\`blame big.txt\` (${BLAME_LINES.toLocaleString('en')} lines, each its own run) vs \`git blame big.txt\``,
      1.5,
      // The row before moved the notes ref (a new note), so the first blame at this tip renders its
      // runs again and keeps them (records.v1.facts); this row measures the blames after that one.
      () => timed(dir, node, [BIN, 'blame', 'big.txt', '--no-pager']),
      () => timed(dir, node, [BIN, 'blame', 'big.txt', '--no-pager']),
      () => timed(dir, 'git', ['blame', 'big.txt']),
    ],
  ];
  // warm the index and the OS cache once
  timed(dir, node, [BIN, 'query', '--file', 'src/payments/**', '--format', '%id', '--no-pager']);

  const results = pairs.map(() => ({ ours: [], base: [], load: [] }));
  for (let r = 0; r < RUNS; r++) {
    process.stderr.write(`  round ${r + 1}/${RUNS} (load ${load().toFixed(1)})\n`);
    pairs.forEach(([, , setup, ours, base], i) => {
      setup?.();
      results[i].load.push(load());
      // alternate which goes first, so neither always runs on a warmer cache
      if (r % 2) {
        results[i].base.push(base());
        results[i].ours.push(ours());
      } else {
        results[i].ours.push(ours());
        results[i].base.push(base());
      }
    });
  }

  const f = (x) => `${Math.round(x)} ms`;
  console.log('| measure | ours wall / CPU | baseline wall / CPU | ratio wall / CPU | aim | load (1 min) |');
  console.log('|---|---:|---:|---:|---|---|');
  pairs.forEach(([label, aim], i) => {
    const { ours, base, load: l } = results[i];
    const ow = median(ours.map((x) => x.ms));
    const oc = median(ours.map((x) => x.cpu));
    const bw = median(base.map((x) => x.ms));
    const bc = median(base.map((x) => x.cpu));
    const rc = oc / bc;
    const met = aim === null ? '' : rc <= aim ? ': met (CPU)' : ': missed (CPU)';
    console.log(
      `| ${label} | ${f(ow)} / ${f(oc)} | ${f(bw)} / ${f(bc)} | ${(ow / bw).toFixed(2)}× / ${rc.toFixed(2)}× | ${aim === null ? '—' : `≤ ${aim}×${met}`} | ${Math.min(...l).toFixed(1)}–${Math.max(...l).toFixed(1)} |`,
    );
  });
  const cold = pairs.findIndex(([label]) => label.startsWith('cold index build'));
  const coldRss = median(results[cold].ours.map((x) => x.rss));
  console.log(`| peak RSS of the cold build, 10,000 records | ${coldRss.toFixed(0)} MB | | | | |`);
  rmSync(dir, { recursive: true, force: true });

  if (process.env.BENCH_SPEED_100K === '1') {
    process.stderr.write('building a 100,000-record repository…\n');
    const big = await buildRepo(100_000);
    const l = load();
    const cold = timed(big, node, [
      BIN,
      'query',
      '--file',
      'src/payments/**',
      '--format',
      '%id',
      '--no-pager',
    ]);
    console.log(
      `| peak RSS of the cold build, 100,000 records | ${cold.rss.toFixed(0)} MB (wall ${f(cold.ms)}, CPU ${f(cold.cpu)}) | | | ≤ 300 MB: ${cold.rss <= 300 ? 'met' : 'missed'} | ${l.toFixed(1)} |`,
    );
    rmSync(big, { recursive: true, force: true });
  }
  console.log(
    `\nMedians of ${RUNS} interleaved rounds; ratios are ours / baseline. On a shared machine wall time mostly measures the queue: the aims are judged on CPU time. Node ${process.version}.`,
  );
}

await main();
