// `doctor` on our git hooks: present where git runs them, current (version stamp), and free of
// machine-specific paths where the hook directory is committed.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RepoLocation } from '../git/engine.js';
import { HOOK_BEGIN, HOOK_END } from '../git/setup.js';
import { hookTarget } from './commands/init.js';
import { HOOK_SCRIPT_VERSION, installedHookVersion } from './hook-scripts.js';

type Add = (level: 'ok' | 'warn' | 'problem', what: string, fix?: string) => void;

const WHY: Record<string, string> = {
  'post-commit': 'runs finished before committing wait for the next finish',
  'prepare-commit-msg': 'commits made during a run get no Agent-Log trailer',
};

export async function checkGitHooks(location: RepoLocation, add: Add): Promise<void> {
  const { dir, portable } = await hookTarget(location);
  const current: string[] = [];
  for (const hook of ['post-commit', 'prepare-commit-msg']) {
    const path = join(dir, hook);
    const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
    const start = text.indexOf(HOOK_BEGIN);
    const end = text.indexOf(HOOK_END);
    if (start < 0 || end < start) {
      add('warn', `no ${hook} hook in ${dir}: ${WHY[hook]}`, 'git agent-log init');
      continue;
    }
    const block = text.slice(start, end);
    const version = installedHookVersion(block) ?? 1;
    if (version < HOOK_SCRIPT_VERSION)
      add(
        'warn',
        `${hook} hook is an outdated script (v${version}): it starts Node on every commit and rebase step, slowing every commit`,
        'git agent-log init (rewrites our block in place)',
      );
    else if (portable && /'\/[^']*git-agent-log'/.test(block))
      add(
        'warn',
        `${hook} hook in ${dir} (committed with the project) names a path on this machine`,
        'git agent-log init',
      );
    else current.push(hook);
  }
  if (current.length) add('ok', `git hooks current (v${HOOK_SCRIPT_VERSION}): ${current.join(', ')}`);
}
