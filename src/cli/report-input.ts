// What the report commands (show, pr, rollback, revert) read before rendering: the records named by
// an ID or revision, the run's commits newest first from the repository, and the templates (a repository's
// override in .agent-log/templates/ first, else the package's own).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import type { Repo } from '../git/repo.js';
import { TemplateError } from '../report/template.js';
import { resolveRecords, type StoredRecord } from '../store/read.js';
import { activeRunId } from '../store/runs.js';
import type { Context } from './context.js';
import { packageRoot } from './package-root.js';
import { commitSetsOf, onBranchFirst } from './revert-facts.js';
import { mergeFetched } from './open-index.js';
import { sealStaleSessions, unsealedRunRecords } from './pending-runs.js';

export type TemplateName = 'packet.md' | 'pr.md' | 'rollback.sh';

export const OVERRIDE_DIR = join('.agent-log', 'templates');

export interface LoadedTemplate {
  text: string;
  /** The repository's override file, or null for the package's template. */
  override: string | null;
}

export function loadTemplate(repo: Repo, name: TemplateName): LoadedTemplate {
  const worktree = repo.location.worktree;
  if (worktree) {
    const path = join(worktree, OVERRIDE_DIR, name);
    if (existsSync(path)) return { text: readFileSync(path, 'utf8'), override: join(OVERRIDE_DIR, name) };
  }
  return { text: readFileSync(join(packageRoot(), 'templates', name), 'utf8'), override: null };
}

/** Run a renderer; a broken template becomes a usage error naming the file. */
export function rendered<T>(template: LoadedTemplate, render: () => T): T {
  try {
    return render();
  } catch (e) {
    if (e instanceof TemplateError) {
      throw new UsageError(
        `template ${e.message}`,
        template.override ? `fix or remove ${template.override}` : undefined,
      );
    }
    throw e;
  }
}

/** Records named by `ref` (record ID prefix or revision); default: the active run, else HEAD. */
export async function loadRecords(ctx: Context, ref: string | undefined): Promise<StoredRecord[]> {
  if (ref !== undefined && ref.trim() === '')
    throw new UsageError('empty record ID or revision (give one, or none for the current run or HEAD)');
  const repo = await ctx.repo();
  await mergeFetched(ctx, repo);
  await sealStaleSessions(repo, ctx);
  const unsealed = await unsealedRunRecords(repo);
  const warnings: string[] = [];
  const target = ref ?? activeRunId(repo.location) ?? 'HEAD';
  try {
    return await resolveRecords(repo, target, { unsealed, warnings });
  } finally {
    // Also when nothing was found: the warning may say why (an unreadable note on that commit).
    for (const w of warnings) ctx.warn(w);
  }
}

/** Exactly one record, or a usage error listing the runs to choose from. */
export async function loadOneRecord(ctx: Context, ref: string): Promise<StoredRecord> {
  const found = await loadRecords(ctx, ref);
  if (found.length > 1) {
    throw new UsageError(
      `${found.length} runs match '${ref}': ${found.map((f) => f.record.id).join(', ')}`,
      'pass one record ID',
    );
  }
  return found[0]!;
}

/**
 * The run's commits that carry it today and exist here (not squash commits: see revert-facts.ts),
 * newest first, from git or the isomorphic engine alike, those on the current branch only when any
 * are (not the orphans a rebase left); the record's own order when neither can tell (bare
 * repository, commits missing here).
 */
export async function runCommits(repo: Repo, stored: StoredRecord): Promise<string[] | undefined> {
  const own = (await commitSetsOf(repo, stored))?.own;
  return own?.length ? onBranchFirst(repo, own) : undefined;
}
