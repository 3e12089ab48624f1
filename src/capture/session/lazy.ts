// Read commands (`log`, `show`) and agent sessions (every agent): those that ended or went stale are sealed before
// records are listed (a failure becomes a warning, never stops the read), the others are listed as
// pending records.
import type { Repo } from '../../git/repo.js';
import type { RunRecord } from '../../record/schema.js';
import { repoRedactor } from '../../redact/config.js';
import { mergeRedactions } from '../../redact/redactor.js';
import { redactRecord } from '../../store/seal.js';
import { AGENT_NAMES } from '../registry.js';
import { withEditedFiles } from '../changes.js';
import { runControl } from '../guard/control-files.js';
import { withLimits } from '../guard/limits.js';
import type { SessionCost } from './cost.js';
import type { SessionFacts } from './fold.js';
import { buildSessionRecord } from './record.js';
import { hookRunFacts, sealPendingSessions } from './seal.js';
import { unsealedSessionRuns } from './sessions.js';

export async function sealStaleSessions(
  repo: Repo,
  io: { warn(m: string): void; now(): Date },
): Promise<void> {
  try {
    await sealPendingSessions(repo, { now: io.now() });
  } catch (e) {
    io.warn(`could not seal finished agent sessions: ${(e as Error).message}`);
  }
}

/** Agent runs not sealed yet (in progress, or waiting for a commit), as pending records for listing. */
export function unsealedSessionRecords(repo: Repo): RunRecord[] {
  const out: RunRecord[] = [];
  const runs = AGENT_NAMES.flatMap((agent) => unsealedSessionRuns(repo.location.commonDir, undefined, agent));
  // The journal is redacted as it is written, but a run's facts also take from outside it (an agent's
  // own transcript: Cursor's prompts, Copilot's events): the pending record goes through the same last
  // redaction as a sealed one, so `log`, `show` or `pr` never print a secret that sealing would remove.
  const redactor = runs.length ? repoRedactor(repo.location.worktree) : null;
  for (const run of runs) {
    try {
      // The same facts and cost the run will be sealed with (seal.ts), minus what only a commit gives.
      const fromRun = run.imported
        ? {
            facts: run.imported.facts as SessionFacts,
            cost: (run.imported.cost as SessionCost | null) ?? null,
            version: (run.imported.facts as SessionFacts).version,
          }
        : hookRunFacts(run, run.head?.root ?? repo.location.worktree, (t) => redactor!.redact(t));
      const { facts, cost } = fromRun;
      const record = buildSessionRecord({
        id: run.id,
        agent: run.agent,
        facts,
        git: {
          branch: run.head?.branch ?? null,
          startCommit: run.head?.commit ?? null,
          startTree: run.startTree,
          commits: [],
          endTree: null,
          changes: withEditedFiles(
            { changed: [], dependencies: [], config_changes: [] },
            facts.files_edited,
            facts.edit_status,
          ),
          worktree: null,
        },
        cost,
        version: fromRun.version ?? facts.version,
        source: run.imported ? 'import' : 'prompt',
        redactions: mergeRedactions(run.redactions),
        sealedAt: '',
        ended: run.ended,
      });
      delete record.sealed_at;
      out.push(
        withLimits(redactRecord(record, redactor!), run.lines, runControl(repo.location.commonDir, run.id)),
      );
    } catch {
      // a damaged journal must not hide the other runs
    }
  }
  return out.reverse();
}
