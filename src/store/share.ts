// Sharing records with plain git. Two directions:
// - in: notes a `git fetch`/`git pull` brought into refs/notes/remotes/<remote>/agent-log are merged
//   into ours by the next read command (fast-forward, or git's cat_sort_uniq), by compare-and-swap,
//   locally only;
// - out: the notes of **published** commits (on the remote already, or being pushed) are pushed as one
//   notes commit on top of the remote's, so a record whose commits never left this clone (its
//   prompts, its output tails) stays here. Our own ref then merges that commit back.
import { BrokenRefError, ConcurrencyError } from '../errors.js';
import type { GitEngine } from '../git/engine.js';
import type { Repo } from '../git/repo.js';
import {
  fetchedNotesRefs,
  fetchNotes,
  mayHaveFetchedNotes,
  mergeNotesCommits,
  pushNotesCommit,
  reachableAmong,
  remoteBranchTips,
  trackingRef,
} from '../git/sync.js';
import { parseNoteLine, splitNote } from '../record/note-lines.js';
import { NOTES_REF, notesTree, readNotesTree, writeNotesTree } from './notes.js';
import { notesTip } from './notes-tip.js';

/** Merge notes commit `theirs` into our ref (compare-and-swap, retried). Returns what happened. */
export async function mergeIntoOurs(
  engine: GitEngine,
  theirs: string,
  why: string,
): Promise<'up-to-date' | 'created' | 'fast-forward' | 'merged'> {
  for (let attempt = 1; attempt <= 10; attempt++) {
    const ours = await notesTip(engine);
    let next: string;
    let how: 'created' | 'fast-forward' | 'merged';
    if (!ours) [next, how] = [theirs, 'created'];
    else if (ours === theirs || (await engine.isAncestor(theirs, ours))) return 'up-to-date';
    else if (await engine.isAncestor(ours, theirs)) [next, how] = [theirs, 'fast-forward'];
    else [next, how] = [await mergeNotesCommits(engine, ours, theirs), 'merged'];
    if (await engine.casRef(NOTES_REF, next, ours, why)) return how;
  }
  throw new ConcurrencyError(`could not merge fetched notes into ${NOTES_REF}: it kept moving`);
}

/**
 * Notes fetched by plain `git fetch`/`git pull` and not in our ref yet: merged now. Cheap when there
 * is nothing new (one ancestry check per remote). Never throws: a read command must still read.
 */
export async function mergeFetchedNotes(repo: Repo, warn: (m: string) => void = () => {}): Promise<number> {
  if (repo.engine.name !== 'native') return 0; // the merge itself is git's (`git notes merge`)
  let merged = 0;
  try {
    // Fetched notes that are in ours already, as the git directory shows: no git process to ask.
    if (mayHaveFetchedNotes(repo.location) && (await repo.engine.fetchedNotesMerged?.(NOTES_REF))) return 0;
    for (const { ref, tip } of await fetchedNotesRefs(repo.location)) {
      const how = await mergeIntoOurs(repo.engine, tip, `agent-log: merge ${ref}`);
      if (how !== 'up-to-date') merged++;
    }
  } catch (e) {
    // A broken ref of ours is not a merge that failed: the read that follows stops on it, once.
    if (e instanceof BrokenRefError) return merged;
    warn(`could not merge fetched records: ${(e as Error).message}`);
  }
  return merged;
}

/** Fetched notes refs whose tip is not in our ref yet (for doctor). */
export async function unmergedFetchedNotes(repo: Repo): Promise<string[]> {
  const ours = await repo.engine.readRef(NOTES_REF);
  const out: string[] = [];
  for (const { ref, tip } of await fetchedNotesRefs(repo.location))
    if (!ours || (ours !== tip && !(await repo.engine.isAncestor(tip, ours)))) out.push(ref);
  return out;
}

export interface PublishPlan {
  /** The notes commit to push (parent: the remote's tip), or null when the remote has it all. */
  commit: string | null;
  /** Record ids whose lines go (on published commits). */
  shared: string[];
  /** Record ids with lines on commits the remote does not have: they stay here. */
  held: string[];
}

/** Ids named by the lines of a note body. */
function idsIn(body: string): string[] {
  const ids = new Set<string>();
  for (const raw of splitNote(body)) {
    const l = parseNoteLine(raw) as {
      type: string;
      id?: string;
      record?: { id: string };
      event?: { id: string };
    };
    const id = l.record?.id ?? l.event?.id ?? l.id;
    if (id) ids.add(id);
  }
  return [...ids];
}

/**
 * The notes commit that publishes our notes on published commits: the remote's tree with, for each
 * such commit whose note differs, the union of both notes' lines (sorted, as cat_sort_uniq writes
 * them). `published` says which annotated commits the remote has or is receiving.
 */
