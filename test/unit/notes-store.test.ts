// The notes store against real git: fixtures made by git itself (notes add/append, fast-import,
// mktree) at every fanout depth; our reader must see what git sees, and after our writes git must
// still read, log and merge the ref with every earlier note intact.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRepo, type Repo } from '../../src/git/repo.js';
import { parseNote, recordLine, refLine } from '../../src/record/note-lines.js';
import {
  FANOUT_THRESHOLD,
  NOTES_REF,
  notesTree,
  readNoteBody,
  readNotesTree,
  writeNotesTree,
} from '../../src/store/notes.js';
import { sealRecords } from '../../src/store/seal.js';
import {
  fastImportCommits,
  fastImportNotes,
  gitNotes,
  gitSync,
  lsTree,
  notePaths,
  REF,
} from '../helpers/notes-fixtures.js';
import { type TempRepo, tempRepo } from '../helpers/repo.js';
import { sampleRecord } from '../helpers/sample-record.js';

// 70,000-note fixtures: about 20 s on a quiet machine, over 3 minutes at load average 15.
const LONG = 480_000;

interface Fixture {
  repo: TempRepo;
  open: Repo;
  commits: string[];
}

async function fixture(n: number): Promise<Fixture> {
  const repo = await tempRepo();
  const commits = fastImportCommits(repo, n);
  return { repo, open: await openRepo(repo.dir, { engine: 'native' }), commits };
}

function gitNotesAdd(dir: string, commits: readonly string[], body: (c: string, i: number) => string) {
  commits.forEach((c, i) => {
    gitSync(dir, ['notes', '--ref=agent-log', 'add', '-f', '-F', '-', c], body(c, i));
  });
}

async function tipTree(f: Fixture) {
  return notesTree(f.open.engine, await f.open.engine.readRef(NOTES_REF));
}

/** Our reader sees exactly the notes git lists, with the bodies git shows. */
async function expectReaderMatchesGit(f: Fixture, sample: readonly string[]) {
  const git = gitNotes(f.repo.dir);
  const tree = await tipTree(f);
  const ours = await readNotesTree(f.open.engine, tree);
  expect([...ours.keys()].sort()).toEqual([...git.keys()].sort());
  for (const [target, blobs] of ours) {
    // git combines a target found at two paths into a new blob; a single note is the blob itself
    if (blobs.length === 1) expect(blobs[0], target).toBe(git.get(target)!.blob);
  }
  for (const target of sample) {
    const body = await readNoteBody(f.open.engine, tree, target);
    expect(body, target).toBe(gitSync(f.repo.dir, ['notes', '--ref=agent-log', 'show', target]));
  }
}

function paths(dir: string) {
  const dupes = [...notePaths(dir)].filter(([, p]) => p.length > 1);
  return dupes.map(([t]) => t);
}

/** A clone with a diverged notes ref: it appends its own line to `targets` after cloning. */
async function divergedClone(f: Fixture, targets: readonly string[]): Promise<TempRepo> {
  const clone = await tempRepo();
  gitSync(clone.dir, ['fetch', '-q', f.repo.dir, `+${REF}:${REF}`, '+refs/heads/main:refs/heads/upstream']);
  for (const t of targets)
    gitSync(clone.dir, ['notes', '--ref=agent-log', 'append', '-m', `from the clone ${t}`, t]);
  return clone;
}

function mergeFromClone(f: Fixture, clone: TempRepo) {
  gitSync(f.repo.dir, ['fetch', '-q', clone.dir, `+${REF}:refs/notes/clone`]);
  gitSync(f.repo.dir, ['notes', '--ref=agent-log', 'merge', '-q', '-s', 'cat_sort_uniq', 'refs/notes/clone']);
}

/** Root entries (and, for a 2-level tree, second-level entries) that our write must not touch. */
function untouchedSubtrees(dir: string, tree: string, touched: readonly string[], depth: 1 | 2) {
  const keep = new Map<string, string>();
  for (const e of lsTree(dir, tree)) {
    if (e.type !== 'tree') continue;
    if (!touched.some((t) => t.startsWith(e.name))) keep.set(e.name, e.oid);
    else if (depth === 2)
      for (const s of lsTree(dir, e.oid))
        if (s.type === 'tree' && !touched.some((t) => t.startsWith(e.name + s.name)))
          keep.set(`${e.name}/${s.name}`, s.oid);
  }
  return keep;
}

function oidsAt(dir: string, tree: string, names: Iterable<string>) {
  const out = new Map<string, string>();
  for (const name of names) out.set(name, gitSync(dir, ['rev-parse', `${tree}:${name}`]).trim());
  return out;
}

