// Usage errors a new user meets first, said the way git and gh say them: the unknown word as typed,
// the nearest command or option as a hint, yargs' own messages rewritten into one short line.
import { UsageError } from '../errors.js';

/** Commands hooks and git call; never suggested to a person. */
const INTERNAL = new Set(['attach', 'pre-push', 'seal-pending', 'session-snapshot', 'trailer']);

/** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  return d[a.length]![b.length]!;
}

/** The candidates nearest to `word` (case-insensitive), when near enough to be a typo of them. */
export function nearest(word: string, candidates: readonly string[]): string[] {
  const w = word.toLowerCase();
  const limit = Math.max(1, Math.floor(w.length / 3));
  let best = Number.POSITIVE_INFINITY;
  let found: string[] = [];
  for (const c of candidates) {
    const dist = editDistance(w, c.toLowerCase());
    if (dist > limit || dist > best) continue;
    if (dist < best) found = [];
    best = dist;
    found.push(c);
  }
  return found;
}

function didYouMean(options: string[]): string {
  const quoted = options.map((o) => `'${o}'`);
  return quoted.length === 1 ? `did you mean ${quoted[0]}?` : `did you mean one of ${quoted.join(', ')}?`;
}

/** `git agent-log shwo`: the word is no command. Null when it is one (or `help`, `version`, `hook`). */
export function unknownCommand(word: string, commands: readonly string[]): UsageError | null {
  const known = [...commands.filter((c) => !INTERNAL.has(c)), 'help', 'version', 'hook'];
  if (commands.includes(word) || known.includes(word) || word === 'git-hook') return null;
  let near = nearest(word, known);
  // `sta`: the commands it begins, as `git` lists them for an ambiguous abbreviation.
  if (!near.length && word.length >= 2) near = known.filter((c) => c.startsWith(word.toLowerCase()));
  return new UsageError(
    `unknown command '${word}'`,
    near.length ? didYouMean(near) : 'see git agent-log help for the commands',
  );
}

export interface YargsFailure {
  /** yargs' message. */
  message: string;
  /** The arguments as given. */
  argv: readonly string[];
  /** The command that was running (its name), when one was. */
  command: string | null;
  /** Its usage line from its module (`blame <target>`). */
  usage: string | null;
  /** Option names the command knows (long and short, no dashes). */
  options: readonly string[];
}

/** One of yargs' messages, rewritten: the option as typed, what is missing, the allowed values. */
export function usageErrorFrom(f: YargsFailure): UsageError {
  const help = f.command ? `see git agent-log ${f.command} --help` : 'see git agent-log help';
  let m = /^Unknown arguments?: (.+)$/s.exec(f.message);
  if (m) {
    const name = m[1]!.split(', ')[0]!;
    // as typed (`--name`, `--no-name`, `--name=…`); a letter yargs took from a cluster (`-xv`) is `-x`
    const typed =
      f.argv.find((a) => a.startsWith('-') && a.replace(/^--?(no-)?/, '').split('=')[0] === name) ??
      (name.length === 1 && f.argv.some((a) => /^-[A-Za-z]+$/.test(a) && a.includes(name))
        ? `-${name}`
        : null);
    if (typed) {
      const flag = typed.split('=')[0]!;
      const long = f.options.filter((o) => o.length > 1);
      const prefix = flag.startsWith('--no-') ? '--no-' : '--';
      // `--nopager`, `--nocolor`: a negation without its dash is nearest to `--no-pager`, not `--pager`
      const word = flag.replace(/^--?(no-)?/, '');
      const negated = prefix === '--' && word.startsWith('no') ? long.map((o) => `no-${o}`) : [];
      const near = nearest(word, [...long, ...negated]);
      return new UsageError(
        `unknown option '${flag}'${f.command ? ` for ${f.command}` : ''}`,
        near.length ? didYouMean(near.map((o) => prefix + o)) : help,
      );
    }
    return new UsageError(`unexpected argument '${name}'${f.command ? ` for ${f.command}` : ''}`, help);
  }
  m = /^Not enough non-option arguments: got (\d+), need at least (\d+)$/.exec(f.message);
  if (m && f.usage) {
    const required = [...f.usage.matchAll(/<([\w.-]+)>/g)].map((x) => `<${x[1]!}>`);
    const missing = required.slice(Number(m[1])).join(' ');
    return new UsageError(`${f.command} needs ${missing}`, `usage: git agent-log ${f.usage}`);
  }
  m = /^Missing required arguments?: (.+)$/.exec(f.message);
  if (m) {
    const names = m[1]!.split(', ').map((n) => (n.length === 1 ? `-${n}` : `--${n}`));
    return new UsageError(`${f.command ? `${f.command} ` : ''}needs ${names.join(' and ')}`, help);
  }
  m = /^Invalid values:\s+Argument: (\S+), Given: (.+?), Choices: (.+)$/s.exec(f.message);
  if (m) {
    const choices = m[3]!.split(', ').map((c) => c.replace(/^"(.*)"$/, '$1'));
    const given = m[2]!.replace(/^"(.*)"$/, '$1');
    return new UsageError(`--${m[1]}: '${given}' is not one of ${choices.join(', ')}`);
  }
  if (f.message === 'no command given') {
    // `git agent-log -v`: yargs asks for a command before it checks the flags.
    const flag = f.argv.find(
      (a) => a.startsWith('-') && !f.options.includes(a.replace(/^--?(no-)?/, '').split('=')[0]!),
    );
    if (flag) return new UsageError(`unknown option '${flag.split('=')[0]}'`, 'see git agent-log help');
    return new UsageError('no command given', 'see git agent-log help for the commands');
  }
  return new UsageError(f.message.split('\n')[0]!);
}
