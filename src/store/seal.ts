// Sealing: write records into notes on their commits in ONE notes commit, moved by compare-and-swap
// with retry. The full record goes on the run's newest commit, a pointer line on the others.
// Idempotent: a line already present is not added again; a changed record replaces its old line.
// What goes into each note is decided in seal-plan.ts (foreign bytes kept, full lines never lost).
import { setTimeout as sleep } from 'node:timers/promises';
import { ConcurrencyError, GitError } from '../errors.js';
import type { GitEngine } from '../git/engine.js';
import { recordLine } from '../record/note-lines.js';
import type { RunRecord } from '../record/schema.js';
import { repoRedactor } from '../redact/config.js';
import { mergeRedactions, type Redactor } from '../redact/redactor.js';
import { faultPoint } from './fault.js';
import { NOTES_REF, notesTree, readNoteBody, writeNotesTree } from './notes.js';
import {
  fullKey,
  fullLineIds,
  lostFullLines,
  planSeal,
  type SealPlanItem,
  writeOwnLines,
} from './seal-plan.js';

export interface SealItem {
  record: RunRecord;
  /** The run's commits, newest first. The first carries the full record. */
  commits: string[];
}

export interface SealResult {
  /** The new notes commit, or null when nothing changed (already sealed). */
  notesCommit: string | null;
  touched: number;
  attempts: number;
}

const MAX_ATTEMPTS = 60;

export async function sealRecords(
  engine: GitEngine,
  items: readonly SealItem[],
  message?: string,
): Promise<SealResult> {
  // The notes commit needs the committer identity: git is asked now, while the records are redacted.
  engine.identity().catch(() => {});
  const redactor = repoRedactor(engine.location.worktree);
  const plan: SealPlanItem[] = items.map(({ record: raw, commits }) => {
    const record = redactRecord(raw, redactor);
    return { id: record.id, full: recordLine(record), commits: [...new Set(commits)] };
  });
  const targets = [...new Set(plan.flatMap((p) => p.commits))];
  const subject = message ?? `agent-log: seal ${items.map((i) => i.record.id).join(', ')}`;
  const live = liveness(engine);

  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const tip = await engine.readRef(NOTES_REF);
    const tree = await notesTree(engine, tip);
    const before = new Map<string, string | null>();
    for (const c of targets) before.set(c, await readNoteBody(engine, tree, c));
    const first = planSeal(before, plan);
    // A full line on a live commit is never traded for one on commits no branch reaches any more
    // (after a rebase, notes.rewriteRef left copies on both; gc would take the orphan's).
    const keep = new Set<string>();
    for (const d of first.demoted) {
      const homes = plan.filter((p) => p.id === d.id).map((p) => p.commits[0]!);
      if ((await live(d.commit)) && !(await someAsync(homes, live))) keep.add(fullKey(d.commit, d.id));
    }
    const { after } = keep.size ? planSeal(before, plan, keep) : first;
    const lost = lostFullLines(before, after);
    if (lost.length) throw new GitError(`refusing to seal: it would remove the record of ${lost.join(', ')}`);
    if (after.size === 0) return { notesCommit: null, touched: 0, attempts: attempt };
    const updates = new Map<string, string | null>();
    for (const [c, body] of after) updates.set(c, body ? await engine.writeBlob(body) : null);
    faultPoint('after-objects');
    const newTree = await writeNotesTree(engine, tree, updates);
    const commit = await engine.writeCommit({
      tree: newTree,
      parents: tip ? [tip] : [],
      message: `${subject}\n`,
    });
    faultPoint('before-cas');
    if (await engine.casRef(NOTES_REF, commit, tip, subject)) {
      faultPoint('after-cas');
      return { notesCommit: commit, touched: updates.size, attempts: attempt };
    }
    await sleep(Math.min(200, 5 * attempt) + Math.random() * 20 * attempt);
  }
  throw new ConcurrencyError(`could not update ${NOTES_REF}: it kept moving (${MAX_ATTEMPTS} attempts)`);
}

/** Whether a commit is reachable from HEAD, a branch or a tag; asked once per commit. */
function liveness(engine: GitEngine): (commit: string) => Promise<boolean> {
  const known = new Map<string, Promise<boolean>>();
  return (commit) => {
    if (!known.has(commit)) known.set(commit, engine.isReachable(commit));
    return known.get(commit)!;
  };
}

async function someAsync<T>(list: readonly T[], test: (t: T) => Promise<boolean>): Promise<boolean> {
  for (const t of list) if (await test(t)) return true;
  return false;
}

/**
 * The run's commits ordered for a re-seal or a late fact: a live commit that carries the full line
 * first, then other live commits, then the rest (each group in the given order). Never hash order:
 * after a rebase the same full line sits on the orphaned commit and on the live one.
 */
export async function liveCommitsFirst(
  engine: GitEngine,
  id: string,
  commits: readonly string[],
): Promise<string[]> {
  const distinct = [...new Set(commits)];
  if (distinct.length < 2) return distinct;
  const tree = await notesTree(engine, await engine.readRef(NOTES_REF));
  const rank = new Map<string, number>();
  for (const c of distinct) {
    const live = await engine.isReachable(c);
    const full = fullLineIds(await readNoteBody(engine, tree, c)).has(id);
    rank.set(c, live ? (full ? 0 : 1) : full ? 2 : 3);
  }
  return distinct
    .map((c, i) => [c, i] as const)
    .sort((a, b) => rank.get(a[0])! - rank.get(b[0])! || a[1] - b[1])
    .map(([c]) => c);
}

/** Remove every line of record `id` from the notes on `commits` (used by adopt/purge/reseal). */
export async function removeRecordLines(
  engine: GitEngine,
  id: string,
  commits: readonly string[],
): Promise<string | null> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const tip = await engine.readRef(NOTES_REF);
    if (!tip) return null;
    const tree = await notesTree(engine, tip);
    const updates = new Map<string, string | null>();
    for (const c of new Set(commits)) {
      const before = await readNoteBody(engine, tree, c);
      if (before === null) continue;
      const after = writeOwnLines(before, new Map([[id, '']]));
      if (after !== before) updates.set(c, after ? await engine.writeBlob(after) : null);
    }
    if (updates.size === 0) return null;
    const newTree = await writeNotesTree(engine, tree, updates);
    const commit = await engine.writeCommit({
      tree: newTree,
      parents: [tip],
      message: `agent-log: remove ${id}\n`,
    });
    if (await engine.casRef(NOTES_REF, commit, tip, `agent-log: remove ${id}`)) return commit;
    await sleep(5 * attempt + Math.random() * 20 * attempt);
  }
  throw new ConcurrencyError(`could not update ${NOTES_REF}: it kept moving`);
}

/**
 * Last line of defence: every string of the record goes through the redactor before it reaches git,
 * including facts read from git itself (file paths, branch names). Counts join the record's own.
 */
export function redactRecord(record: RunRecord, redactor: Redactor = repoRedactor(null)): RunRecord {
  const clean = redactor.redactDeep(record);
  const fired = redactor.report();
  return fired.length ? { ...clean, redactions: mergeRedactions(record.redactions, fired) } : clean;
}
