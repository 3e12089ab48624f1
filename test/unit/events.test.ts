// Event lines folded by readers: approvals, notes and status changes added after sealing, in `at`
// order; several record versions from older releases; forged future-dated copies.
import { describe, expect, test } from 'vitest';
import { applyNoteChanges, emptyIndex } from '../../src/index/model.js';
import { foldEvents } from '../../src/record/events.js';
import { newRecordId } from '../../src/record/id.js';
import { canonicalJson, parseNote } from '../../src/record/note-lines.js';
import type { RunRecord } from '../../src/record/schema.js';
import { collectRecords } from '../../src/store/read.js';
import { makeRecord } from '../helpers/records.js';

const COMMIT_A = '3f2c9a1b7d4e5f60718293a4b5c6d7e8f9012345';
const COMMIT_B = '9e8d7c6b5a493827160f1e2d3c4b5a6978877665';

function sealed(id: string, extra: Partial<Parameters<typeof makeRecord>[1]> = {}): RunRecord {
  return makeRecord(id, {
    task: { intent: 'validate signup input', source: 'prompt', follow_ups: [] },
    started_at: '2026-11-20T09:00:00.000Z',
    ended_at: '2026-11-20T09:40:00.000Z',
    sealed_at: '2026-11-20T09:41:00.000Z',
    outcome: { status: 'completed' },
    ...extra,
  });
}

function event(id: string, type: string, at: string, fields: Record<string, unknown> = {}) {
  return canonicalJson({
    schema: 'agent-log/v1',
    kind: 'event',
    id,
    event: newRecordId(),
    type,
    at,
    by: { name: 'Priya Raman', email: 'priya@example.org' },
    ...fields,
  });
}

/** Independent reader: the approvals a note body states, by scope, from the raw JSON lines. */
function approvalScopes(body: string, id: string): string[] {
  return body
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((o) => o.kind === 'event' && o.type === 'approval' && o.id === id)
    .map((o) => String(o.scope))
    .sort();
}

describe('folding event lines', () => {
  test('approvals from two clones are both kept, whatever order the merged note holds them in', () => {
    const id = newRecordId();
    const record = canonicalJson(sealed(id));
    const mine = event(id, 'approval', '2026-11-21T10:00:00.000Z', { scope: 'merge', decision: 'approved' });
    const theirs = event(id, 'note', '2026-11-21T10:00:01.000Z', { rollback: 'git revert the merge' });
    const other = event(id, 'approval', '2026-11-21T09:00:00.000Z', {
      scope: 'deploy',
      decision: 'approved',
    });
    // cat_sort_uniq sorts lines: the record line may come anywhere
    const body = [mine, theirs, other, record].sort().join('\n');
    const [s] = collectRecords([[COMMIT_A, parseNote(body)]], []);
    expect(s!.record.approvals.map((a) => a.scope).sort()).toEqual(approvalScopes(body, id));
    expect(s!.record.approvals.map((a) => a.scope)).toEqual(['deploy', 'merge']); // `at` order
    expect(s!.record.rollback.notes).toEqual(['git revert the merge']);
    expect(s!.record.events).toHaveLength(3);
    expect(s!.raw).toBe(record); // the sealed line itself is what the reader reports
  });

  test('a status event changes the outcome; the latest status by `at` is the one shown', () => {
    const id = newRecordId();
    const lines = [
      canonicalJson(sealed(id)),
      event(id, 'status', '2026-11-22T08:00:00.000Z', { status: 'failed', reason: 'broke checkout' }),
      event(id, 'status', '2026-11-21T08:00:00.000Z', { status: 'abandoned' }),
    ].join('\n');
    const [s] = collectRecords([[COMMIT_A, parseNote(lines)]], []);
    expect(s!.record.outcome.status).toBe('failed');
    expect(s!.record.outcome.reason).toBe('broke checkout');
  });

  test('unknown event types are kept in the timeline and change nothing else', () => {
    const id = newRecordId();
    const record = sealed(id);
    const e = parseNote(event(id, 'budget-stop', '2026-11-21T10:00:00.000Z', { rule: 'max-attempts' }));
    expect(e[0]!.type).toBe('event');
    const folded = foldEvents(record, e as never);
    expect(folded.events).toHaveLength(1);
    expect({ ...folded, events: undefined }).toEqual({ ...record, events: undefined });
  });

  test('an approval recorded for someone else names both the approver and the writer', () => {
    const id = newRecordId();
    const lines = [
      canonicalJson(sealed(id)),
      event(id, 'approval', '2026-11-21T10:00:00.000Z', { scope: 'merge', approver: 'Thomas Berg' }),
    ].join('\n');
    const [s] = collectRecords([[COMMIT_A, parseNote(lines)]], []);
    expect(s!.record.approvals[0]).toMatchObject({
      by: 'Thomas Berg',
      email: null,
      recorded_by: { name: 'Priya Raman', email: 'priya@example.org' },
    });
  });

  test('an event line with a broken date is skipped with a warning, never folded', () => {
    const id = newRecordId();
    const bad = event(id, 'approval', 'yesterday', { scope: 'merge' });
    const warnings: string[] = [];
    const [s] = collectRecords([[COMMIT_A, parseNote(`${canonicalJson(sealed(id))}\n${bad}`)]], warnings);
    expect(s!.record.approvals).toEqual([]);
    expect(warnings.join('\n')).toMatch(/event: at: not a date/);
  });
});

