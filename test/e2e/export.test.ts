// `export` read by a real engine: two repositories exported as NDJSON and loaded by DuckDB (embedded,
// no server), which answers "cost and skipped checks per agent per week across both". The expected
// answer is computed here from the records the test wrote, never from the exporter.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, test } from 'vitest';
import {
  addRecord,
  expectedPerAgentWeek,
  PAY,
  perAgentWeek,
  exportScratch,
  WEB,
} from '../helpers/export-repos.js';
import { cli, gitEnv } from '../helpers/repo.js';

const { repoWith, tempDir } = exportScratch('agent-log-export-');

describe('export to NDJSON, read by DuckDB', () => {
  test('cost and skipped checks per agent per week across two repositories', async () => {
    const pay = await repoWith('pay', PAY);
    const web = await repoWith('web', WEB);
    const out = tempDir();
    for (const [repo, dir] of [
      [pay, join(out, 'pay')],
      [web, join(out, 'web')],
    ] as const) {
      const r = await cli(repo, ['export', '--output', dir]);
      expect(r.code, r.stderr).toBe(0);
    }

    const expected = expectedPerAgentWeek([...PAY, ...WEB]);
    const duck = await DuckDBInstance.create(':memory:');
    const db = await duck.connect();
    const runs = `read_json_auto(['${join(out, 'pay', 'runs.ndjson')}', '${join(out, 'web', 'runs.ndjson')}'])`;
    const got = await perAgentWeek(db, runs);
    expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [k, e] of expected) {
      expect(got.get(k)!.cost, k).toBeCloseTo(e.cost, 9);
      expect(got.get(k)!.skipped, k).toBe(e.skipped);
      expect(got.get(k)!.runs, k).toBe(e.runs);
    }

    // the child table agrees with the runs table, and names each repository from its origin
    const checks = `read_json_auto(['${join(out, 'pay', 'checks.ndjson')}', '${join(out, 'web', 'checks.ndjson')}'])`;
    const perRepo = (
      await db.runAndReadAll(
        `SELECT repository, count(*)::INTEGER AS n FROM ${checks} WHERE status IN ('skipped', 'not-run') GROUP BY ALL ORDER BY ALL`,
      )
    ).getRowObjects();
    expect(perRepo.map((r) => [r.repository, r.n])).toEqual([
      ['acme/pay', 2],
      ['acme/web', 1],
    ]);
    db.closeSync();
  }, 120_000);

  test('--state makes a nightly export incremental: only runs whose notes changed are written', async () => {
    const pay = await repoWith('pay', PAY.slice(0, 2));
    const state = join(tempDir(), 'state');
    const first = await cli(pay, ['export', '--state', state]);
    expect(first.code, first.stderr).toBe(0);
    expect(
      first.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { run_id: string }).run_id),
    ).toEqual(['pay0000001', 'pay0000002']);
    const tip = execFileSync('git', ['rev-parse', 'refs/notes/agent-log'], { cwd: pay.dir, env: gitEnv() })
      .toString()
      .trim();
    expect(readFileSync(state, 'utf8').trim()).toBe(tip);

    pay.write('a.txt', 'later\n');
    await pay.git('commit', '-q', '-am', 'later');
    addRecord(pay, (await pay.git('rev-parse', 'HEAD')).trim(), PAY[2]!);
    const second = await cli(pay, ['export', '--state', state]);
    expect(
      second.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { run_id: string }).run_id),
    ).toEqual(['pay0000003']);
    const third = await cli(pay, ['export', '--state', state]);
    expect(third).toMatchObject({ code: 0, stdout: '' });
  }, 120_000);

  test('bad input: a state file without a commit id is exit 2 with one line', async () => {
    const pay = await repoWith('pay', PAY.slice(0, 1));
    const state = join(tempDir(), 'state');
    writeFileSync(state, 'not a commit\n');
    const r = await cli(pay, ['export', '--state', state]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  }, 60_000);
});