/**
 * Seal one record over `touched` (newest first) and check everything git-side afterwards: every
 * earlier note intact, show/log/merge work, no duplicate paths, only touched subtrees rewritten.
 */
async function sealAndCheck(f: Fixture, touched: string[], depth: 0 | 1 | 2, cloneFirst = true) {
  const before = gitNotes(f.repo.dir);
  const treeBefore = gitSync(f.repo.dir, ['rev-parse', `${REF}^{tree}`]).trim();
  const keep = depth === 0 ? new Map() : untouchedSubtrees(f.repo.dir, treeBefore, touched, depth);
  // git itself aborts merging from a base that has a target at two paths (checked with git 2.39),
  // so for such a base the clone is taken after our write, which leaves one path per target.
  let clone = cloneFirst ? await divergedClone(f, [touched[0]!]) : null;
  const record = sampleRecord([...touched].reverse());
  const notesBefore = gitSync(f.repo.dir, ['rev-list', '--count', REF]).trim();

  const result = await sealRecords(f.open.engine, [{ record, commits: touched }]);
  expect(result.notesCommit).not.toBeNull();
  expect(gitSync(f.repo.dir, ['rev-list', '--count', REF]).trim()).toBe(String(Number(notesBefore) + 1));

  const after = gitNotes(f.repo.dir);
  for (const [target, { body }] of before) {
    if (touched.includes(target)) {
      const lines = after.get(target)!.body.split('\n');
      for (const line of body.split('\n').filter((l) => l.trim())) expect(lines).toContain(line.trim());
    } else expect(after.get(target)?.body, target).toBe(body);
  }
  expect(after.size).toBe(new Set([...before.keys(), ...touched]).size);
  expect(gitSync(f.repo.dir, ['notes', '--ref=agent-log', 'show', touched[0]!]).split('\n')).toContain(
    recordLine(record),
  );
  for (const c of touched.slice(1))
    expect(gitSync(f.repo.dir, ['notes', '--ref=agent-log', 'show', c]).split('\n')).toContain(
      refLine(record.id),
    );
  expect(gitSync(f.repo.dir, ['log', '--notes=agent-log', '-1', '--format=%N', touched[0]!])).toContain(
    recordLine(record),
  );
  expect(paths(f.repo.dir)).toEqual([]);
  if (keep.size) {
    const treeAfter = gitSync(f.repo.dir, ['rev-parse', `${REF}^{tree}`]).trim();
    expect(oidsAt(f.repo.dir, treeAfter, keep.keys())).toEqual(keep);
  }
  gitSync(f.repo.dir, ['fsck', '--no-progress', '--no-dangling']);

  if (!clone) {
    clone = await divergedClone(f, [touched[0]!]);
    gitSync(f.repo.dir, ['notes', '--ref=agent-log', 'append', '-m', 'local after clone', touched[1]!]);
  }
  mergeFromClone(f, clone);
  const merged = gitSync(f.repo.dir, ['notes', '--ref=agent-log', 'show', touched[0]!]);
  expect(merged).toContain(`from the clone ${touched[0]}`);
  const lines = parseNote((await readNoteBody(f.open.engine, await tipTree(f), touched[0]!)) ?? '');
  expect(lines.filter((l) => l.type === 'record').map((l) => l.raw)).toEqual([recordLine(record)]);
  clone.cleanup();
  return record;
}

describe('no fanout: 10 notes written by git notes add', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture(12);
    gitNotesAdd(f.repo.dir, f.commits.slice(0, 10), (c) => `note by a person on ${c}\nsecond line\n`);
  });
  afterAll(async () => {
    await f.open.engine.close();
    f.repo.cleanup();
  });

  it('is the flat layout git makes for few notes', () => {
    const root = lsTree(f.repo.dir, REF);
    expect(root).toHaveLength(10);
    expect(root.every((e) => e.type === 'blob' && e.name.length === 40)).toBe(true);
  });

  it('reads every note exactly as git notes show does', async () => {
    await expectReaderMatchesGit(f, f.commits.slice(0, 10));
  });

  it('finds nothing on a commit without a note', async () => {
    expect(await readNoteBody(f.open.engine, await tipTree(f), f.commits[11]!)).toBeNull();
  });

  it('after a seal git still shows, logs and merges it, every earlier note intact', async () => {
    await sealAndCheck(f, [f.commits[10]!, f.commits[3]!], 0);
    expect(lsTree(f.repo.dir, REF).every((e) => e.type === 'blob')).toBe(true);
    await expectReaderMatchesGit(f, f.commits.slice(0, 11));
  });
});

