// Re-check sealed notes with the current redaction rules: before a push, after the rules grew, or
// when notes came from another clone. A finding names the record, the commit and the rule — never
// the value.
import type { GitEngine } from '../git/engine.js';
import { splitNote } from '../record/note-lines.js';
import { Redactor, type RedactorOptions } from '../redact/redactor.js';
import { DEFAULT_RULES, type RedactionRule } from '../redact/rules.js';
import { NOTES_REF, notesTree, readNotesTree } from './notes.js';

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

/** Findings in one note body: each line is checked on its own (its strings, when it is JSON). */
export function scanNoteBody(body: string, commit: string, rules: ScanRules = {}): Finding[] {
  const out: Finding[] = [];
  for (const line of splitNote(body)) {
    const redactor = new Redactor(rules.rules ?? DEFAULT_RULES, rules.options ?? {});
    let id: string | null = null;
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
  const blobs = await engine.readBlobs([...new Set(wanted.flatMap(([, oids]) => oids))]);
  const findings: Finding[] = [];
  for (const [commit, oids] of wanted) {
    const body = oids.map((o) => blobs.get(o)?.toString('utf8') ?? '').join('\n');
    findings.push(...scanNoteBody(body, commit, opts));
  }
  return sortFindings(findings);
}

/** Scan the notes ref as it is now. */
export async function scanNotes(
  engine: GitEngine,
  opts: ScanRules & { targets?: ReadonlySet<string> } = {},
): Promise<Finding[]> {
  const tip = await engine.readRef(NOTES_REF);
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
    const blobs = await engine.readBlobs([...new Set(fresh.flatMap(([, oids]) => oids))]);
    for (const [commit, oids] of fresh) {
      for (const o of oids) seenBlobs.add(o);
      const body = oids.map((o) => blobs.get(o)?.toString('utf8') ?? '').join('\n');
      for (const f of scanNoteBody(body, commit, opts)) findings.set(`${f.id} ${f.commit} ${f.rule}`, f);
    }
  }
  return sortFindings([...findings.values()]);
}

function sortFindings(f: Finding[]): Finding[] {
  const key = (x: Finding) => `${x.id ?? '~'} ${x.commit} ${x.rule}`;
  return f.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** One line per finding: `<record> <commit> <rule> (×N)`. */
export function formatFinding(f: Finding): string {
  return `${f.id ?? '(foreign line)'} ${f.commit.slice(0, 12)} ${f.rule}${f.count > 1 ? ` (×${f.count})` : ''}`;
}
