// The run record, schema `agent-log/v1`: a public, long-lived format. Additive changes only.
// Readers accept older records (missing fields get defaults) and keep unknown fields (loose objects),
// so a record written by a newer version survives being re-sealed by an older one.
import { z } from 'zod';

// Parse without compiling a validator per schema through `new Function`: a read command parses a
// handful of records, and the compile cost more than it saved (and cannot be code-cached).
z.config({ jitless: true });

export const SCHEMA = 'agent-log/v1';

const str = z.string();
const nstr = z.string().nullable();
const list = <T extends z.ZodType>(t: T) => z.array(t).default([]);

export const CommandKind = z.enum(['test', 'lint', 'typecheck', 'build', 'install', 'other']);
export type CommandKind = z.infer<typeof CommandKind>;

export const CommandStatus = z.enum([
  'ok',
  'failed',
  'refused',
  'blocked',
  'cancelled',
  'interrupted',
  'unknown',
]);
export type CommandStatus = z.infer<typeof CommandStatus>;

export const CheckStatus = z.enum(['passed', 'failed', 'skipped', 'not-run']);
export type CheckStatus = z.infer<typeof CheckStatus>;

export const OutcomeStatus = z.enum(['completed', 'failed', 'abandoned', 'pending']);
export type OutcomeStatus = z.infer<typeof OutcomeStatus>;

export const BoundaryLevel = z.enum(['read-only', 'edit', 'test', 'pr', 'deploy']);
export type BoundaryLevel = z.infer<typeof BoundaryLevel>;

export const RiskLevel = z.enum(['low', 'medium', 'high']);

export const Task = z.looseObject({
  intent: str.default(''),
  source: z.enum(['prompt', 'flag', 'import']).or(str).default('flag'),
  follow_ups: list(str),
});

export const Boundary = z.looseObject({
  allow: list(str),
  deny: list(str),
  level: BoundaryLevel.or(str).nullable().default(null),
  constraints: list(str),
});

export const Agent = z.looseObject({
  name: str.default('unknown'),
  version: nstr.default(null),
  model: nstr.default(null),
  session_ids: list(str),
});

export const Repo = z.looseObject({
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

export const ChangedFile = z.looseObject({
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
export type ChangedFile = z.infer<typeof ChangedFile>;

export const Files = z.looseObject({
  read: list(str),
  changed: list(ChangedFile),
});

export const CommandRun = z.looseObject({
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
export type CommandRun = z.infer<typeof CommandRun>;

export const Check = z.looseObject({
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
export type Check = z.infer<typeof Check>;

export const Dependency = z.looseObject({
  manifest: str,
  name: str,
  from: nstr.default(null),
  to: nstr.default(null),
});
export type Dependency = z.infer<typeof Dependency>;

export const Approval = z.looseObject({
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
export type Approval = z.infer<typeof Approval>;

export const Outcome = z.looseObject({
  status: OutcomeStatus.or(str).default('pending'),
  pr: nstr.default(null),
  summary: nstr.default(null),
});

export const Rollback = z.looseObject({
  strategy: str.default('revert-commits'),
  notes: list(str),
});

export const Cost = z.looseObject({
  model: nstr.default(null),
  input_tokens: z.number().default(0),
  output_tokens: z.number().default(0),
  cache_read_tokens: z.number().default(0),
  cache_write_tokens: z.number().default(0),
  usd: z.number().nullable().default(null),
  known: z.boolean().optional(),
  price_table: str.optional(),
});

export const Risk = z.looseObject({
  level: RiskLevel.or(str).default('low'),
  reasons: list(str),
});

export const Redaction = z.looseObject({ rule: str, count: z.number().int() });

export const Gap = z.looseObject({
  from: nstr.default(null),
  to: nstr.default(null),
  reason: str.default('paused'),
});

/** Sub-objects default to their empty shape, so an old or minimal record still parses. */
// prefault, not default: zod 4 returns a default as is, so `{}` would skip the inner defaults and a
// minimal record (an older or newer writer) would lack repo.commits and crash its readers.
const obj = <T extends z.ZodType>(t: T) => t.prefault({} as never);

export const RunRecord = z.looseObject({
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
export type RunRecord = z.infer<typeof RunRecord>;
/** What a writer may hand in: defaults are filled by parsing. */
export type RunRecordInput = z.input<typeof RunRecord>;

export const RefLine = z.looseObject({
  schema: z.string().regex(/^agent-log\/v\d+$/),
  kind: z.literal('ref'),
  id: str.regex(/^[0-9a-z]{4,32}$/),
});
export type RefLine = z.infer<typeof RefLine>;

/** Who wrote an event: the git identity of the clone that added it. */
export const EventActor = z.looseObject({ name: str.default(''), email: nstr.default(null) });

/**
 * An event line: a fact added to a sealed run (approval, note, status, adoption, revert, …) that sits
 * next to the record line. `event` is its own random id; `type` says which fact; readers fold events
 * in `at` order and ignore types they do not know.
 */
export const RunEventLine = z.looseObject({
  schema: z.string().regex(/^agent-log\/v\d+$/),
  kind: z.literal('event'),
  id: str.regex(/^[0-9a-z]{4,32}$/),
  event: str.regex(/^[0-9a-z]{4,40}$/),
  type: str.regex(/^[a-z][a-z0-9_-]{0,39}$/),
  at: str.refine((s) => !Number.isNaN(Date.parse(s)), 'not a date'),
  by: EventActor.nullable().default(null),
});
export type RunEventLine = z.infer<typeof RunEventLine>;

export function parseRecord(value: unknown): RunRecord {
  return RunRecord.parse(value);
}
