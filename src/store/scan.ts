// Re-check sealed notes with the current redaction rules: before a push, after the rules grew, or
// when notes came from another clone. A finding names the record, the commit and the rule — never
// the value.
import type { GitEngine } from '../git/engine.js';
import { MAX_NOTE_BYTES } from '../record/json-bounds.js';
import { splitNote } from '../record/note-lines.js';
import { Redactor, type RedactorOptions } from '../redact/redactor.js';
import { DEFAULT_RULES, type RedactionRule } from '../redact/rules.js';
import { notesTree, readNotesTree } from './notes.js';
import { notesTip } from './notes-tip.js';

export interface Finding {
  /** The record (or pointer) the line belongs to; null for a line that is not ours. */
  id: string | null;
  /** The commit the note is attached to. */
  commit: string;
  rule: string;
  count: number;
}

export interface ScanRules {
  rules?: readonly RedactionRule[];
  options?: RedactorOptions;
}

/**
 * A line longer than this is scanned as text in overlapping windows: some rules' regular
 * expressions overflow the stack on a single multi-megabyte string, and the window keeps each pass
 * (and its memory) small. The overlap is longer than any secret shape (a 4096-bit PEM key is ~3 KB).
 */
export const SCAN_WINDOW = 1024 * 1024;
const SCAN_OVERLAP = 16 * 1024;

/** Notes read per request: the scan holds at most this many note bodies at once. */
const SCAN_BATCH = 16;

/** The rule id of a note too large to read (over MAX_NOTE_BYTES): it cannot be vouched for. */
export const OVERSIZED_RULE = 'oversized-note';

/** Findings in one note body: each line is checked on its own (its strings, when it is JSON). */
export function scanNoteBody(body: string, commit: string, rules: ScanRules = {}): Finding[] {
  const out: Finding[] = [];
  for (const line of splitNote(body)) {
    const redactor = new Redactor(rules.rules ?? DEFAULT_RULES, rules.options ?? {});
    let id: string | null = null;
    if (line.length > SCAN_WINDOW) {
      const head = /"id":"([a-z0-9]{1,32})"/.exec(line.slice(0, SCAN_WINDOW));
      id = head ? head[1]! : null;
      for (let at = 0; at < line.length; at += SCAN_WINDOW - SCAN_OVERLAP)
        redactor.redact(line.slice(at, at + SCAN_WINDOW));
      for (const { rule, count } of redactor.report()) out.push({ id, commit, rule, count });
      continue;
    }
    try {
      const value: unknown = JSON.parse(line);
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        const v = value as Record<string, unknown>;
        if (typeof v.id === 'string' && typeof v.schema === 'string' && v.schema.startsWith('agent-log/'))
          id = v.id;
      }
      redactor.redactDeep(value);
    } catch {
      redactor.redact(line);
    }
    for (const { rule, count } of redactor.report()) out.push({ id, commit, rule, count });
  }
  return out;
}

/** Scan every note in one notes tree (optionally only those on `targets`). */
export async function scanNotesTree(
  engine: GitEngine,
  tree: string | null,
  opts: ScanRules & { targets?: ReadonlySet<string> } = {},
): Promise<Finding[]> {
  const notes = await readNotesTree(engine, tree);
  const wanted = [...notes].filter(([commit]) => !opts.targets || opts.targets.has(commit));
  const findings: Finding[] = [];
  for (let i = 0; i < wanted.length; i += SCAN_BATCH)
    findings.push(...(await scanBatch(engine, wanted.slice(i, i + SCAN_BATCH), opts)));
  return sortFindings(findings);
}

/** Scan a few notes: read, check, let go. A note over MAX_NOTE_BYTES is a finding, not a read. */
async function scanBatch(
  engine: GitEngine,
  notes: readonly (readonly [string, readonly string[]])[],
  opts: ScanRules,
): Promise<Finding[]> {
  const oversized = new Map<string, number>();
  const blobs = await engine.readBlobs([...new Set(notes.flatMap(([, oids]) => oids))], {
    maxBytes: MAX_NOTE_BYTES,
    oversized,
  });
  const findings: Finding[] = [];
  for (const [commit, oids] of notes) {
    const big = oids.filter((o) => oversized.has(o)).length;
    if (big) findings.push({ id: null, commit, rule: OVERSIZED_RULE, count: big });
    const body = oids.map((o) => blobs.get(o)?.toString('utf8') ?? '').join('\n');
    findings.push(...scanNoteBody(body, commit, opts));
  }
  return findings;
}

/** Scan the notes ref as it is now. */
export async function scanNotes(
  engine: GitEngine,
  opts: ScanRules & { targets?: ReadonlySet<string> } = {},
): Promise<Finding[]> {
  const tip = await notesTip(engine);
  return scanNotesTree(engine, await notesTree(engine, tip), opts);
}

/**
 * Scan every notes commit a push would send (reachable from `to`, not from `from`): an old notes
 * commit can carry a secret its successors removed, and a push sends it all the same.
 */
export async function scanNotesHistory(
  engine: GitEngine,
  from: string | null,
  to: string,
  opts: ScanRules = {},
): Promise<Finding[]> {
  const commits = await engine.commitsBetween(from, to);
  const seenBlobs = new Set<string>();
  const findings = new Map<string, Finding>();
  for (const c of commits) {
    const notes = await readNotesTree(engine, (await engine.readCommit(c)).tree);
    const fresh = [...notes].filter(([, oids]) => oids.some((o) => !seenBlobs.has(o)));
    for (const [, oids] of fresh) for (const o of oids) seenBlobs.add(o);
    for (let i = 0; i < fresh.length; i += SCAN_BATCH)
      for (const f of await scanBatch(engine, fresh.slice(i, i + SCAN_BATCH), opts))
        findings.set(`${f.id} ${f.commit} ${f.rule}`, f);
  }
  return sortFindings([...findings.values()]);
}

function sortFindings(f: Finding[]): Finding[] {
  const key = (x: Finding) => `${x.id ?? '~'} ${x.commit} ${x.rule}`;
  return f.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** One line per finding: `<record> <commit> <rule> (×N)`. */
export function formatFinding(f: Finding): string {
  const who = f.id ?? (f.rule === OVERSIZED_RULE ? '(unread note)' : '(foreign line)');
  return `${who} ${f.commit.slice(0, 12)} ${f.rule}${f.count > 1 ? ` (×${f.count})` : ''}`;
}
