// Boundary check of a run: which changed files (both names of a rename) fall outside the allowed
// globs or inside denied ones.
import { boundaryBreaches, firstMatch } from './glob.js';
import type { RunRecord } from './schema.js';

export interface BoundaryBreach {
  path: string;
  /** 'outside-allow': no allow glob matches; 'inside-deny': a deny glob matches (named in `glob`). */
  kind: 'outside-allow' | 'inside-deny';
  glob: string | null;
}

export function recordBreaches(record: RunRecord): BoundaryBreach[] {
  const paths = record.files.changed.flatMap((f) =>
    f.old_path && f.old_path !== f.path ? [f.old_path, f.path] : [f.path],
  );
  return boundaryBreaches(paths, record.boundary).map((b) => ({
    path: b.path,
    kind: b.reason === 'denied' ? 'inside-deny' : 'outside-allow',
    glob: b.reason === 'denied' ? firstMatch(b.path, record.boundary.deny) : null,
  }));
}
