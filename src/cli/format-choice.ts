// `--json` with a `--format` that asks for something else: two outputs asked for, one would be
// dropped without a word (JSON won). Said as a usage error instead, as git does for `--oneline --raw`.
import { UsageError } from '../errors.js';

/** Throws when `--json` and a `--format` other than `json` are both given. */
export function oneFormat(command: string, argv: { json?: boolean; format?: string }): void {
  if (argv.json && argv.format !== undefined && argv.format !== 'json')
    throw new UsageError(
      `${command}: --json and --format ${argv.format} ask for two outputs`,
      'give one of them',
    );
}
