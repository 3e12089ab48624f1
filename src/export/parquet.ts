// One export table as a Parquet file with typed columns (src/export/rows.ts COLUMNS): timestamps
// as UTC instants in milliseconds, integers as INT64, doubles, booleans, UTF-8 strings; every
// column but the keys nullable. hyparquet-writer (pure JS, ~1 MB installed) is loaded only here, on
// the first Parquet export (src/export/library.ts), so no other command pays for it.
import { exportLibrary } from './library.js';
import { type Column, EXPORT_SCHEMA, type Row } from './rows.js';

type Value = string | number | bigint | boolean | Date | null;

function parquetValue(c: Column, v: Row[string]): Value {
  if (v === null || v === undefined) return null;
  switch (c.type) {
    case 'timestamp': {
      const ms = typeof v === 'string' ? Date.parse(v) : NaN;
      return Number.isFinite(ms) ? new Date(ms) : null;
    }
    case 'int':
      // a record holds plain JSON numbers: round a fractional count or duration, drop what is not one
      return typeof v === 'number' && Number.isFinite(v) ? BigInt(Math.round(v)) : null;
    case 'double':
      return typeof v === 'number' && Number.isFinite(v) ? v : null;
    case 'bool':
      return typeof v === 'boolean' ? v : null;
    default:
      return typeof v === 'string' ? v : String(v);
  }
}

function schemaElement(c: Column) {
  const repetition_type = c.nullable ? ('OPTIONAL' as const) : ('REQUIRED' as const);
  const name = c.name;
  switch (c.type) {
    case 'timestamp':
      return {
        name,
        repetition_type,
        type: 'INT64' as const,
        logical_type: { type: 'TIMESTAMP' as const, isAdjustedToUTC: true, unit: 'MILLIS' as const },
      };
    case 'int':
      return { name, repetition_type, type: 'INT64' as const };
    case 'double':
      return { name, repetition_type, type: 'DOUBLE' as const };
    case 'bool':
      return { name, repetition_type, type: 'BOOLEAN' as const };
    default:
      return { name, repetition_type, type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const };
  }
}

/** The rows of one table as a Parquet file's bytes (a file with no rows still carries the schema). */
export function parquetTable(columns: readonly Column[], rows: readonly Row[]): Uint8Array {
  const { parquetWriteBuffer } = exportLibrary<typeof import('hyparquet-writer')>('hyparquet-writer');
  const buffer = parquetWriteBuffer({
    columnData: columns.map((c) => ({
      name: c.name,
      data: rows.map((r) => parquetValue(c, r[c.name] ?? null)),
    })),
    schema: [{ name: 'root', num_children: columns.length }, ...columns.map(schemaElement)],
    kvMetadata: [{ key: 'agent-log.export', value: EXPORT_SCHEMA }],
    createdBy: 'git-agent-log',
  });
  return new Uint8Array(buffer);
}
