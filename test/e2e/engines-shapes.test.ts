// The two engines answer alike on odd but real repository shapes: replace refs (`git replace`, also
// `--graft`, also packed), `info/grafts`, a shallow clone, gc'd packs with loose objects on top, a
// notes tree with fanout, a detached HEAD, a linked worktree. Runs are recorded with the built CLI;
// every read command is run with `--engine native` and `--engine isomorphic` and must print the same
// bytes, and where plain git can say which runs a history holds (rev-list + notes list), it is the
// reference. Shapes the isomorphic engine cannot read (alternates) must be refused with one line.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { installedCliDir } from '../helpers/agent-hooks.js';
import { fastImportCommits, fastImportNotes, recordNote } from '../helpers/notes-fixtures.js';
import { cli, gitEnv, type TempRepo, tempRepo } from '../helpers/repo.js';

const cleanups: (() => void)[] = [];
/** git-agent-log on PATH, so that `git agent-log` is git's own dispatch, as users run it. */
const binDir = installedCliDir();
afterAll(() => {
  for (const c of cleanups.splice(0)) c();
});

function git(dir: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  return execFileSync('git', args, {
    cwd: dir,
    env: gitEnv(env),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 1 << 28,
  });
}

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'agent-log-engines-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** One run recorded by hand (start, an edit, a commit, finish); its record ID. */
async function recordRun(r: TempRepo, task: string, cwd: string = r.dir): Promise<string> {
  const start = await cli(cwd, ['start', '--task', task]);
  expect(start.code, start.stderr).toBe(0);
  const file = join(cwd, 'a.txt');
  writeFileSync(file, `${git(cwd, ['show', 'HEAD:a.txt'])}${task}\n`);
  git(cwd, ['commit', '-q', '-am', task]);
  const finish = await cli(cwd, ['finish']);
  expect(finish.code, finish.stderr).toBe(0);
  return start.stdout.trim();
}

/** A repository with `n` recorded runs, one commit each, on top of an initial commit. */
async function repoWithRuns(n = 4): Promise<{ r: TempRepo; ids: string[] }> {
  const r = await tempRepo({ files: { 'a.txt': 'start\n' } });
  cleanups.push(() => r.cleanup());
  expect((await cli(r, ['init'])).code).toBe(0);
  const ids: string[] = [];
  for (let i = 1; i <= n; i++) ids.push(await recordRun(r, `task ${i}`));
  return { r, ids };
}

/**
 * git's answer to "which runs have a commit reachable from REV": `git rev-list REV` (replace refs,
 * grafts and shallow boundaries as git reads them), the notes of those commits from `git notes list`,
 * their record IDs from `git cat-file`.
 */
function gitRunsReachable(dir: string, rev: string, env: NodeJS.ProcessEnv = {}): string[] {
  const commits = new Set(git(dir, ['rev-list', rev], env).split('\n').filter(Boolean));
  const blobs = git(dir, ['notes', '--ref=agent-log', 'list'], env)
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' '))
    .filter(([, target]) => commits.has(target!))
    .map(([blob]) => blob!);
  if (blobs.length === 0) return [];
  const text = execFileSync('git', ['cat-file', '--batch'], {
    cwd: dir,
    env: gitEnv(env),
    input: `${blobs.join('\n')}\n`,
    encoding: 'utf8',
  });
  const ids = new Set<string>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    const rec = JSON.parse(line) as { kind?: string; id?: string };
    if (rec.kind === 'record' && rec.id) ids.add(rec.id);
  }
  return [...ids].sort();
}

