// Fold the journal of a manual run (start/exec/approve/note/finish events) into a record. Pure.
import type { JournalEvent } from '../../journal/journal.js';
import { assessRisk } from '../../record/risk.js';
import {
  type Approval,
  type CommandRun,
  type RunRecord,
  RunRecord as RunRecordSchema,
  SCHEMA,
} from '../../record/schema.js';
import { mergeRedactions, type RedactionCount } from '../../redact/redactor.js';
import type { RunChanges } from '../changes.js';
import { deriveChecks } from '../checks.js';

export interface SealFacts {
  /** Commits of the run, oldest first (empty while pending). */
  commits: string[];
  endTree: string | null;
  changes: RunChanges;
  sealedAt: string;
  branch: string | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const strs = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

export function foldManualRun(id: string, events: readonly JournalEvent[], facts: SealFacts): RunRecord {
  const start = events.find((e) => e.type === 'start') ?? ({ v: 1, t: '', type: 'start' } as JournalEvent);
  const finish = events.findLast((e) => e.type === 'finish');
  const commands: CommandRun[] = [];
  const approvals: Approval[] = [];
  const rollbackNotes: string[] = [];
  const constraints: string[] = strs(start.constraints);
  const notes: string[] = [];
  const followUps: string[] = [];
  const gaps: { from: string | null; to: string | null; reason: string }[] = [];
  const redactions: RedactionCount[][] = [];

  for (const e of events) {
    if (Array.isArray(e.redactions)) redactions.push(e.redactions as RedactionCount[]);
    switch (e.type) {
      case 'exec':
        commands.push({
          command: str(e.command) ?? '',
          cwd: str(e.cwd) ?? '.',
          started_at: str(e.started_at),
          duration_ms: typeof e.duration_ms === 'number' ? e.duration_ms : null,
          exit_code: typeof e.exit_code === 'number' ? e.exit_code : null,
          interrupted: e.interrupted === true,
          kind: str(e.kind) ?? 'other',
          output_tail: str(e.output_tail),
          ...(str(e.check) ? { check: str(e.check)! } : {}),
          ...(str(e.tree) ? { tree: str(e.tree)! } : {}),
          ...(e.truncated === true ? { truncated: true } : {}),
        });
        break;
      case 'approve':
        approvals.push({
          by: str(e.by) ?? 'unknown',
          scope: str(e.scope) ?? '',
          decision: e.decision === 'denied' ? 'denied' : 'approved',
          at: e.t,
          note: str(e.note),
          ...(str(e.email) ? { email: str(e.email) } : {}),
        });
        break;
      case 'note':
        if (str(e.rollback)) rollbackNotes.push(str(e.rollback)!);
        if (str(e.boundary)) constraints.push(str(e.boundary)!);
        if (str(e.text)) notes.push(str(e.text)!);
        if (str(e.follow_up)) followUps.push(str(e.follow_up)!);
        break;
      case 'gap':
        gaps.push({ from: str(e.from), to: str(e.to), reason: str(e.reason) ?? 'paused' });
        break;
    }
  }

  const checks = deriveChecks(commands, { edits: [], endTree: facts.endTree });
  const status = facts.commits.length === 0 ? 'pending' : (str(finish?.status) ?? 'completed');
  const record = RunRecordSchema.parse({
    schema: SCHEMA,
    kind: 'record',
    id,
    task: { intent: str(start.task) ?? '', source: 'flag', follow_ups: followUps },
    boundary: {
      allow: strs(start.allow),
      deny: strs(start.deny),
      level: str(start.level),
      constraints,
    },
    agent: {
      name: str(start.agent) ?? 'manual',
      version: str(start.agent_version),
      model: str(start.model),
      session_ids: [],
    },
    repo: {
      branch: facts.branch ?? str(start.branch),
      start_commit: str(start.start_commit),
      end_commit: facts.commits.at(-1) ?? null,
      commits: facts.commits,
      start_tree: str(start.start_tree),
      end_tree: facts.endTree,
      worktree: str(start.worktree),
    },
    started_at: start.t || null,
    ended_at: finish?.t ?? null,
    sealed_at: facts.sealedAt,
    files: { read: [], changed: facts.changes.changed },
    commands,
    checks,
    dependencies: facts.changes.dependencies,
    config_changes: facts.changes.config_changes,
    approvals,
    outcome: { status, pr: str(finish?.pr), summary: str(finish?.summary) },
    rollback: {
      strategy: facts.commits.length ? 'revert-commits' : 'restore-files',
      notes: rollbackNotes,
    },
    cost: null,
    risk: { level: 'low', reasons: [] },
    redactions: mergeRedactions(...redactions),
    ...(gaps.length ? { gaps } : {}),
    ...(notes.length ? { notes } : {}),
  });
  record.risk = assessRisk(record);
  return record;
}
