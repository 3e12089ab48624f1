// `log`: runs, newest first, one line each (like `git log --oneline`), paged on a terminal.
import type { Argv } from 'yargs';
import { formatAge, formatJson, formatRecord, logLines } from '../../query/format.js';
import { fullRecords } from '../../store/indexed.js';
import { COLOR_CHOICES, colorOn, onTerminal, terminalWidth } from '../color.js';
import type { Context } from '../context.js';
import type { RunRecord } from '../../record/schema.js';
import { oneFormat } from '../format-choice.js';
import { explainNoRuns } from '../empty-state.js';
import { entryOf, selectFor } from '../open-index.js';
import { writePaged } from '../pager.js';
import { sealStaleSessions, unsealedRunRecords } from '../pending-runs.js';
import { countArg } from '../count-arg.js';
import { FORMAT_OPTION } from '../query-options.js';

export const command = 'log';
export const describe = 'List runs, newest first, one line each';

export const builder = (y: Argv) =>
  y
    .option('json', { type: 'boolean', default: false, describe: 'records as a JSON array' })
    .option('n', { alias: 'max-count', type: 'string', describe: 'show at most N runs' })
    .option('format', FORMAT_OPTION)
    .option('pager', {
      type: 'boolean',
      default: true,
      describe: 'page long output on a terminal; --no-pager: never',
    })
    .option('color', {
      choices: COLOR_CHOICES,
      describe:
        'colour: auto (a terminal, unless NO_COLOR or git color.ui never), always or never; --no-color',
    });

interface LogArgs {
  json: boolean;
  n?: string;
  format?: string;
  pager: boolean;
  color?: string;
}

export async function handler(argv: LogArgs, ctx: Context) {
  oneFormat('log', argv);
  const limit = countArg(argv.n) ?? Number.POSITIVE_INFINITY;
  const repo = await ctx.repo();
  await sealStaleSessions(repo, ctx);
  // Runs not sealed yet (open or waiting for a commit) come first: they are the newest. Among
  // themselves too, newest first: they come from several journals (manual runs, each agent's sessions).
  const started = (r: RunRecord) => Date.parse(r.started_at ?? '') || 0;
  const unsealed = (await unsealedRunRecords(repo))
    .sort((a, b) => started(b) - started(a))
    .map((record) => ({ record, commit: '', commits: [] }));
  const sealed = await selectFor(ctx, repo, {}, Math.max(0, limit - unsealed.length));
  const items = [...unsealed, ...sealed].slice(0, limit);
  if (items.length === 0 && limit > 0) await explainNoRuns(ctx, repo);
  if (argv.json) {
    const full = await fullRecords(repo.engine, sealed.map(entryOf));
    const byId = new Map(full.map((f) => [f.record.id, f]));
    const out = items.map((s) => byId.get(s.record.id) ?? s);
    ctx.out.write(formatJson(out));
    return;
  }
  // A finished run no commit took yet shows how long it has waited.
  const shown = items.map((s) =>
    s.commit || s.record.outcome.status !== 'pending'
      ? s
      : {
          ...s,
          record: {
            ...s.record,
            outcome: {
              ...s.record.outcome,
              status: s.record.ended_at
                ? `pending ${formatAge(s.record.ended_at, ctx.now())}`.trim()
                : 'pending',
            },
          },
        },
  );
  const lines = argv.format
    ? shown.map((s) => formatRecord(s, argv.format!))
    : logLines(shown, {
        color: colorOn(ctx, argv.color),
        width: onTerminal(ctx) ? terminalWidth(ctx, 100) : 0,
      });
  await writePaged(ctx, lines.map((l) => `${l}\n`).join(''), !argv.pager);
}
