// Many processes at once: sealing different runs into one notes ref (compare-and-swap with retry)
// and appending to one journal (one O_APPEND write per line). Nothing may be lost or torn.
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { fastImportCommits, gitSync, REF } from '../helpers/notes-fixtures.js';
import { gitEnv, ROOT, type TempRepo, tempRepo } from '../helpers/repo.js';

const dist = (p: string) => pathToFileURL(join(ROOT, 'dist', p)).href;

/** Run a node ES module script (as text) `n` times in parallel; all start at the same instant. */
function runMany(n: number, script: string, args: (i: number) => string[], cwd: string) {
  const startAt = String(Date.now() + 3000);
  return Promise.all(
    Array.from({ length: n }, (_, i) => {
      return new Promise<{ code: number; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script, startAt, ...args(i)], {
          cwd,
          env: gitEnv(),
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code: code ?? -1, stderr }));
      });
    }),
  );
}

const WAIT = `const at = Number(process.argv[1]); while (Date.now() < at) await new Promise((r) => setTimeout(r, 2));`;

let repo: TempRepo | null = null;
afterEach(() => {
  repo?.cleanup();
  repo = null;
});

describe('concurrency', () => {
  it.each(['native', 'isomorphic'])(
    '20 processes sealing different runs at once leave 20 records, none lost (%s engine)',
    async (engine) => {
      repo = await tempRepo();
      const commits = fastImportCommits(repo, 21);
      const shared = commits[20]!;
      const script = `
      import { openRepo } from ${JSON.stringify(dist('git/repo.js'))};
      import { sealRecords } from ${JSON.stringify(dist('store/seal.js'))};
      import { foldManualRun } from ${JSON.stringify(dist('capture/manual/fold.js'))};
      const [, id, own, shared, engine] = process.argv.slice(1);
      const t = '2026-09-21T10:00:00.000Z';
      const events = [
        { v: 1, t, type: 'start', task: 'run ' + id, start_commit: null, worktree: 'main' },
        { v: 1, t, type: 'exec', command: 'npm test', cwd: '.', exit_code: 0, duration_ms: 5, kind: 'test', output_tail: 'ok' },
        { v: 1, t, type: 'finish', status: 'completed' },
      ];
      const record = foldManualRun(id, events, {
        commits: [shared, own], endTree: null, sealedAt: t, branch: 'main',
        changes: { changed: [], dependencies: [], config_changes: [] },
      });
      ${WAIT}
      const repo = await openRepo(process.cwd(), { engine });
      await sealRecords(repo.engine, [{ record, commits: [own, shared] }]);
      await repo.engine.close();
    `;
      const ids = Array.from({ length: 20 }, (_, i) => `conc${String(i).padStart(6, '0')}`);
      const results = await runMany(20, script, (i) => [ids[i]!, commits[i]!, shared, engine], repo.dir);
      expect(results.filter((r) => r.code !== 0).map((r) => r.stderr.slice(0, 600))).toEqual([]);

      const { loadAllRecords } = await import(dist('store/read.js'));
      const { openRepo } = await import(dist('git/repo.js'));
      const open = await openRepo(repo.dir, { engine: 'native' });
      const all = await loadAllRecords(open.engine);
      await open.engine.close();
      expect(all.records.map((r: { record: { id: string } }) => r.record.id).sort()).toEqual(ids);
      // every run's pointer line reached the commit they all share; one notes commit per seal
      const sharedLines = gitSync(repo.dir, ['notes', '--ref=agent-log', 'show', shared])
        .split('\n')
        .filter(Boolean);
      expect(sharedLines).toHaveLength(20);
      expect(gitSync(repo.dir, ['rev-list', '--count', REF]).trim()).toBe('20');
      gitSync(repo.dir, ['fsck', '--no-progress']);
    },
  );

  it('50 processes appending to one journal at once leave 50 intact lines', async () => {
    repo = await tempRepo();
    const path = join(repo.dir, '.git', 'agent-log', 'runs', 'shared.jsonl');
    const script = `
      import { appendEvent } from ${JSON.stringify(dist('journal/journal.js'))};
      const [, path, n] = process.argv.slice(1);
      const payload = n.repeat(4000 + Number(n) * 37); // lines of 4-6 KiB, past PIPE_BUF
      ${WAIT}
      appendEvent(path, { v: 1, t: new Date().toISOString(), type: 'exec', n: Number(n), payload });
    `;
    const results = await runMany(50, script, (i) => [path, String(i)], repo.dir);
    expect(results.filter((r) => r.code !== 0).map((r) => r.stderr.slice(0, 600))).toEqual([]);

    const { readEvents } = await import(dist('journal/journal.js'));
    const { events, bad } = readEvents(path);
    expect(bad).toEqual([]);
    expect(events.map((e: { n: number }) => e.n).sort((a: number, b: number) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => i),
    );
    for (const e of events as { n: number; payload: string }[])
      expect(e.payload).toBe(String(e.n).repeat(4000 + e.n * 37));
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});
