// Realistic, schema-valid run records for store tests, built by the same fold the CLI uses.
import { foldManualRun } from '../../src/capture/manual/fold.js';
import type { JournalEvent } from '../../src/journal/journal.js';
import { newRecordId } from '../../src/record/id.js';
import type { RunRecord } from '../../src/record/schema.js';

export function sampleRecord(
  commitsOldestFirst: string[],
  opts: { id?: string; task?: string; events?: number; sealedAt?: string } = {},
): RunRecord {
  const t = '2026-09-21T10:00:00.000Z';
  const events: JournalEvent[] = [
    {
      v: 1,
      t,
      type: 'start',
      task: opts.task ?? 'fix the flaky parser test',
      start_commit: null,
      worktree: 'main',
    },
  ];
  for (let i = 0; i < (opts.events ?? 3); i++) {
    if (i % 10 === 9)
      events.push({ v: 1, t, type: 'approve', by: 'Ann', scope: `step ${i}`, decision: 'approved' });
    else if (i % 10 === 8) events.push({ v: 1, t, type: 'note', text: `observation ${i}` });
    else
      events.push({
        v: 1,
        t,
        type: 'exec',
        command: 'npm test',
        cwd: '.',
        started_at: t,
        duration_ms: 1200 + i,
        exit_code: i % 3 === 0 ? 1 : 0,
        interrupted: false,
        kind: 'test',
        output_tail: `✓ parser ${i}\n  12 passed, ${i % 3 === 0 ? 1 : 0} failed\n`,
      });
  }
  events.push({ v: 1, t: '2026-09-21T10:30:00.000Z', type: 'finish', status: 'completed' });
  return foldManualRun(opts.id ?? newRecordId(), events, {
    commits: commitsOldestFirst,
    endTree: null,
    changes: { changed: [], dependencies: [], config_changes: [] },
    sealedAt: opts.sealedAt ?? '2026-09-21T10:30:01.000Z',
    branch: 'main',
  });
}
