// `query [filters]`: search sealed runs through the index; filters combine with AND.
import type { Argv } from 'yargs';
import { formatJson, formatRecord, logLines } from '../../query/format.js';
import { fullRecords } from '../../store/indexed.js';
import { COLOR_CHOICES, colorOn, onTerminal, terminalWidth } from '../color.js';
import type { Context } from '../context.js';
import { oneFormat } from '../format-choice.js';
import { entryOf, selectFor } from '../open-index.js';
import { writePaged } from '../pager.js';
import { sealStaleSessions } from '../pending-runs.js';
import { countArg } from '../count-arg.js';
import { addFilterOptions, type FilterArgs, filterSpec, FORMAT_OPTION } from '../query-options.js';

export const command = 'query';
export const describe = 'Search run records: by file, command, check status, agent, date, approval, text…';

export const builder = (y: Argv) =>
  addFilterOptions(y)
    .option('json', { type: 'boolean', default: false, describe: 'records as a JSON array' })
    .option('format', FORMAT_OPTION)
    .option('n', { alias: 'max-count', type: 'string', describe: 'show at most N runs' })
    .option('pager', {
      type: 'boolean',
      default: true,
      describe: 'page long output on a terminal; --no-pager: never',
    })
    .option('color', {
      choices: COLOR_CHOICES,
      describe:
        'colour: auto (a terminal, unless NO_COLOR or git color.ui never), always or never; --no-color',
    })
    .example("$0 query --file 'src/payments/**' --since 2.weeks --check-status skipped", '')
    .example('$0 query --agent claude-code --unapproved --format "%short %intent"', '');

interface QueryArgs extends FilterArgs {
  json: boolean;
  format?: string;
  n?: string;
  pager: boolean;
  color?: string;
}

/** Exits 1 when no run matches, like grep, so scripts can test for a match. */
export async function handler(argv: QueryArgs, ctx: Context): Promise<number> {
  oneFormat('query', argv);
  const limit = countArg(argv.n);
  const repo = await ctx.repo();
  await sealStaleSessions(repo, ctx);
  const spec = await filterSpec(argv, ctx, repo);
  const found = await selectFor(ctx, repo, spec, limit ?? Number.POSITIVE_INFINITY);
  if (argv.json) {
    ctx.out.write(formatJson(await fullRecords(repo.engine, found.map(entryOf))));
    return found.length ? 0 : 1;
  }
  const lines = argv.format
    ? found.map((s) => formatRecord(s, argv.format!))
    : logLines(found, {
        color: colorOn(ctx, argv.color),
        width: onTerminal(ctx) ? terminalWidth(ctx, 100) : 0,
      });
  await writePaged(ctx, lines.map((l) => `${l}\n`).join(''), !argv.pager);
  return found.length ? 0 : 1;
}
