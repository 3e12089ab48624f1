import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { readIndexHeader, scanIndexFile, serializeIndex, writeIndexFile } from '../../src/index/file.js';
import { indexedRecord } from '../../src/index/lookup.js';
import { applyNoteChanges, emptyIndex } from '../../src/index/model.js';
import { globLiteral } from '../../src/record/glob.js';
import { canonicalJson } from '../../src/record/note-lines.js';
import { type FilterSpec, matches, requiredLiterals } from '../../src/query/filters.js';
import { selectRecords } from '../../src/query/select.js';
import { sampleRecords } from '../helpers/records.js';

const dir = mkdtempSync(join(tmpdir(), 'agent-log-scan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function indexFile() {
  const bodies = new Map<string, string>();
  const records = sampleRecords();
  const changes = records.map((r, i) => {
    const blob = String(i).padStart(40, 'b');
    bodies.set(blob, `${canonicalJson(r)}\n`);
    return { commit: String(i).padStart(40, 'c'), removed: [], added: [blob] };
  });
  const data = emptyIndex();
  await applyNoteChanges(data, changes, async (oids) => new Map(oids.map((o) => [o, bodies.get(o)!])));
  data.warnings.set('f'.repeat(40), ['a warning']);
  data.tip = 'a'.repeat(40);
  const path = join(dir, 'records.v1');
  writeFileSync(path, `${serializeIndex(data).join('\n')}\n`);
  return { path, data };
}

test('streaming the index file selects exactly what the in-memory index selects', async () => {
  const { path, data } = await indexFile();
  // the header names the tip and counts the records (one entry per sample record)
  expect(readIndexHeader(path)).toEqual({ tip: 'a'.repeat(40), entries: sampleRecords().length });
  const specs: FilterSpec[] = [
    {},
    { file: ['src/payments/**'] },
    { file: ['api/**'], status: ['completed'] },
    { read: ['*.md'] },
    { risk: ['high'], agent: ['codex'] },
    { file: ['no/such/**'] },
  ];
  for (const spec of specs) {
    const streamed: string[] = [];
    const scan = scanIndexFile(path, requiredLiterals(spec, globLiteral), (e) => {
      const rec = indexedRecord(e);
      if (rec && matches(rec, spec)) streamed.push(rec.record.id);
    });
    expect(scan.complete).toBe(true);
    expect(scan.warnings).toEqual(['a warning']);
    expect(streamed).toEqual(selectRecords(data, spec).map((s) => s.record.id));
  }
});

test('a truncated file is reported incomplete; stopping early is allowed', async () => {
  const { path } = await indexFile();
  const seen: string[] = [];
  expect(scanIndexFile(path, [], (e) => (seen.push(e.id), seen.length < 2)).complete).toBe(true);
  expect(seen).toHaveLength(2);
  const text = `${serializeIndex((await indexFile()).data).join('\n')}\n`;
  writeFileSync(path, text.slice(0, text.lastIndexOf('\nr\t') + 1));
  expect(scanIndexFile(path, [], () => {}).complete).toBe(false);
  expect(readIndexHeader(join(dir, 'missing'))).toBeNull();
});

test('entries spanning read chunks (an index over 8 MB) are all found', async () => {
  const bodies = new Map<string, string>();
  const changes = Array.from({ length: 5000 }, (_, i) => {
    const r = sampleRecords()[i % 6]!;
    const rec = {
      ...r,
      id: `big${String(i).padStart(7, '0')}`,
      task: { ...r.task, intent: 'x'.repeat(1800) },
    };
    const blob = String(i).padStart(40, 'b');
    bodies.set(blob, `${canonicalJson(rec)}\n`);
    return { commit: String(i).padStart(40, 'c'), removed: [], added: [blob] };
  });
  const data = emptyIndex();
  await applyNoteChanges(data, changes, async (oids) => new Map(oids.map((o) => [o, bodies.get(o)!])));
  const path = join(dir, 'big.v1');
  writeFileSync(path, `${serializeIndex(data).join('\n')}\n`);
  for (const spec of [{}, { file: ['src/payments/**'] }] as FilterSpec[]) {
    const ids: string[] = [];
    const scan = scanIndexFile(path, requiredLiterals(spec, globLiteral), (e) => {
      const rec = indexedRecord(e);
      if (rec && matches(rec, spec)) ids.push(rec.record.id);
    });
    expect(scan.complete).toBe(true);
    expect(ids).toEqual(selectRecords(data, spec).map((s) => s.record.id));
  }
});

test('a notes section longer than a read chunk is skipped whole, and what follows it is found', async () => {
  const { data } = await indexFile();
  // 110,000 notes lines (~9.4 MB): the section crosses the 8 MB read boundary.
  for (let i = 0; i < 110_000; i++)
    data.notes.set(i.toString(16).padStart(40, '0'), [i.toString(16).padStart(40, 'e')]);
  const path = join(dir, 'many-notes.v1');
  writeFileSync(path, `${serializeIndex(data).join('\n')}\n`);
  for (const spec of [{}, { file: ['src/payments/**'] }] as FilterSpec[]) {
    const ids: string[] = [];
    const scan = scanIndexFile(path, requiredLiterals(spec, globLiteral), (e) => {
      const rec = indexedRecord(e);
      if (rec && matches(rec, spec)) ids.push(rec.record.id);
    });
    expect(scan.complete).toBe(true);
    expect(scan.warnings).toEqual(['a warning']);
    expect(ids).toEqual(selectRecords(data, spec).map((s) => s.record.id));
    expect(ids.length).toBeGreaterThan(0);
  }
});

test('the written file is the serialised index, and a visitor sees what a scan of it gives', async () => {
  const { path, data } = await indexFile();
  const written = join(dir, 'written.v1');
  const spec: FilterSpec = { file: ['src/payments/**'] };
  const visited: string[] = [];
  const visitor = {
    visit: (e: Parameters<typeof indexedRecord>[0]) => {
      const rec = indexedRecord(e);
      if (rec && matches(rec, spec)) visited.push(rec.record.id);
    },
    warnings: undefined as string[] | undefined,
  };
  expect(writeIndexFile(written, data, undefined, visitor)).toBe(true);
  expect(readFileSync(written, 'utf8')).toBe(readFileSync(path, 'utf8'));
  const scanned: string[] = [];
  const scan = scanIndexFile(written, [], (e) => {
    const rec = indexedRecord(e);
    if (rec && matches(rec, spec)) scanned.push(rec.record.id);
  });
  expect(visited).toEqual(scanned);
  expect(visited.length).toBeGreaterThan(0);
  expect(visitor.warnings).toEqual(scan.warnings);
});

test('a file another build wrote is not scanned, even when it replaced the one whose header was read', async () => {
  const { path } = await indexFile();
  const text = readFileSync(path, 'utf8');
  const header = JSON.parse(text.slice(0, text.indexOf('\n'))) as { build: string };
  expect(typeof header.build).toBe('string');
  // The same lines under another build's key (a release whose slim records or dates may differ).
  writeFileSync(path, text.replace(`"build":"${header.build}"`, '"build":"0123456789abcdef"'));
  const seen: string[] = [];
  const scan = scanIndexFile(path, [], (e) => void seen.push(e.id));
  expect([scan.complete, seen]).toEqual([false, []]);
  expect(readIndexHeader(path)).toBeNull();
});
