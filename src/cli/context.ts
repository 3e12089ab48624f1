// What every command handler receives: streams, environment, clock and a lazily opened repository.
// Tests pass their own; main() builds the default one from the process.
import type { Writable } from 'node:stream';
import type { Repo } from '../git/repo.js';

export interface Context {
  cwd: string;
  env: NodeJS.ProcessEnv;
  out: Writable;
  err: Writable;
  /** stdout is a terminal (paging, progress bars, colours). */
  isTTY: boolean;
  now(): Date;
  /** Open the repository around `cwd` (engine chosen by --engine / AGENT_LOG_ENGINE). Cached. */
  repo(): Promise<Repo>;
  /** Print a warning line on stderr (`warning: …`). */
  warn(message: string): void;
}
