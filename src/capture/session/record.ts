// Build the record of an agent run (Claude Code, Codex, Gemini) from session facts (fold.ts), git facts and cost. Pure.
import { assessRisk } from '../../record/risk.js';
import { type RunRecord, RunRecord as RunRecordSchema, SCHEMA } from '../../record/schema.js';
import type { RedactionCount } from '../../redact/redactor.js';
import type { RunChanges } from '../changes.js';
import { deriveChecks } from '../checks.js';
import type { SessionCost } from './cost.js';
import type { SessionFacts } from './fold.js';

export interface GitFacts {
  branch: string | null;
  startCommit: string | null;
  startTree: string | null;
  /** Oldest first; empty while pending. */
  commits: string[];
  endTree: string | null;
  changes: RunChanges;
  worktree: string | null;
}

export interface BuildInput {
  id: string;
  /** The agent's name in the record (default claude-code). */
  agent?: string;
  facts: SessionFacts;
  git: GitFacts;
  /** null: no transcript to read (cost unknown). */
  cost: SessionCost | null;
  source: 'prompt' | 'import';
  redactions: RedactionCount[];
  sealedAt: string;
  /** The session ended (SessionEnd seen, or imported). */
  ended: boolean;
  version?: string | null;
}

export function buildSessionRecord(input: BuildInput): RunRecord {
  const { facts, git, cost } = input;
  const checks = deriveChecks(facts.commands, { edits: facts.edit_marks, endTree: null });
  const status = git.commits.length === 0 ? 'pending' : 'completed';
  const record = RunRecordSchema.parse({
    schema: SCHEMA,
    kind: 'record',
    id: input.id,
    task: {
      intent: facts.intent ?? '',
      source: input.source,
      follow_ups: facts.follow_ups,
      ...(facts.prompt_times?.length ? { prompt_times: facts.prompt_times } : {}),
    },
    boundary: {},
    agent: {
      name: input.agent ?? 'claude-code',
      version: input.version ?? facts.version,
      model: facts.model ?? cost?.model ?? null,
      session_ids: facts.session_ids,
      ...(facts.subagents.length ? { subagents: facts.subagents } : {}),
    },
    repo: {
      branch: git.branch,
      start_commit: git.startCommit,
      end_commit: git.commits.at(-1) ?? null,
      commits: git.commits,
      start_tree: git.startTree,
      end_tree: git.endTree,
      ...(git.worktree ? { worktree: git.worktree } : {}),
    },
    started_at: facts.started_at,
    ended_at: input.ended ? facts.ended_at : null,
    sealed_at: input.sealedAt,
    files: {
      read: facts.files_read,
      changed: git.changes.changed,
      ...(facts.files_outside?.length ? { outside_repo: facts.files_outside } : {}),
    },
    commands: facts.commands,
    checks,
    dependencies: git.changes.dependencies,
    config_changes: git.changes.config_changes,
    approvals: [],
    outcome: { status, pr: null, summary: null },
    rollback: { strategy: git.commits.length ? 'revert-commits' : 'restore-files', notes: [] },
    cost: cost
      ? {
          // One model names the run: the session's, when it was billed (else the one with most output).
          model: facts.model && cost.by_model[facts.model] ? facts.model : cost.model,
          input_tokens: cost.input_tokens,
          output_tokens: cost.output_tokens,
          cache_read_tokens: cost.cache_read_tokens,
          cache_write_tokens: cost.cache_write_tokens,
          usd: cost.usd,
          known: true,
          price_table: cost.price_table,
          messages: cost.messages,
          by_model: cost.by_model,
          ...('reasoning_tokens' in cost ? { reasoning_tokens: cost.reasoning_tokens } : {}),
        }
      : { model: facts.model, usd: null, known: false },
    risk: { level: 'low', reasons: [] },
    redactions: input.redactions,
    ...(Object.keys(facts.tools).length ? { tools: facts.tools } : {}),
    ...(facts.denied.length ? { denied: facts.denied } : {}),
  });
  record.risk = assessRisk(record);
  return record;
}

/** A stable record ID for a run (same input, same ID): defined with the other ID rules. */
export { runIdFor } from '../../record/id.js';
