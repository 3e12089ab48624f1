// The run record, schema `agent-log/v1`: a public, long-lived format. Additive changes only.
// Readers accept older records (missing fields get defaults) and keep unknown fields (loose objects),
// so a record written by a newer version survives being re-sealed by an older one.
import { z } from 'zod';
import { isDateText } from './text-checks.js';

// Parse without compiling a validator per schema through `new Function`: a read command parses a
// handful of records, and the compile cost more than it saved (and cannot be code-cached).
z.config({ jitless: true });

export { SCHEMA } from './schema-id.js';

// The schemas are built on first use, not when this module loads: building them all took 15-20 ms
// of every start, and a read command that meets only well-formed lines never needs them (its parser
// comes from line-plans.ts). Each export is a z.lazy over the built schema: it parses, fails and
// infers exactly as the schema itself.
let built: ReturnType<typeof build> | null = null;
const schemas = () => (built ??= build());

function build() {
  const str = z.string();
  const nstr = z.string().nullable();
  const list = <T extends z.ZodType>(t: T) => z.array(t).default([]);

  const CommandKind = z.enum(['test', 'lint', 'typecheck', 'build', 'install', 'other']);

  const CommandStatus = z.enum(['ok', 'failed', 'refused', 'blocked', 'cancelled', 'interrupted', 'unknown']);

  const CheckStatus = z.enum(['passed', 'failed', 'skipped', 'not-run']);

  const OutcomeStatus = z.enum(['completed', 'failed', 'abandoned', 'pending']);

  const BoundaryLevel = z.enum(['read-only', 'edit', 'test', 'pr', 'deploy']);

  const RiskLevel = z.enum(['low', 'medium', 'high']);

  const Task = z.looseObject({
    intent: str.default(''),
    source: z.enum(['prompt', 'flag', 'import']).or(str).default('flag'),
    follow_ups: list(str),
  });

  const Boundary = z.looseObject({
    allow: list(str),
    deny: list(str),
    level: BoundaryLevel.or(str).nullable().default(null),
    constraints: list(str),
  });

  const Agent = z.looseObject({
    name: str.default('unknown'),
    version: nstr.default(null),
    model: nstr.default(null),
    session_ids: list(str),
  });

  const Repo = z.looseObject({
    branch: nstr.default(null),
    start_commit: nstr.default(null),
    end_commit: nstr.default(null),
    commits: list(str),
    start_tree: nstr.default(null),
    end_tree: nstr.default(null),
    worktree: nstr.optional(),
    /** Commits the record was re-attached to after a squash or rebase merge (`adopt`). */
    adopted: z.array(z.looseObject({ commit: str, at: nstr.default(null) })).optional(),
  });

  const ChangedFile = z.looseObject({
    path: str,
    status: z
      .enum(['added', 'modified', 'deleted', 'renamed', 'copied', 'type-changed'])
      .or(str)
      .default('modified'),
    additions: z.number().int().nullable().default(null),
    deletions: z.number().int().nullable().default(null),
    via: z.enum(['edit', 'shell', 'unknown']).or(str).default('unknown'),
    old_path: str.optional(),
    binary: z.boolean().optional(),
  });

  const Files = z.looseObject({
    read: list(str),
    changed: list(ChangedFile),
  });

  const CommandRun = z.looseObject({
    command: str,
    cwd: str.default('.'),
    started_at: nstr.default(null),
    duration_ms: z.number().nullable().default(null),
    exit_code: z.number().int().nullable().default(null),
    interrupted: z.boolean().default(false),
    kind: CommandKind.or(str).default('other'),
    output_tail: nstr.default(null),
    check: str.optional(),
    /** What became of the call beyond its exit code (refused by the user, blocked by a hook, …). */
    status: CommandStatus.or(str).optional(),
    /** A short, redacted why for a status other than ok. */
    reason: nstr.optional(),
    background: z.boolean().optional(),
    /** Tree of the working tree when the command started (manual `exec`), for after-last-edit checks. */
    tree: str.optional(),
    truncated: z.boolean().optional(),
  });

  const Check = z.looseObject({
    name: str,
    kind: CommandKind.or(str).default('other'),
    status: CheckStatus.or(str),
    attempts: z.number().int().default(1),
    after_last_edit: z.boolean().nullable().default(null),
    /** Why this run of the check proves less than it seems (narrowed filter, `|| true`, …), or null. */
    weakened: nstr.default(null),
    command: str.optional(),
    exit_code: z.number().int().nullable().optional(),
  });

  const Dependency = z.looseObject({
    manifest: str,
    name: str,
    from: nstr.default(null),
    to: nstr.default(null),
  });

  const Approval = z.looseObject({
    by: str,
    scope: str,
    decision: z.enum(['approved', 'denied']).or(str).default('approved'),
    at: nstr.default(null),
    note: nstr.default(null),
    /** Filled from the approval event: the git identity's email, the event id, the signature format. */
    email: nstr.optional(),
    event: str.optional(),
    signed: str.optional(),
    /** Who wrote the approval when `--by` named someone else. */
    recorded_by: z.looseObject({ name: str, email: nstr.default(null) }).optional(),
  });

  const Outcome = z.looseObject({
    status: OutcomeStatus.or(str).default('pending'),
    pr: nstr.default(null),
    summary: nstr.default(null),
  });

  const Rollback = z.looseObject({
    strategy: str.default('revert-commits'),
    notes: list(str),
  });

  const Cost = z.looseObject({
    model: nstr.default(null),
    input_tokens: z.number().default(0),
    output_tokens: z.number().default(0),
    cache_read_tokens: z.number().default(0),
    cache_write_tokens: z.number().default(0),
    usd: z.number().nullable().default(null),
    known: z.boolean().optional(),
    price_table: str.optional(),
  });

  const Risk = z.looseObject({
    level: RiskLevel.or(str).default('low'),
    reasons: list(str),
  });

  const Redaction = z.looseObject({ rule: str, count: z.number().int() });

  const Gap = z.looseObject({
    from: nstr.default(null),
    to: nstr.default(null),
    reason: str.default('paused'),
  });

  /** Sub-objects default to their empty shape, so an old or minimal record still parses. */
  // prefault, not default: zod 4 returns a default as is, so `{}` would skip the inner defaults and a
  // minimal record (an older or newer writer) would lack repo.commits and crash its readers.
  const obj = <T extends z.ZodType>(t: T) => t.prefault({} as never);

  const RunRecord = z.looseObject({
    schema: z.string().regex(/^agent-log\/v\d+$/),
    kind: z.literal('record'),
    id: str.regex(/^[0-9a-z]{4,32}$/),
    task: obj(Task),
    boundary: obj(Boundary),
    agent: obj(Agent),
    repo: obj(Repo),
    started_at: nstr.default(null),
    ended_at: nstr.default(null),
    sealed_at: nstr.optional(),
    files: obj(Files),
    commands: list(CommandRun),
    checks: list(Check),
    dependencies: list(Dependency),
    config_changes: list(str),
    approvals: list(Approval),
    outcome: obj(Outcome),
    rollback: obj(Rollback),
    cost: Cost.nullable().default(null),
    risk: obj(Risk),
    redactions: list(Redaction),
    gaps: list(Gap).optional(),
    notes: list(str).optional(),
    /** Set by readers only: the event lines folded into this record, in `at` order (never sealed). */
    events: z.array(z.looseObject({})).optional(),
  });

  const RefLine = z.looseObject({
    schema: z.string().regex(/^agent-log\/v\d+$/),
    kind: z.literal('ref'),
    id: str.regex(/^[0-9a-z]{4,32}$/),
  });

  /** Who wrote an event: the git identity of the clone that added it. */
  const EventActor = z.looseObject({ name: str.default(''), email: nstr.default(null) });

  /**
   * An event line: a fact added to a sealed run (approval, note, status, adoption, revert, …) that sits
   * next to the record line. `event` is its own random id; `type` says which fact; readers fold events
   * in `at` order and ignore types they do not know.
   */
  const RunEventLine = z.looseObject({
    schema: z.string().regex(/^agent-log\/v\d+$/),
    kind: z.literal('event'),
    id: str.regex(/^[0-9a-z]{4,32}$/),
    event: str.regex(/^[0-9a-z]{4,40}$/),
    type: str.regex(/^[a-z][a-z0-9_-]{0,39}$/),
    at: str.refine(isDateText, 'not a date'),
    by: EventActor.nullable().default(null),
  });
  return {
    CommandKind,
    CommandStatus,
    CheckStatus,
    OutcomeStatus,
    BoundaryLevel,
    RiskLevel,
    Task,
    Boundary,
    Agent,
    Repo,
    ChangedFile,
    Files,
    CommandRun,
    Check,
    Dependency,
    Approval,
    Outcome,
    Rollback,
    Cost,
    Risk,
    Redaction,
    Gap,
    RunRecord,
    RefLine,
    EventActor,
    RunEventLine,
  };
}

