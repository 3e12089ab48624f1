// Commands run with stdout on a pseudo-terminal (util-linux `script`), for what a person at a
// terminal sees: colour, rendering for the terminal, width.
import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';
import { BIN, gitEnv, type TempRepo } from './repo.js';

/** Run `command` on a terminal of `columns` columns (default: script's own); returns what it printed. */
export function commandOnTerminal(
  cwd: string,
  command: string[],
  env: NodeJS.ProcessEnv = {},
  columns?: number,
): string {
  const quoted = command.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const sized = columns ? `stty cols ${columns} rows 40; exec ${quoted}` : quoted;
  const r = spawnSync('script', ['-qec', sized, '/dev/null'], {
    cwd,
    env: gitEnv({ COLUMNS: '120', TERM: 'xterm', ...env }),
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.replace(/\r\n/g, '\n');
}

/** Run the built CLI with stdout on a terminal. */
export function onTerminal(
  repo: TempRepo,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  columns?: number,
): string {
  return commandOnTerminal(repo.dir, [process.execPath, BIN, ...args], env, columns);
}
