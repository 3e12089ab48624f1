// `pre-push REMOTE URL` (the pre-push hook calls it with git's stdin lines). Two jobs:
// 1. a push of refs/notes/agent-log itself is refused when a notes commit being sent has findings
//    (secret scan), naming record and rule: exit 1 stops that push;
// 2. records travel with plain `git push`: the remote's notes are merged into ours, and the notes of
//    commits that are being pushed or already on the remote are pushed to it (src/store/share.ts).
//    This never fails the user's push: any error is one warning line, and the exit code stays 0.
import { readFileSync } from 'node:fs';
import { ZERO_OID } from '../../git/engine.js';
import { remotes } from '../../git/setup.js';
import { NOTES_REF } from '../../store/notes.js';
import { formatFinding, scanNotesHistory } from '../../store/scan.js';
import { shareNotes } from '../../store/share.js';
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
  const pushed = lines.map((l) => l.trim().split(/\s+/));
  const isNotes = ([localRef, , remoteRef]: string[]) => remoteRef === NOTES_REF || localRef === NOTES_REF;
  const updates = pushed.filter((u) => isNotes(u) && u[1] && u[1] !== ZERO_OID);
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

  // Share the records of what is being pushed. Never fails the push.
  const pushing = pushed.filter((u) => !isNotes(u) && u[1] && u[1] !== ZERO_OID).map((u) => u[1]!);
  if (pushing.length === 0 || !argv.remote || ctx.env.AGENT_LOG_NO_SHARE === '1') return 0;
  try {
    if (!(await remotes(repo.location)).includes(argv.remote)) return 0; // a bare URL: nothing tracks it
    const report = await shareNotes(repo, argv.remote, {
      pushing,
      vet: async (from, to) => (await scanNotesHistory(repo.engine, from, to, rules)).map(formatFinding),
    });
    if (report.push === 'refused')
      ctx.err.write(
        `agent-log: records not shared with ${argv.remote}: the secret scan found something (run git agent-log scan --notes)\n`,
      );
  } catch (e) {
    ctx.err.write(
      `agent-log: records not shared with ${argv.remote}: ${(e as Error).message.split('\n')[0]}\n`,
    );
  }
  return 0;
}
