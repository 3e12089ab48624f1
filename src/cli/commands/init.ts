// `init`: configure this repository for agent-log. Idempotent: running it twice changes nothing.
import { realpathSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { Argv } from 'yargs';
import { refreshMarks } from '../../capture/commit-runs.js';
import { RepoError } from '../../errors.js';
import type { RepoLocation } from '../../git/engine.js';
import { configAdd, configRemove, configSet, hooksDir, installHookBlock, remotes } from '../../git/setup.js';
import { NOTES_REF } from '../../store/notes.js';
import type { Context } from '../context.js';
import { postCommitBlock, prepareCommitMsgBlock, prePushBlock } from '../hook-scripts.js';
import { packageRoot } from '../package-root.js';
import { jsonText } from '../../record/display.js';

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
      describe:
        'install a pre-push hook: `git push` then shares the records of pushed commits with the remote, and refuses to push notes with secrets (see scan)',
    })
    .option('if-repo', {
      type: 'boolean',
      default: false,
      describe:
        'for a package.json "prepare" script: outside a git working tree (a tarball install, a Docker build) say so and exit 0',
    })
    .option('display', {
      type: 'boolean',
      describe:
        'also show records in plain `git log` (notes.displayRef; one JSON line per run); --no-display takes them out again',
    })
    .option('json', { type: 'boolean', default: false });

interface InitArgs {
  /** Unset: leave notes.displayRef as it is. */
  display?: boolean;
  hooks: boolean;
  prePush?: boolean;
  ifRepo?: boolean;
  json: boolean;
}

export function binPath(): string {
  return realpathSync(join(packageRoot(), 'bin', 'git-agent-log'));
}

/**
 * Where our git hook blocks go, and whether that directory may be committed. husky 9 points
 * core.hooksPath at .husky/_ (stubs it regenerates) which run .husky/<hook>: ours go there. A
 * directory inside the working tree but outside .git is shared through the repository, so its
 * blocks carry no path from this machine.
 */
export async function hookTarget(location: RepoLocation): Promise<{ dir: string; portable: boolean }> {
  const dir = resolve(await hooksDir(location));
  const husky = basename(dir) === '_' && basename(dirname(dir)) === '.husky' ? dirname(dir) : null;
  const target = husky ?? dir;
  const inside = (d: string, parent: string) => d === parent || d.startsWith(`${parent}${sep}`);
  const portable =
    location.worktree !== null &&
    inside(target, resolve(location.worktree)) &&
    !inside(target, resolve(location.gitDir)) &&
    !inside(target, resolve(location.commonDir));
  return { dir: target, portable };
}

export async function handler(argv: InitArgs, ctx: Context) {
  let location: RepoLocation;
  try {
    location = (await ctx.repo()).location;
    if (location.bare) throw new RepoError('init needs a working tree (this is a bare repository)');
  } catch (e) {
    if (!argv.ifRepo || !(e instanceof RepoError)) throw e;
    ctx.err.write('agent-log: not in a git working tree, nothing to configure\n');
    return 0;
  }
  const changes: string[] = [];
  const note = (changed: boolean, what: string) => changed && changes.push(what);

  note(await configAdd(location, 'notes.rewriteRef', NOTES_REF), `notes.rewriteRef=${NOTES_REF}`);
  note(await configSet(location, 'notes.rewriteMode', 'cat_sort_uniq'), 'notes.rewriteMode=cat_sort_uniq');
  note(
    await configSet(location, 'notes.agent-log.mergeStrategy', 'cat_sort_uniq'),
    'notes.agent-log.mergeStrategy=cat_sort_uniq',
  );
  if (argv.display === true)
    note(await configAdd(location, 'notes.displayRef', NOTES_REF), `notes.displayRef=${NOTES_REF}`);
  // Earlier versions of init set it every time: --no-display is the way back to a plain `git log`.
  if (argv.display === false && (await configRemove(location, 'notes.displayRef', NOTES_REF)))
    changes.push(`notes.displayRef: dropped ${NOTES_REF}`);
  for (const remote of await remotes(location)) {
    // A glob: plain `git fetch` must not fail on a remote that has no records yet.
    const spec = `+${NOTES_REF}*:refs/notes/remotes/${remote}/agent-log*`;
    const exact = `+${NOTES_REF}:refs/notes/remotes/${remote}/agent-log`;
    if (await configRemove(location, `remote.${remote}.fetch`, exact))
      changes.push(
        `remote.${remote}.fetch: dropped ${exact} (git fetch failed while the remote had no records)`,
      );
    note(await configAdd(location, `remote.${remote}.fetch`, spec), `remote.${remote}.fetch=${spec}`);
  }
  if (argv.hooks) {
    const { dir, portable } = await hookTarget(location);
    const opts = { bin: portable ? null : binPath() };
    const post = installHookBlock(dir, 'post-commit', postCommitBlock(opts));
    const prep = installHookBlock(dir, 'prepare-commit-msg', prepareCommitMsgBlock(opts));
    if (post !== 'unchanged') changes.push(`hook post-commit (${post})`);
    // runs left open or pending by a version without marks: the new hooks must see them
    refreshMarks(location);
    if (prep !== 'unchanged') changes.push(`hook prepare-commit-msg (${prep})`);
  }
  if (argv.prePush) {
    const { dir, portable } = await hookTarget(location);
    const pre = installHookBlock(dir, 'pre-push', prePushBlock({ bin: portable ? null : binPath() }));
    if (pre !== 'unchanged') changes.push(`hook pre-push (${pre})`);
  }
  if (argv.json) ctx.out.write(`${jsonText({ changed: changes })}\n`);
  else if (changes.length === 0) ctx.out.write('agent-log: already configured\n');
  else ctx.out.write(`agent-log: configured\n${changes.map((c) => `  ${c}\n`).join('')}`);
}
