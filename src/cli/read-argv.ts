// The common read invocations (`show`, `log`, `query`, `blame`) parsed by hand, so they start without building
// yargs' command tree (15–45 ms of every run). Only argument lists this parser fully understands are
// taken; anything else (help, an unknown or repeated option, a value that starts with a dash, `--`,
// `--engine`, free text) returns null and goes through yargs as before, so output, errors and exit
// codes stay yargs' own. AGENT_LOG_SLOW_PATH=1 turns it off (tests compare both paths).
import { COLOR_CHOICES } from './color.js';

export interface ReadInvocation {
  command: 'show' | 'log' | 'query' | 'blame';
  /** The argument object the command's handler gets from yargs (the fields it reads). */
  args: Record<string, unknown>;
}

type Kind = 'boolean' | 'string' | 'list';

interface Spec {
  options: Record<string, Kind>;
  /** `--name` → the key the handler reads (yargs' camel-case copy). */
  aliases?: Record<string, string>;
  choices?: Record<string, readonly string[]>;
  defaults: Record<string, unknown>;
  positional?: string;
  /** The positional must be given (yargs' `<name>`); without it yargs reports the usage error. */
  required?: boolean;
}

const PAGER: Record<string, Kind> = { pager: 'boolean' };
const COLOR: Record<string, Kind> = { color: 'string' };

const FILTERS: Record<string, Kind> = {
  file: 'list',
  read: 'list',
  'check-status': 'list',
  status: 'list',
  agent: 'list',
  model: 'list',
  since: 'string',
  until: 'string',
  'approved-by': 'list',
  unapproved: 'boolean',
  risk: 'list',
  'boundary-breach': 'boolean',
  dependency: 'list',
  branch: 'list',
  commit: 'string',
  stopped: 'boolean',
  'over-budget': 'boolean',
};

const SPECS: Record<ReadInvocation['command'], Spec> = {
  show: {
    options: { json: 'boolean', format: 'string', ...PAGER, ...COLOR },
    choices: { format: ['md', 'json', 'html'], color: COLOR_CHOICES },
    defaults: { json: false, pager: true },
    positional: 'ref',
  },
  log: {
    options: { json: 'boolean', format: 'string', n: 'string', ...PAGER, ...COLOR },
    aliases: { 'max-count': 'n' },
    choices: { color: COLOR_CHOICES },
    defaults: { json: false, pager: true },
  },
  query: {
    options: { ...FILTERS, json: 'boolean', format: 'string', n: 'string', ...PAGER, ...COLOR },
    aliases: { 'max-count': 'n' },
    choices: { color: COLOR_CHOICES },
    defaults: { json: false, pager: true },
  },
  blame: {
    options: { rev: 'string', json: 'boolean', ...PAGER },
    defaults: { json: false, pager: true },
    positional: 'target',
    required: true,
  },
};

const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** A read command this parser understands completely, or null (yargs decides). */
export function parseReadInvocation(words: readonly string[]): ReadInvocation | null {
  const argv = colorWords(words);
  const command = argv[0];
  if (command !== 'show' && command !== 'log' && command !== 'query' && command !== 'blame') return null;
  const spec = SPECS[command];
  const args: Record<string, unknown> = { ...spec.defaults };
  const seen = new Set<string>();
  let positional: string | undefined;
  for (let i = 1; i < argv.length; i++) {
    const word = argv[i]!;
    if (!word.startsWith('-')) {
      // One positional at most (yargs keeps a string-typed positional as given, digits included).
      if (!spec.positional || positional !== undefined || word === '') return null;
      positional = word;
      continue;
    }
    const m = /^(?:--([a-z][a-z-]*[a-z])(?:=(.*))?|-(n))$/s.exec(word);
    if (!m) return null;
    let name = m[1] ?? m[3]!;
    let inline = m[2];
    if (name.startsWith('no-') && inline === undefined && spec.options[name.slice(3)] === 'boolean') {
      name = name.slice(3);
      if (seen.has(name)) return null;
      seen.add(name);
      args[name] = false;
      continue;
    }
    const key = spec.aliases?.[name] ?? name;
    const kind = spec.options[key];
    if (kind === undefined) return null;
    if (kind === 'boolean') {
      // `--json=…` and `--json true` mean something to yargs; leave them to it.
      if (inline !== undefined || seen.has(key)) return null;
      const next = argv[i + 1];
      if (next === 'true' || next === 'false') return null;
      seen.add(key);
      args[camel(key)] = true;
      continue;
    }
    if (inline === undefined) {
      inline = argv[i + 1];
      if (inline === undefined) return null;
      i++;
    }
    if (!plainValue(inline)) return null;
    if (spec.choices?.[key] && !spec.choices[key].includes(inline)) return null;
    if (kind === 'string') {
      if (seen.has(key)) return null;
      seen.add(key);
      args[camel(key)] = inline;
      continue;
    }
    // A list option takes every following word up to the next option in yargs: only one here.
    const after = argv[i + 1];
    if (after !== undefined && !after.startsWith('-')) return null;
    const prev = args[camel(key)] as string[] | undefined;
    args[camel(key)] = [...(prev ?? []), inline];
  }
  if (positional !== undefined) args[spec.positional!] = positional;
  else if (spec.required) return null;
  return { command, args };
}

/**
 * git's spelling of the colour option, in the form yargs reads: `--color` alone is
 * `--color=always` and `--no-color` is `--color=never` (for the commands that colour; words after
 * `--` are data).
 */
export function colorWords(argv: readonly string[]): readonly string[] {
  if (argv[0] !== 'show' && argv[0] !== 'log' && argv[0] !== 'query') return argv;
  const end = argv.indexOf('--');
  return argv.map((word, i) => {
    if (end !== -1 && i > end) return word;
    if (word === '--color') return '--color=always';
    return word === '--no-color' ? '--color=never' : word;
  });
}

/** An option value yargs passes through unchanged. */
function plainValue(value: string): boolean {
  return value !== '' && !value.startsWith('-');
}

/**
 * `show [HEAD|<full commit id>] --json` (`--format json` too): what the small `show` bundle
 * (show-main.ts) may answer; boot.ts loads that bundle for nothing else. Without a revision `show`
 * names the current run, else HEAD: the small bundle answers only where no run journal exists
 * (so there is no current run) and hands over otherwise.
 */
export function smallShowInvocation(inv: ReadInvocation): boolean {
  if (inv.command !== 'show') return false;
  const { ref, json, format } = inv.args;
  const asJson = json === true ? format === undefined || format === 'json' : format === 'json';
  return (
    asJson && (ref === undefined || ref === 'HEAD' || (typeof ref === 'string' && /^[0-9a-f]{40}$/.test(ref)))
  );
}

/**
 * `blame TARGET` as text: what the small `blame` bundle (blame-main.ts) may answer; boot.ts loads
 * that bundle for nothing else (`--json` prints whole records: the full path).
 */
export function smallBlameInvocation(inv: ReadInvocation): boolean {
  return inv.command === 'blame' && inv.args.json !== true && typeof inv.args.target === 'string';
}
