import { describe, expect, test } from 'vitest';
import { parseDate } from '../../src/query/dates.js';
import { type FilterSpec, matches } from '../../src/query/filters.js';
import { sampleRecords, stored } from '../helpers/records.js';

const records = sampleRecords();
const commitOf = (id: string) => id.padEnd(40, '0').replace(/[^0-9a-f]/g, 'e');
const items = records.map((r) => stored(r, commitOf(r.id)));
const now = new Date('2026-11-23T10:30:00Z');
const run = (spec: FilterSpec) => items.filter((s) => matches(s, spec)).map((s) => s.record.id.slice(0, 5));

describe('each filter alone', () => {
  test.each<[string, FilterSpec, string[]]>([
    ['--file dir/**', { file: ['src/payments/**'] }, ['bravo', 'charl']],
    ['--file api/**', { file: ['api/**'] }, ['alpha', 'foxtr']],
    ['--file matches the old path of a rename', { file: ['docs/README.md'] }, ['echoo']],
    ['--file base-name glob', { file: ['*.md'] }, ['echoo']],
    ['--read', { read: ['src/payments/**'] }, ['charl']],
    ['--read base-name glob', { read: ['*.md'] }, ['delta']],
    ['--command', { command: [/npm test/] }, ['alpha', 'bravo', 'foxtr']],
    ['--command anchored', { command: [/^ls\b/] }, ['delta']],
    ['--check-status passed', { checkStatus: ['passed'] }, ['alpha', 'bravo', 'foxtr']],
    ['--check-status failed', { checkStatus: ['failed'] }, ['bravo']],
    ['--check-status skipped (skipped or not run)', { checkStatus: ['skipped'] }, ['charl']],
    ['--check-status stale', { checkStatus: ['stale'] }, ['bravo', 'foxtr']],
    ['--status completed', { status: ['completed'] }, ['alpha', 'charl', 'foxtr']],
    ['--status pending', { status: ['pending'] }, ['echoo']],
    ['--agent exact, any case', { agent: ['Claude-Code'] }, ['alpha', 'charl', 'foxtr']],
    ['--agent glob', { agent: ['CLAUDE*'] }, ['alpha', 'charl', 'foxtr']],
    ['--model exact', { model: ['claude-opus-4'] }, ['alpha', 'foxtr']],
    ['--model glob', { model: ['claude-*'] }, ['alpha', 'charl', 'foxtr']],
    ['--since ISO', { since: parseDate('2026-11-20', now) }, ['alpha', 'charl', 'foxtr']],
    ['--until ISO', { until: parseDate('2026-11-15', now) }, ['bravo', 'delta']],
    [
      '--since and --until',
      { since: parseDate('2026-11-20', now), until: parseDate('2026-11-21T12:00', now) },
      ['alpha', 'foxtr'],
    ],
    ['--since relative', { since: parseDate('2.weeks', now) }, ['alpha', 'bravo', 'charl', 'foxtr']],
    ['--approved-by exact', { approvedBy: ['thomas'] }, ['alpha']],
    ['--approved-by glob', { approvedBy: ['Thomas*'] }, ['alpha', 'echoo']],
    ['--approved-by ignores denials', { approvedBy: ['ana'] }, ['foxtr']],
    ['--unapproved', { unapproved: true }, ['bravo', 'charl', 'delta']],
    ['--risk', { risk: ['high'] }, ['bravo', 'foxtr']],
    ['--boundary-breach', { boundaryBreach: true }, ['bravo', 'foxtr']],
    ['--dependency', { dependency: ['zod'] }, ['foxtr']],
    ['--text in follow-ups and notes', { text: ['REFUNDS'] }, ['charl']],
    ['--text in intent', { text: ['readme'] }, ['delta', 'echoo']],
    ['--text in approval notes', { text: ['needs tests'] }, ['charl']],
    ['--text in commands', { text: ['zod@4'] }, ['foxtr']],
    ['--branch glob', { branch: ['feature/*'] }, ['alpha', 'charl', 'foxtr']],
    ['--branch exact', { branch: ['main'] }, ['bravo', 'delta']],
    ['--commit reachable set', { commits: new Set([commitOf('bravo00002')]) }, ['bravo']],
    ['no filter', {}, ['alpha', 'bravo', 'charl', 'delta', 'echoo', 'foxtr']],
  ])('%s', (_name, spec, expected) => {
    expect(run(spec)).toEqual(expected);
  });
});

describe('filters combine with AND, values of one filter with OR', () => {
  test.each<[string, FilterSpec, string[]]>([
    ['payments and skipped checks', { file: ['src/payments/**'], checkStatus: ['skipped'] }, ['charl']],
    ['agent and stale checks', { agent: ['claude-code'], checkStatus: ['stale'] }, ['foxtr']],
    [
      'last two weeks, unapproved',
      { since: parseDate('2.weeks', now), unapproved: true },
      ['bravo', 'charl'],
    ],
    [
      'high risk, breach, dependency',
      { risk: ['high'], boundaryBreach: true, dependency: ['zod'] },
      ['foxtr'],
    ],
    [
      'branch, file and approver',
      { branch: ['feature/signup'], file: ['api/**'], approvedBy: ['Thomas'] },
      ['alpha'],
    ],
    ['two agents', { agent: ['codex', 'gemini'] }, ['bravo', 'delta']],
    [
      'two statuses and a text',
      { status: ['completed', 'failed'], text: ['charges', 'zod'] },
      ['bravo', 'foxtr'],
    ],
    ['contradiction', { agent: ['codex'], status: ['completed'] }, []],
    [
      'dated filters skip runs without a date',
      { until: parseDate('2030-01-01', now), agent: ['manual'] },
      [],
    ],
  ])('%s', (_name, spec, expected) => {
    expect(run(spec)).toEqual(expected);
  });
});
