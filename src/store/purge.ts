// Purge: remove one record (its full line and its pointer lines) from the WHOLE history of the notes
// ref. Every notes commit is rewritten bottom-up; a note or tree that does not hold the record keeps
// its object id (byte-identical), and commits from before the record appeared keep theirs too.
import { ConcurrencyError, NotFoundError } from '../errors.js';
import type { GitEngine, TreeEntry } from '../git/engine.js';
import { parseNoteLine } from '../record/note-lines.js';
import { NOTES_REF } from './notes.js';

export interface PurgeResult {
  oldTip: string;
  newTip: string;
  /** Notes commits whose tree changed. */
  rewrittenCommits: number;
  /** Distinct note blobs that held the record. */
  notesChanged: number;
  /** Commits (targets) whose note held the record, in any version. */
  targets: string[];
}

/** Remove our lines for `id` from a note body; other lines keep their exact bytes and order. */
export function dropRecordLines(body: string, id: string): string {
  const lines = body.split('\n');
  const kept = lines.filter((raw) => {
    const line = raw.trim();
    if (line === '' || !line.includes(id)) return true;
    const parsed = parseNoteLine(line);
    if (parsed.type === 'record') return parsed.record.id !== id;
    if (parsed.type === 'ref') return parsed.id !== id;
    if (parsed.type === 'event') return parsed.event.id !== id;
    // Our line that fails the schema but names the id: it is still this record's data.
    if (parsed.type === 'invalid') return !ownsId(line, id);
    return true;
  });
  const out = kept.join('\n');
  return out.trim() === '' ? '' : out;
}

function ownsId(line: string, id: string): boolean {
  try {
    const v = JSON.parse(line) as { id?: unknown };
    return v.id === id;
  } catch {
    return false;
  }
}

export async function purgeRecord(engine: GitEngine, id: string): Promise<PurgeResult> {
  const oldTip = await engine.readRef(NOTES_REF);
  if (!oldTip) throw new NotFoundError(`no ${NOTES_REF} in this repository`);

  const blobMemo = new Map<string, string | null>();
  const treeMemo = new Map<string, string | null>();
  const targets = new Set<string>();

  const cleanBlob = async (oid: string): Promise<string | null> => {
    const memo = blobMemo.get(oid);
    if (memo !== undefined) return memo;
    const body = (await engine.readBlob(oid)).toString('utf8');
    let next: string | null = oid;
    if (body.includes(id)) {
      const cleaned = dropRecordLines(body, id);
      if (cleaned !== body) next = cleaned === '' ? null : await engine.writeBlob(cleaned);
    }
    blobMemo.set(oid, next);
    return next;
  };

  const cleanTree = async (oid: string, prefix: string): Promise<string | null> => {
    const memo = treeMemo.get(oid);
    if (memo !== undefined) return memo;
    const entries = await engine.readTree(oid);
    const out: TreeEntry[] = [];
    let changed = false;
    for (const e of entries) {
      let next: string | null = e.oid;
      if (e.type === 'tree') next = await cleanTree(e.oid, prefix + e.name);
      else if (e.type === 'blob') next = await cleanBlob(e.oid);
      if (next !== e.oid) {
        changed = true;
        if (e.type === 'blob') targets.add(prefix + e.name);
      }
      if (next) out.push({ ...e, oid: next });
    }
    const result = !changed ? oid : out.length === 0 ? null : await engine.writeTree(out);
    treeMemo.set(oid, result);
    return result;
  };

  // Parents before children, without recursion (notes histories can be long).
  const order: string[] = [];
  const state = new Map<string, 'seen' | 'done'>();
  const stack: string[] = [oldTip];
  while (stack.length) {
    const c = stack[stack.length - 1]!;
    if (state.get(c) === 'done') {
      stack.pop();
      continue;
    }
    if (state.get(c) === 'seen') {
      state.set(c, 'done');
      order.push(c);
      stack.pop();
      continue;
    }
    state.set(c, 'seen');
    for (const p of (await engine.readCommit(c)).parents) if (!state.has(p)) stack.push(p);
  }

  const rewritten = new Map<string, string>();
  let rewrittenCommits = 0;
  for (const c of order) {
    const info = await engine.readCommit(c);
    const tree = (await cleanTree(info.tree, '')) ?? (await engine.writeTree([]));
    const parents = info.parents.map((p) => rewritten.get(p) ?? p);
    if (tree === info.tree && parents.every((p, i) => p === info.parents[i])) {
      rewritten.set(c, c);
      continue;
    }
    if (tree !== info.tree) rewrittenCommits++;
    const newCommit = await engine.writeCommit({
      tree,
      parents,
      message: info.message,
      author: { name: info.author.name, email: info.author.email },
      committer: { name: info.committer.name, email: info.committer.email },
      time: info.committer.timestamp,
    });
    rewritten.set(c, newCommit);
  }
  const newTip = rewritten.get(oldTip)!;
  const notesChanged = [...blobMemo].filter(([from, to]) => from !== to).length;
  if (newTip === oldTip) throw new NotFoundError(`record ${id} is not in ${NOTES_REF} or its history`);
  if (!(await engine.casRef(NOTES_REF, newTip, oldTip, `agent-log: purge ${id}`))) {
    throw new ConcurrencyError(`${NOTES_REF} moved during the purge; run it again`);
  }
  return { oldTip, newTip, rewrittenCommits, notesChanged, targets: [...targets].sort() };
}