describe('several versions of one record (older releases re-sealed the line)', () => {
  test('a forged copy dated 2999 replaces neither the intent nor the approvals', () => {
    const id = newRecordId();
    const v1 = sealed(id, {
      approvals: [{ by: 'Thomas Berg', scope: 'merge', decision: 'approved', at: '2026-11-20T10:00:00Z' }],
    });
    const forged = sealed(id, {
      task: { intent: 'nothing to see here', source: 'prompt', follow_ups: [] },
      sealed_at: '2999-01-01T00:00:00.000Z',
    });
    const body = [canonicalJson(v1), canonicalJson(forged)].join('\n');
    const [s] = collectRecords([[COMMIT_A, parseNote(body)]], []);
    expect(s!.record.task.intent).toBe('validate signup input');
    expect(s!.record.approvals.map((a) => a.by)).toEqual(['Thomas Berg']);
  });

  test('an older release re-seal: the latest sealed_at wins, approvals of every version are kept', () => {
    const id = newRecordId();
    const v1 = sealed(id, {
      approvals: [{ by: 'Ana', scope: 'merge', decision: 'approved', at: '2026-11-20T10:00:00Z' }],
      sealed_at: '2026-11-20T10:00:00.000Z',
    });
    const v2 = sealed(id, {
      approvals: [{ by: 'Bo', scope: 'deploy', decision: 'approved', at: '2026-11-20T11:00:00Z' }],
      rollback: { strategy: 'revert-commits', notes: ['revert PR #184'] },
      sealed_at: '2026-11-20T11:00:00.000Z',
    });
    const [s] = collectRecords([[COMMIT_A, parseNote(`${canonicalJson(v1)}\n${canonicalJson(v2)}`)]], []);
    expect(s!.raw).toBe(canonicalJson(v2));
    expect(s!.record.approvals.map((a) => a.by).sort()).toEqual(['Ana', 'Bo']);
    expect(s!.record.rollback.notes).toEqual(['revert PR #184']);
  });
});

describe('the index folds events from every commit of the run', () => {
  test('events on another commit than the record line reach the slim copy; cold = incremental', async () => {
    const id = newRecordId();
    const blobs = new Map<string, string>([
      ['b1', canonicalJson(sealed(id))],
      ['b2', event(id, 'approval', '2026-11-21T10:00:00.000Z', { scope: 'merge' })],
      ['b3', event(id, 'approval', '2026-11-21T11:00:00.000Z', { scope: 'deploy', decision: 'denied' })],
    ]);
    const load = async (oids: readonly string[]) => new Map(oids.map((o) => [o, blobs.get(o)!]));
    const cold = emptyIndex();
    await applyNoteChanges(
      cold,
      [
        { commit: COMMIT_A, removed: [], added: ['b1'] },
        { commit: COMMIT_B, removed: [], added: ['b2'] },
      ],
      load,
    );
    await applyNoteChanges(cold, [{ commit: COMMIT_B, removed: ['b2'], added: ['b3'] }], load);
    const entry = cold.entries.get(id)!;
    expect(entry.commit).toBe(COMMIT_A);
    expect(entry.commits).toEqual([COMMIT_A, COMMIT_B].sort());
    const slim = JSON.parse(entry.json!) as RunRecord;
    expect(slim.approvals).toEqual([expect.objectContaining({ scope: 'deploy', decision: 'denied' })]);

    const rebuilt = emptyIndex();
    await applyNoteChanges(
      rebuilt,
      [
        { commit: COMMIT_A, removed: [], added: ['b1'] },
        { commit: COMMIT_B, removed: [], added: ['b3'] },
      ],
      load,
    );
    expect(rebuilt.entries.get(id)).toEqual(entry);
  });
});
