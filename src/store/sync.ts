// `sync`: fetch the remote notes ref, merge it into ours (fast-forward or cat_sort_uniq), move our
// ref by compare-and-swap, push with a lease; repeat when someone pushed in between.
import { ConcurrencyError } from '../errors.js';
import type { Repo } from '../git/repo.js';
import { fetchNotes, mergeNotesCommits, pushNotes, trackingRef } from '../git/sync.js';
import { NOTES_REF } from './notes.js';

export interface SyncReport {
  remote: string;
  fetched: boolean;
  merge: 'none' | 'fast-forward' | 'merged' | 'up-to-date' | 'created';
  push: 'pushed' | 'up-to-date' | 'skipped';
  attempts: number;
}

export async function syncNotes(
  repo: Repo,
  remote: string,
  opts: { push?: boolean } = {},
): Promise<SyncReport> {
  const { engine, location } = repo;
  for (let attempt = 1; attempt <= 5; attempt++) {
    const fetched = await fetchNotes(location, remote, NOTES_REF);
    const theirs = fetched ? await engine.readRef(trackingRef(remote, NOTES_REF)) : null;
    const ours = await engine.readRef(NOTES_REF);
    let merge: SyncReport['merge'] = 'none';
    let next = ours;
    if (theirs && !ours) {
      next = theirs;
      merge = 'created';
    } else if (theirs && ours && theirs !== ours) {
      if (await engine.isAncestor(theirs, ours)) merge = 'up-to-date';
      else if (await engine.isAncestor(ours, theirs)) {
        next = theirs;
        merge = 'fast-forward';
      } else {
        next = await mergeNotesCommits(engine, ours, theirs);
        merge = 'merged';
      }
    } else if (theirs) merge = 'up-to-date';
    if (
      next &&
      next !== ours &&
      !(await engine.casRef(NOTES_REF, next, ours, `agent-log: sync with ${remote}`))
    )
      continue;
    if (opts.push === false || !next) return { remote, fetched, merge, push: 'skipped', attempts: attempt };
    const pushed = await pushNotes(location, remote, NOTES_REF, theirs);
    if (pushed !== 'rejected') return { remote, fetched, merge, push: pushed, attempts: attempt };
  }
  throw new ConcurrencyError(`could not sync ${NOTES_REF} with ${remote}: it kept changing`);
}
