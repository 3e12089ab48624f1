// `scan [REV-RANGE|--notes]`: re-check sealed notes with the current redaction rules (the built-in
// ones plus .agent-log/config.json). Exit 1 with one line per finding; the secret is never printed.
import type { Argv } from 'yargs';
import { UsageError } from '../../errors.js';
import { loadRedactionConfig } from '../../redact/config.js';
import { DEFAULT_RULES } from '../../redact/rules.js';
import { isRange, resolveRange } from '../range.js';
import { formatFinding, scanNotes, type ScanRules } from '../../store/scan.js';
import type { Context } from '../context.js';
import type { Repo } from '../../git/repo.js';
import { displayText, jsonText } from '../../record/display.js';

export const command = 'scan [range]';
export const describe = 'Re-check notes for secrets with the current rules (exit 1 on findings)';

export const builder = (y: Argv) =>
  y
    .positional('range', { type: 'string', describe: 'only notes on these commits (A..B or REV)' })
    .option('notes', { type: 'boolean', default: false, describe: 'every note on the notes ref (default)' })
    .option('json', { type: 'boolean', default: false });

interface ScanArgs {
  range?: string;
  notes: boolean;
  json: boolean;
}

export function repoScanRules(repo: Repo, warn: (m: string) => void): ScanRules {
  if (!repo.location.worktree) return { rules: DEFAULT_RULES };
  const config = loadRedactionConfig(repo.location.worktree);
  for (const w of config.warnings) warn(w);
  return { rules: config.rules, options: { allowlist: config.allowlist } };
}

async function commitsOf(repo: Repo, range: string): Promise<Set<string>> {
  if (isRange(range)) {
    const { from, to } = await resolveRange(repo.engine, range);
    return new Set(await repo.engine.commitsBetween(from, to));
  }
  const to = await repo.engine.resolve(range);
  if (!to) throw new UsageError(`unknown revision '${range}'`);
  return new Set(await repo.engine.commitsBetween(null, to));
}

export async function handler(argv: ScanArgs, ctx: Context): Promise<number> {
  if (argv.notes && argv.range) throw new UsageError('give a revision range or --notes, not both');
  const repo = await ctx.repo();
  const rules = repoScanRules(repo, ctx.warn);
  const targets = argv.range ? await commitsOf(repo, argv.range) : undefined;
  const findings = await scanNotes(repo.engine, { ...rules, ...(targets ? { targets } : {}) });
  if (argv.json) ctx.out.write(`${jsonText(findings)}\n`);
  else for (const f of findings) ctx.out.write(`${displayText(formatFinding(f))}\n`);
  if (findings.length === 0) {
    if (!argv.json) ctx.err.write('agent-log: no findings\n');
    return 0;
  }
  const records = new Set(findings.map((f) => f.id));
  ctx.err.write(
    `agent-log: ${findings.length} finding${findings.length === 1 ? '' : 's'} in ${records.size} record${records.size === 1 ? '' : 's'}` +
      ' (remove with: git agent-log purge ID)\n',
  );
  return 1;
}
