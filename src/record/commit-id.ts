// Commit ids read from a record (written by any clone, or by hand) are data, never revisions: only a
// full object id (40 hex for SHA-1, 64 for SHA-256) may reach git, so `HEAD~1` or `--help` in a
// record can neither name another commit nor become an option.

const FULL_OID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

export function isFullObjectId(value: unknown): value is string {
  return typeof value === 'string' && FULL_OID.test(value);
}

/** The full object ids of `values`, in order, without duplicates; everything else is dropped. */
export function fullObjectIds(values: Iterable<unknown>): string[] {
  const out = new Set<string>();
  for (const v of values) if (isFullObjectId(v)) out.add(v);
  return [...out];
}
