// A copy of the built package in a temporary directory, with some bundles and none of their code
// caches, for tests that damage or remove a cache without touching the shared build.
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitEnv, ROOT } from './repo.js';

export interface PackageCopy {
  dir: string;
  /** The copy's bin with these arguments in `cwd`: its stdout (throws on a non-zero exit). */
  run(cwd: string, args: string[]): string;
  cleanup(): void;
}

/** `bundles`: paths under dist/ to copy (boot.cjs is always copied). */
export function copyPackage(bundles: string[]): PackageCopy {
  const dir = mkdtempSync(join(tmpdir(), 'agent-log-pkg-'));
  for (const f of ['package.json', 'bin', 'templates'])
    cpSync(join(ROOT, f), join(dir, f), { recursive: true });
  mkdirSync(join(dir, 'dist', 'cli'), { recursive: true });
  for (const f of ['cli/boot.cjs', ...bundles]) copyFileSync(join(ROOT, 'dist', f), join(dir, 'dist', f));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return {
    dir,
    run: (cwd, args) =>
      execFileSync(process.execPath, [join(dir, 'bin', 'git-agent-log'), ...args], {
        cwd,
        env: gitEnv(),
        encoding: 'utf8',
      }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
