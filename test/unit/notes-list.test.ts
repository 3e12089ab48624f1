// A cold index build lists every note of the notes tree at once (one `git ls-tree -r`) instead of
// walking it tree by tree. Over a tree made with real git holding every odd shape a notes tree can
// have, the listing gives exactly the notes the walk gives and an independent reading of the tree
// expects, which is git's own (`git notes list`): two-digit fanout directories, names of the rest of
// the object name in either case, regular-file blobs only (a symbolic link's blob is no note), a
// commit noted twice (flat and fanned out) with both blobs.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { NativeEngine } from '../../src/git/native/engine.js';
import { locateWithGit } from '../../src/git/repo.js';
import type { NoteChange } from '../../src/index/model.js';
import { diffNotesTrees, listNotes } from '../../src/index/notes-diff.js';
import { gitEnv, type TempRepo, tempRepo } from '../helpers/repo.js';

let repo: TempRepo;
let engine: NativeEngine;
let tree: string;
/** The notes an independent reading of the tree below expects: commit → blobs. */
const expected = new Map<string, string[]>();

const git = (args: string[], input?: string) =>
  execFileSync('git', args, { cwd: repo.dir, env: gitEnv(), input }).toString().trim();
const blob = (text: string) => git(['hash-object', '-w', '--stdin'], text);
/** A tree from `mode type oid<TAB>name` lines. */
const mktree = (entries: string[]) => git(['mktree'], entries.map((e) => `${e}\n`).join(''));
const hex = (seed: number, n: number) =>
  Array.from({ length: n }, (_, i) => '0123456789abcdef'[(seed * 7 + i * 13) % 16]).join('');

beforeAll(async () => {
  repo = await tempRepo({ files: { 'README.md': 'x\n' } });
  const head = git(['rev-parse', 'HEAD']);
  const b = (k: number) => blob(`{"schema":"agent-log/v1","kind":"ref","id":"note${k}aaa"}\n`);
  const [b1, b2, b3, b4, b5, b6, b7] = [1, 2, 3, 4, 5, 6, 7].map(b);
  const twice = `ab${hex(1, 38)}`; // noted flat at the root and fanned out under ab/
  const deep = `ab${'cd'}${hex(2, 36)}`; // two levels of fanout: ab/cd/…
  const fanned = `ab${hex(3, 38)}`;
  const flat = hex(4, 40);
  // Under a fanout directory, in the lower-case shape notePathTarget reads the short way: an
  // executable file is a note to git, a symbolic link is not.
  const executable = `ab${hex(9, 38)}`;
  const sub2 = mktree([`100644 blob ${b2}\t${deep.slice(4)}`]);
  const ab = mktree([
    `100644 blob ${b1}\t${twice.slice(2)}`,
    `100644 blob ${b3}\t${fanned.slice(2)}`,
    `100755 blob ${b3}\t${executable.slice(2)}`,
    `120000 blob ${b6}\t${hex(10, 38)}`,
    `040000 tree ${sub2}\tcd`,
  ]);
  const notHex = mktree([`100644 blob ${b5}\t${hex(5, 38)}`]);
  const fullTree = mktree([`100644 blob ${b6}\tnote`]);
  tree = mktree([
    `040000 tree ${ab}\tab`,
    `100644 blob ${b4}\t${twice}`,
    `100644 blob ${b7}\t${flat}`,
    `040000 tree ${notHex}\tzz`, // not a notes path: nothing under it is a note
    `040000 tree ${notHex}\tAB`, // upper case: git reads the digits either way, so a note on ab…
    `100644 blob ${b5}\tef`, // a blob at a short hex path
    `040000 tree ${fullTree}\t${hex(6, 40)}`, // a tree where a note would be
    `160000 commit ${head}\t${hex(7, 40)}`, // a submodule entry where a note would be
    `120000 blob ${b6}\t${hex(8, 40)}`, // a symbolic link's blob: no note to git (regular files only)
  ]);
  // git's own reading agrees: `git notes list` over this tree leaves the symbolic link out
  const notesCommit = git(['commit-tree', '-m', 'notes', tree]);
  git(['update-ref', 'refs/notes/shapes', notesCommit]);
  expect(git(['notes', '--ref=shapes', 'list'])).not.toContain(hex(8, 40));
  expect(git(['notes', '--ref=shapes', 'list'])).not.toContain(`ab${hex(10, 38)}`);
  expected.set(twice, [b1!, b4!].sort());
  expected.set(`ab${hex(5, 38)}`, [b5!]);
  expected.set(deep, [b2!]);
  expected.set(fanned, [b3!]);
  expected.set(executable, [b3!]);
  expected.set(flat, [b7!]);
  // the same commits as git lists (it shows the twice-noted one's bodies joined, as one new blob)
  const listed = git(['notes', '--ref=shapes', 'list'])
    .split('\n')
    .map((l) => l.split(' ')[1]);
  expect(listed.sort()).toEqual([...expected.keys()].sort());
  engine = new NativeEngine(locateWithGit(repo.dir));
});

afterAll(async () => {
  await engine.close();
  repo.cleanup();
});

const asMap = (changes: NoteChange[]) =>
  new Map(changes.map((c) => [c.commit, [...c.added].sort()] as const));

test('the one-listing read of a notes tree gives exactly the notes an independent reading expects', async () => {
  const listed = await listNotes(engine, tree);
  expect(listed.every((c) => c.removed.length === 0)).toBe(true);
  expect(asMap(listed)).toEqual(expected);
  expect(listed).toHaveLength(expected.size);
});

test('and the same notes as the walk tree by tree, which an engine without the listing uses', async () => {
  const walked = await diffNotesTrees(engine, null, tree);
  expect(asMap(walked)).toEqual(expected);
  const withoutListing = await listNotes({ readTree: (oid) => engine.readTree(oid) }, tree);
  expect(asMap(withoutListing)).toEqual(expected);
});
