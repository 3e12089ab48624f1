// The small `show` bundle (dist/show.cjs, its own code cache): `show [HEAD|<full commit id>] --json` in
// the common case, answered from the git directory and a current index with the compiled note-line
// parsers, without zod, yargs or the rest of the read path. It answers only when it can give exactly
// the bytes the full path gives (show.ts through read-main.ts); anything else returns null before a
// byte is written, and boot.ts hands the invocation to read.cjs's runRead in the same process.
// The build fails if this bundle reaches zod or yargs (scripts/bundle-cli.mjs).
import { existsSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { gitOnPath } from '../git/git-binary.js';
import { DirectReader, locateDirect } from '../git/native/direct.js';
import { fetchedNotesMerged } from '../git/native/fetched-notes.js';
import { mayHaveFetchedNotes } from '../git/sync.js';
import { activeRunPath, symlinkedOwnDir } from '../journal/paths.js';
import { displayLine, jsonText } from '../record/display.js';
import { NOTES_REF } from '../store/notes-ref.js';
import { recordsOnCommitDirect } from '../store/read-direct.js';
import { hasRunJournals, hasSessionJournals } from './journals-present.js';
import { smallShowInvocation, type ReadInvocation } from './read-argv.js';
import { writeStdout } from './write-stdout.js';

export interface ShowOverrides {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  out?: Writable;
  err?: Writable;
}

/** The exit code of `show` answered here, or null: nothing was written, the full path must run it. */
export async function runShow(
  invocation: ReadInvocation,
  overrides: ShowOverrides = {},
): Promise<number | null> {
  if (!smallShowInvocation(invocation)) return null;
  const env = overrides.env ?? process.env;
  // What the full path would do otherwise: another engine, zod for every line.
  if (env.AGENT_LOG_ENGINE || env.AGENT_LOG_PARSE === 'zod' || !gitOnPath(env.PATH)) return null;
  const answered = await answer(
    invocation.args.ref as string | undefined,
    overrides.cwd ?? process.cwd(),
    env,
  );
  if (answered === null) return null;
  // As loadRecords() prints them (invoke.ts's ctx.warn): the index's warnings, before the output.
  const err = overrides.err ?? process.stderr;
  for (const w of answered.warnings) err.write(`warning: ${displayLine(w)}\n`);
  if (overrides.out) overrides.out.write(answered.text);
  else writeStdout(answered.text);
  return 0;
}

/** What `show [REF] --json` prints (and warns), or null. */
async function answer(
  ref: string | undefined,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ text: string; warnings: string[] } | null> {
  const location = locateDirect(cwd, env);
  if (!location || symlinkedOwnDir(location.commonDir)) return null;
  const reader = DirectReader.open(location, env);
  if (!reader) return null;
  try {
    // loadRecords(): fetched notes to merge, agent sessions to seal or runs not sealed yet: the full path.
    const { commonDir } = location;
    if (hasSessionJournals(commonDir) || hasRunJournals(commonDir)) return null;
    if (
      mayHaveFetchedNotes(location) &&
      !(await fetchedNotesMerged(reader, location, reader.readRef(NOTES_REF)))
    )
      return null;
    // No revision: the current run of this worktree (activeRunId), else HEAD. Any mark of a current
    // run goes to the full path; without one, and without run journals, that is HEAD.
    if (ref === undefined && existsSync(activeRunPath(commonDir, location.worktreeKey))) return null;
    const commit = await reader.resolveCommit(ref ?? 'HEAD');
    if (!commit) return null;
    const found = await recordsOnCommitDirect(reader, commonDir, commit);
    if (!found) return null;
    const records = found.records.map((f) => f.record);
    return { text: `${jsonText(records.length === 1 ? records[0] : records)}\n`, warnings: found.warnings };
  } catch {
    return null; // whatever went wrong here, the full path reads again and reports it its own way
  } finally {
    await reader.close();
  }
}
