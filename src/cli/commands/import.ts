// `import <agent> <session file…>`: build records from an agent's session files (sessions without hooks):
// Claude Code transcripts, Codex rollouts (rollout-….jsonl), Gemini sessions (session-….json/.jsonl).
import type { Argv } from 'yargs';
import { AGENT_NAMES, agentNamed } from '../../capture/agents.js';
import { importTranscript } from '../../capture/claude-code/import.js';
import { refreshMarks } from '../../capture/commit-runs.js';
import { UsageError } from '../../errors.js';
import type { Context } from '../context.js';

export const command = 'import <agent> <files..>';
export const describe = "Build records from an agent's session files (claude-code, codex, gemini)";

export const builder = (y: Argv) =>
  y
    .positional('agent', { type: 'string', describe: 'claude-code | codex | gemini' })
    .positional('files', {
      type: 'string',
      array: true,
      describe: 'transcript .jsonl (claude-code), rollout .jsonl (codex), session .json/.jsonl (gemini)',
    })
    .option('json', { type: 'boolean', default: false, describe: 'print the records' });

interface ImportArgs {
  agent: string;
  files: string[];
  json: boolean;
}

export async function handler(argv: ImportArgs, ctx: Context) {
  const agent = agentNamed(argv.agent);
  if (!agent)
    throw new UsageError(`cannot import '${argv.agent}' sessions (known: ${AGENT_NAMES.join(', ')})`);
  const repo = await ctx.repo();
  const records = [];
  for (const file of argv.files) {
    const { record, sealed } = await importTranscript(repo, resolvePath(ctx.cwd, file), ctx.now(), agent);
    records.push(record);
    const n = record.repo.commits.length;
    ctx.err.write(
      sealed
        ? `imported ${file} as ${record.id} on ${n} commit${n === 1 ? '' : 's'}\n`
        : `imported ${file} as ${record.id}: no commit since the session started, pending\n`,
    );
  }
  refreshMarks(repo.location, ctx.now()); // a pending import is attached by the next commit
  if (argv.json) ctx.out.write(`${JSON.stringify(records.length === 1 ? records[0] : records, null, 2)}\n`);
}

function resolvePath(cwd: string, p: string): string {
  return p.startsWith('/') ? p : `${cwd}/${p}`;
}