/** The read commands a reviewer runs, with what they need of the repository. */
function reads(ids: string[], opts: { range?: string; blame?: string } = {}): string[][] {
  const out = [
    ['log'],
    ['log', '--json'],
    ['show', 'HEAD', '--json'],
    ['show', 'HEAD~1'],
    ['query', '--commit', 'HEAD', '--json'],
    ['query', '--commit', 'HEAD~1'],
    ['export'],
    ['stats', '--json'],
    ['doctor', '--json'],
    ['revert', ids[ids.length - 1]!, '--dry-run'],
    ['pr', opts.range ?? 'HEAD~2..HEAD'],
  ];
  if (opts.blame !== '') out.push(['blame', opts.blame ?? 'a.txt', '--json']);
  return out;
}

interface Answer {
  code: number;
  stdout: string;
  stderr: string;
}

/** Each command run by both engines; the pairs that differ, for one readable failure. */
async function differences(cwd: string, commands: string[][], env: NodeJS.ProcessEnv = {}) {
  const diffs: { command: string; native: Answer; isomorphic: Answer }[] = [];
  for (const args of commands) {
    const native = await cli(cwd, ['--engine', 'native', ...args], { env });
    const isomorphic = await cli(cwd, ['--engine', 'isomorphic', ...args], { env });
    expect(native.stderr, `native ${args.join(' ')}`).not.toMatch(/\n\s+at /); // no stack trace
    if (
      native.code !== isomorphic.code ||
      native.stdout !== isomorphic.stdout ||
      native.stderr !== isomorphic.stderr
    )
      diffs.push({ command: args.join(' '), native, isomorphic });
  }
  return diffs;
}

/** `query --commit REV --json` by one engine: the record IDs, sorted. */
async function queried(cwd: string, engine: string, rev: string, env: NodeJS.ProcessEnv = {}) {
  const res = await cli(cwd, ['--engine', engine, 'query', '--commit', rev, '--json'], { env });
  expect(res.code, res.stderr).toBe(0);
  return (JSON.parse(res.stdout) as { id: string }[]).map((rec) => rec.id).sort();
}

async function bothMatchGit(cwd: string, rev: string, env: NodeJS.ProcessEnv = {}) {
  const expected = gitRunsReachable(cwd, rev, env);
  expect(await queried(cwd, 'native', rev, env)).toEqual(expected);
  expect(await queried(cwd, 'isomorphic', rev, env)).toEqual(expected);
  return expected;
}

