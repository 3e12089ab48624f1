// diffTrees for the isomorphic engine: a recursive tree comparison, git-style rename detection
// (exact by object id, then by content similarity >= 50%), and line counts equal to `--numstat`.
import { diffLines } from 'diff';
import { GitError } from '../../errors.js';
import type { FileChange, TreeEntry } from '../engine.js';
import type { ObjectStore } from './object-store.js';
import { parseTree } from './objects.js';

interface Side {
  mode: string;
  oid: string;
}

interface RawChange {
  path: string;
  old: Side | null;
  new: Side | null;
}

const RENAME_SCORE = 0.5;
/** git's diff.renameLimit default is 1000 sources x 1000 targets; we stop a little earlier. */
const MAX_RENAME_PAIRS = 250_000;
/** git's buffer_is_binary looks at the first 8000 bytes. */
const BINARY_PROBE = 8000;

const isTree = (mode: string) => mode === '040000';
const isLink = (mode: string) => mode === '120000';
const isGitlink = (mode: string) => mode === '160000';

export class TreeDiff {
  private readonly blobs = new Map<string, Buffer>();

  constructor(private readonly objects: ObjectStore) {}

  async treeOf(oid: string): Promise<string> {
    const peeled = await this.objects.peel(oid);
    if (!peeled) throw new GitError(`object ${oid} not found`);
    if (peeled.obj.type === 'tree') return peeled.oid;
    if (peeled.obj.type === 'commit') {
      const tree = peeled.obj.content.toString('utf8').match(/^tree ([0-9a-f]{40})$/m)?.[1];
      if (tree) return tree;
    }
    throw new GitError(`${oid} is not a tree-ish`);
  }

  private async entries(tree: string | null): Promise<Map<string, TreeEntry>> {
    if (!tree) return new Map();
    const { content } = await this.objects.read(tree, 'tree');
    return new Map(parseTree(content).map((e) => [e.name, e]));
  }

  private async collect(a: string | null, b: string | null, prefix: string, out: RawChange[]) {
    if (a === b) return;
    const [left, right] = await Promise.all([this.entries(a), this.entries(b)]);
    const names = new Set([...left.keys(), ...right.keys()]);
    for (const name of names) {
      const l = left.get(name);
      const r = right.get(name);
      const path = prefix + name;
      if (l && r && l.oid === r.oid && l.mode === r.mode) continue;
      const lTree = l && isTree(l.mode) ? l.oid : null;
      const rTree = r && isTree(r.mode) ? r.oid : null;
      if (lTree || rTree) await this.collect(lTree, rTree, `${path}/`, out);
      const lFile = l && !isTree(l.mode) ? { mode: l.mode, oid: l.oid } : null;
      const rFile = r && !isTree(r.mode) ? { mode: r.mode, oid: r.oid } : null;
      if (lFile || rFile) out.push({ path, old: lFile, new: rFile });
    }
  }

  private async blob(side: Side): Promise<Buffer> {
    if (isGitlink(side.mode)) return Buffer.from(`Subproject commit ${side.oid}\n`);
    const cached = this.blobs.get(side.oid);
    if (cached) return cached;
    const { content } = await this.objects.read(side.oid, 'blob');
    this.blobs.set(side.oid, content);
    return content;
  }

  async diff(from: string, to: string): Promise<FileChange[]> {
    const [a, b] = await Promise.all([this.treeOf(from), this.treeOf(to)]);
    const raw: RawChange[] = [];
    await this.collect(a, b, '', raw);
    const changes: FileChange[] = [];
    const deleted: RawChange[] = [];
    const added: RawChange[] = [];
    for (const c of raw) {
      if (!c.old) added.push(c);
      else if (!c.new) deleted.push(c);
      else changes.push(await this.modified(c.path, c.old, c.new));
    }
    for (const pair of await this.renames(deleted, added)) {
      changes.push(await this.counted(pair.to.path, 'renamed', pair.from.old, pair.to.new, pair.from.path));
      deleted.splice(deleted.indexOf(pair.from), 1);
      added.splice(added.indexOf(pair.to), 1);
    }
    for (const c of added) changes.push(await this.counted(c.path, 'added', null, c.new));
    for (const c of deleted) changes.push(await this.counted(c.path, 'deleted', c.old, null));
    return changes.sort((x, y) => Buffer.compare(Buffer.from(x.path), Buffer.from(y.path)));
  }

