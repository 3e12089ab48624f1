// The notes ref's commit as every reader takes it: checked, so that a ref naming a missing object,
// something other than a commit, or a commit whose tree is missing is an error naming the ref (git's
// own notes readers die there too), never an empty store that reads as "no records".
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BrokenRefError } from '../errors.js';
import type { GitEngine } from '../git/engine.js';
import { NOTES_REF } from './notes-ref.js';

/** What a read command says after the error; doctor gives the commands. */
export const BROKEN_NOTES_HINT = '`git agent-log doctor` gives the commands that check and restore it';

/** Tips found sound in this process (repository and commit): checked once each. */
const sound = new Set<string>();

/**
 * The commit refs/notes/agent-log names, or null when there is no such ref. Throws BrokenRefError
 * when it cannot be read.
 */
export async function notesTip(engine: GitEngine): Promise<string | null> {
  let tip: string | null;
  try {
    tip = await engine.readRef(NOTES_REF);
  } catch (e) {
    if (e instanceof BrokenRefError) throw new BrokenRefError(e.message, BROKEN_NOTES_HINT);
    throw e;
  }
  if (!tip) return null;
  const key = `${engine.location.commonDir}\0${tip}`;
  if (sound.has(key)) return tip;
  const problem = await tipProblem(engine, tip);
  if (problem) throw new BrokenRefError(`${NOTES_REF} is broken: ${problem}`, BROKEN_NOTES_HINT);
  sound.add(key);
  return tip;
}

/**
 * Why the notes ref cannot be read (its error line), and whether its value itself is unreadable (git
 * then can neither update nor delete it: the file must go); null when it can be read or does not exist.
 */
export async function notesRefProblem(
  engine: GitEngine,
): Promise<{ message: string; unreadable: boolean } | null> {
  try {
    await engine.readRef(NOTES_REF);
  } catch (e) {
    if (e instanceof BrokenRefError) return { message: e.message, unreadable: true };
    throw e;
  }
  try {
    await notesTip(engine);
    return null;
  } catch (e) {
    if (e instanceof BrokenRefError) return { message: e.message, unreadable: false };
    throw e;
  }
}

async function tipProblem(engine: GitEngine, tip: string): Promise<string | null> {
  let tree: string;
  try {
    tree = (await engine.readCommit(tip)).tree;
  } catch (e) {
    return `it names ${explain(e, tip)}`;
  }
  // A tree's header is enough (its delta chain, if any, not inflated: 1.5 ms of a 10k root tree).
  if (engine.knownType?.(tree) === 'tree') return null;
  try {
    await engine.readTree(tree);
  } catch (e) {
    return `the tree of its commit ${tip.slice(0, 12)}: ${explain(e, tree)}`;
  }
  return null;
}

/** The engines' object errors ("commit X is missing", "object X is a blob, not a commit"), said of `oid`. */
function explain(e: unknown, oid: string): string {
  const text = e instanceof Error ? e.message : String(e);
  if (/missing|not found|could not (read|find)/i.test(text)) return `${oid}, which is not in this repository`;
  const type = /is an? (blob|tree|commit|tag), not/.exec(text)?.[1];
  if (type) return `${oid}, which is a ${type}`;
  return `${oid}, which cannot be read (${text})`;
}

/**
 * The newest sound commit refs/notes/agent-log held, from its reflog (the files backend keeps one for
 * refs/notes/ by default): what `git update-ref` can put back. Null when there is none to read.
 */
export async function lastSoundTip(engine: GitEngine): Promise<{ commit: string; at: Date } | null> {
  let log: string;
  try {
    log = readFileSync(join(engine.location.commonDir, 'logs', NOTES_REF), 'utf8');
  } catch {
    return null;
  }
  const seen = new Set<string>();
  for (const line of log.split('\n').reverse()) {
    // "<old> <new> <name> <<email>> <seconds> <zone>\t<message>"
    const m = /^[0-9a-f]{40,64} ([0-9a-f]{40,64}) .*> (\d+) [+-]\d{4}/.exec(line);
    if (!m || /^0+$/.test(m[1]!) || seen.has(m[1]!)) continue;
    seen.add(m[1]!);
    if (!(await tipProblem(engine, m[1]!))) return { commit: m[1]!, at: new Date(Number(m[2]) * 1000) };
  }
  return null;
}