export const CommandKind = z.lazy(() => schemas().CommandKind);
export const CommandStatus = z.lazy(() => schemas().CommandStatus);
export const CheckStatus = z.lazy(() => schemas().CheckStatus);
export const OutcomeStatus = z.lazy(() => schemas().OutcomeStatus);
export const BoundaryLevel = z.lazy(() => schemas().BoundaryLevel);
export const RiskLevel = z.lazy(() => schemas().RiskLevel);
export const Task = z.lazy(() => schemas().Task);
export const Boundary = z.lazy(() => schemas().Boundary);
export const Agent = z.lazy(() => schemas().Agent);
export const Repo = z.lazy(() => schemas().Repo);
export const ChangedFile = z.lazy(() => schemas().ChangedFile);
export const Files = z.lazy(() => schemas().Files);
export const CommandRun = z.lazy(() => schemas().CommandRun);
export const Check = z.lazy(() => schemas().Check);
export const Dependency = z.lazy(() => schemas().Dependency);
export const Approval = z.lazy(() => schemas().Approval);
export const Outcome = z.lazy(() => schemas().Outcome);
export const Rollback = z.lazy(() => schemas().Rollback);
export const Cost = z.lazy(() => schemas().Cost);
export const Risk = z.lazy(() => schemas().Risk);
export const Redaction = z.lazy(() => schemas().Redaction);
export const Gap = z.lazy(() => schemas().Gap);
export const RunRecord = z.lazy(() => schemas().RunRecord);
export const RefLine = z.lazy(() => schemas().RefLine);
export const EventActor = z.lazy(() => schemas().EventActor);
export const RunEventLine = z.lazy(() => schemas().RunEventLine);

export type CommandKind = z.infer<typeof CommandKind>;
export type CommandStatus = z.infer<typeof CommandStatus>;
export type CheckStatus = z.infer<typeof CheckStatus>;
export type OutcomeStatus = z.infer<typeof OutcomeStatus>;
export type BoundaryLevel = z.infer<typeof BoundaryLevel>;
export type ChangedFile = z.infer<typeof ChangedFile>;
export type CommandRun = z.infer<typeof CommandRun>;
export type Check = z.infer<typeof Check>;
export type Dependency = z.infer<typeof Dependency>;
export type Approval = z.infer<typeof Approval>;
export type RunRecord = z.infer<typeof RunRecord>;
/** What a writer may hand in: defaults are filled by parsing. */
export type RunRecordInput = z.input<typeof RunRecord>;
export type RefLine = z.infer<typeof RefLine>;
export type RunEventLine = z.infer<typeof RunEventLine>;

export function parseRecord(value: unknown): RunRecord {
  return RunRecord.parse(value);
}
