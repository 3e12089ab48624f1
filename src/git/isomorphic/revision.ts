// Revision parsing for the isomorphic engine: the subset of gitrevisions(7) our commands take —
// HEAD/@, full and abbreviated object ids, ref names (git's dwim order), reflog entries (<ref>@{N},
// @{N}), and ~N / ^N / ^{commit} suffixes. Forms it does not read (^{/text}, @{date}, @{-N},
// @{upstream}) are refused with one line rather than reported as naming nothing.
import * as git from 'isomorphic-git';
import { AmbiguousIdError, UsageError } from '../../errors.js';
import { atomicFs } from './atomic-fs.js';
import type { History } from './history.js';
import type { ObjectStore } from './object-store.js';
import { isOid } from './objects.js';

export interface RevisionContext {
  objects: ObjectStore;
  readRef(ref: string): Promise<string | null>;
  history: History;
  /** A ref's reflog, oldest entry first; null when it has none. */
  reflog(ref: string): Promise<{ old: string; new: string }[] | null>;
  /** The branch HEAD points at (refs/heads/…), or null when detached. */
  headBranch(): Promise<string | null>;
}

const ZERO = /^0{40}$/;

/** `<name>@{n}`: the value `name` had n updates ago, as git reads it from the reflog. */
async function fromReflog(name: string, n: number, ctx: RevisionContext): Promise<string | null> {
  let ref: string | null = null;
  if (name === '') ref = (await ctx.headBranch()) ?? 'HEAD';
  else if (name === 'HEAD' || name === '@') ref = 'HEAD';
  else {
    for (const rule of DWIM) {
      const candidate = rule.replace('%s', name);
      if (rule === '%s' && !candidate.startsWith('refs/')) continue;
      if (await ctx.readRef(candidate).catch(() => null)) {
        ref = candidate;
        break;
      }
    }
  }
  const entries = ref ? await ctx.reflog(ref) : null;
  if (!entries?.length) return null;
  if (n < entries.length) return entries[entries.length - 1 - n]!.new;
  // one past the newest-first list: the value before the oldest entry, when there was one
  return n === entries.length && !ZERO.test(entries[0]!.old) ? entries[0]!.old : null;
}

/** git's ref_rev_parse_rules. */
const DWIM = ['%s', 'refs/%s', 'refs/tags/%s', 'refs/heads/%s', 'refs/remotes/%s', 'refs/remotes/%s/HEAD'];

async function resolveBase(base: string, ctx: RevisionContext): Promise<string | null> {
  const entry = /^(.*)@\{(\d+)\}$/.exec(base);
  if (entry) return fromReflog(entry[1]!, Number(entry[2]), ctx);
  if (base === '' || base === '@') base = 'HEAD';
  if (isOid(base)) return (await ctx.objects.tryRead(base)) ? base : null;
  for (const rule of DWIM) {
    const name = rule.replace('%s', base);
    // A bare name resolves only as a pseudo-ref (HEAD, ORIG_HEAD), a full ref or another worktree's ref.
    if (rule === '%s' && !/^([A-Z_]+|refs\/.*|main-worktree\/.+|worktrees\/[^/]+\/.+)$/.test(name)) continue;
    const oid = await ctx.readRef(name).catch(() => null);
    if (oid) return oid;
  }
  if (/^[0-9a-f]{4,39}$/.test(base)) {
    try {
      return await git.expandOid({
        fs: atomicFs,
        gitdir: ctx.objects.gitdir,
        oid: base,
        cache: ctx.objects.cache,
      });
    } catch (e) {
      if ((e as { code?: string }).code === 'AmbiguousError') {
        throw new AmbiguousIdError(`short object id ${base} is ambiguous`);
      }
      return null;
    }
  }
  return null;
}

async function peelToCommit(oid: string, ctx: RevisionContext): Promise<string | null> {
  const peeled = await ctx.objects.peel(oid);
  return peeled?.obj.type === 'commit' ? peeled.oid : null;
}

/** A revision to a commit oid, or null when it names nothing (or something that is not a commit). */
export async function resolveRevision(rev: string, ctx: RevisionContext): Promise<string | null> {
  const unread = /\^\{\/|@\{(?!\d+\})/.exec(rev);
  if (unread) {
    const what =
      unread[0] === '^{/' ? 'a commit message search (^{/…})' : 'this reflog or branch form (@{…})';
    throw new UsageError(
      `the isomorphic engine does not read the revision '${rev}': ${what}; give a commit id or a ref name, or use the native engine (--engine native)`,
    );
  }
  const m = rev.match(/^(.*?)((?:~\d*|\^\d*|\^\{commit\}|\^\{\})*)$/);
  if (!m) return null;
  const [, base = '', suffix = ''] = m;
  const start = await resolveBase(base, ctx);
  if (!start) return null;
  let current = await peelToCommit(start, ctx);
  for (const op of suffix.match(/~\d*|\^\{[a-z]*\}|\^\d*/g) ?? []) {
    if (!current) return null;
    if (op.startsWith('^{')) continue;
    const n = op.length > 1 ? Number(op.slice(1)) : 1;
    if (op.startsWith('~')) {
      for (let i = 0; i < n && current; i++) current = (await ctx.history.node(current)).parents[0] ?? null;
    } else if (n > 0) {
      current = (await ctx.history.node(current)).parents[n - 1] ?? null;
    }
  }
  // a parent reached by ~N or ^N is read too, as git's `<rev>^{commit}` does: it must be here
  return current && suffix ? peelToCommit(current, ctx) : current;
}
