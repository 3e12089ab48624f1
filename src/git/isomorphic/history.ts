// History walks for the isomorphic engine, in git's rev-list order: newest committer date first,
// ties in the order commits were reached. Commits listed in `shallow` are treated as roots; a commit
// listed in `info/grafts` (or GIT_GRAFT_FILE) has the parents its line gives, as git reads them
// (shallow first, then the first line of a commit; neither GIT_NO_REPLACE_OBJECTS nor
// core.useReplaceRefs turns grafts off).
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import type { ObjectStore } from './object-store.js';

interface CommitNode {
  parents: string[];
  time: number;
}

/** A max-heap on (time desc, insertion order asc): git's prio_queue with commit-date ordering. */
class DateQueue {
  private heap: { oid: string; time: number; seq: number }[] = [];
  private seq = 0;

  get size() {
    return this.heap.length;
  }

  items(): readonly { oid: string }[] {
    return this.heap;
  }

  push(oid: string, time: number) {
    const heap = this.heap;
    heap.push({ oid, time, seq: this.seq++ });
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(heap[i]!, heap[p]!)) break;
      [heap[i], heap[p]] = [heap[p]!, heap[i]!];
      i = p;
    }
  }

  pop(): string | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (!top || !last) return undefined;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && this.before(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && this.before(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top.oid;
  }

  private before(a: { time: number; seq: number }, b: { time: number; seq: number }) {
    return a.time > b.time || (a.time === b.time && a.seq < b.seq);
  }
}

/** git's graft file: `<commit> [<parent>…]` lines; a line git cannot read is passed over, as git does. */
export function parseGrafts(text: string): Map<string, string[]> {
  const grafts = new Map<string, string[]>();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line === '' || line.startsWith('#')) continue;
    const [commit, ...parents] = line.split(' ');
    if (!/^[0-9a-f]{40}$/.test(commit!) || !parents.every((p) => /^[0-9a-f]{40}$/.test(p))) continue;
    if (!grafts.has(commit!)) grafts.set(commit!, parents);
  }
  return grafts;
}

export class History {
  private readonly nodes = new Map<string, CommitNode>();
  private cuts: Promise<{ shallow: Set<string>; grafts: Map<string, string[]> }> | undefined;

  /** @param graftFile git's graft file: GIT_GRAFT_FILE, else `info/grafts` of the common dir */
  constructor(
    private readonly objects: ObjectStore,
    private readonly commonDir: string,
    private readonly graftFile = join(commonDir, 'info', 'grafts'),
  ) {}

  /** The commits whose parents are not the ones they store: shallow boundaries and grafts. */
  private parentOverrides() {
    const read = (path: string) => fsp.readFile(path, 'utf8').catch(() => '');
    this.cuts ??= Promise.all([read(join(this.commonDir, 'shallow')), read(this.graftFile)]).then(
      ([shallow, grafts]) => ({
        shallow: new Set(shallow.split('\n').filter(Boolean)),
        grafts: parseGrafts(grafts),
      }),
    );
    return this.cuts;
  }

  async node(oid: string): Promise<CommitNode> {
    const known = this.nodes.get(oid);
    if (known) return known;
    const { content } = await this.objects.read(oid, 'commit');
    const text = content.toString('utf8', 0, Math.max(0, content.indexOf('\n\n')));
    const { shallow, grafts } = await this.parentOverrides();
    const parents = shallow.has(oid)
      ? []
      : (grafts.get(oid) ?? [...text.matchAll(/^parent ([0-9a-f]{40})$/gm)].map((m) => m[1]!));
    const time = Number(text.match(/^committer .*> (\d+) [+-]\d{4}$/m)?.[1] ?? 0);
    const node = { parents, time };
    this.nodes.set(oid, node);
    return node;
  }

  /** `git rev-list <to> ^<from>`: reachable from `to`, not from `from`, newest first. */
  async between(from: string | null, to: string): Promise<string[]> {
    const uninteresting = new Set<string>();
    const seen = new Set<string>();
    const queue = new DateQueue();
    const enqueue = async (oid: string) => {
      if (seen.has(oid)) return;
      seen.add(oid);
      queue.push(oid, (await this.node(oid)).time);
    };
    // Mark a commit and every already-seen ancestor: they may have been queued as interesting.
    const markUninteresting = async (oid: string) => {
      const stack = [oid];
      while (stack.length) {
        const c = stack.pop()!;
        if (uninteresting.has(c)) continue;
        uninteresting.add(c);
        if (seen.has(c)) for (const p of (await this.node(c)).parents) if (seen.has(p)) stack.push(p);
      }
    };
    await enqueue(to);
    if (from) {
      await markUninteresting(from);
      await enqueue(from);
    }
    const order: string[] = [];
    while (queue.size > 0) {
      if (queue.items().every((e) => uninteresting.has(e.oid))) break;
      const oid = queue.pop()!;
      const { parents } = await this.node(oid);
      if (uninteresting.has(oid)) {
        for (const p of parents) await markUninteresting(p);
      } else {
        order.push(oid);
      }
      for (const p of parents) await enqueue(p);
    }
    return order.filter((c) => !uninteresting.has(c));
  }

  /** Whether `ancestor` is reachable from `descendant` (a commit is its own ancestor). */
  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    if (ancestor === descendant) return true;
    const target = await this.node(ancestor).catch(() => null);
    if (!target) return false;
    const seen = new Set<string>([descendant]);
    const stack = [descendant];
    while (stack.length) {
      const oid = stack.pop()!;
      for (const p of (await this.node(oid)).parents) {
        if (p === ancestor) return true;
        if (!seen.has(p)) {
          seen.add(p);
          stack.push(p);
        }
      }
    }
    return false;
  }
}
