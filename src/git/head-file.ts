// What git makes of a git directory's HEAD before it takes the directory for a repository
// (validate_headref). Shared by the hook's walk and the read fast paths, which must both leave a
// directory git rejects (HEAD emptied by a crash, garbage) as git does.

import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * 'valid': a regular file holding `ref: refs/…` or an object id; 'link': a symbolic link (git reads
 * where it points: git's to judge); 'invalid': missing, or anything else, which git rejects.
 */
export function headState(gitDir: string): 'valid' | 'link' | 'invalid' {
  const head = join(gitDir, 'HEAD');
  try {
    const st = lstatSync(head);
    if (st.isSymbolicLink()) return 'link';
    return st.isFile() && /^(ref: refs\/|[0-9a-f]{40})/.test(readFileSync(head, 'latin1'))
      ? 'valid'
      : 'invalid';
  } catch {
    return 'invalid';
  }
}
