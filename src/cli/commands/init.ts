// `init`: configure this repository for agent-log. Idempotent: running it twice changes nothing.
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { RepoError } from '../../errors.js';
import { configAdd, configSet, hooksDir, installHookBlock, remotes } from '../../git/setup.js';
import { NOTES_REF } from '../../store/notes.js';
import type { Context } from '../context.js';
import { packageRoot } from '../package-root.js';

export const command = 'init';
export const describe =
  'Configure this repository: notes rewriting, fetch refspecs, git hooks (--display: notes in git log)';

export const builder = (y: Argv) =>
  y
    .option('hooks', {
      type: 'boolean',
      default: true,
      describe: 'install post-commit and prepare-commit-msg hooks',
    })
    .option('pre-push', {
      type: 'boolean',
      default: false,
      describe: 'install a pre-push hook that refuses to push notes with secrets (see scan)',
    })
    .option('display', {
      type: 'boolean',
      default: false,
      describe: 'also show records in plain `git log` (notes.displayRef; one JSON line per run)',
    })
    .option('json', { type: 'boolean', default: false });

interface InitArgs {
  display: boolean;
  hooks: boolean;
  prePush?: boolean;
  json: boolean;
}

export function binPath(): string {
  return realpathSync(join(packageRoot(), 'bin', 'git-agent-log'));
}

function hookCall(args: string): string {
  const bin = binPath().replace(/'/g, `'\\''`);
  return [
    `if [ -x '${bin}' ]; then '${bin}' ${args} || true`,
    `elif command -v git-agent-log >/dev/null 2>&1; then git-agent-log ${args} || true; fi`,
  ].join('\n');
}

/** Unlike the other hooks, this one may fail: a refusal (exit 1) must stop the push. */
export function prePushCall(): string {
  const bin = binPath().replace(/'/g, `'\\''`);
  return [
    'agent_log_input=$(cat)',
    `if [ -x '${bin}' ]; then printf '%s\\n' "$agent_log_input" | '${bin}' pre-push "$@" || exit 1`,
    'elif command -v git-agent-log >/dev/null 2>&1; then',
    `  printf '%s\\n' "$agent_log_input" | git-agent-log pre-push "$@" || exit 1`,
    'fi',
  ].join('\n');
}

export async function handler(argv: InitArgs, ctx: Context) {
  const { location } = await ctx.repo();
  if (location.bare) throw new RepoError('init needs a working tree (this is a bare repository)');
  const changes: string[] = [];
  const note = (changed: boolean, what: string) => changed && changes.push(what);

  note(await configAdd(location, 'notes.rewriteRef', NOTES_REF), `notes.rewriteRef=${NOTES_REF}`);
  note(await configSet(location, 'notes.rewriteMode', 'cat_sort_uniq'), 'notes.rewriteMode=cat_sort_uniq');
  note(
    await configSet(location, 'notes.agent-log.mergeStrategy', 'cat_sort_uniq'),
    'notes.agent-log.mergeStrategy=cat_sort_uniq',
  );
  if (argv.display)
    note(await configAdd(location, 'notes.displayRef', NOTES_REF), `notes.displayRef=${NOTES_REF}`);
  for (const remote of await remotes(location)) {
    const spec = `+${NOTES_REF}:refs/notes/remotes/${remote}/agent-log`;
    note(await configAdd(location, `remote.${remote}.fetch`, spec), `remote.${remote}.fetch=${spec}`);
  }
  if (argv.hooks) {
    const dir = await hooksDir(location);
    const post = installHookBlock(dir, 'post-commit', hookCall('attach --quiet'));
    const prep = installHookBlock(dir, 'prepare-commit-msg', hookCall('trailer "$1" "$2"'));
    if (post !== 'unchanged') changes.push(`hook post-commit (${post})`);
    if (prep !== 'unchanged') changes.push(`hook prepare-commit-msg (${prep})`);
  }
  if (argv.prePush) {
    const pre = installHookBlock(await hooksDir(location), 'pre-push', prePushCall());
    if (pre !== 'unchanged') changes.push(`hook pre-push (${pre})`);
  }
  if (argv.json) ctx.out.write(`${JSON.stringify({ changed: changes }, null, 2)}\n`);
  else if (changes.length === 0) ctx.out.write('agent-log: already configured\n');
  else ctx.out.write(`agent-log: configured\n${changes.map((c) => `  ${c}\n`).join('')}`);
}
