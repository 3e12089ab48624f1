// `export --format parquet` read by a real engine: DuckDB (embedded) reads the part files of two
// repositories and answers the same question as the NDJSON test with the same result; the columns
// carry their types (timestamps, integers, doubles, booleans, nulls). Expected values come from the
// runs the test wrote, never from the exporter.
import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
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
import { BIN, cli, gitEnv } from '../helpers/repo.js';

const { defer, repoWith, tempDir } = exportScratch('agent-log-parquet-');

async function duck() {
  const db = await (await DuckDBInstance.create(':memory:')).connect();
  defer(() => db.closeSync());
  return db;
}

const COMMANDS = [
  {
    command: 'npm test -- signup',
    cwd: '.',
    started_at: '2026-11-02T09:01:02.345Z',
    duration_ms: 4100,
    exit_code: 1,
    interrupted: false,
    kind: 'test',
  },
  {
    command: 'npm run build',
    cwd: '.',
    started_at: '2026-11-02T09:03:00.000Z',
    duration_ms: 61_000,
    exit_code: null,
    interrupted: true,
    kind: 'build',
  },
];

describe('export to Parquet, read by DuckDB', () => {
  test('cost and skipped checks per agent per week across two repositories, same answer as NDJSON', async () => {
    const pay = await repoWith('pay', PAY);
    const web = await repoWith('web', WEB);
    const out = tempDir();
    for (const [repo, name] of [
      [pay, 'pay'],
      [web, 'web'],
    ] as const) {
      const p = await cli(repo, ['export', '--format', 'parquet', '--output', join(out, name)]);
      expect(p.code, p.stderr).toBe(0);
      const n = await cli(repo, ['export', '--output', join(out, `${name}-ndjson`)]);
      expect(n.code, n.stderr).toBe(0);
    }
    const db = await duck();
    const fromParquet = await perAgentWeek(
      db,
      `read_parquet(['${out}/pay/runs/*.parquet', '${out}/web/runs/*.parquet'])`,
    );
    const expected = expectedPerAgentWeek([...PAY, ...WEB]);
    expect([...fromParquet.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [k, e] of expected) {
      expect(fromParquet.get(k)!.cost, k).toBeCloseTo(e.cost, 9);
      expect(fromParquet.get(k)!.skipped, k).toBe(e.skipped);
      expect(fromParquet.get(k)!.runs, k).toBe(e.runs);
    }
    const fromNdjson = await perAgentWeek(
      db,
      `read_json_auto(['${out}/pay-ndjson/runs.ndjson', '${out}/web-ndjson/runs.ndjson'])`,
    );
    expect(fromParquet).toEqual(fromNdjson);
  }, 120_000);

  test('columns are typed: UTC timestamps, 64-bit integers, doubles, booleans, and nulls', async () => {
    const repo = await repoWith('pay', []);
    repo.write('a.txt', 'typed\n');
    await repo.git('commit', '-q', '-am', 'typed');
    const head = (await repo.git('rev-parse', 'HEAD')).trim();
    addRecord(repo, head, PAY[1]!, { commands: COMMANDS });
    addRecord(repo, head, WEB[1]!); // no cost: cost_usd is null
    const out = tempDir();
    const r = await cli(repo, ['export', '--format', 'parquet', '--output', out]);
    expect(r.code, r.stderr).toBe(0);

    const db = await duck();
    const types = async (table: string) =>
      Object.fromEntries(
        (await db.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${out}/${table}/*.parquet')`))
          .getRowObjects()
          .map((c) => [String(c.column_name), String(c.column_type)]),
      );
    expect(await types('runs')).toMatchObject({
      run_id: 'VARCHAR',
      started_at: 'TIMESTAMP WITH TIME ZONE',
      cost_usd: 'DOUBLE',
      checks_skipped: 'BIGINT',
      input_tokens: 'BIGINT',
      duration_s: 'DOUBLE',
    });
    expect(await types('commands')).toMatchObject({
      started_at: 'TIMESTAMP WITH TIME ZONE',
      exit_code: 'BIGINT',
      duration_ms: 'BIGINT',
      interrupted: 'BOOLEAN',
    });
    expect(await types('checks')).toMatchObject({ after_last_edit: 'BOOLEAN', attempts: 'BIGINT' });

    const runs = (
      await db.runAndReadAll(
        `SELECT run_id, epoch_ms(started_at) AS ms, cost_usd, input_tokens FROM read_parquet('${out}/runs/*.parquet') ORDER BY run_id`,
      )
    ).getRowObjects();
    expect(runs.map((x) => [x.run_id, Number(x.ms), x.cost_usd, x.input_tokens])).toEqual([
      [PAY[1]!.id, Date.parse(PAY[1]!.started_at), PAY[1]!.usd, 1000n],
      [WEB[1]!.id, Date.parse(WEB[1]!.started_at), null, null],
    ]);
    const commands = (
      await db.runAndReadAll(
        `SELECT seq, command, epoch_ms(started_at) AS ms, duration_ms, exit_code, interrupted FROM read_parquet('${out}/commands/*.parquet') ORDER BY seq`,
      )
    ).getRowObjects();
    expect(
      commands.map((c) => [c.seq, c.command, Number(c.ms), c.duration_ms, c.exit_code, c.interrupted]),
    ).toEqual(
      COMMANDS.map((c, i) => [
        BigInt(i),
        c.command,
        Date.parse(c.started_at),
        BigInt(c.duration_ms),
        c.exit_code === null ? null : BigInt(c.exit_code),
        c.interrupted,
      ]),
    );
  }, 120_000);

  test('--append --state adds one part per nightly export, and a full export replaces them', async () => {
    const pay = await repoWith('pay', PAY.slice(0, 2));
    const out = tempDir();
    const state = join(tempDir(), 'pay.state');
    const nightly = () =>
      cli(pay, ['export', '--format', 'parquet', '--output', out, '--append', '--state', state]);
    const parts = () => readdirSync(join(out, 'runs')).sort();
    const db = await duck();
    const runIds = async () =>
      (await db.runAndReadAll(`SELECT run_id FROM read_parquet('${out}/runs/*.parquet') ORDER BY run_id`))
        .getRowObjects()
        .map((r) => r.run_id);

    expect((await nightly()).code).toBe(0);
    expect(parts()).toHaveLength(1);
    expect(await runIds()).toEqual(['pay0000001', 'pay0000002']);

    pay.write('a.txt', 'later\n');
    await pay.git('commit', '-q', '-am', 'later');
    addRecord(pay, (await pay.git('rev-parse', 'HEAD')).trim(), PAY[2]!);
    expect((await nightly()).code).toBe(0);
    expect(parts()).toHaveLength(2);
    expect(await runIds()).toEqual(['pay0000001', 'pay0000002', 'pay0000003']);

    // nothing new: no part written
    expect((await nightly()).code).toBe(0);
    expect(parts()).toHaveLength(2);

    const full = await cli(pay, ['export', '--format', 'parquet', '--output', out]);
    expect(full.code, full.stderr).toBe(0);
    expect(parts()).toHaveLength(1);
    expect(await runIds()).toEqual(['pay0000001', 'pay0000002', 'pay0000003']);
  }, 120_000);

  test('without --output one table goes to stdout as a Parquet file', async () => {
    const pay = await repoWith('pay', PAY);
    // bytes, not text: the cli() helper decodes stdout as UTF-8
    const bytes = execFileSync(
      process.execPath,
      [BIN, 'export', '--format', 'parquet', '--table', 'checks'],
      {
        cwd: pay.dir,
        env: gitEnv(),
      },
    );
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('PAR1');
    const file = join(tempDir(), 'checks.parquet');
    writeFileSync(file, bytes);
    const db = await duck();
    const rows = (
      await db.runAndReadAll(`SELECT run_id, name, status FROM read_parquet('${file}') ORDER BY run_id, name`)
    ).getRowObjects();
    expect(rows.map((x) => [x.run_id, x.name, x.status])).toEqual(
      PAY.flatMap((g) => g.checks.map((c) => [g.id, c.name, c.status])).sort((a, b) =>
        `${a[0]} ${a[1]}`.localeCompare(`${b[0]} ${b[1]}`),
      ),
    );
  }, 120_000);
});
