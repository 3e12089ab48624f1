// Identifiers and paths are structure, not secrets: the entropy rules never touch them (token-prefix
// rules still do). A tool id that changes under redaction can no longer be paired with its result;
// a path that changes no longer matches the boundary globs. Dependency-free (the hook path loads it).

/** Ids minted by agent APIs: `toolu_01…`, `req_011C…`, `msg_…`, `call_…`, `chatcmpl-…`. */
const API_ID =
  /^(?:toolu|srvtoolu|msg|req|call|resp|run|thread|asst|file|batch|fc|rs|ws|cs|evt|step|item|ctc|compact|conv)_(?:(?:vrtx|bdrk)_)?[A-Za-z0-9]{8,64}$|^chatcmpl-[A-Za-z0-9]{8,64}$/;
/** ULID: 48-bit time + 80 random bits in Crockford base32 (first character 0–7). */
const ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
/** Hex digests, commit/tree ids and UUIDs (any case, with or without dashes). */
const HEX_ID =
  /^[0-9a-fA-F]{7,128}$|^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Is `s` (one whole token) an identifier shape the entropy rules must leave alone? */
export function isIdentifier(s: string): boolean {
  if (s.length > 128) return false;
  return API_ID.test(s) || ULID.test(s) || HEX_ID.test(s);
}

/**
 * Object keys whose string values are identifiers: `id`, `*_id`, `*Id`, `*_ids`, `uuid`, `parentUuid`,
 * `session_id`, `tool_use_id`, `requestId`, commit and tree ids.
 */
const ID_KEY =
  /^(?:id|ids|uuid|uuids|oid|sha|commit|commits|tree|parent|parents|head|ref)$|(?:_id|_ids|Id|Ids|ID|_uuid|Uuid|_commit|_tree|_sha|_oid)$/;
/** Object keys whose values are file paths (one string, or a list under the key). */
const PATH_KEY =
  /^(?:path|paths|old_path|file|files|filename|file_name|filePath|file_path|filepath|notebook_path|transcript_path|cwd|dir|directory|worktree|root|read|changed|absolute_path|relative_path|source|target|dest|destination|workdir|working_directory)$|(?:_path|Path|_paths|Paths|_dir|Dir|_file|File)$/;

export type ValueKind = 'id' | 'path' | null;

/** What the value under `key` is, as far as the entropy rules care. */
export function keyKind(key: string): ValueKind {
  if (key.length > 64) return null;
  if (ID_KEY.test(key)) return 'id';
  if (PATH_KEY.test(key)) return 'path';
  return null;
}

/** Characters of a path word: names, separators and the usual punctuation of file names. */
const PATH_CHAR = /[A-Za-z0-9._~@+/\\%-]/;
const EXTENSION = /\.[A-Za-z][A-Za-z0-9]{0,9}$/;
/** A segment a person or tool named: a word, not a run of random characters. */
const NAME_SEGMENT =
  /^\.?[A-Za-z][a-z]{2,}(?:[-_.][A-Za-z0-9]+)*$|^\.?[a-z]{3,}[0-9]{0,3}$|^@[a-z][a-z0-9-]+$|^\.?[a-z]{1,2}(?:[-_.][A-Za-z0-9]+)+$/;

/**
 * Is the candidate at [start, end) part of a file path? The path word around it (the run of
 * path characters) must contain a separator, not be a URL, and read as a path: rooted (`/`, `./`,
 * `~/`, `C:\`), ending in a file extension, or holding at least two named segments. A base64 key
 * with slashes has none of these.
 */
export function inPathWord(text: string, start: number, end: number): boolean {
  let s = start;
  let e = end;
  const floor = Math.max(0, start - 1024);
  const ceil = Math.min(text.length, end + 1024);
  while (s > floor && PATH_CHAR.test(text[s - 1]!)) s--;
  while (e < ceil && PATH_CHAR.test(text[e]!)) e++;
  // A JSON escape (`\n`, `\"`) before the word is not part of it.
  while (s < start && text[s] === '\\' && /[nrtbf"\\u]/.test(text[s + 1] ?? '')) s += 2;
  let word = text.slice(s, e);
  // A drive letter (`C:\…`, `C:/…`) roots a Windows path.
  const drive =
    s >= 2 &&
    /^[A-Za-z]:$/.test(text.slice(s - 2, s)) &&
    !/[A-Za-z0-9+.-]/.test(text[s - 3] ?? '') &&
    (word[0] === '\\' || word[0] === '/') &&
    word[1] !== '/';
  if (!/[/\\]/.test(word)) return false;
  // URLs are not file paths: `https://host/x/<token>` keeps the entropy rule.
  if (text[s - 1] === ':' && !drive) return false;
  if (/[?&=#]/.test(text[e] ?? '') || /[?&]/.test(text[s - 1] ?? '')) return false;
  word = word.replace(/[.,;]+$/, '');
  const segments = word.split(/[/\\]+/).filter((x) => x.length > 0);
  // Named segments are words or ids; at least one must be a word, since a base64 key can hold a
  // run of hex digits between two slashes (`/6EE9CCf1/RQJZ…`) that reads as an id by itself.
  let words = 0;
  let named = 0;
  for (const seg of segments) {
    if (NAME_SEGMENT.test(seg)) words++;
    if (NAME_SEGMENT.test(seg) || isIdentifier(seg)) named++;
  }
  const others = segments.length - named;
  // A base64 key may hold `/`, start with one and have a short lowercase piece; it never has a
  // file extension, and a `+` in a file name is rare. Ask a path without an extension for more
  // named segments than random ones.
  // The extension must follow a file name: `KEY/.A` is a key and a stray dot, `a/.env` falls through.
  const stem = (segments.at(-1) ?? '').replace(EXTENSION, '');
  if (EXTENSION.test(word) && segments.length >= 2 && stem.length > 0) return true;
  if (word.includes('+')) return false;
  if (words === 0) return false;
  if (drive || /^(?:\/|\.{1,2}[/\\]|~[/\\])/.test(word)) return named >= others;
  return named >= 2 && named > others;
}