describe('one level of fanout: 300 notes written by git notes add', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture(302);
    gitNotesAdd(f.repo.dir, f.commits.slice(0, 300), (c, i) => `note ${i} on ${c}\n`);
  }, LONG);
  afterAll(async () => {
    await f.open.engine.close();
    f.repo.cleanup();
  });

  it('is fanned out one level by git', () => {
    const root = lsTree(f.repo.dir, REF);
    expect(root.every((e) => e.type === 'tree' && e.name.length === 2)).toBe(true);
    expect(lsTree(f.repo.dir, `${REF}:${root[0]!.name}`).every((e) => e.name.length === 38)).toBe(true);
  });

  it('reads every note exactly as git notes show does', async () => {
    await expectReaderMatchesGit(
      f,
      f.commits.slice(0, 300).filter((_, i) => i % 25 === 0),
    );
  });

  it('after a seal only the touched subtrees are rewritten and git still reads everything', async () => {
    await sealAndCheck(f, [f.commits[301]!, f.commits[300]!, f.commits[5]!], 1);
    await expectReaderMatchesGit(f, [f.commits[301]!, f.commits[300]!, f.commits[5]!, f.commits[6]!]);
  });

  it('a later git notes add on the tree we wrote keeps our notes', async () => {
    gitNotesAdd(f.repo.dir, [f.commits[0]!], () => 'replaced by a person\n');
    await expectReaderMatchesGit(f, [f.commits[0]!, f.commits[301]!]);
  });
});

describe('two levels of fanout: 70,000 notes by git fast-import', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture(70_002);
    fastImportNotes(f.repo, new Map(f.commits.slice(0, 70_000).map((c, i) => [c, `bulk note ${i}\n`])));
  }, LONG);
  afterAll(async () => {
    await f.open.engine.close();
    f.repo.cleanup();
  });

  it(
    'is fanned out two levels',
    () => {
      const root = lsTree(f.repo.dir, REF);
      expect(root).toHaveLength(256);
      const second = lsTree(f.repo.dir, `${REF}:${root[7]!.name}`);
      expect(second.every((e) => e.type === 'tree' && e.name.length === 2)).toBe(true);
      expect(lsTree(f.repo.dir, `${REF}:${root[7]!.name}/${second[0]!.name}`)[0]!.name).toHaveLength(36);
    },
    LONG,
  );

  it(
    'reads all 70,000 notes as git lists them',
    async () => {
      await expectReaderMatchesGit(
        f,
        f.commits.filter((_, i) => i % 7001 === 0),
      );
    },
    LONG,
  );

  it(
    'after a seal only the touched subtrees are rewritten and git still reads everything',
    async () => {
      await sealAndCheck(f, [f.commits[70_001]!, f.commits[70_000]!, f.commits[42]!], 2);
      await expectReaderMatchesGit(f, [f.commits[70_001]!, f.commits[42]!, f.commits[43]!]);
    },
    LONG,
  );
});

describe('mixed layout: flat entries written into a fanned-out tree with git mktree', () => {
  let f: Fixture;
  let flatOnly: string; // a note only at a flat path in the fanned-out root
  let dup: string; // a note at a fanout path and at a flat path
  beforeAll(async () => {
    f = await fixture(304);
    fastImportNotes(f.repo, new Map(f.commits.slice(0, 300).map((c, i) => [c, `note ${i}\n`])));
    flatOnly = f.commits[300]!;
    dup = f.commits[7]!;
    const tree = gitSync(f.repo.dir, ['rev-parse', `${REF}^{tree}`]).trim();
    const blob = (s: string) => gitSync(f.repo.dir, ['hash-object', '-w', '--stdin'], s).trim();
    const listing = gitSync(f.repo.dir, ['ls-tree', tree]);
    const extra = `100644 blob ${blob('flat only\n')}\t${flatOnly}\n100644 blob ${blob('flat copy\n')}\t${dup}\n`;
    const mixed = gitSync(f.repo.dir, ['mktree'], listing + extra).trim();
    const commit = gitSync(f.repo.dir, ['commit-tree', mixed, '-p', REF], 'mixed layout\n').trim();
    gitSync(f.repo.dir, ['update-ref', REF, commit]);
  }, LONG);
  afterAll(async () => {
    await f.open.engine.close();
    f.repo.cleanup();
  });

  it('has a target at two paths, which git shows concatenated', () => {
    expect(paths(f.repo.dir)).toEqual([dup]);
    expect(gitSync(f.repo.dir, ['notes', '--ref=agent-log', 'show', dup])).toBe('note 7\n\nflat copy\n');
  });

  it('reads every note exactly as git notes show does, both copies of the duplicate', async () => {
    await expectReaderMatchesGit(f, [flatOnly, dup, f.commits[8]!]);
    const ours = await readNotesTree(f.open.engine, await tipTree(f));
    expect(ours.get(dup)).toHaveLength(2);
  });

  it('after a seal touching both, each lives at one path and keeps its earlier text', async () => {
    await sealAndCheck(f, [flatOnly, dup], 1, false);
    const root = lsTree(f.repo.dir, REF);
    expect(root.some((e) => e.name === flatOnly || e.name === dup)).toBe(false);
    const body = gitSync(f.repo.dir, ['notes', '--ref=agent-log', 'show', dup]);
    expect(body).toContain('note 7\n');
    expect(body).toContain('flat copy\n');
    await expectReaderMatchesGit(f, [flatOnly, dup]);
  });
});

