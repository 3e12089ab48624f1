// Repository redaction settings from `.agent-log/config.json`:
//   { "redact": { "patterns": [{ "id": "acme-key", "regex": "acme_[a-z0-9]{32}" }],
//                 "allowlist": ["/^AKIAIOSFODNN7EXAMPLE$/", "ghp_example_value"] } }
// Plain fs and hand-written checks (no zod: the hook path loads this). Bad input never throws:
// the faulty part is ignored and a warning string says why (`doctor` and `scan` print them).
// The patterns are user text run on every hook event: they run in linear time (./linear-regex.ts),
// so a committed `(a+)+$` cannot stall the agent or a seal; one that needs backtracking is refused.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { linearRegex, type LinearRegex } from './linear-regex.js';
import { type AllowlistEntry, Redactor } from './redactor.js';
import { DEFAULT_RULES, type RedactionRule } from './rules.js';

export const CONFIG_PATH = join('.agent-log', 'config.json');

export interface RedactionConfig {
  /** The default rules followed by the repository's own patterns. */
  rules: RedactionRule[];
  allowlist: AllowlistEntry[];
  /** One line per ignored setting (bad JSON, bad regex, bad id…); empty when all is well. */
  warnings: string[];
}

const ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** Custom patterns run on every hook event: keep them short. */
const MAX_REGEX_LENGTH = 1000;
const MAX_PATTERNS = 200;

export function loadRedactionConfig(worktreeRoot: string): RedactionConfig {
  const out: RedactionConfig = { rules: [...DEFAULT_RULES], allowlist: [], warnings: [] };
  const file = join(worktreeRoot, CONFIG_PATH);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') out.warnings.push(`${CONFIG_PATH}: cannot read (${code})`);
    return out;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    out.warnings.push(`${CONFIG_PATH}: not valid JSON, ignored (${(e as Error).message})`);
    return out;
  }
  const redact = isObject(json) ? json.redact : undefined;
  if (redact === undefined) return out;
  if (!isObject(redact)) {
    out.warnings.push(`${CONFIG_PATH}: "redact" must be an object, ignored`);
    return out;
  }
  out.rules.push(...parsePatterns(redact.patterns, out.warnings));
  out.allowlist = parseAllowlist(redact.allowlist, out.warnings);
  return out;
}

const cache = new Map<string, RedactionConfig>();

/**
 * A fresh redactor with the repository's rules (loaded once per process; counts start at zero).
 * With no working tree (bare repository), the default rules.
 */
export function repoRedactor(worktreeRoot: string | null | undefined): Redactor {
  if (!worktreeRoot) return new Redactor();
  let config = cache.get(worktreeRoot);
  if (!config) {
    config = loadRedactionConfig(worktreeRoot);
    cache.set(worktreeRoot, config);
  }
  return new Redactor(config.rules, { allowlist: config.allowlist });
}

/** The redactor a repository asks for: default rules, its own patterns and allowlist. */
export function redactorForRepo(worktreeRoot: string): { redactor: Redactor; warnings: string[] } {
  const config = loadRedactionConfig(worktreeRoot);
  return { redactor: new Redactor(config.rules, { allowlist: config.allowlist }), warnings: config.warnings };
}

function parsePatterns(value: unknown, warnings: string[]): RedactionRule[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    warnings.push(`${CONFIG_PATH}: redact.patterns must be an array, ignored`);
    return [];
  }
  const rules: RedactionRule[] = [];
  value.slice(0, MAX_PATTERNS).forEach((p, i) => {
    const where = `${CONFIG_PATH}: redact.patterns[${i}]`;
    if (!isObject(p) || typeof p.id !== 'string' || typeof p.regex !== 'string') {
      warnings.push(`${where} needs string "id" and "regex", ignored`);
      return;
    }
    const id = p.id.toLowerCase();
    if (!ID.test(id)) {
      warnings.push(`${where}: id "${p.id.slice(0, 64)}" must be lowercase letters, digits, . _ -; ignored`);
      return;
    }
    if (p.regex.length > MAX_REGEX_LENGTH) {
      warnings.push(`${where} (${id}): regex longer than ${MAX_REGEX_LENGTH} characters, ignored`);
      return;
    }
    const flags = typeof p.flags === 'string' ? p.flags.replace(/[^imsu]/g, '') : '';
    let pattern: LinearRegex;
    try {
      pattern = linearRegex(p.regex, flags);
    } catch (e) {
      warnings.push(`${where} (${id}): regex cannot be used, ignored (${(e as Error).message})`);
      return;
    }
    if (pattern.test('')) {
      warnings.push(`${where} (${id}): regex matches the empty string, ignored`);
      return;
    }
    const group =
      typeof p.group === 'number' && Number.isInteger(p.group) && p.group > 0 ? p.group : undefined;
    const groups = group ? [group] : null;
    rules.push({ id, scan: (text) => pattern.spans(text, groups) });
  });
  if (value.length > MAX_PATTERNS)
    warnings.push(`${CONFIG_PATH}: only the first ${MAX_PATTERNS} patterns are used`);
  return rules;
}

/** `"/re/flags"` is a regular expression (must match the whole value); any other string is an exact value. */
function parseAllowlist(value: unknown, warnings: string[]): AllowlistEntry[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    warnings.push(`${CONFIG_PATH}: redact.allowlist must be an array, ignored`);
    return [];
  }
  const out: AllowlistEntry[] = [];
  value.forEach((entry, i) => {
    const where = `${CONFIG_PATH}: redact.allowlist[${i}]`;
    const source = isObject(entry) && typeof entry.regex === 'string' ? `/${entry.regex}/` : entry;
    if (typeof source !== 'string' || source === '') {
      warnings.push(`${where} must be a non-empty string, ignored`);
      return;
    }
    const re = /^\/(.+)\/([imsu]*)$/s.exec(source);
    if (!re) {
      out.push(source);
      return;
    }
    try {
      out.push(linearRegex(re[1]!, re[2]));
    } catch (e) {
      warnings.push(`${where}: regex cannot be used, ignored (${(e as Error).message})`);
    }
  });
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
