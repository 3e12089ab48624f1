// `git-agent-log git-hook <hook> ARGS…`: what our git hook scripts run once their shell tests found
// work (cli/hook-scripts.ts). It loads only what that hook needs: prepare-commit-msg reads journal
// files and runs `git interpret-trailers`; post-commit loads the sealing code. Never yargs, never
// the other commands. Bundled on its own (scripts/bundle-git-hook.mjs). Never fails a commit.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { commitRunIds } from '../capture/commit-runs.js';
import { findGitDirs } from '../capture/hook/locate.js';
import { symlinkedOwnDir } from '../journal/paths.js';
import type { RepoLocation } from '../git/engine.js';
import type { Repo } from '../git/repo.js';
import { worktreeKeyOf } from '../journal/marks.js';
import type { Context } from './context.js';

export async function runGitHook(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    if (env.AGENT_LOG_DISABLE === '1') return 0;
    const [hook, ...rest] = args;
    if (hook === 'prepare-commit-msg') prepareCommitMsg(rest[0], rest[1], env);
    else if (hook === 'post-commit') await postCommit(env);
  } catch {
    // a commit never fails because of us; `git agent-log doctor` shows what is missing
  }
  return 0;
}

function locationHere(env: NodeJS.ProcessEnv): RepoLocation | null {
  const dirs = findGitDirs(process.cwd(), env);
  if (!dirs || symlinkedOwnDir(dirs.commonDir)) return null;
  const gitDir = resolve(dirs.gitDir);
  const commonDir = resolve(dirs.commonDir);
  return {
    worktree: dirs.root,
    gitDir,
    commonDir,
    bare: false,
    shallow: false,
    worktreeKey: worktreeKeyOf(gitDir, commonDir),
  };
}

/** Add `Agent-Log: <id>` for the open run and this worktree's pending runs. */
function prepareCommitMsg(file: string | undefined, source: string | undefined, env: NodeJS.ProcessEnv) {
  // merge: not the agent's change; commit (-c/-C/--amend): the message already has its trailers
  if (!file || source === 'merge' || source === 'commit') return;
  const loc = locationHere(env);
  if (!loc) return;
  const ids = commitRunIds(loc, env, new Date(), () => {
    const r = spawnSync('git', ['diff', '--cached', '--name-only', '-z', '--no-renames'], {
      cwd: loc.worktree ?? undefined,
      encoding: 'utf8',
    });
    return r.status === 0 ? r.stdout.split('\0').filter(Boolean) : [];
  });
  if (ids.length === 0) return;
  spawnSync(
    'git',
    [
      'interpret-trailers',
      '--in-place',
      '--if-exists',
      'addIfDifferent',
      ...ids.flatMap((id) => ['--trailer', `Agent-Log: ${id}`]),
      file,
    ],
    { stdio: 'ignore' },
  );
}

/** Attach finished runs waiting for this commit (the `attach` command, without the CLI around it). */
async function postCommit(env: NodeJS.ProcessEnv) {
  const [{ handler }, { openRepo }] = await Promise.all([
    import('./commands/attach.js'),
    import('../git/repo.js'),
  ]);
  const cwd = process.cwd();
  const opened: { repo?: Promise<Repo> } = {};
  const ctx: Context = {
    cwd,
    env,
    out: process.stdout,
    err: process.stderr,
    isTTY: false,
    now: () => new Date(),
    repo: () => (opened.repo ??= openRepo(cwd, { env })),
    warn: () => {},
  };
  try {
    await handler({ quiet: true }, ctx);
  } finally {
    if (opened.repo) await (await opened.repo).engine.close();
  }
}
