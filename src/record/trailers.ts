// Finding `Agent-Log: <id>` in commit messages: the trailer block as `git interpret-trailers` reads
// it, and the squashed commits' own messages inside a squash message (GitHub and GitLab list them as
// `* subject` entries; `git merge --squash` indents each one by four spaces under `commit <id>`).

export interface Trailer {
  key: string;
  value: string;
}

const GIT_GENERATED = ['Signed-off-by: ', '(cherry picked from commit '];

/** Where a trailer's separator is (git's find_separator: token chars, optional blanks, ':'), or -1. */
function separatorAt(line: string): number {
  let blank = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === ':') return i;
    if (!blank && /[A-Za-z0-9-]/.test(c)) continue;
    if (i > 0 && (c === ' ' || c === '\t')) {
      blank = true;
      continue;
    }
    return -1;
  }
  return -1;
}

const isBlank = (l: string) => l.trim() === '';

/**
 * The trailers of a commit message, by git's rules (trailer.c, with no `---` divider, as `git log
 * --format=%(trailers)` reads commits): only the last paragraph, never the title paragraph; it is
 * a trailer block when every line is a trailer or a continuation, or when at least a quarter are
 * trailers and one is git-generated (`Signed-off-by:`, `(cherry picked from commit …`).
 */
export function parseTrailers(message: string, commentChar = '#'): Trailer[] {
  const lines = message.replace(/\r\n/g, '\n').split('\n');
  // Trailing blank and comment lines are not part of the message.
  let end = lines.length;
  while (end > 0 && (isBlank(lines[end - 1]!) || lines[end - 1]!.startsWith(commentChar))) end--;
  // The first paragraph is the title.
  let title = 0;
  while (title < end && (lines[title]!.startsWith(commentChar) || !isBlank(lines[title]!))) title++;
  let start = end;
  while (start > title && !isBlank(lines[start - 1]!)) start--;
  if (start <= title) return [];

  let trailerLines = 0;
  let nonTrailer = 0;
  let continuations = 0;
  let recognised = false;
  for (let i = end - 1; i >= start; i--) {
    const line = lines[i]!;
    if (line.startsWith(commentChar)) {
      nonTrailer += continuations;
      continuations = 0;
      continue;
    }
    if (/^[ \t]/.test(line)) {
      continuations++;
      continue;
    }
    if (GIT_GENERATED.some((g) => line.startsWith(g))) {
      trailerLines++;
      continuations = 0;
      recognised = true;
    } else if (separatorAt(line) >= 1) {
      trailerLines++;
      continuations = 0;
    } else {
      nonTrailer += continuations + 1;
      continuations = 0;
    }
  }
  nonTrailer += continuations; // indented lines above the first trailer belong to no trailer
  const isBlock = (recognised && trailerLines * 3 >= nonTrailer) || (trailerLines > 0 && nonTrailer === 0);
  if (!isBlock) return [];

  // A continuation line belongs to the line right above it, and only when that line is a trailer.
  const out: Trailer[] = [];
  let last: Trailer | null = null;
  for (let i = start; i < end; i++) {
    const line = lines[i]!;
    if (/^[ \t]/.test(line) && last) {
      last.value = `${last.value} ${line.trim()}`.trim();
      continue;
    }
    const sep = line.startsWith(commentChar) ? -1 : separatorAt(line);
    last = sep >= 1 ? { key: line.slice(0, sep).trim(), value: line.slice(sep + 1).trim() } : null;
    if (last) out.push(last);
  }
  return out;
}

/**
 * The messages of the commits a squash message lists. GitHub writes `* <subject>` then the rest of
 * each message; GitLab's `%{all_commits}` does the same; `git merge --squash` writes `commit <id>`,
 * `Author:`/`Date:` lines and each message indented by four spaces.
 */
export function squashedMessages(message: string): string[] {
  const lines = message.replace(/\r\n/g, '\n').split('\n');
  const out: string[] = [];
  // git merge --squash (SQUASH_MSG): `commit <id>` blocks.
  for (let i = 0; i < lines.length; i++) {
    if (!/^commit [0-9a-f]{40}([0-9a-f]{24})?\b/.test(lines[i]!)) continue;
    let j = i + 1;
    while (j < lines.length && !isBlank(lines[j]!)) j++; // Author:, Date:, Merge: …
    const body: string[] = [];
    for (j++; j < lines.length; j++) {
      const l = lines[j]!;
      if (l.startsWith('    ')) body.push(l.slice(4));
      else if (isBlank(l)) body.push('');
      else break;
    }
    out.push(body.join('\n'));
    i = j - 1;
  }
  // GitHub / GitLab: `* subject` entries.
  let current: string[] | null = null;
  for (const l of lines) {
    if (l.startsWith('* ')) {
      if (current) out.push(current.join('\n'));
      current = [l.slice(2)];
    } else if (current) current.push(l);
  }
  if (current) {
    out.push(current.join('\n'));
    // GitHub appends the squash's own trailers (Co-authored-by) after the last entry.
    const paragraphs = current
      .join('\n')
      .trimEnd()
      .split(/\n[ \t]*\n/);
    if (paragraphs.length > 2 && parseTrailers(`x\n\n${paragraphs.at(-1)}`).length)
      out.push(paragraphs.slice(0, -1).join('\n\n'));
  }
  return out;
}

const ID = /^[0-9a-z]{4,32}$/;
/** The marker `pr` writes under its `Agent-Log:` line; a squash that keeps the PR body keeps it. */
const PR_MARKER = /^[ \t]*<!-- agent-log:([0-9a-z]{4,32}) -->[ \t]*$/gm;

/**
 * Run ids named by `Agent-Log:` trailers: the message's own trailer block, then the trailer blocks
 * of the squashed commits it lists, then `<!-- agent-log:<id> -->` markers of a PR body used as the
 * squash message. Each id once, in the order first found.
 */
export function agentLogIds(message: string): string[] {
  const ids: string[] = [];
  const add = (raw: string) => {
    const id = raw.toLowerCase();
    if (ID.test(id) && !ids.includes(id)) ids.push(id);
  };
  for (const text of [message, ...squashedMessages(message)]) {
    for (const t of parseTrailers(text)) if (t.key.toLowerCase() === 'agent-log') add(t.value);
  }
  for (const m of message.matchAll(PR_MARKER)) add(m[1]!);
  return ids;
}
