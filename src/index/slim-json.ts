// The index's slim record (model.ts slimRecord) written straight from a parsed note line: the same
// text as JSON.stringify(slimRecord(record)) for a record line read alone (no event lines and no
// other version of it, so foldEvents only drops a line's own `events`), in one generated pass that
// also validates the line as its parser does (record/fast-project.ts). A cold build writes every
// record of history: this is most of its work. Tested byte for byte against the zod path.
import { compileProjection, type ObjectProjection, type ProjectedField } from '../record/fast-project.js';
import { NOT_PARSED } from '../record/fast-parse.js';
import { LINE_PLANS } from '../record/line-plans.js';
import { slimLimits } from './model.js';

const value = (key: string): ProjectedField => ({ key, from: 'value' });
const constant = (key: string, v: unknown): ProjectedField => ({ key, from: 'const', value: v });
const loose = (key: string): ProjectedField => ({ key, from: 'loose' });
const object = (key: string, ...fields: ProjectedField[]): ProjectedField => ({
  key,
  from: 'project',
  projection: { type: 'object', fields },
});
const each = (key: string, ...fields: ProjectedField[]): ProjectedField => ({
  key,
  from: 'project',
  projection: { type: 'each', item: { type: 'object', fields } },
});

/**
 * slimRecord as a projection: the same keys in the same order, the same constants. (Optional keys
 * slimRecord writes only when defined are `value`s: JSON.stringify leaves out an undefined value.)
 * Change it with slimRecord; test/unit/slim-json.test.ts compares the two.
 */
export const SLIM_PROJECTION: ObjectProjection = {
  type: 'object',
  fields: [
    value('schema'),
    constant('kind', 'record'),
    value('id'),
    object('task', value('intent'), value('source'), value('follow_ups'), {
      key: 'attempt_of',
      from: 'loose-string',
    }),
    object('boundary', value('allow'), value('deny'), value('level'), value('constraints')),
    object('agent', value('name'), constant('version', null), value('model'), constant('session_ids', [])),
    object(
      'repo',
      value('branch'),
      constant('start_commit', null),
      constant('end_commit', null),
      constant('commits', []),
      constant('start_tree', null),
      constant('end_tree', null),
    ),
    value('started_at'),
    value('ended_at'),
    value('sealed_at'),
    object(
      'files',
      value('read'),
      each(
        'changed',
        value('path'),
        value('status'),
        value('additions'),
        value('deletions'),
        value('via'),
        value('old_path'),
      ),
    ),
    each(
      'commands',
      value('command'),
      constant('cwd', '.'),
      constant('started_at', null),
      constant('duration_ms', null),
      value('exit_code'),
      value('interrupted'),
      value('kind'),
      constant('output_tail', null),
    ),
    each(
      'checks',
      value('name'),
      value('kind'),
      value('status'),
      value('attempts'),
      value('after_last_edit'),
      value('weakened'),
      value('command'),
    ),
    each('dependencies', value('manifest'), value('name'), value('from'), value('to')),
    value('config_changes'),
    each(
      'approvals',
      value('by'),
      value('scope'),
      value('decision'),
      constant('at', null),
      value('note'),
      value('email'),
      value('signed'),
    ),
    object('outcome', value('status'), value('pr'), value('summary'), loose('reason'), loose('reverted')),
    object('rollback', value('strategy'), value('notes')),
    object(
      'cost',
      value('model'),
      value('input_tokens'),
      value('output_tokens'),
      value('cache_read_tokens'),
      value('cache_write_tokens'),
      value('usd'),
    ),
    object('risk', value('level'), value('reasons')),
    constant('redactions', []),
    value('notes'),
    // A record line's own `events` are dropped (foldEvents); the guard's `limits`, slimmed by
    // slimLimits itself, come last as in slimRecord.
    { key: 'limits', from: 'custom', write: limitsJson },
  ],
};

/** slimRecord's `limits` for a record whose own `limits` is `value`, as JSON; undefined when it has none. */
function limitsJson(value: unknown): string | undefined {
  const { limits } = slimLimits({ limits: value } as never);
  return limits === undefined ? undefined : JSON.stringify(limits);
}

let compiled: ((v: unknown) => string | typeof NOT_PARSED) | null | undefined;

/**
 * The slim JSON of a parsed record line read alone, or null when it is not one this writes (an
 * invalid line, an own "__proto__", code generation disabled): the caller goes
 * the long way (parse, fold, slimRecord, JSON.stringify).
 */
export function slimJsonOfLine(v: unknown): string | null {
  if (compiled === undefined) compiled = compileProjection(LINE_PLANS.record, SLIM_PROJECTION);
  if (compiled === null) return null;
  const out = compiled(v);
  // Written piece by piece, the text is a rope of a few hundred strings until something flattens it;
  // reading a character does, and leaves one flat string to hold (ropes held 70 MB more at 10k).
  return out === NOT_PARSED || out.charCodeAt(0) !== 0x7b ? null : out;
}
