// Parsing raw git objects (tree and commit bodies as `cat-file --batch` prints them).
import type { CommitInfo, TreeEntry } from './engine.js';

/** A raw tree body; `oidBytes` is 20 for SHA-1 repositories and 32 for SHA-256 ones. */
export function parseTree(content: Buffer, oidBytes = 20): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let i = 0;
  while (i < content.length) {
    const sp = content.indexOf(32, i);
    const nul = content.indexOf(0, sp);
    if (sp < 0 || nul < 0 || nul + 1 + oidBytes > content.length) break; // a damaged tree: stop, never spin
    // Decoded by range, without a view per field (a 10k-note tree's root alone has 256 entries).
    const mode = content.toString('latin1', i, sp).padStart(6, '0');
    const name = content.toString('utf8', sp + 1, nul);
    const oid = content.toString('hex', nul + 1, nul + 1 + oidBytes);
    entries.push({ mode, name, oid, type: modeType(mode) });
    i = nul + 1 + oidBytes;
  }
  return entries;
}

/**
 * Whether a notes tree entry of `mode` is a note: git takes regular files only (notes.c: "notes must
 * be blobs", S_ISREG), so a blob under a symbolic link's mode, like a gitlink or a tree, is no note.
 */
export function isNoteMode(mode: string): boolean {
  return /^100[0-7]{3}$/.test(mode);
}

/** A lower-case name of two hex digits, a slash and more hex digits (notePathTarget's fast path). */
const LOWER_FANOUT_NOTE = /^[0-9a-f]{2}\/[0-9a-f]+$/;

/** Hex digits as git's notes code reads an entry name (hex_to_bytes: either case). */
const HEX_NAME = /^[0-9a-fA-F]+$/;

/**
 * What git's notes code (notes.c load_subtree) makes of a notes tree entry below `prefixLength` hex
 * digits of fanout, in a repository whose object names have `fullLength` digits (the length of any
 * tree id of it): a note (a regular file named by the rest of the object name), a fanout subtree
 * (a tree named by exactly two digits), or null: no part of any note, whatever our own code could
 * read into it (`abcd/<36 digits>`, a 64-digit name in a SHA-1 repository, a symbolic link). Names
 * in upper case count, as the object name they spell in lower case.
 */
export function noteEntryKind(
  entry: Pick<TreeEntry, 'name' | 'mode' | 'type'>,
  prefixLength: number,
  fullLength: number,
): 'note' | 'fanout' | null {
  const { name } = entry;
  if (!HEX_NAME.test(name)) return null;
  if (name.length === fullLength - prefixLength) return isNoteMode(entry.mode) ? 'note' : null;
  return name.length === 2 && entry.type === 'tree' ? 'fanout' : null;
}

/**
 * The object a `git ls-tree -r` path of a notes tree (of a repository with `fullLength`-digit object
 * names) annotates, as noteEntryKind decides level by level; null when git takes it for no note.
 */
export function notePathTarget(path: string, mode: string, fullLength: number): string | null {
  // Almost every note of a notes tree git wrote: a 2-digit fanout directory and the rest of the
  // name, in lower case, a regular file (the rules below give the same; a cold index build asks for
  // 10k of them, and the split and the tests per level cost about 10 ms).
  if (
    path.length === fullLength + 1 &&
    path.charCodeAt(2) === 47 &&
    LOWER_FANOUT_NOTE.test(path) &&
    (mode === '100644' || isNoteMode(mode))
  )
    return path.slice(0, 2) + path.slice(3);
  const parts = path.split('/');
  const name = parts.pop()!;
  let prefix = 0;
  for (const dir of parts) {
    if (noteEntryKind({ name: dir, mode: '040000', type: 'tree' }, prefix, fullLength) !== 'fanout')
      return null;
    prefix += 2;
  }
  if (noteEntryKind({ name, mode, type: 'blob' }, prefix, fullLength) !== 'note') return null;
  return path.replaceAll('/', '').toLowerCase();
}

export function modeType(mode: string): TreeEntry['type'] {
  if (mode === '040000') return 'tree';
  if (mode === '160000') return 'commit';
  return 'blob';
}

function parseSignature(s: string): CommitInfo['author'] {
  const m = /^(.*) <(.*)> (\d+) ([+-]\d{4})$/.exec(s);
  if (!m) return { name: s, email: '', timestamp: 0, tz: '+0000' };
  return { name: m[1]!, email: m[2]!, timestamp: Number(m[3]), tz: m[4]! };
}

export function parseCommit(oid: string, content: Buffer): CommitInfo {
  const text = content.toString('utf8');
  const split = text.indexOf('\n\n');
  const headers = (split < 0 ? text : text.slice(0, split)).split('\n');
  const message = split < 0 ? '' : text.slice(split + 2);
  let tree = '';
  const parents: string[] = [];
  let author = parseSignature('');
  let committer = parseSignature('');
  for (const h of headers) {
    if (h.startsWith('tree ')) tree = h.slice(5);
    else if (h.startsWith('parent ')) parents.push(h.slice(7));
    else if (h.startsWith('author ')) author = parseSignature(h.slice(7));
    else if (h.startsWith('committer ')) committer = parseSignature(h.slice(10));
  }
  return { oid, tree, parents, author, committer, message };
}

/** git's tree order: byte order of names, directories compared as if they ended in '/'. */
export function sortTreeEntries(entries: readonly TreeEntry[]): TreeEntry[] {
  const key = (e: TreeEntry) => (e.type === 'tree' ? `${e.name}/` : e.name);
  return [...entries].sort((a, b) => Buffer.compare(Buffer.from(key(a)), Buffer.from(key(b))));
}
