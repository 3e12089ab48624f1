// The two engines answer alike on odd but real repository shapes: gc'd packs with loose objects on
// top, a notes tree with fanout, a detached HEAD, a linked worktree, a rebased branch, GIT_DIR from
// inside another repository. Every read command by both engines prints the same bytes, and where
// plain git can say which runs a history holds (rev-list + notes list), it is the reference. Shapes
// the isomorphic engine cannot read (alternates, objects moved by the environment) are refused with
// one line. Replace refs, grafts and shallow clones: engines-history.test.ts.
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  bothMatchGit,
  cleanupLater,
  differences,
  git,
  gitRunsReachable,
  queried,
  reads,
  recordRun,
  removeAfterAll,
  repoWithRuns,
  scratch,
} from '../helpers/engine-diff.js';
import { fastImportCommits, fastImportNotes, recordNote } from '../helpers/notes-fixtures.js';
import { cli, tempRepo } from '../helpers/repo.js';

removeAfterAll();

describe('both engines give git’s answers on odd repository shapes', () => {
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
    expect(await differences(r.dir, [['log'], ['query', '--commit', 'HEAD', '--json']])).toEqual([]);
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

  test('reflog revisions (HEAD@{1}, main@{1}, @{1}) after an amend: what git names; syntax the isomorphic engine does not read is refused with one line', async () => {
    const { r, ids } = await repoWithRuns(3);
    git(r.dir, ['commit', '-q', '--amend', '-m', 'task 3, reworded']);
    const commands = [
      ['show', 'HEAD@{1}', '--json'],
      ['show', 'main@{1}'],
      ['show', '@{1}~1'],
      ['pr', 'HEAD@{2}..HEAD@{1}'],
      ['query', '--commit', 'main@{1}', '--json'],
    ];
    expect(await differences(r.dir, commands)).toEqual([]);
    // past the reflog's end: no revision for either (git's own words on the native engine)
    for (const engine of ['native', 'isomorphic'])
      expect((await cli(r, ['--engine', engine, 'show', 'main@{9}'])).code, engine).toBe(1);
    const amended = git(r.dir, ['rev-parse', 'HEAD@{1}']).trim();
    expect(git(r.dir, ['notes', '--ref=agent-log', 'show', amended])).toContain(ids[2]!);
    git(r.dir, ['checkout', '-q', '-b', 'before']);
    git(r.dir, ['checkout', '-q', 'main']);
    for (const rev of ['HEAD^{/task 1}', 'main@{1 second ago}', '@{-1}']) {
      const native = await cli(r, ['--engine', 'native', 'show', rev]);
      expect(native.code, `${rev}: ${native.stderr}`).toBe(0);
      const iso = await cli(r, ['--engine', 'isomorphic', 'show', rev]);
      expect(iso.code, rev).toBe(2);
      expect(iso.stderr, rev).toMatch(/^[^\n]*isomorphic engine[^\n]*\n$/);
    }
  });

  test('GIT_DIR (and GIT_WORK_TREE) naming the repository from inside another one, as scripts and hooks do', async () => {
    const { r, ids } = await repoWithRuns(3);
    const other = await tempRepo({ files: { 'b.txt': 'other\n' } });
    cleanupLater(() => other.cleanup());
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

  test('a repository that is not there: a worktree whose repository moved, a .git file from another machine, an emptied HEAD', async () => {
    const { r } = await repoWithRuns(1);
    const root = scratch();
    const wt = join(root, 'wt');
    git(r.dir, ['worktree', 'add', '-q', wt, 'HEAD']);
    const moved = join(root, 'moved');
    renameSync(r.dir, moved);
    cleanupLater(() => rmSync(moved, { recursive: true, force: true }));
    const foreign = join(root, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, '.git'), 'gitdir: /home/someone-else/src/app/.git\n');
    const emptied = join(root, 'emptied');
    git(root, ['clone', '-q', moved, emptied]);
    writeFileSync(join(emptied, '.git', 'HEAD'), '');
    for (const dir of [wt, foreign, emptied]) {
      expect(() => git(dir, ['rev-parse', '--git-dir'])).toThrow(/not a git repository/);
      for (const args of [['log'], ['show', 'HEAD']]) {
        const native = await cli(dir, ['--engine', 'native', ...args]);
        const iso = await cli(dir, ['--engine', 'isomorphic', ...args]);
        expect(native, `${dir} ${args.join(' ')}`).toEqual({
          code: 2,
          stdout: '',
          stderr: `error: not a git repository: ${dir}\n`,
        });
        expect(iso, `${dir} ${args.join(' ')}`).toEqual(native);
      }
    }
  });

  test.skipIf(process.getuid?.() !== 0)(
    'a repository owned by another user (git’s safe.directory check): refused alike unless safe.directory lists it',
    async () => {
      const { r } = await repoWithRuns(1);
      execFileSync('chown', ['-R', 'nobody', r.dir]);
      expect(() => git(r.dir, ['rev-parse', '--git-dir'])).toThrow(/dubious ownership/);
      for (const engine of ['native', 'isomorphic']) {
        const res = await cli(r, ['--engine', engine, 'log']);
        expect(res.code, engine).toBe(2);
        expect(res.stdout, engine).toBe('');
        // git's own words first; the isomorphic engine adds how to trust it where git is not installed
        expect(res.stderr.split('\n')[0], engine).toBe(
          `error: detected dubious ownership in repository at '${r.dir}'`,
        );
      }
      const global = join(scratch(), 'gitconfig');
      for (const value of [r.dir, '*']) {
        writeFileSync(global, `[safe]\n\tdirectory = ${value}\n`);
        const env = { GIT_CONFIG_GLOBAL: global };
        expect(git(r.dir, ['rev-parse', '--git-dir'], env).trim()).toBe('.git');
        expect(await differences(r.dir, [['log'], ['show', 'HEAD', '--json']], env)).toEqual([]);
      }
    },
  );

  test('an identity set in an included config file (include.path, includeIf "gitdir:"): both engines seal as git’s committer', async () => {
    const r = await tempRepo({ files: { 'a.txt': 'start\n' } });
    cleanupLater(() => r.cleanup());
    const dir = scratch();
    writeFileSync(join(dir, 'person.cfg'), '[user]\n\tname = Included Person\n\temail = inc@example.com\n');
    writeFileSync(join(dir, 'work.cfg'), '[user]\n\temail = work@example.com\n');
    const global = join(dir, 'global.cfg');
    writeFileSync(
      global,
      `[include]\n\tpath = ${join(dir, 'person.cfg')}\n[includeIf "gitdir:${r.dir}/"]\n\tpath = work.cfg\n`,
    );
    // no identity in the environment: git's comes from the included files
    const env = {
      GIT_CONFIG_GLOBAL: global,
      GIT_AUTHOR_NAME: undefined,
      GIT_AUTHOR_EMAIL: undefined,
      GIT_COMMITTER_NAME: undefined,
      GIT_COMMITTER_EMAIL: undefined,
    };
    const ident = git(r.dir, ['var', 'GIT_COMMITTER_IDENT'], env).replace(/ \d+ [+-]\d{4}\n$/, '');
    expect(ident).toBe('Included Person <work@example.com>');
    for (const engine of ['native', 'isomorphic']) {
      const start = await cli(r, ['--engine', engine, 'start', '--task', engine], { env });
      expect(start.code, start.stderr).toBe(0);
      r.write('a.txt', `${engine}\n`);
      git(r.dir, ['commit', '-q', '-am', engine], env);
      const finish = await cli(r, ['--engine', engine, 'finish'], { env });
      expect(finish.code, finish.stderr).toBe(0);
      expect(git(r.dir, ['log', '-1', '--format=%cn <%ce>', 'refs/notes/agent-log']).trim(), engine).toBe(
        ident,
      );
    }
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
    // GIT_NAMESPACE divides refs for fetch and push only: local reads see every ref, on both engines.
    expect(
      await differences(r.dir, [['log'], ['query', '--commit', 'HEAD~1']], { GIT_NAMESPACE: 'team' }),
    ).toEqual([]);
  });
});
