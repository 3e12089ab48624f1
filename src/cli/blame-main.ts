// The small `blame` bundle (dist/blame.cjs, its own code cache): `blame` as text from a current index
// (its facts and lookup files, through blame-text.ts as the full path), read from the git directory,
// without zod, yargs or the rest of the read path. It answers only where it gives exactly the bytes
// the full path gives (commands/blame.ts through read-main.ts). Anything else returns before a byte
// is written: before git blame starts (null: boot.ts runs the invocation in read.cjs, e.g. when the
// index must be updated), or after it, with git's lines in the invocation handed over, so that
// read.cjs does not run git blame again.
// The build fails if this bundle reaches zod or yargs (scripts/bundle-cli.mjs).
import { isatty } from 'node:tty';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { type BlameLine, fileFromTop, startBlame } from '../git/blame.js';
import { gitOnPath } from '../git/git-binary.js';
import { DirectReader, locateDirect } from '../git/native/direct.js';
import { fetchedNotesMerged } from '../git/native/fetched-notes.js';
import { parseCommit } from '../git/objects.js';
import { mayHaveFetchedNotes } from '../git/sync.js';
import { INDEX_FILE } from '../index/format.js';
import { currentIndexWarnings } from '../index/lookup-file.js';
import { indexDir, symlinkedOwnDir } from '../journal/paths.js';
import { parseTarget } from '../query/blame.js';
import { displayLine } from '../record/display.js';
import { NOTES_REF } from '../store/notes-ref.js';
import { blameTextFromIndex } from './blame-text.js';
import { type ReadInvocation, smallBlameInvocation } from './read-argv.js';
import { writeStdout } from './write-stdout.js';

export interface BlameOverrides {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  out?: Writable;
  err?: Writable;
}

/**
 * The exit code of `blame` answered here; null when nothing was started or written (the full path
 * runs it); or the invocation to hand over, holding git's lines (nothing written either).
 * `starting` is called once this path will run git blame (boot.ts sets its V8 flag there).
 */
export async function runBlame(
  invocation: ReadInvocation,
  overrides: BlameOverrides = {},
  starting: () => void = () => {},
): Promise<number | ReadInvocation | null> {
  if (!smallBlameInvocation(invocation)) return null;
  const env = overrides.env ?? process.env;
  // What the full path would do otherwise: another engine, a pager on a terminal.
  if (env.AGENT_LOG_ENGINE || !gitOnPath(env.PATH)) return null;
  if (invocation.args.pager !== false && !overrides.out && isatty(1)) return null;
  let target: ReturnType<typeof parseTarget>;
  try {
    target = parseTarget(invocation.args.target as string);
  } catch {
    return null; // a bad range: the full path says so
  }
  const cwd = overrides.cwd ?? process.cwd();
  const location = locateDirect(cwd, env);
  if (!location || symlinkedOwnDir(location.commonDir)) return null;
  target.file = fileFromTop(location, cwd, target.file);
  const rev = invocation.args.rev as string | undefined;
  if (!location.worktree && !rev) return null;
  const reader = DirectReader.open(location, env);
  if (!reader) return null;
  try {
    const file = join(indexDir(location.commonDir), INDEX_FILE);
    const tip = reader.readRef(NOTES_REF);
    // A tip that is no sound commit: the full path says the ref is broken (the index still names it).
    if (tip === undefined || (tip !== null && !(await reader.soundCommit(tip)))) return null;
    // Fetched notes to merge, or an index to update: the full path.
    if (mayHaveFetchedNotes(location) && !(await fetchedNotesMerged(reader, location, tip))) return null;
    if (currentIndexWarnings(file, tip) === null) return null;
    starting();
    const blame = startBlame(location, target.file, { rev, start: target.start, end: target.end });
    let lines: BlameLine[];
    try {
      lines = await blame.lines;
    } catch {
      return null; // git's error is the full path's to report (it runs git blame again)
    }
    const handOver = { command: invocation.command, args: { ...invocation.args, blamed: lines } };
    // As the full path: the notes tip once git is done.
    if (reader.readRef(NOTES_REF) !== tip) return handOver;
    const text = await blameTextFromIndex(file, tip, target.file, lines, (c) => messageOf(reader, c));
    if (!text) return handOver;
    // As the full path prints them (invoke.ts ctx.warn): the index's warnings, before the output.
    const err = overrides.err ?? process.stderr;
    for (const w of text.warnings) err.write(`warning: ${displayLine(w)}\n`);
    if (overrides.out) overrides.out.write(text.output);
    else writeStdout(text.output);
    text.save();
    return 0;
  } catch {
    return null; // whatever went wrong here, the full path runs it and reports it its own way
  } finally {
    await reader.close();
  }
}

/** A commit's message as the engine's readCommit gives it ('' for another type); null: git must read it. */
async function messageOf(reader: DirectReader, commit: string): Promise<string | null> {
  const o = await reader.readObject(commit);
  if (!o) return null;
  return o.type === 'commit' ? parseCommit(commit, o.content).message : '';
}
