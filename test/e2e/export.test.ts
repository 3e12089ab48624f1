// `export` read by a real engine: two repositories exported as NDJSON and loaded by DuckDB (embedded,
// no server), which answers "cost and skipped checks per agent per week across both". The expected
// answer is computed here from the records the test wrote, never from the exporter.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, describe, expect, test } from 'vitest';
import { cli, gitEnv, type TempRepo, tempRepo } from '../helpers/repo.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'agent-log-export-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

interface Given {
  id: string;
  agent: string;
  started_at: string;
  usd: number | null;
  checks: { name: string; kind: string; status: string }[];
}

/** A record line as another clone would have written it, added with plain `git notes`. */
function addRecord(repo: TempRepo, commit: string, g: Given) {
  const line = {
    schema: 'agent-log/v1',
    kind: 'record',
    id: g.id,
    task: { intent: `task of ${g.id}` },
    agent: { name: g.agent },
    started_at: g.started_at,
    ended_at: g.started_at,
    repo: { commits: [commit] },
    checks: g.checks.map((c) => ({ ...c, attempts: 1 })),
    outcome: { status: 'completed' },
    cost: g.usd === null ? null : { usd: g.usd, input_tokens: 1000, output_tokens: 100 },
  };
  execFileSync('git', ['notes', '--ref=agent-log', 'append', '-m', JSON.stringify(line), commit], {
    cwd: repo.dir,
    env: gitEnv(),
  });
}

async function repoWith(name: string, runs: Given[]): Promise<TempRepo> {
  const repo = await tempRepo({ files: { 'a.txt': 'a\n' } });
  cleanups.push(() => repo.cleanup());
  await repo.git('remote', 'add', 'origin', `git@github.com:acme/${name}.git`);
  for (const [i, g] of runs.entries()) {
    repo.write('a.txt', `${name} ${i}\n`);
    await repo.git('commit', '-q', '-am', `change ${i}`);
    addRecord(repo, (await repo.git('rev-parse', 'HEAD')).trim(), g);
  }
  return repo;
}

const check = (name: string, kind: string, status: string) => ({ name, kind, status });

// Monday 2026-11-02 and Monday 2026-11-09: two ISO weeks.
const PAY: Given[] = [
  {
    id: 'pay0000001',
    agent: 'claude-code',
    started_at: '2026-11-02T09:00:00.000Z',
    usd: 1.25,
    checks: [check('npm test', 'test', 'passed')],
  },
  {
    id: 'pay0000002',
    agent: 'claude-code',
    started_at: '2026-11-04T17:30:00.000Z',
    usd: 0.5,
    checks: [check('npm test', 'test', 'skipped'), check('npm run lint', 'lint', 'not-run')],
  },
  {
    id: 'pay0000003',
    agent: 'codex',
    started_at: '2026-11-10T08:00:00.000Z',
    usd: 2,
    checks: [check('pytest', 'test', 'failed')],
  },
];
const WEB: Given[] = [
  {
    id: 'web0000001',
    agent: 'claude-code',
    started_at: '2026-11-08T23:59:00.000Z',
    usd: 0.75,
    checks: [check('npm test', 'test', 'skipped')],
  },
  { id: 'web0000002', agent: 'gemini', started_at: '2026-11-12T12:00:00.000Z', usd: null, checks: [] },
];

/** Monday 00:00 UTC of the ISO week holding `iso`, as YYYY-MM-DD. */
function weekOf(iso: string): string {
  const d = new Date(iso);
  const day = (d.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day))
    .toISOString()
    .slice(0, 10);
}

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

    const expected = new Map<string, { cost: number; skipped: number; runs: number }>();
    for (const g of [...PAY, ...WEB]) {
      const key = `${g.agent} ${weekOf(g.started_at)}`;
      const e = expected.get(key) ?? { cost: 0, skipped: 0, runs: 0 };
      e.cost += g.usd ?? 0;
      e.skipped += g.checks.filter((c) => c.status === 'skipped' || c.status === 'not-run').length;
      e.runs += 1;
      expected.set(key, e);
    }

    const duck = await DuckDBInstance.create(':memory:');
    const db = await duck.connect();
    const runs = `read_json_auto(['${join(out, 'pay', 'runs.ndjson')}', '${join(out, 'web', 'runs.ndjson')}'])`;
    const rows = (
      await db.runAndReadAll(`
        SELECT agent,
               strftime(date_trunc('week', CAST(started_at AS TIMESTAMPTZ) AT TIME ZONE 'UTC'), '%Y-%m-%d') AS week,
               coalesce(sum(cost_usd), 0)::DOUBLE AS cost,
               sum(checks_skipped)::INTEGER AS skipped,
               count(*)::INTEGER AS runs
        FROM ${runs} GROUP BY ALL ORDER BY agent, week`)
    ).getRowObjects();
    const got = new Map(
      rows.map((r) => [
        `${String(r.agent)} ${String(r.week)}`,
        { cost: Number(r.cost), skipped: Number(r.skipped), runs: Number(r.runs) },
      ]),
    );
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
