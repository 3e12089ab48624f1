// Two repositories with run records written the way another clone writes them (plain
// `git notes append`), for the export tests, and the question they answer with DuckDB: "cost and
// skipped checks per agent per week across both". The expected answer is computed from the runs
// given here, never from the exporter.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { gitEnv, type TempRepo, tempRepo } from './repo.js';

export interface Given {
  id: string;
  agent: string;
  started_at: string;
  usd: number | null;
  checks: { name: string; kind: string; status: string }[];
}

/** A record line as another clone would have written it, added with plain `git notes`. */
export function addRecord(repo: TempRepo, commit: string, g: Given, extra: Record<string, unknown> = {}) {
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
    ...extra,
  };
  execFileSync('git', ['notes', '--ref=agent-log', 'append', '-m', JSON.stringify(line), commit], {
    cwd: repo.dir,
    env: gitEnv(),
  });
}

export async function repoWith(name: string, runs: Given[], cleanups: (() => void)[]): Promise<TempRepo> {
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

/**
 * A test file's scratch space: repositories with runs and temporary directories, all removed after
 * each test.
 */
export function exportScratch(prefix: string) {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });
  return {
    /** Run after the test, with the rest. */
    defer: (fn: () => void) => void cleanups.push(fn),
    repoWith: (name: string, runs: Given[]) => repoWith(name, runs, cleanups),
    tempDir(): string {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      return dir;
    },
  };
}

const check = (name: string, kind: string, status: string) => ({ name, kind, status });

// Monday 2026-11-02 and Monday 2026-11-09: two ISO weeks.
export const PAY: Given[] = [
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
export const WEB: Given[] = [
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
export function weekOf(iso: string): string {
  const d = new Date(iso);
  const day = (d.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day))
    .toISOString()
    .slice(0, 10);
}

export interface AgentWeek {
  cost: number;
  skipped: number;
  runs: number;
}

/** The answer, from the runs as given: `agent week` → cost, skipped (and not-run) checks, runs. */
export function expectedPerAgentWeek(runs: Given[]): Map<string, AgentWeek> {
  const expected = new Map<string, AgentWeek>();
  for (const g of runs) {
    const key = `${g.agent} ${weekOf(g.started_at)}`;
    const e = expected.get(key) ?? { cost: 0, skipped: 0, runs: 0 };
    e.cost += g.usd ?? 0;
    e.skipped += g.checks.filter((c) => c.status === 'skipped' || c.status === 'not-run').length;
    e.runs += 1;
    expected.set(key, e);
  }
  return expected;
}

/** The same question asked of DuckDB, over any table function that yields the runs table. */
export async function perAgentWeek(db: DuckDBConnection, runs: string): Promise<Map<string, AgentWeek>> {
  const rows = (
    await db.runAndReadAll(`
      SELECT agent,
             strftime(date_trunc('week', CAST(started_at AS TIMESTAMPTZ) AT TIME ZONE 'UTC'), '%Y-%m-%d') AS week,
             coalesce(sum(cost_usd), 0)::DOUBLE AS cost,
             sum(checks_skipped)::INTEGER AS skipped,
             count(*)::INTEGER AS runs
      FROM ${runs} GROUP BY ALL ORDER BY agent, week`)
  ).getRowObjects();
  return new Map(
    rows.map((r) => [
      `${String(r.agent)} ${String(r.week)}`,
      { cost: Number(r.cost), skipped: Number(r.skipped), runs: Number(r.runs) },
    ]),
  );
}
