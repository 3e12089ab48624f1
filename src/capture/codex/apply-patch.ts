// Files an `apply_patch` call touches, from the patch's own headers (Codex's patch format:
// `*** Add File: p`, `*** Update File: p` optionally followed by `*** Move to: q`, `*** Delete File: p`).
// Pure; the patch text may be wrapped in a shell heredoc, which is ignored.

export interface PatchFile {
  path: string;
  status: 'added' | 'modified' | 'deleted' | 'renamed';
  old_path?: string;
}

const HEADER = /^\*\*\* (Add|Update|Delete) File: (.+?)\s*$/;
const MOVE = /^\*\*\* Move to: (.+?)\s*$/;

export function patchFiles(patch: string): PatchFile[] {
  const files: PatchFile[] = [];
  for (const line of patch.split(/\r?\n/)) {
    const header = HEADER.exec(line);
    if (header) {
      const [, verb, path] = header as unknown as [string, 'Add' | 'Update' | 'Delete', string];
      files.push({ path, status: verb === 'Add' ? 'added' : verb === 'Delete' ? 'deleted' : 'modified' });
      continue;
    }
    const move = MOVE.exec(line);
    const last = files.at(-1);
    if (move && last && last.status === 'modified') {
      last.old_path = last.path;
      last.path = move[1]!;
      last.status = 'renamed';
    }
  }
  return files;
}
