// `log`: runs, newest first, one line each (like `git log --oneline`).
import type { Argv } from 'yargs';
import { sealStaleSessions, unsealedSessionRecords } from '../../capture/claude-code/lazy.js';
import { unsealedRecords } from '../../capture/manual/session.js';
import type { RunRecord } from '../../record/schema.js';
import { loadAllRecords } from '../../store/read.js';
import type { Context } from '../context.js';

export const command = 'log';
export const describe = 'List runs, newest first, one line each';

export const builder = (y: Argv) =>
  y
    .option('json', { type: 'boolean', default: false })
    .option('n', { alias: 'max-count', type: 'number', describe: 'show at most N runs' });

export function logLine(r: RunRecord): string {
  const date = (r.ended_at ?? r.started_at ?? '').slice(0, 10) || '----------';
  const passed = r.checks.filter((c) => c.status === 'passed').length;
  const failed = r.checks.filter((c) => c.status === 'failed').length;
  const checks = r.checks.length ? `✓${passed} ✗${failed}` : 'no checks';
  return `${r.id} ${date} ${r.agent.name} ${r.outcome.status} [${checks}] ${r.task.intent.replace(/\s+/g, ' ').slice(0, 72)}`;
}

export async function handler(argv: { json: boolean; n?: number }, ctx: Context) {
  const repo = await ctx.repo();
  await sealStaleSessions(repo, ctx);
  const { records, warnings } = await loadAllRecords(repo.engine);
  for (const w of warnings) ctx.warn(w);
  const all = [
    ...(await unsealedRecords(repo)),
    ...unsealedSessionRecords(repo),
    ...records.map((r) => r.record),
  ];
  const shown = argv.n !== undefined ? all.slice(0, Math.max(0, argv.n)) : all;
  if (argv.json) ctx.out.write(`${JSON.stringify(shown, null, 2)}\n`);
  else ctx.out.write(shown.map((r) => `${logLine(r)}\n`).join(''));
}