describe('both engines give git’s answers on odd repository shapes', () => {
  test('a commit replaced by `git replace` (another parent and message): history as git reads it', async () => {
    const { r, ids } = await repoWithRuns();
    // Run 2's commit rewritten to sit on the initial commit: run 1 drops out of history.
    const c2 = git(r.dir, ['rev-parse', 'HEAD~2']).trim();
    const base = git(r.dir, ['rev-parse', 'HEAD~4']).trim();
    const tree = git(r.dir, ['rev-parse', 'HEAD~2^{tree}']).trim();
    const replacement = git(r.dir, ['commit-tree', tree, '-p', base, '-m', 'task 3 (replayed)']).trim();
    git(r.dir, ['replace', c2, replacement]);
    const reachable = await bothMatchGit(r.dir, 'HEAD');
    expect(reachable).toEqual(ids.slice(1).sort());
    expect(await differences(r.dir, reads(ids))).toEqual([]);

    // GIT_NO_REPLACE_OBJECTS: both read the objects as stored, as git does.
    const raw = { GIT_NO_REPLACE_OBJECTS: '1' };
    expect(await bothMatchGit(r.dir, 'HEAD', raw)).toEqual([...ids].sort());
    expect(await differences(r.dir, reads(ids), raw)).toEqual([]);
    // `git -c core.useReplaceRefs=false agent-log …`: git hands the setting down in
    // GIT_CONFIG_PARAMETERS, and `git --no-replace-objects agent-log …` in GIT_NO_REPLACE_OBJECTS.
    const path = { PATH: `${binDir}:${process.env.PATH}` };
    for (const opts of [['-c', 'core.useReplaceRefs=false'], ['--no-replace-objects']]) {
      for (const engine of ['native', 'isomorphic']) {
        const args = [...opts, 'agent-log', '--engine', engine, 'query', '--commit', 'HEAD', '--json'];
        const viaGit = git(r.dir, args, path);
        const found = (JSON.parse(viaGit) as { id: string }[]).map((rec) => rec.id).sort();
        expect(found, `git ${opts.join(' ')} agent-log --engine ${engine}`).toEqual([...ids].sort());
      }
    }
    // core.useReplaceRefs=false: the same, from the repository's config.
    git(r.dir, ['config', 'core.useReplaceRefs', 'false']);
    expect(await bothMatchGit(r.dir, 'HEAD')).toEqual([...ids].sort());
  });

  test('`git replace --graft`, with the replace refs packed: history as git reads it', async () => {
    const { r, ids } = await repoWithRuns();
    const c3 = git(r.dir, ['rev-parse', 'HEAD~1']).trim();
    const root = git(r.dir, ['rev-list', '--max-parents=0', 'HEAD']).trim();
    git(r.dir, ['replace', '--graft', c3, root]);
    const loose = await bothMatchGit(r.dir, 'HEAD');
    expect(loose).toEqual([ids[2]!, ids[3]!].sort());
    expect(await differences(r.dir, reads(ids))).toEqual([]);
    git(r.dir, ['pack-refs', '--all', '--prune']);
    expect(await bothMatchGit(r.dir, 'HEAD')).toEqual(loose);
    expect(await differences(r.dir, reads(ids))).toEqual([]);
  });

  test('.git/info/grafts: history as git reads it (GIT_NO_REPLACE_OBJECTS does not turn grafts off)', async () => {
    const { r, ids } = await repoWithRuns();
    const c3 = git(r.dir, ['rev-parse', 'HEAD~1']).trim();
    const root = git(r.dir, ['rev-list', '--max-parents=0', 'HEAD']).trim();
    writeFileSync(join(r.dir, '.git', 'info', 'grafts'), `# cut\n${c3} ${root}\n`);
    expect(await bothMatchGit(r.dir, 'HEAD')).toEqual([ids[2]!, ids[3]!].sort());
    expect(await differences(r.dir, reads(ids))).toEqual([]);
    expect(await bothMatchGit(r.dir, 'HEAD', { GIT_NO_REPLACE_OBJECTS: '1' })).toEqual(
      [ids[2]!, ids[3]!].sort(),
    );

    // GIT_GRAFT_FILE names another graft file: the tip sits on the root, HEAD~1..HEAD is one commit.
    rmSync(join(r.dir, '.git', 'info', 'grafts'));
    const graftFile = join(scratch(), 'grafts');
    writeFileSync(graftFile, `${git(r.dir, ['rev-parse', 'HEAD']).trim()} ${root}\n`);
    const env = { GIT_GRAFT_FILE: graftFile };
    expect(await bothMatchGit(r.dir, 'HEAD', env)).toEqual([ids[3]!]);
    expect(git(r.dir, ['rev-list', 'HEAD~1..HEAD'], env).trim().split('\n')).toHaveLength(1);
    for (const engine of ['native', 'isomorphic']) {
      const pr = await cli(r, ['--engine', engine, 'pr', 'HEAD~1..HEAD'], { env });
      expect(pr.code, pr.stderr).toBe(0);
      expect(
        ids.filter((id) => pr.stdout.includes(id)),
        engine,
      ).toEqual([ids[3]]);
    }
    expect(await differences(r.dir, reads(ids, { range: 'HEAD~1..HEAD' }), env)).toEqual([]);
  });

  test('a shallow clone (--depth 2) with the notes fetched: history ends at the boundary', async () => {
    const { r, ids } = await repoWithRuns();
    const clone = join(scratch(), 'clone');
    git(r.dir, ['clone', '-q', '--depth', '2', `file://${r.dir}`, clone]);
    git(clone, ['fetch', '-q', 'origin', 'refs/notes/agent-log:refs/notes/agent-log']);
    expect(git(clone, ['rev-parse', '--is-shallow-repository']).trim()).toBe('true');
    expect(await bothMatchGit(clone, 'HEAD')).toEqual([ids[2]!, ids[3]!].sort());
    expect(await differences(clone, reads(ids, { range: 'HEAD~1..HEAD' }))).toEqual([]);
  });

  test('gc’d packs with loose objects and loose notes commits on top', async () => {
    const { r, ids } = await repoWithRuns(3);
    git(r.dir, ['gc', '-q', '--aggressive']);
    ids.push(await recordRun(r, 'after gc'));
    expect(git(r.dir, ['count-objects', '-v'])).toMatch(/^count: [1-9]/m);
    expect(await bothMatchGit(r.dir, 'HEAD')).toEqual([...ids].sort());
    expect(await differences(r.dir, reads(ids))).toEqual([]);
  });

  test('a notes tree with fanout (300 notes by fast-import) and runs recorded on top', async () => {
    const { r, ids } = await repoWithRuns(2);
    const commits = fastImportCommits(r, 300);
    const bodies = new Map(
      commits.map((c, i) => [c, recordNote(`fan${i}`, `imported ${i}`, '2026-09-01T00:00:00.000Z')]),
    );
    fastImportNotes(r, bodies);
    git(r.dir, ['reset', '-q', '--hard']);
    ids.push(await recordRun(r, 'after fanout'));
    expect(git(r.dir, ['ls-tree', '--name-only', 'refs/notes/agent-log'])).toMatch(/^[0-9a-f]{2}\n/m);
    expect(await bothMatchGit(r.dir, 'HEAD~150')).toEqual(
      [ids[0]!, ids[1]!, ...commits.slice(0, 151).map((_, i) => `fan${i}`)].sort(),
    );
    expect(await differences(r.dir, reads(ids, { range: 'HEAD~3..HEAD' }))).toEqual([]);
  });

  test('a detached HEAD', async () => {
    const { r, ids } = await repoWithRuns();
    git(r.dir, ['checkout', '-q', '--detach', 'HEAD~1']);
    expect(await bothMatchGit(r.dir, 'HEAD')).toEqual(ids.slice(0, 3).sort());
    expect(await differences(r.dir, reads(ids.slice(0, 3)))).toEqual([]);
  });

  test('a linked worktree (git worktree add) with a run of its own', async () => {
    const { r, ids } = await repoWithRuns(3);
    const wt = join(scratch(), 'wt');
    git(r.dir, ['worktree', 'add', '-q', '-b', 'side', wt, 'HEAD~1']);
    const side = await recordRun(r, 'in the worktree', wt);
    expect(await bothMatchGit(wt, 'HEAD')).toEqual([ids[0]!, ids[1]!, side].sort());
    expect(await differences(wt, reads([...ids.slice(0, 2), side]))).toEqual([]);
    expect(await differences(r.dir, reads(ids))).toEqual([]);
  });

  test('a branch rebased after its runs (notes copied by notes.rewriteRef): the packet and rollback name the same commits', async () => {
    const { r, ids } = await repoWithRuns(1);
    git(r.dir, ['checkout', '-q', '-b', 'feature']);
    ids.push(await recordRun(r, 'feature 1'), await recordRun(r, 'feature 2'));
    git(r.dir, ['checkout', '-q', 'main']);
    writeFileSync(join(r.dir, 'other.txt'), 'other\n');
    git(r.dir, ['add', 'other.txt']);
    git(r.dir, ['commit', '-q', '-m', 'other work']);
    git(r.dir, ['checkout', '-q', 'feature']);
    git(r.dir, ['rebase', '-q', 'main']);
    // git's view: the run's note is on the rebased commit (and still on the orphan it was copied from).
    const head = git(r.dir, ['rev-parse', 'HEAD']).trim();
    expect(git(r.dir, ['notes', '--ref=agent-log', 'show', head])).toContain(ids[2]!);
    const commands = [
      ['show', 'HEAD'],
      ['show', ids[1]!],
      ['pr', 'HEAD~2..HEAD'],
      ['rollback', 'HEAD'],
      ['revert', ids[2]!, '--dry-run'],
    ];
    expect(await differences(r.dir, commands)).toEqual([]);
    const iso = await cli(r, ['--engine', 'isomorphic', 'show', 'HEAD']);
    expect(iso.stdout).toContain(head);
  });

  test('GIT_DIR (and GIT_WORK_TREE) naming the repository from inside another one, as scripts and hooks do', async () => {
    const { r, ids } = await repoWithRuns(3);
    const other = await tempRepo({ files: { 'b.txt': 'other\n' } });
    cleanups.push(() => other.cleanup());
    const env = { GIT_DIR: join(r.dir, '.git') };
    // git answers for r, not for the repository around the current directory
    expect(gitRunsReachable(other.dir, 'HEAD', env)).toEqual([...ids].sort());
    expect(await queried(other.dir, 'native', 'HEAD', env)).toEqual([...ids].sort());
    expect(await queried(other.dir, 'isomorphic', 'HEAD', env)).toEqual([...ids].sort());
    const commands = [
      ['log'],
      ['show', 'HEAD', '--json'],
      ['query', '--commit', 'HEAD~1'],
      ['stats', '--json'],
    ];
    expect(await differences(other.dir, commands, env)).toEqual([]);
    const withTree = { ...env, GIT_WORK_TREE: r.dir };
    expect(await differences(other.dir, [...commands, ['revert', ids[2]!, '--dry-run']], withTree)).toEqual(
      [],
    );
  });

  test('objects borrowed through objects/info/alternates or the environment: the isomorphic engine refuses with one line', async () => {
    const { r, ids } = await repoWithRuns(2);
    const clone = join(scratch(), 'shared');
    git(r.dir, ['clone', '-q', '--shared', r.dir, clone]);
    git(clone, ['fetch', '-q', 'origin', 'refs/notes/agent-log:refs/notes/agent-log']);
    expect(await queried(clone, 'native', 'HEAD')).toEqual(gitRunsReachable(clone, 'HEAD'));
    for (const args of reads(ids)) {
      const iso = await cli(clone, ['--engine', 'isomorphic', ...args]);
      expect(iso.code, args.join(' ')).toBe(2);
      expect(iso.stdout).toBe('');
      expect(iso.stderr).toMatch(/^[^\n]*objects\/info\/alternates[^\n]*\n$/);
    }

    // The same objects borrowed through the environment instead (GIT_ALTERNATE_OBJECT_DIRECTORIES),
    // or the whole object store moved (GIT_OBJECT_DIRECTORY): git reads them, the isomorphic engine
    // cannot, and says so rather than call the notes ref broken.
    rmSync(join(clone, '.git', 'objects', 'info', 'alternates'));
    const borrowed = { GIT_ALTERNATE_OBJECT_DIRECTORIES: join(r.dir, '.git', 'objects') };
    const moved = { GIT_OBJECT_DIRECTORY: join(r.dir, '.git', 'objects') };
    for (const env of [borrowed, moved]) {
      expect(await queried(clone, 'native', 'HEAD', env)).toEqual(gitRunsReachable(clone, 'HEAD', env));
      for (const args of [['log'], ['show', 'HEAD~1'], ['query', '--commit', 'HEAD']]) {
        const iso = await cli(clone, ['--engine', 'isomorphic', ...args], { env });
        expect(iso.code, args.join(' ')).toBe(2);
        expect(iso.stdout).toBe('');
        expect(iso.stderr).toMatch(new RegExp(`^[^\\n]*${Object.keys(env)[0]}[^\\n]*\\n$`));
      }
    }
  });
});
