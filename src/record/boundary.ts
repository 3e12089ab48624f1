// Boundary check of a run: which changed files fall outside the allowed globs or inside denied ones.
import { firstMatch } from './glob.js';
import type { RunRecord } from './schema.js';

export interface BoundaryBreach {
  path: string;
  /** 'outside-allow': no allow glob matches; 'inside-deny': a deny glob matches (named in `glob`). */
  kind: 'outside-allow' | 'inside-deny';
  glob: string | null;
}

export function boundaryBreaches(record: RunRecord): BoundaryBreach[] {
  const { allow, deny } = record.boundary;
  const out: BoundaryBreach[] = [];
  for (const file of record.files.changed) {
    const paths = file.old_path && file.old_path !== file.path ? [file.old_path, file.path] : [file.path];
    for (const path of paths) {
      const denied = firstMatch(deny, path);
      if (denied) out.push({ path, kind: 'inside-deny', glob: denied });
      else if (allow.length && !firstMatch(allow, path))
        out.push({ path, kind: 'outside-allow', glob: null });
    }
  }
  return out;
}
