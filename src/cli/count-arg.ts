// A count given on the command line (`-n`, `--depth`, `--max-chars`), in a module of its own so a
// command on an agent's hook path (`context --hook`) reads it without loading the query filters.
import { UsageError } from '../errors.js';

/**
 * `-n N` (or another count, `flag`) read as text, so that `-n ''` or `-n abc` is refused (as a
 * number yargs made them 0 and null, and `-n ''` silently listed nothing).
 */
export function countArg(value: unknown, flag = '-n'): number | undefined {
  if (value === undefined) return undefined;
  const text = String(Array.isArray(value) ? value.at(-1) : value);
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag}: expected a whole number, got '${text}'`);
  return Number(text);
}
