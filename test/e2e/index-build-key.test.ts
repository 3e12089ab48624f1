// The query index and its lookup file hold what the build that wrote them made of the notes (each
// run's slim JSON, its date, the warnings), and an update copies the lines it does not touch as bytes.
// So they name that build, and this build reads another's as no index. The other build here is a
// real one: this tree bundled again (scripts/bundle-cli.mjs, whose key is a hash of the sources) with
// its date rule changed, as an older or newer release's may be. After it wrote the index, every
// read of this build (the fast paths that read the files without loading the index model too) must
// rebuild it once, byte for byte what a fresh build writes, and list the runs in the order plain git's
// notes give; and an update after the notes move must never splice onto it.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { canonicalJson } from '../../src/record/note-lines.js';
import { shopRecord } from '../helpers/records.js';
import { cli, gitEnv, ROOT, tempRepo, type TempRepo } from '../helpers/repo.js';

let repo: TempRepo;
let otherPkg: string;
const commits: string[] = [];
/** Run IDs of the real shape, in ascending order; run n ends on day n, so the newest has the last ID. */
const ids = Array.from({ length: 6 }, (_, n) => `p${(0x4b1d3a7 + n * 65537).toString(36).padStart(9, '0')}`);
const indexDir = () => join(repo.dir, '.git', 'agent-log', 'index');
const FILES = ['records.v1', 'records.v1.at'];
const notes = (...args: string[]) => repo.git('notes', '--ref=agent-log', ...args);

/** The other build's CLI in the test repository. */
function otherCli(args: string[]): void {
  execFileSync(process.execPath, [join(otherPkg, 'bin', 'git-agent-log'), ...args], {
    cwd: repo.dir,
    env: gitEnv(),
    stdio: 'ignore',
  });
}

/** The index's files as they are now (absent ones as null). */
function indexFiles(): (Buffer | null)[] {
  return FILES.map((f) => (existsSync(join(indexDir(), f)) ? readFileSync(join(indexDir(), f)) : null));
}

/** The index's files written by this build from nothing. */
async function freshFiles(): Promise<(Buffer | null)[]> {
  rmSync(indexDir(), { recursive: true, force: true });
  expect((await cli(repo, ['query', '--format', '%id'])).code).toBe(0);
  return indexFiles();
}

/** The build key in an index file's header. */
const buildOf = (index: Buffer) => JSON.parse(index.toString('utf8', 0, index.indexOf(10))).build as string;

/**
 * The independent reader: the run IDs of the notes' record lines, newest first (by `ended_at`, then
 * ID), from plain `git notes list` and `git cat-file --batch`.
 */
function runsNewestFirst(): string[] {
  const git = (args: string[], input?: string) =>
    execFileSync('git', args, { cwd: repo.dir, env: gitEnv(), input, encoding: 'utf8' });
  const blobs = git(['notes', '--ref=agent-log', 'list'])
    .trim()
    .split('\n')
    .map((row) => row.split(' ')[0]!);
  const runs: [string, string][] = [];
  for (const line of git(['cat-file', '--batch'], `${blobs.join('\n')}\n`).split('\n')) {
    if (!line.startsWith('{')) continue;
    const r = JSON.parse(line) as { kind?: string; id: string; ended_at: string };
    if (r.kind === 'record') runs.push([r.ended_at, r.id]);
  }
  runs.sort((a, b) => (a[0] !== b[0] ? (a[0] < b[0] ? 1 : -1) : a[1] < b[1] ? -1 : 1));
  return runs.map((r) => r[1]);
}

