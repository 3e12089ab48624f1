// The review packet (Markdown) and the PR body of a run: a view of the record's facts rendered
// through a template (templates/packet.md, templates/pr.md or a repository's override).
import { recordBreaches } from '../record/boundary.js';
import { isConfigPath } from '../record/path-kinds.js';
import type { RunRecord } from '../record/schema.js';
import { codeSpan, fencedBlock, mdText, shQuote } from './escape.js';
import {
  afterLastEditLabel,
  changedPaths,
  checkCallouts,
  checksSummary,
  diffstat,
  exitLabel,
  failures,
  formatCost,
  formatDuration,
  mergedRisk,
  notVerified,
  runDuration,
  shortOid,
  unapproved,
  VIA_LABEL,
} from './facts.js';
import { renderHtmlPage } from './html.js';
import { limitsView } from './limits.js';
import { codeList } from './markdown.js';
import { planRollback, type RollbackPlan } from './rollback-plan.js';
import { compileTemplate, type Fragment, fragment, type View } from './template.js';

export interface RenderOptions {
  /** The run's commits newest first, when the caller knows them from git. */
  commits?: readonly string[];
}

export function renderPacket(
  records: readonly RunRecord[],
  template: string,
  opts: RenderOptions = {},
): string {
  const compiled = compileTemplate(template, 'markdown', 'packet.md');
  const parts = records.map((r) => tidy(compiled.render(recordView(r, opts))));
  if (parts.length <= 1) return parts[0] ?? '';
  const ids = records.map((r) => codeSpan(r.id)).join(', ');
  return `${parts.length} agent runs on this commit: ${ids}.\n\n${parts.join('\n---\n\n')}`;
}

export function renderPrBody(record: RunRecord, template: string, opts: RenderOptions = {}): string {
  return tidy(compileTemplate(template, 'markdown', 'pr.md').render(recordView(record, opts)));
}

/** The packet as one self-contained HTML page. */
export function renderPacketHtml(
  records: readonly RunRecord[],
  template: string,
  opts: RenderOptions = {},
): string {
  const first = records[0];
  const title =
    records.length === 1 && first
      ? `Agent run ${first.id}: ${first.task.intent.split('\n')[0] ?? ''}`
      : `${records.length} agent runs`;
  return renderHtmlPage(renderPacket(records, template, opts), title);
}