describe('a line added by git notes append', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture(3);
  });
  afterAll(async () => {
    await f.open.engine.close();
    f.repo.cleanup();
  });

  it('is read as a foreign line next to our record, and kept when we re-seal', async () => {
    const [a, b] = f.commits;
    const record = sampleRecord([a!, b!]);
    await sealRecords(f.open.engine, [{ record, commits: [b!, a!] }]);
    gitSync(f.repo.dir, ['notes', '--ref=agent-log', 'append', '-m', 'Reviewed-by: Ann', b!]);
    await expectReaderMatchesGit(f, [a!, b!]);
    const lines = parseNote((await readNoteBody(f.open.engine, await tipTree(f), b!))!);
    expect(lines.map((l) => l.type).sort()).toEqual(['foreign', 'record']);

    const changed = { ...record, sealed_at: '2026-09-22T00:00:00.000Z' };
    await sealRecords(f.open.engine, [{ record: changed, commits: [b!, a!] }]);
    const body = gitSync(f.repo.dir, ['notes', '--ref=agent-log', 'show', b!]);
    expect(body).toContain('Reviewed-by: Ann');
    expect(body).toContain(recordLine(changed));
    expect(body).not.toContain(recordLine(record));
  });
});

describe('growing a flat tree past the fanout threshold', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture(FANOUT_THRESHOLD + 20);
    // fast-import keeps fewer than 256 notes flat
    fastImportNotes(f.repo, new Map(f.commits.slice(0, FANOUT_THRESHOLD - 6).map((c, i) => [c, `n${i}\n`])));
  }, LONG);
  afterAll(async () => {
    await f.open.engine.close();
    f.repo.cleanup();
  });

  it('starts flat', () => {
    expect(lsTree(f.repo.dir, REF).every((e) => e.type === 'blob')).toBe(true);
  });

  it('fans out once past the threshold and git reads every note', async () => {
    const before = gitNotes(f.repo.dir);
    const extra = f.commits.slice(FANOUT_THRESHOLD - 6);
    const updates = new Map<string, string | null>();
    for (const c of extra) updates.set(c, await f.open.engine.writeBlob(`grown ${c}\n`));
    const tree = await writeNotesTree(f.open.engine, await tipTree(f), updates);
    const commit = gitSync(f.repo.dir, ['commit-tree', tree, '-p', REF], 'grow\n').trim();
    gitSync(f.repo.dir, ['update-ref', REF, commit]);

    const root = lsTree(f.repo.dir, REF);
    expect(root.every((e) => e.type === 'tree' && e.name.length === 2)).toBe(true);
    const after = gitNotes(f.repo.dir);
    expect(after.size).toBe(FANOUT_THRESHOLD + 20);
    for (const [t, { body }] of before) expect(after.get(t)?.body).toBe(body);
    for (const c of extra) expect(after.get(c)?.body).toBe(`grown ${c}\n`);
    expect(paths(f.repo.dir)).toEqual([]);
    await expectReaderMatchesGit(f, [f.commits[0]!, extra[0]!]);
  });

  it('removing notes with null updates leaves git reading the rest', async () => {
    const [gone, kept] = [f.commits[1]!, f.commits[2]!];
    const tree = await writeNotesTree(f.open.engine, await tipTree(f), new Map([[gone, null]]));
    const commit = gitSync(f.repo.dir, ['commit-tree', tree, '-p', REF], 'remove\n').trim();
    gitSync(f.repo.dir, ['update-ref', REF, commit]);
    const after = gitNotes(f.repo.dir);
    expect(after.has(gone)).toBe(false);
    expect(after.get(kept)?.body).toBe('n2\n');
  });
});
