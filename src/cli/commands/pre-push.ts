// `pre-push REMOTE URL` (called by the pre-push hook `init --pre-push` installs): refuse to push
// refs/notes/agent-log when a notes commit being sent has findings, naming record and rule.
import { readFileSync } from 'node:fs';
import { ZERO_OID } from '../../git/engine.js';
import { NOTES_REF } from '../../store/notes.js';
import { formatFinding, scanNotesHistory } from '../../store/scan.js';
import type { Context } from '../context.js';
import { repoScanRules } from './scan.js';

export const command = 'pre-push [remote] [url]';
export const describe = false as unknown as string; // internal: the pre-push hook calls it

interface PrePushArgs {
  remote?: string;
  url?: string;
  /** Test seam: the hook's stdin lines. */
  input?: string;
}

function readStdin(): string {
  try {
    return readFileSync(0, 'utf8');
  } catch {
    return '';
  }
}

export async function handler(argv: PrePushArgs, ctx: Context): Promise<number> {
  const lines = (argv.input ?? readStdin()).split('\n').filter((l) => l.trim() !== '');
  const updates = lines
    .map((l) => l.trim().split(/\s+/))
    .filter(([localRef, localSha, remoteRef]) => {
      return (remoteRef === NOTES_REF || localRef === NOTES_REF) && localSha && localSha !== ZERO_OID;
    });
  if (updates.length === 0) return 0;
  const repo = await ctx.repo();
  const rules = repoScanRules(repo, ctx.warn);
  let refused = false;
  for (const [, localSha, , remoteSha] of updates) {
    const known =
      remoteSha && remoteSha !== ZERO_OID ? await repo.engine.resolve(`${remoteSha}^{commit}`) : null;
    const findings = await scanNotesHistory(repo.engine, known, localSha!, rules);
    if (findings.length === 0) continue;
    refused = true;
    ctx.err.write(
      `agent-log: refusing to push ${NOTES_REF} to ${argv.remote ?? 'the remote'}: ` +
        `${findings.length} finding${findings.length === 1 ? '' : 's'}\n`,
    );
    for (const f of findings) ctx.err.write(`  ${formatFinding(f)}\n`);
  }
  if (refused) {
    ctx.err.write(
      'hint: remove the record with `git agent-log purge ID --yes`, or allow the value in .agent-log/config.json\n',
    );
    return 1;
  }
  return 0;
}
