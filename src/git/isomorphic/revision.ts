// Revision parsing for the isomorphic engine: the subset of gitrevisions(7) our commands take —
// HEAD/@, full and abbreviated object ids, ref names (git's dwim order), and ~N / ^N / ^{commit} suffixes.
import * as git from 'isomorphic-git';
import { AmbiguousIdError } from '../../errors.js';
import { atomicFs } from './atomic-fs.js';
import type { History } from './history.js';
import type { ObjectStore } from './object-store.js';
import { isOid } from './objects.js';

export interface RevisionContext {
  objects: ObjectStore;
  readRef(ref: string): Promise<string | null>;
  history: History;
}

/** git's ref_rev_parse_rules. */
const DWIM = ['%s', 'refs/%s', 'refs/tags/%s', 'refs/heads/%s', 'refs/remotes/%s', 'refs/remotes/%s/HEAD'];

async function resolveBase(base: string, ctx: RevisionContext): Promise<string | null> {
  if (base === '' || base === '@') base = 'HEAD';
  if (isOid(base)) return (await ctx.objects.tryRead(base)) ? base : null;
  for (const rule of DWIM) {
    const name = rule.replace('%s', base);
    // A bare name only resolves when it is a top-level pseudo-ref such as HEAD or ORIG_HEAD.
    if (rule === '%s' && !/^[A-Z_]+$/.test(name) && !name.startsWith('refs/')) continue;
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
  return current;
}
