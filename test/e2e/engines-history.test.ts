// The two engines answer alike where git reads history otherwise than the objects store it: replace
// refs (`git replace`, also `--graft`, also packed; off with GIT_NO_REPLACE_OBJECTS, core.useReplaceRefs
// and `git -c`), `info/grafts` and GIT_GRAFT_FILE, a shallow clone. Every read command by both engines
// prints the same bytes, and `query --commit` names the runs git's rev-list + notes list name.
// Other repository shapes: engines-shapes.test.ts.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { installedCliDir } from '../helpers/agent-hooks.js';
import {
  bothMatchGit,
  differences,
  git,
  reads,
  removeAfterAll,
  repoWithRuns,
  scratch,
} from '../helpers/engine-diff.js';
import { cli } from '../helpers/repo.js';

removeAfterAll();
/** git-agent-log on PATH, so that `git agent-log` is git's own dispatch, as users run it. */
const binDir = installedCliDir();

describe('both engines read history as git does', () => {
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
    git(r.dir, ['config', '--unset', 'core.useReplaceRefs']);

    // A replace ref naming an object that is not here (written by hand, or its object pruned): git
    // stops on any read of the replaced commit, and so do both engines, saying why.
    writeFileSync(join(r.dir, '.git', 'refs', 'replace', c2), `${'1'.repeat(40)}\n`);
    expect(() => git(r.dir, ['rev-list', 'HEAD'])).toThrow(/replacement 1{40} not found/);
    for (const args of [
      ['query', '--commit', 'HEAD'],
      ['show', 'HEAD~2'],
    ])
      for (const engine of ['native', 'isomorphic']) {
        const res = await cli(r, ['--engine', engine, ...args]);
        expect(res.code, `${engine} ${args.join(' ')}`).toBe(1);
        expect(res.stderr).toMatch(/replacement 1{40} not found for/);
      }
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
});
