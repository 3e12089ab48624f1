// `import <agent> <session file…>`: build records from an agent's session files (sessions without hooks):
// Claude Code transcripts, Codex rollouts (rollout-….jsonl), Gemini sessions (session-….json/.jsonl),
// Cursor agent transcripts (agent-transcripts/<id>/<id>.jsonl), Copilot CLI session state (events.jsonl).
import type { Argv } from 'yargs';
import { AGENT_NAMES, agentNamed } from '../../capture/registry.js';
import { importSessionFile } from '../../capture/session/import.js';
import { refreshMarks } from '../../capture/commit-runs.js';
import { UsageError } from '../../errors.js';
import type { Context } from '../context.js';
import { jsonText } from '../../record/display.js';

export const command = 'import <agent> <files..>';
export const describe =
  "Build records from an agent's session files (claude-code, codex, gemini, cursor, copilot, aider, opencode)";

export const builder = (y: Argv) =>
  y
    .positional('agent', {
      type: 'string',
      describe: 'claude-code | codex | gemini | cursor | copilot | aider | opencode',
    })
    .positional('files', {
      type: 'string',
      array: true,
      describe:
        'transcript .jsonl (claude-code), rollout .jsonl (codex), session .json/.jsonl (gemini), agent-transcripts/<id>/<id>.jsonl (cursor), session-state/<id>/events.jsonl (copilot), .aider.chat.history.md (aider), opencode export .json or run --format json .jsonl (opencode)',
    })
    .option('json', { type: 'boolean', default: false, describe: 'print the records' })
    .option('all', {
      type: 'boolean',
      default: false,
      describe: 'aider: import every session of the chat history (default: the last one that did work)',
    })
    .option('commit', {
      type: 'string',
      describe: 'attach the run to this commit (default: commits that change files it edited)',
    });

interface ImportArgs {
  agent: string;
  files: string[];
  json: boolean;
  commit?: string;
  all: boolean;
}

export async function handler(argv: ImportArgs, ctx: Context) {
  const agent = agentNamed(argv.agent);
  if (!agent)
    throw new UsageError(`cannot import '${argv.agent}' sessions (known: ${AGENT_NAMES.join(', ')})`);
  const repo = await ctx.repo();
  let commit: string | null = null;
  if (argv.commit !== undefined) {
    commit = await repo.engine.resolve(argv.commit);
    const isCommit = commit
      ? await repo.engine.readCommit(commit).then(
          () => true,
          () => false,
        )
      : false;
    if (!isCommit) throw new UsageError(`--commit ${argv.commit}: no such commit`);
  }
  const records = [];
  for (const file of argv.files) {
    const path = resolvePath(ctx.cwd, file);
    const outcomes = await importSessionFile(repo, path, ctx.now(), agent, { commit, all: argv.all });
    for (const { record, sealed } of outcomes) {
      records.push(record);
      const n = record.repo.commits.length;
      ctx.err.write(
        sealed
          ? `imported ${file} as ${record.id} on ${n} commit${n === 1 ? '' : 's'}\n`
          : `imported ${file} as ${record.id}: no commit since the session started, pending\n`,
      );
    }
  }
  refreshMarks(repo.location, ctx.now()); // a pending import is attached by the next commit
  if (argv.json) ctx.out.write(`${jsonText(records.length === 1 ? records[0] : records)}\n`);
}

function resolvePath(cwd: string, p: string): string {
  return p.startsWith('/') ? p : `${cwd}/${p}`;
}
