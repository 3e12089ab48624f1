// The direct pack reader against packs that git replaces while it reads: a repack between two reads
// of one process deletes packs it listed but had not opened yet. The next read must find the object
// in the pack that replaced them, as `git cat-file` does, not fail (which would start git instead).
// A real repository made by git; the expected bytes come from `git cat-file`.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { PackReader } from '../../src/git/native/pack-read.js';
import { tempRepo, type TempRepo } from '../helpers/repo.js';

let repo: TempRepo | undefined;
afterAll(() => repo?.cleanup());

test('a pack deleted by a repack after it was listed: the object is read from the new pack', async () => {
  repo = await tempRepo();
  const blob = async (text: string) => {
    repo!.write('note.json', text);
    await repo!.commit('a note');
    return (await repo!.git('rev-parse', 'HEAD:note.json')).trim();
  };
  // Two packs: the first holds `first`, the second `second`.
  const first = await blob('{"kind":"record","id":"kq3v9x0a1b"}\n');
  await repo.git('repack', '-q', '-d');
  const second = await blob('{"kind":"record","id":"mz8p2w4e5f"}\n');
  await repo.git('repack', '-q', '-d');
  const packDir = join(repo.dir, '.git', 'objects', 'pack');
  const before = readdirSync(packDir).filter((n) => n.endsWith('.pack'));
  expect(before.length).toBe(2);

  const reader = new PackReader(join(repo.dir, '.git', 'objects'));
  try {
    // lists both packs, opens the first one's .pack only
    expect(reader.read(first)?.content.toString()).toBe(await repo.git('cat-file', 'blob', first));
    // one pack for all, the two listed ones deleted
    await repo.git('repack', '-q', '-a', '-d');
    const after = readdirSync(packDir).filter((n) => n.endsWith('.pack'));
    expect(after.filter((n) => before.includes(n))).toEqual([]);
    expect(reader.typeOf(second)).toBe('blob');
    expect(reader.read(second)?.content.toString()).toBe(await repo.git('cat-file', 'blob', second));
    expect(reader.sizeOf(second, 1024)).toBe(Number((await repo.git('cat-file', '-s', second)).trim()));
  } finally {
    reader.close();
  }
});
