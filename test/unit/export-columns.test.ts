// The typed column list (used by Parquet) and the row builders (used by NDJSON) describe one schema:
// every row carries exactly the listed columns, in order, with values of the listed type.
import { describe, expect, test } from 'vitest';
import { COLUMNS, type ColumnType, TABLES, tableRows } from '../../src/export/rows.js';
import { RunRecord } from '../../src/record/schema.js';

const record = RunRecord.parse({
  schema: 'agent-log/v1',
  kind: 'record',
  id: 'k7f3q9x2mz',
  task: { intent: 'add server-side validation', source: 'prompt' },
  agent: { name: 'claude-code', version: '2.1.330', model: 'claude-opus-4-5-20251101' },
  repo: { branch: 'main', commits: ['9f41c2a0d6e8b1c3f5a7d9e1b3c5d7f9a1b3c5d7'] },
  started_at: '2026-11-23T10:00:00Z',
  ended_at: '2026-11-23T10:42:00Z',
  sealed_at: '2026-11-23T10:43:00Z',
  files: {
    read: ['api/signup.ts'],
    changed: [{ path: 'api/signup.ts', status: 'modified', additions: 12, deletions: 3, via: 'edit' }],
  },
  commands: [
    {
      command: 'npm test -- signup',
      started_at: '2026-11-23T10:05:00Z',
      duration_ms: 4100,
      exit_code: 1,
      kind: 'test',
      check: 'npm test',
      status: 'failed',
    },
  ],
  checks: [
    { name: 'npm test', kind: 'test', status: 'passed', attempts: 2, after_last_edit: true, weakened: 'x' },
  ],
  outcome: { status: 'completed', pr: 'https://github.com/acme/pay/pull/184' },
  cost: { model: 'm', input_tokens: 10, output_tokens: 2, usd: 0.5 },
});

const fits: Record<ColumnType, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  timestamp: (v) => typeof v === 'string' && Number.isFinite(Date.parse(v)),
  int: (v) => Number.isInteger(v),
  double: (v) => typeof v === 'number',
  bool: (v) => typeof v === 'boolean',
};

describe('export columns', () => {
  for (const table of TABLES)
    test(`${table}: rows carry exactly the typed columns`, () => {
      const rows = tableRows(table, record, { repository: 'acme/pay' });
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        expect(Object.keys(row)).toEqual(COLUMNS[table].map((c) => c.name));
        for (const c of COLUMNS[table]) {
          const v = row[c.name];
          if (v === null) expect(c.nullable, c.name).toBe(true);
          else expect(fits[c.type](v), `${c.name}: ${String(v)}`).toBe(true);
        }
      }
    });
});
