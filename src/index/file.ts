// The index on disk: one text file, written whole to a temporary name and renamed into place, so a
// reader sees the old or the new index, never half of one. Anything unexpected reads as "no index".
//
//   {"format":"git-agent-log-index","version":1,"tip":…,"notes":N,"entries":M}
//   n <TAB> commit <TAB> blob[,blob]                       N lines: the notes tree
//   w <TAB> commit <TAB> ["warning", …]                    unreadable lines per commit
//   r <TAB> id <TAB> date <TAB> commit|- <TAB> blob|- <TAB> commit,commit… <TAB> slim JSON|-
//   end
//
// Entries are written newest first, so `log -n` needs only the head of the file.
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import {
  compareEntries,
  deriveByCommit,
  INDEX_FORMAT_VERSION,
  type IndexData,
  type IndexEntry,
} from './model.js';

const FORMAT = 'git-agent-log-index';

export function serializeIndex(data: IndexData): string[] {
  const entries = [...data.entries.values()].sort(compareEntries);
  const out: string[] = [
    JSON.stringify({
      format: FORMAT,
      version: data.version,
      tip: data.tip,
      notes: data.notes.size,
      entries: entries.length,
    }),
  ];
  // Sorted, so the same notes always give the same bytes (an update equals a rebuild).
  for (const commit of [...data.notes.keys()].sort())
    out.push(`n\t${commit}\t${data.notes.get(commit)!.join(',')}`);
  for (const commit of [...data.warnings.keys()].sort())
    out.push(`w\t${commit}\t${JSON.stringify(data.warnings.get(commit))}`);
  for (const e of entries) {
    out.push(
      `r\t${e.id}\t${e.date}\t${e.commit ?? '-'}\t${e.blob ?? '-'}\t${e.commits.join(',')}\t${e.json ?? '-'}`,
    );
  }
  out.push('end');
  return out;
}

/** Parse an index file; null when it is not a complete index of the current format. */
export function parseIndex(text: string): IndexData | null {
  const firstNl = text.indexOf('\n');
  if (firstNl === -1) return null;
  let header: { format?: unknown; version?: unknown; tip?: unknown; notes?: unknown; entries?: unknown };
  try {
    header = JSON.parse(text.slice(0, firstNl));
  } catch {
    return null;
  }
  if (header.format !== FORMAT || header.version !== INDEX_FORMAT_VERSION) return null;
  if (header.tip !== null && typeof header.tip !== 'string') return null;
  const notes = new Map<string, string[]>();
  const warnings = new Map<string, string[]>();
  const entries = new Map<string, IndexEntry>();
  let pos = firstNl + 1;
  let ended = false;
  while (pos < text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl === -1) nl = text.length;
    const line = text.slice(pos, nl);
    pos = nl + 1;
    if (line === 'end') {
      ended = true;
      break;
    }
    const f = line.split('\t');
    if (f[0] === 'r' && f.length === 7) {
      const [, id, date, commit, blob, commits, json] = f as [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      entries.set(id, {
        id,
        date,
        commit: commit === '-' ? null : commit,
        blob: blob === '-' ? null : blob,
        commits: commits ? commits.split(',') : [],
        json: json === '-' ? null : json,
      });
    } else if (f[0] === 'n' && f.length === 3) notes.set(f[1]!, f[2]!.split(','));
    else if (f[0] === 'w' && f.length === 3) {
      try {
        warnings.set(f[1]!, JSON.parse(f[2]!));
      } catch {
        return null;
      }
    } else return null;
  }
  if (!ended || notes.size !== header.notes || entries.size !== header.entries) return null;
  return {
    version: INDEX_FORMAT_VERSION,
    tip: header.tip,
    notes,
    entries,
    byCommit: deriveByCommit(entries.values()),
    warnings,
  };
}

export function readIndexFile(path: string): IndexData | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  return parseIndex(text);
}

/** Write atomically (temp file + fsync + rename). Returns false when the directory is not writable. */
export function writeIndexFile(path: string, data: IndexData): boolean {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    const fd = openSync(tmp, 'w', 0o600);
    try {
      const lines = serializeIndex(data);
      // Written in slices: one huge string would double the peak memory at 100k records.
      for (let i = 0; i < lines.length; i += 2000) {
        writeSync(fd, `${lines.slice(i, i + 2000).join('\n')}\n`);
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    return true;
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing to clean up
    }
    return false;
  }
}
