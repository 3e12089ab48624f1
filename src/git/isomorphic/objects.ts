// Encoding and decoding of tree and commit objects, byte-exact with git. We serialise these ourselves
// (and store them with isomorphic-git's writeObject) because its writeTree rewrites unusual modes and
// sorts by UTF-16 code units, and its readTree normalises modes: both would change object ids.
import { GitError } from '../../errors.js';
import type { CommitInfo, Identity, TreeEntry } from '../engine.js';

const OID = /^[0-9a-f]{40}$/;

export function isOid(value: string): boolean {
  return OID.test(value);
}

function typeOfMode(mode: string): TreeEntry['type'] {
  if (mode === '040000') return 'tree';
  if (mode === '160000') return 'commit';
  return 'blob';
}

export function parseTree(buf: Uint8Array): TreeEntry[] {
  const data = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const entries: TreeEntry[] = [];
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const nul = data.indexOf(0, space + 1);
    if (space < 0 || nul < 0 || nul + 21 > data.length) throw new GitError('corrupt tree object');
    const mode = data.toString('latin1', at, space).padStart(6, '0');
    const name = data.toString('utf8', space + 1, nul);
    const oid = data.toString('hex', nul + 1, nul + 21);
    entries.push({ mode, type: typeOfMode(mode), oid, name });
    at = nul + 21;
  }
  return entries;
}

/** git's tree order: byte-wise by name, with a tree's name compared as if it ended in '/'. */
function sortKey(e: TreeEntry): Buffer {
  return Buffer.from(e.mode === '040000' ? `${e.name}/` : e.name, 'utf8');
}

export function serializeTree(entries: readonly TreeEntry[]): Buffer {
  const keyed = entries.map((e) => {
    if (!e.name || e.name.includes('/') || e.name.includes('\0') || e.name === '.' || e.name === '..') {
      throw new GitError(`invalid tree entry name ${JSON.stringify(e.name)}`);
    }
    if (!isOid(e.oid)) throw new GitError(`invalid object id in tree entry ${e.name}: ${e.oid}`);
    if (!/^[0-7]{5,6}$/.test(e.mode)) throw new GitError(`invalid mode ${e.mode} for tree entry ${e.name}`);
    return { e, key: sortKey(e) };
  });
  keyed.sort((a, b) => Buffer.compare(a.key, b.key));
  const parts: Buffer[] = [];
  for (let i = 0; i < keyed.length; i++) {
    const { e } = keyed[i]!;
    if (i > 0 && keyed[i - 1]!.e.name === e.name) throw new GitError(`duplicate tree entry ${e.name}`);
    parts.push(Buffer.from(`${e.mode.replace(/^0+/, '')} ${e.name}\0`, 'utf8'), Buffer.from(e.oid, 'hex'));
  }
  return Buffer.concat(parts);
}

export interface Person {
  name: string;
  email: string;
  timestamp: number;
  tz: string;
}

export function parsePerson(line: string): Person {
  const lt = line.indexOf('<');
  const gt = line.lastIndexOf('>');
  if (lt < 0 || gt < lt) throw new GitError(`corrupt identity line: ${line}`);
  const [time = '0', tz = '+0000'] = line
    .slice(gt + 1)
    .trim()
    .split(/\s+/);
  return { name: line.slice(0, lt).trim(), email: line.slice(lt + 1, gt), timestamp: Number(time), tz };
}

/** Raw commit headers we care about, plus the message exactly as stored. */
export function parseCommit(oid: string, buf: Uint8Array): CommitInfo {
  const text = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8');
  const split = text.indexOf('\n\n');
  const head = split < 0 ? text : text.slice(0, split);
  const message = split < 0 ? '' : text.slice(split + 2);
  let tree = '';
  const parents: string[] = [];
  let author: Person | undefined;
  let committer: Person | undefined;
  for (const line of head.split('\n')) {
    if (line.startsWith(' ')) continue; // continuation of a multi-line header (gpgsig, mergetag)
    const sp = line.indexOf(' ');
    const key = line.slice(0, sp);
    const value = line.slice(sp + 1);
    if (key === 'tree') tree = value;
    else if (key === 'parent') parents.push(value);
    else if (key === 'author') author = parsePerson(value);
    else if (key === 'committer') committer = parsePerson(value);
  }
  if (!isOid(tree) || !author || !committer) throw new GitError(`corrupt commit object ${oid}`);
  return { oid, tree, parents, author, committer, message };
}

/** git's ident sanitising: no angle brackets or newlines, no surrounding whitespace or crud. */
function cleanIdent(value: string): string {
  return value
    .replace(/[<>\n]/g, '')
    .replace(/^[\s.,:;"']+|[\s.,:;"']+$/g, '')
    .trim();
}

export function formatPerson(who: Identity, timestamp: number, tz: string): string {
  return `${cleanIdent(who.name)} <${cleanIdent(who.email)}> ${timestamp} ${tz}`;
}

export interface CommitFields {
  tree: string;
  parents: readonly string[];
  author: string;
  committer: string;
  message: string;
}

export function serializeCommit(c: CommitFields): Buffer {
  if (!isOid(c.tree)) throw new GitError(`invalid tree id ${c.tree}`);
  let text = `tree ${c.tree}\n`;
  for (const p of c.parents) {
    if (!isOid(p)) throw new GitError(`invalid parent id ${p}`);
    text += `parent ${p}\n`;
  }
  text += `author ${c.author}\ncommitter ${c.committer}\n\n${c.message}`;
  return Buffer.from(text, 'utf8');
}

/** Local timezone offset at `seconds`, as git writes it (`+0100`). */
export function localTz(seconds: number): string {
  const minutes = -new Date(seconds * 1000).getTimezoneOffset();
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}

/**
 * A date from GIT_AUTHOR_DATE / GIT_COMMITTER_DATE, in the forms tools use to pin dates:
 * `@<seconds> <tz>`, `<seconds> <tz>`, or an ISO 8601 / RFC 2822 string. null if unparseable.
 */
export function parseGitDate(value: string | undefined): { timestamp: number; tz: string } | null {
  if (!value) return null;
  const raw = value.trim().match(/^@?(\d+)(?:\s+([+-]\d{4}))?$/);
  if (raw) {
    const timestamp = Number(raw[1]);
    return { timestamp, tz: raw[2] ?? localTz(timestamp) };
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return null;
  const timestamp = Math.floor(ms / 1000);
  const tz = value.match(/([+-])(\d{2}):?(\d{2})$/);
  return {
    timestamp,
    tz: tz ? `${tz[1]}${tz[2]}${tz[3]}` : /Z$/i.test(value) ? '+0000' : localTz(timestamp),
  };
}
