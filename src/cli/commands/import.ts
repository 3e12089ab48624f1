// `import <agent> <transcript…>`: build records from an agent's session files (sessions without hooks).
import type { Argv } from 'yargs';
import { importTranscript } from '../../capture/claude-code/import.js';
import { UsageError } from '../../errors.js';
import type { Context } from '../context.js';

export const command = 'import <agent> <files..>';
export const describe = "Build records from an agent's session transcripts (claude-code)";

export const builder = (y: Argv) =>
  y
    .positional('agent', { type: 'string', describe: 'claude-code' })
    .positional('files', { type: 'string', array: true, describe: 'transcript .jsonl files' })
    .option('json', { type: 'boolean', default: false, describe: 'print the records' });

interface ImportArgs {
  agent: string;
  files: string[];
  json: boolean;
}

export async function handler(argv: ImportArgs, ctx: Context) {
  if (argv.agent !== 'claude-code' && argv.agent !== 'claude')
    throw new UsageError(`cannot import '${argv.agent}' transcripts (known: claude-code)`);
  const repo = await ctx.repo();
  const records = [];
  for (const file of argv.files) {
    const { record, sealed } = await importTranscript(repo, resolvePath(ctx.cwd, file), ctx.now());
    records.push(record);
    const n = record.repo.commits.length;
    ctx.err.write(
      sealed
        ? `imported ${file} as ${record.id} on ${n} commit${n === 1 ? '' : 's'}\n`
        : `imported ${file} as ${record.id}: no commit since the session started, pending\n`,
    );
  }
  if (argv.json) ctx.out.write(`${JSON.stringify(records.length === 1 ? records[0] : records, null, 2)}\n`);
}

function resolvePath(cwd: string, p: string): string {
  return p.startsWith('/') ? p : `${cwd}/${p}`;
}