beforeAll(async () => {
  // The other build: this tree with one rule changed (a run's date kept to its year), bundled as
  // `npm run build` bundles it. Its key differs because its sources do.
  otherPkg = mkdtempSync(join(tmpdir(), 'agent-log-other-build-'));
  for (const f of ['package.json', 'tsconfig.json', 'bin', 'src', 'templates', 'scripts'])
    cpSync(join(ROOT, f), join(otherPkg, f), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(otherPkg, 'node_modules'));
  const model = join(otherPkg, 'src', 'index', 'model.ts');
  const rule = "return text.replace(/\\s/g, ' ')";
  const source = readFileSync(model, 'utf8');
  expect(source).toContain(rule);
  writeFileSync(model, source.replace(rule, "return text.slice(0, 4).replace(/\\s/g, ' ')"));
  execFileSync(process.execPath, ['scripts/bundle-cli.mjs'], {
    cwd: otherPkg,
    env: { ...process.env, AGENT_LOG_NO_WARM: '1' },
    stdio: 'ignore',
  });

  repo = await tempRepo({ files: { 'README.md': 'shop\n' } });
  let body = '';
  for (let n = 0; n < ids.length + 1; n++) {
    body += `export const step${n} = ${n};\n`;
    repo.write('pay.ts', body);
    commits.push(await repo.commit(`checkout step ${n}`));
  }
  for (let n = 0; n < ids.length - 1; n++)
    await notes(
      'add',
      '-m',
      canonicalJson(shopRecord(ids[n]!, `fix the checkout, step ${n}`, n)),
      commits[n]!,
    );
}, 180_000);

afterAll(() => {
  repo?.cleanup();
  if (otherPkg) rmSync(otherPkg, { recursive: true, force: true });
});

test('every read refuses an index another build wrote at the notes tip, and rebuilds it once', async () => {
  const fresh = await freshFiles();
  rmSync(indexDir(), { recursive: true, force: true });
  otherCli(['log']);
  const foreign = indexFiles();
  expect(foreign[0] && foreign[1]).toBeTruthy();
  // Its lines are another rule's: the same runs in another order.
  expect(foreign[0]!.equals(fresh[0]!)).toBe(false);

  const reads = [
    ['query', '--format', '%id'],
    ['log', '-n', '2', '--format', '%id'],
    ['query', '--file', 'pay.ts', '--format', '%id'],
    ['show', ids[2]!, '--json'],
    ['show', 'HEAD~4', '--json'],
    ['blame', 'pay.ts'],
    ['blame', 'pay.ts', '--json'],
  ];
  for (const args of reads) {
    for (const [i, f] of FILES.entries()) writeFileSync(join(indexDir(), f), foreign[i]!);
    const first = await cli(repo, args);
    const now = indexFiles();
    expect(now[0]!.equals(fresh[0]!), `${args.join(' ')}: index`).toBe(true);
    expect(now[1]!.equals(fresh[1]!), `${args.join(' ')}: lookup file`).toBe(true);
    // The answer is the one a fresh index gives.
    expect(first, args.join(' ')).toEqual(await cli(repo, args));
    expect(first.code, args.join(' ')).toBe(0);
  }
  const listed = (await cli(repo, ['query', '--format', '%id'])).stdout.trim().split('\n');
  expect(listed).toEqual(runsNewestFirst());
  // Each file names the build that wrote it.
  expect(buildOf(foreign[0]!)).not.toBe(buildOf(fresh[0]!));
  expect(buildOf(foreign[1]!)).toBe(buildOf(foreign[0]!));
  expect(buildOf(fresh[1]!)).toBe(buildOf(fresh[0]!));
});

test('after the notes move, the update never splices onto another build index', async () => {
  rmSync(indexDir(), { recursive: true, force: true });
  otherCli(['log']);
  await notes(
    'add',
    '-m',
    canonicalJson(shopRecord(ids.at(-1)!, 'fix the checkout, last step', 9)),
    commits.at(-1)!,
  );
  const updated = await cli(repo, ['query', '--format', '%id']);
  const files = indexFiles();
  expect(updated.stdout.trim().split('\n')).toEqual(runsNewestFirst());
  const fresh = await freshFiles();
  expect(files[0]!.equals(fresh[0]!)).toBe(true);
  expect(files[1]!.equals(fresh[1]!)).toBe(true);
});
