// `context [PATHS…]`: a short brief of the recorded history of those paths, for a person or an agent
// about to work there. `--hook`: read an agent hook payload on stdin (SessionStart, UserPromptSubmit)
// and answer with the brief as the agent's additional context — opt in by adding it to the agent's
// hooks. A hook that fails prints nothing and exits 0.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { contextAnswer } from '../../capture/guard/output.js';
import { UsageError } from '../../errors.js';
import { contextBrief } from '../../report/context.js';
import { loadRepoConfig } from '../../store/config.js';
import type { Context } from '../context.js';
import { countArg } from '../count-arg.js';
import { selectFor } from '../open-index.js';
import { displayText } from '../../record/display.js';

export const command = 'context [paths..]';
export const describe = 'Brief of the recorded history of some paths (recent runs, failures, constraints)';

export const builder = (y: Argv) =>
  y
    .positional('paths', {
      type: 'string',
      array: true,
      describe: 'files or globs (default: the whole repository)',
    })
    .option('max-chars', {
      type: 'string', // read by countArg: as a number yargs made `--max-chars lots` NaN
      describe: 'size budget of the brief (default 2000, or guard.context.max_chars)',
    })
    .option('hook', {
      type: 'string',
      describe:
        'answer an agent hook (claude-code, codex, gemini, cursor, copilot) from the payload on stdin',
    });

interface ContextArgs {
  paths?: string[];
  maxChars?: string;
  hook?: string;
}

export async function handler(argv: ContextArgs, ctx: Context) {
  if (argv.hook !== undefined) {
    try {
      await answerHook(argv, ctx);
    } catch {
      // a context hook never gets in the agent's way
    }
    return 0;
  }
  const repo = await ctx.repo();
  const max = budget(argv.maxChars, loadRepoConfig(repo.location.worktree));
  const paths = (argv.paths ?? []).map(String);
  const records = (await selectFor(ctx, repo, paths.length ? { file: paths } : {})).map((s) => s.record);
  ctx.out.write(displayText(contextBrief(records, paths, max)));
  return 0;
}

function budget(flag: string | undefined, config: Record<string, unknown>): number {
  const given = countArg(flag, '--max-chars');
  if (given !== undefined) {
    if (given < 100) throw new UsageError('--max-chars must be at least 100');
    return given;
  }
  const guard = config.guard as { context?: { max_chars?: unknown } } | undefined;
  const n = guard?.context?.max_chars;
  return typeof n === 'number' && n >= 100 ? n : 2000;
}

async function answerHook(argv: ContextArgs, ctx: Context) {
  const payload = JSON.parse(readFileSync(0, 'utf8') || '{}') as Record<string, unknown>;
  const event = String(payload.hook_event_name ?? '');
  const repo = await ctx.repo();
  const root = repo.location.worktree ?? ctx.cwd;
  // paths the prompt names that exist here, else the whole repository
  const prompt = typeof payload.prompt === 'string' ? payload.prompt : '';
  const named = [...new Set(prompt.match(/[\w.@-]+(?:\/[\w.@-]+)+|[\w-]+\.[a-z]{1,5}\b/g) ?? [])]
    .map((p) => p.replace(/^\.\//, ''))
    .filter((p) => existsSync(join(root, p)))
    .slice(0, 10);
  const paths = [...(argv.paths ?? []).map(String), ...named];
  const records = (await selectFor(ctx, repo, paths.length ? { file: paths } : {})).map((s) => s.record);
  if (!records.length) return;
  const text = contextBrief(records, paths, budget(argv.maxChars, loadRepoConfig(repo.location.worktree)));
  const answer = contextAnswer(argv.hook ?? 'claude-code', event || 'SessionStart', text);
  if (answer) ctx.out.write(answer.stdout);
}
