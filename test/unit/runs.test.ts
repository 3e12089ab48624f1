// Unsealed runs in the journal directory, while other processes seal and move them.
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { locateWithGit } from '../../src/git/repo.js';
import { runsDir, sealedDir } from '../../src/journal/paths.js';
import { createRun, listRuns, markSealed } from '../../src/store/runs.js';
import { type TempRepo, tempRepo } from '../helpers/repo.js';

let repo: TempRepo;
beforeEach(async () => {
  repo = await tempRepo({ files: { a: 'a\n' } });
});
afterEach(() => repo.cleanup());

describe('runs in the journal directory', () => {
  it('listRuns skips a journal that vanished between listing and reading (sealed by another process)', () => {
    const loc = locateWithGit(repo.dir);
    createRun(loc, 'kaaaaaaaa1', { task: 'still here' });
    // a name readdir returns but whose file is gone by the time it is read
    symlinkSync(
      join(runsDir(loc.commonDir), 'gone.target'),
      join(runsDir(loc.commonDir), 'kbbbbbbbb2.jsonl'),
    );
    expect(listRuns(loc).map((r) => r.id)).toEqual(['kaaaaaaaa1']);
  });

  it('markSealed of a run another process already moved is not an error', () => {
    const loc = locateWithGit(repo.dir);
    createRun(loc, 'kaaaaaaaa1', { task: 'sealed twice at once' });
    markSealed(loc, 'kaaaaaaaa1');
    expect(() => markSealed(loc, 'kaaaaaaaa1')).not.toThrow();
    mkdirSync(sealedDir(loc.commonDir), { recursive: true });
    expect(listRuns(loc)).toEqual([]);
  });
});