export async function planPublish(
  engine: GitEngine,
  theirs: string | null,
  isPublished: (targets: Set<string>) => Promise<Set<string>>,
  opts: { write?: boolean } = {},
): Promise<PublishPlan> {
  const ours = await notesTip(engine);
  if (!ours) return { commit: null, shared: [], held: [] };
  const theirTree = await notesTree(engine, theirs);
  const [mine, their] = await Promise.all([
    readNotesTree(engine, await notesTree(engine, ours)),
    readNotesTree(engine, theirTree),
  ]);
  const differ = new Set<string>();
  for (const [target, blobs] of mine) {
    const t = their.get(target);
    if (!t || t.join() !== blobs.join()) differ.add(target);
  }
  if (differ.size === 0) return { commit: null, shared: [], held: [] };
  const published = await isPublished(differ);
  const blobs = await engine.readBlobs(
    [...differ].flatMap((t) => [...mine.get(t)!, ...(their.get(t) ?? [])]),
  );
  const text = (oids: readonly string[] | undefined) =>
    (oids ?? []).map((o) => blobs.get(o)?.toString('utf8') ?? '').join('\n');
  const updates = new Map<string, string | null>();
  const shared = new Set<string>();
  const held = new Set<string>();
  for (const target of differ) {
    const body = text(mine.get(target));
    const theirBody = text(their.get(target));
    const theirLines = new Set(splitNote(theirBody));
    const newLines = splitNote(body).filter((l) => !theirLines.has(l));
    if (newLines.length === 0) continue;
    if (!published.has(target)) {
      for (const id of idsIn(newLines.join('\n'))) held.add(id);
      continue;
    }
    const union = [...new Set([...theirLines, ...newLines])].sort();
    if (opts.write !== false) updates.set(target, await engine.writeBlob(`${union.join('\n')}\n`));
    for (const id of idsIn(newLines.join('\n'))) shared.add(id);
  }
  for (const id of shared) held.delete(id);
  if (opts.write === false) return { commit: null, shared: [...shared].sort(), held: [...held].sort() };
  if (updates.size === 0) return { commit: null, shared: [], held: [...held].sort() };
  const tree = await writeNotesTree(engine, theirTree, updates);
  const ident = await engine.identity().catch(() => undefined);
  const commit = await engine.writeCommit({
    tree,
    parents: theirs ? [theirs] : [],
    message: `agent-log: publish ${[...shared].sort().join(', ')}\n`,
    ...(ident ? { author: ident, committer: ident } : {}),
  });
  return { commit, shared: [...shared].sort(), held: [...held].sort() };
}

export interface ShareReport {
  remote: string;
  /** What merging the remote's notes into ours did. */
  merge: 'none' | 'up-to-date' | 'created' | 'fast-forward' | 'merged';
  push: 'pushed' | 'up-to-date' | 'skipped' | 'refused';
  shared: string[];
  held: string[];
  attempts: number;
}

export interface ShareOptions {
  /** Commits being pushed right now (pre-push): published too. */
  pushing?: string[];
  push?: boolean;
  /** Checks a notes commit before it leaves (secret scan); returns reasons to refuse. */
  vet?: (from: string | null, to: string) => Promise<string[]>;
}

/**
 * In a partial clone, the blobs our notes tree names that are not here (to fetch from `remote`, of
 * `total` notes); null in any other repository, or with no notes.
 */
export async function missingNoteBlobs(
  engine: GitEngine,
): Promise<{ remote: string; missing: string[]; total: number } | null> {
  const tree = await notesTree(engine, await notesTip(engine));
  return tree && engine.missingBlobs ? engine.missingBlobs(tree) : null;
}

/**
 * Fetch the remote's notes, merge them into ours, and push the notes of published commits as one
 * commit on top of the remote's (lease on its old tip; retried when someone pushed meanwhile).
 */
export async function shareNotes(repo: Repo, remote: string, opts: ShareOptions = {}): Promise<ShareReport> {
  const { engine, location } = repo;
  let merge: ShareReport['merge'] = 'none';
  for (let attempt = 1; attempt <= 5; attempt++) {
    const fetched = await fetchNotes(location, remote, NOTES_REF);
    const theirs = fetched ? await engine.readRef(trackingRef(remote, NOTES_REF)) : null;
    if (theirs) merge = await mergeIntoOurs(engine, theirs, `agent-log: merge ${remote}'s records`);
    // A partial clone: every note's blob fetched now, in one request, so that reads work offline.
    const absent = await missingNoteBlobs(engine);
    if (absent?.missing.length) await engine.fetchMissing?.(absent.missing);
    const tips = [...(await remoteBranchTips(location, remote)), ...(opts.pushing ?? [])];
    const plan = await planPublish(engine, theirs, (targets) => reachableAmong(location, targets, tips));
    const base = { remote, merge, shared: plan.shared, held: plan.held, attempts: attempt };
    if (!plan.commit) return { ...base, push: 'up-to-date' };
    if (opts.push === false) return { ...base, push: 'skipped' };
    const reasons = opts.vet ? await opts.vet(theirs, plan.commit) : [];
    if (reasons.length)
      return { ...base, push: 'refused', held: [...new Set([...plan.held, ...plan.shared])] };
    const pushed = await pushNotesCommit(location, remote, NOTES_REF, plan.commit, theirs);
    if (pushed === 'rejected') continue;
    await mergeIntoOurs(engine, plan.commit, `agent-log: published to ${remote}`);
    await engine.casRef(
      trackingRef(remote, NOTES_REF),
      plan.commit,
      theirs,
      `agent-log: published to ${remote}`,
    );
    return { ...base, push: pushed };
  }
  throw new ConcurrencyError(`could not publish records to ${remote}: its notes kept changing`);
}

/**
 * Local records not on `remote` as last fetched (no fetch here): `unpublished` stay local until their
 * commits are pushed; `unpushed` have published commits and would go with the next push or sync.
 */
export async function unpublishedRecords(
  repo: Repo,
  remote: string,
): Promise<{ unpublished: string[]; unpushed: string[] }> {
  const theirs = await repo.engine.readRef(trackingRef(remote, NOTES_REF));
  const tips = await remoteBranchTips(repo.location, remote);
  const plan = await planPublish(repo.engine, theirs, (t) => reachableAmong(repo.location, t, tips), {
    write: false,
  });
  return { unpublished: plan.held, unpushed: plan.shared };
}