  private async modified(path: string, old: Side, next: Side): Promise<FileChange> {
    const kind = (m: string) => (isLink(m) ? 'link' : isGitlink(m) ? 'gitlink' : 'file');
    const status = kind(old.mode) === kind(next.mode) ? 'modified' : 'type-changed';
    return this.counted(path, status, old, next);
  }

  private async counted(
    path: string,
    status: FileChange['status'],
    old: Side | null,
    next: Side | null,
    oldPath?: string,
  ): Promise<FileChange> {
    const [a, b] = await Promise.all([
      old ? this.blob(old) : Buffer.alloc(0),
      next ? this.blob(next) : Buffer.alloc(0),
    ]);
    const change: FileChange = { path, status, additions: null, deletions: null };
    if (oldPath !== undefined) change.old_path = oldPath;
    if (isBinary(a) || isBinary(b)) {
      change.binary = true;
      return change;
    }
    const counts = lineCounts(a.toString('utf8'), b.toString('utf8'));
    change.additions = counts.additions;
    change.deletions = counts.deletions;
    return change;
  }

  /** Pair deleted and added files: identical content first, then the most similar above 50%. */
  private async renames(deleted: RawChange[], added: RawChange[]) {
    const pairs: { from: RawChange; to: RawChange }[] = [];
    const usedFrom = new Set<RawChange>();
    const usedTo = new Set<RawChange>();
    const sameKind = (x: Side, y: Side) =>
      isLink(x.mode) === isLink(y.mode) && !isGitlink(x.mode) && !isGitlink(y.mode);
    for (const to of added) {
      const from = deleted.find(
        (d) => !usedFrom.has(d) && d.old!.oid === to.new!.oid && sameKind(d.old!, to.new!),
      );
      if (from) {
        pairs.push({ from, to });
        usedFrom.add(from);
        usedTo.add(to);
      }
    }
    const sources = deleted.filter((d) => !usedFrom.has(d));
    const targets = added.filter((a) => !usedTo.has(a));
    if (sources.length === 0 || targets.length === 0 || sources.length * targets.length > MAX_RENAME_PAIRS) {
      return pairs;
    }
    const scored: { from: RawChange; to: RawChange; score: number }[] = [];
    for (const from of sources) {
      const a = await this.blob(from.old!);
      if (isBinary(a)) continue;
      for (const to of targets) {
        if (!sameKind(from.old!, to.new!)) continue;
        const b = await this.blob(to.new!);
        if (isBinary(b)) continue;
        const score = similarity(a, b);
        if (score >= RENAME_SCORE) scored.push({ from, to, score });
      }
    }
    scored.sort((x, y) => y.score - x.score);
    for (const s of scored) {
      if (usedFrom.has(s.from) || usedTo.has(s.to)) continue;
      usedFrom.add(s.from);
      usedTo.add(s.to);
      pairs.push({ from: s.from, to: s.to });
    }
    return pairs;
  }
}

export function isBinary(buf: Buffer): boolean {
  return buf.subarray(0, BINARY_PROBE).includes(0);
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export function lineCounts(a: string, b: string): { additions: number; deletions: number } {
  if (a === b) return { additions: 0, deletions: 0 };
  if (a === '') return { additions: splitLines(b).length, deletions: 0 };
  if (b === '') return { additions: 0, deletions: splitLines(a).length };
  let additions = 0;
  let deletions = 0;
  for (const part of diffLines(a, b)) {
    if (part.added) additions += part.count;
    else if (part.removed) deletions += part.count;
  }
  return { additions, deletions };
}

/**
 * Share of content kept: bytes of lines present in both (as multisets) over the larger size.
 * An approximation of git's chunk-hash estimate that agrees with it away from the 50% boundary.
 */
export function similarity(a: Buffer, b: Buffer): number {
  const max = Math.max(a.length, b.length);
  if (max === 0) return 1;
  if (Math.min(a.length, b.length) / max < RENAME_SCORE) return 0;
  const counts = new Map<string, number>();
  for (const line of a.toString('utf8').split(/(?<=\n)/)) counts.set(line, (counts.get(line) ?? 0) + 1);
  let kept = 0;
  for (const line of b.toString('utf8').split(/(?<=\n)/)) {
    const n = counts.get(line) ?? 0;
    if (n > 0) {
      counts.set(line, n - 1);
      kept += Buffer.byteLength(line);
    }
  }
  return kept / max;
}
