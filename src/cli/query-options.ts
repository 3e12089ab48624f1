// The filter flags shared by `query` and `stats`, and turning them into a FilterSpec.
import type { Argv } from 'yargs';
import { NotFoundError, UsageError } from '../errors.js';
import type { Repo } from '../git/repo.js';
import { parseDate } from '../query/dates.js';
import { CHECK_STATES, type CheckState, type FilterSpec } from '../query/filters.js';
import { FORMAT_PLACEHOLDERS } from '../query/format.js';
import { userRegex } from '../query/user-regex.js';
import type { Context } from './context.js';

const list = { type: 'string', array: true } as const;

/** `log --format` and `query --format`: every placeholder named, as `git log --format`'s help does. */
export const FORMAT_OPTION = {
  type: 'string',
  describe: `one line per run from placeholders: ${FORMAT_PLACEHOLDERS.map((p) => `%${p}`).join(' ')}, %n (newline), %% (a percent sign)`,
} as const;

export function addFilterOptions<T>(y: Argv<T>) {
  return y
    .option('file', { ...list, describe: 'changed a file matching GLOB (dir/**, *.ts, a/b.ts)' })
    .option('read', { ...list, describe: 'read a file matching GLOB' })
    .option('command', { ...list, describe: 'ran a command matching REGEX' })
    .option('check-status', { ...list, describe: 'has a check that passed|failed|skipped|stale' })
    .option('status', { ...list, describe: 'outcome: completed|failed|abandoned|pending' })
    .option('agent', { ...list, describe: 'agent name (exact, any case, or a glob)' })
    .option('model', { ...list, describe: 'model name (exact or glob)' })
    .option('since', { type: 'string', describe: "on or after DATE (2026-11-01, '2.weeks', yesterday)" })
    .option('until', { type: 'string', describe: 'on or before DATE' })
    .option('approved-by', { ...list, describe: 'approved by NAME' })
    .option('unapproved', { type: 'boolean', describe: 'no approval recorded' })
    .option('risk', { ...list, describe: 'risk level: low|medium|high' })
    .option('boundary-breach', { type: 'boolean', describe: 'changed files outside its boundary' })
    .option('dependency', { ...list, describe: 'changed dependency NAME' })
    .option('text', { ...list, describe: 'text in intent, follow-ups, notes or commands (any case)' })
    .option('branch', { ...list, describe: 'run on branch NAME (exact or glob)' })
    .option('commit', { type: 'string', describe: 'runs with a commit reachable from REV' })
    .option('stopped', { type: 'boolean', describe: 'stopped by a human or a guard stop rule' })
    .option('over-budget', {
      type: 'boolean',
      describe: 'went over (or was refused at) a spend or time limit',
    })
    .option('rule', { ...list, describe: 'a guard rule fired: NAME or a family (retries, budget, scope …)' });
}

export interface FilterArgs {
  file?: string[];
  read?: string[];
  command?: string[];
  checkStatus?: string[];
  status?: string[];
  agent?: string[];
  model?: string[];
  since?: string;
  until?: string;
  approvedBy?: string[];
  unapproved?: boolean;
  risk?: string[];
  boundaryBreach?: boolean;
  dependency?: string[];
  text?: string[];
  branch?: string[];
  commit?: string;
  stopped?: boolean;
  overBudget?: boolean;
  rule?: string[];
}

/** A glob from the command line: not empty, brackets and braces balanced (`app/[slug]/**` is fine). */
function checkGlobs(flag: string, values: string[] | undefined): string[] | undefined {
  for (const v of values ?? []) {
    if (v.trim() === '') throw new UsageError(`--${flag}: empty pattern`);
    for (const [open, close] of [
      ['[', ']'],
      ['{', '}'],
    ] as const) {
      let depth = 0;
      for (const c of v) {
        if (c === open) depth++;
        else if (c === close && --depth < 0) break;
      }
      if (depth !== 0)
        throw new UsageError(`--${flag}: unbalanced '${depth > 0 ? open : close}' in pattern '${v}'`);
    }
  }
  return values;
}

const STATUSES = ['completed', 'failed', 'abandoned', 'pending'];
const RISKS = ['low', 'medium', 'high'];

function oneOf(flag: string, values: string[] | undefined, allowed: readonly string[]): string[] | undefined {
  for (const v of values ?? []) {
    if (!allowed.includes(v)) throw new UsageError(`--${flag}: '${v}' is not one of ${allowed.join(', ')}`);
  }
  return values;
}

/** A FilterSpec from the flags; `--commit` needs the repository (commits reachable from REV). */
export async function filterSpec(argv: FilterArgs, ctx: Context, repo: Repo): Promise<FilterSpec> {
  const spec: FilterSpec = {
    file: checkGlobs('file', argv.file),
    read: checkGlobs('read', argv.read),
    command: argv.command?.map((src) => {
      try {
        return userRegex(src);
      } catch (e) {
        throw new UsageError(`--command: invalid regular expression '${src}': ${(e as Error).message}`);
      }
    }),
    checkStatus: oneOf('check-status', argv.checkStatus, CHECK_STATES) as CheckState[] | undefined,
    status: oneOf('status', argv.status, STATUSES),
    agent: checkGlobs('agent', argv.agent),
    model: checkGlobs('model', argv.model),
    since: argv.since !== undefined ? parseDate(argv.since, ctx.now(), 'since') : undefined,
    until: argv.until !== undefined ? parseDate(argv.until, ctx.now(), 'until') : undefined,
    approvedBy: argv.approvedBy,
    unapproved: argv.unapproved,
    risk: oneOf('risk', argv.risk, RISKS),
    boundaryBreach: argv.boundaryBreach,
    dependency: argv.dependency,
    text: argv.text,
    branch: checkGlobs('branch', argv.branch),
    stopped: argv.stopped,
    overBudget: argv.overBudget,
    rule: argv.rule,
  };
  if (argv.commit !== undefined) {
    const tip = await repo.engine.resolve(argv.commit);
    if (!tip) throw new NotFoundError(`--commit: no revision '${argv.commit}'`);
    spec.commits = new Set(await repo.engine.commitsBetween(null, tip));
  }
  return spec;
}