const HTTP_URL = /^https?:\/\/[A-Za-z0-9._~:/?#@!$&*+,;=%-]+$/;

/** A PR reference: a Markdown link when it is a plain http(s) URL, otherwise escaped text. */
function prLink(pr: string | null): Fragment | null {
  if (!pr) return null;
  return fragment(HTTP_URL.test(pr) ? `[${mdText(pr)}](${pr})` : mdText(pr));
}

/** At most one blank line in a row, exactly one newline at the end. */
function tidy(text: string): string {
  return `${text.replace(/\n{3,}/g, '\n\n').trim()}\n`;
}

export function recordView(record: RunRecord, opts: RenderOptions = {}): View {
  const plan = planRollback(record, opts.commits);
  const risk = mergedRisk(record);
  const breaches = recordBreaches(record);
  const { allow, deny } = record.boundary;
  const boundarySummary =
    !allow.length && !deny.length
      ? 'not checked (no globs given)'
      : breaches.length
        ? `${new Set(breaches.map((b) => b.path)).size} file(s) breached`
        : record.files.changed.length
          ? 'all changed files inside the boundary'
          : 'kept (no files changed)';
  const config = [...new Set([...record.config_changes, ...changedPaths(record).filter(isConfigPath)])];
  return {
    id: record.id,
    title: record.task.intent.split('\n')[0]?.trim() || '(no task recorded)',
    intent: record.task.intent || '(no task recorded)',
    follow_ups: record.task.follow_ups,
    allow: codeList(allow, 'any path'),
    deny: codeList(deny, 'none'),
    level: record.boundary.level ?? 'not given',
    constraints: record.boundary.constraints,
    status: record.outcome.status,
    outcome_summary: record.outcome.summary,
    pr: prLink(record.outcome.pr),
    branch: record.repo.branch ?? '(detached or unknown)',
    start_commit: shortOid(record.repo.start_commit),
    end_commit: shortOid(record.repo.end_commit),
    commit_count: String(plan.commits.length),
    commits: plan.commits.map((oid) => ({ oid })),
    agent: [record.agent.name, record.agent.version].filter(Boolean).join(' '),
    model: record.agent.model ?? record.cost?.model ?? 'unknown',
    started_at: record.started_at ?? 'unknown',
    ended_at: record.ended_at ?? 'unknown',
    duration: runDuration(record),
    cost: formatCost(record),
    diffstat: diffstat(record),
    files: record.files.changed.map((f) => ({
      path: f.path,
      old_path: f.old_path && f.old_path !== f.path ? f.old_path : null,
      status: f.status,
      additions: f.additions ?? 'binary',
      deletions: f.deletions ?? 'binary',
      via: VIA_LABEL[f.via] ?? f.via,
    })),
    dependencies: record.dependencies.map((d) => ({
      manifest: d.manifest,
      name: d.name,
      from: d.from ?? '(new)',
      to: d.to ?? '(removed)',
    })),
    config,
    boundary_summary: boundarySummary,
    boundary_sentence: `${boundarySummary[0]!.toUpperCase()}${boundarySummary.slice(1)}.`,
    breaches: breaches.map((b) => ({
      label: b.kind === 'inside-deny' ? 'Inside a denied glob' : 'Outside the allowed globs',
      path: b.path,
      glob: b.glob,
    })),
    checks_summary: checksSummary(record.checks),
    checks: record.checks.map((c) => ({
      name: c.name,
      kind: c.kind,
      status: c.status,
      attempts: c.attempts,
      retries: Math.max(0, c.attempts - 1),
      after_last_edit: afterLastEditLabel(c.after_last_edit),
    })),
    callouts: checkCallouts(record.checks).map((c) => ({ ...c })),
    failures: failures(record).map((f) => ({
      name: f.name,
      exit_code: f.exitCode,
      when: f.when,
      tail: f.tail,
    })),
    commands: record.commands.map((c, i) => ({
      n: i + 1,
      command: c.command,
      kind: c.kind,
      exit: exitLabel(c),
      duration: formatDuration(c.duration_ms),
    })),
    approvals: record.approvals.map((a) => ({
      by: a.by,
      scope: a.scope,
      decision: a.decision,
      at: a.at ?? 'unknown',
      note: a.note ?? '',
    })),
    unapproved: unapproved(record),
    limits: limitsView(record),
    risk,
    rollback: {
      strategy:
        plan.strategy === 'revert-commits'
          ? 'revert the run\u2019s commits, newest first'
          : 'restore the run\u2019s files from its start commit',
      notes: plan.notes,
      commands: fragment(fencedBlock(rollbackCommands(plan), 'sh')),
      reinstall: plan.reinstall,
      migrations: plan.migrations,
      migration_list: codeList(plan.migrations),
    },
    show_command: `git agent-log show ${record.id}`,
    not_verified: notVerified(record),
  };
}

/** The exact commands that undo the run, every argument shell-quoted. */
export function rollbackCommands(plan: RollbackPlan): string {
  const lines: string[] = [];
  if (plan.strategy === 'revert-commits') {
    lines.push(`git agent-log revert ${shQuote(plan.id)}`);
    lines.push('# or by hand, newest first:');
    lines.push(`git revert --no-edit ${plan.commits.map(shQuote).join(' ')}`);
    if (plan.adopted.length) {
      lines.push(
        '# after the squash or rebase merge, its commits instead (they may hold other changes too):',
      );
      lines.push(`git revert --no-edit ${plan.adopted.map(shQuote).join(' ')}`);
    }
    return lines.join('\n');
  }
  if (plan.unsafe.length)
    lines.push(`# skipped, not a path inside the repository: ${plan.unsafe.map(shQuote).join(' ')}`);
  if (!plan.paths.length) return [...lines, '# nothing to undo: the run changed no files'].join('\n');
  if (!plan.startCommit) return '# the start commit is unknown: restore the files by hand';
  lines.push('# the run has no commits: discard its changes in the working tree');
  if (plan.restore.length) {
    lines.push(
      `git --literal-pathspecs restore --source=${shQuote(plan.startCommit)} --staged --worktree -- ${plan.restore.map(shQuote).join(' ')}`,
    );
  }
  if (plan.remove.length) {
    const paths = plan.remove.map(shQuote).join(' ');
    lines.push(`git --literal-pathspecs rm -q -f --ignore-unmatch -- ${paths}`);
    lines.push(`git --literal-pathspecs clean -q -f -- ${paths}`);
  }
  return lines.join('\n');
}
