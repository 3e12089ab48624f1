// A revision range `A..B` (or `A...B`, read the same way: the commits B has and A lacks), as the
// pull-request commands read it: its commits, the records on them, and (for the gate) the commits
// whose `Agent-Log:` trailer names a run that has no record here.
import { UsageError } from '../errors.js';
import type { Repo } from '../git/repo.js';
import { agentLogTrailers } from '../store/config.js';
import { loadAllRecords, type StoredRecord } from '../store/read.js';

export interface RangeRecords {
  /** The range's tip (B), resolved. */
  head: string;
  /** Commits in the range, as `commitsBetween` lists them. */
  commits: string[];
  /** Records carried by at least one commit of the range. */
  records: StoredRecord[];
  /** Every record in this clone (the range's are among them). */
  all: StoredRecord[];
  warnings: string[];
}

export function isRange(target: string): boolean {
  return target.includes('..');
}

/**
 * The two ends of `A..B` (or `A...B`; an empty A: from the root, an empty B: HEAD), resolved. A range
 * that is not one, or names a revision that does not exist, is bad input (exit 2), said in one line.
 */
export async function resolveRange(
  engine: Repo['engine'],
  target: string,
): Promise<{ from: string | null; to: string }> {
  const parts = target.split(/\.\.\.?/);
  if (parts.length !== 2) throw new UsageError(`'${target}' is not a range: use A..B`);
  const [from, to] = parts as [string, string];
  const toOid = await engine.resolve(to || 'HEAD');
  if (!toOid) throw new UsageError(`unknown revision '${to}' in range '${target}'`);
  const fromOid = from ? await engine.resolve(from) : null;
  if (from && !fromOid) throw new UsageError(`unknown revision '${from}' in range '${target}'`);
  return { from: fromOid, to: toOid };
}

export async function recordsInRange(repo: Repo, target: string): Promise<RangeRecords> {
  const { from: fromOid, to: toOid } = await resolveRange(repo.engine, target);
  const commits = await repo.engine.commitsBetween(fromOid, toOid);
  const inRange = new Set(commits);
  const all = await loadAllRecords(repo.engine);
  // Oldest run first: the order a reviewer reads a pull request's history in.
  const records = all.records
    .filter((s) => s.commits.some((c) => inRange.has(c)))
    .sort((a, b) => (a.record.started_at ?? '').localeCompare(b.record.started_at ?? ''));
  return { head: toOid, commits, records, all: all.records, warnings: all.warnings };
}

/** One line per commit of the range whose trailer names a run with no record anywhere in this clone. */
export async function missingRecords(repo: Repo, range: RangeRecords): Promise<string[]> {
  const known = new Set(range.all.map((r) => r.record.id));
  const missing: string[] = [];
  for (const c of range.commits) {
    for (const id of agentLogTrailers((await repo.engine.readCommit(c)).message))
      if (!known.has(id))
        missing.push(`${c.slice(0, 12)} names run ${id} (Agent-Log trailer) but no record exists`);
  }
  return missing;
}
