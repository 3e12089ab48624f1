// The guard for `exec` (manual runs): the same rules as in the agents' hooks, decided from the run's
// own journal — its limits, human stops and overrides, and the checks it already ran.
import type { JournalEvent } from '../../journal/journal.js';
import { allControl } from './control.js';
import { readEvent } from './event.js';
import { resolvePolicy } from './policy.js';
import { decideTool, type Verdict } from './rules.js';
import { newState } from './state.js';
import { controlPath } from './state.js';

/** The rule refusing `command` in this run, or null. */
export function decideExec(input: {
  runId: string;
  events: readonly JournalEvent[];
  command: string;
  root: string;
  commonDir: string;
  config: Record<string, unknown>;
  now: Date;
}): Verdict | null {
  const start = input.events.find((e) => e.type === 'start');
  const runGuard =
    start?.guard && typeof start.guard === 'object' ? (start.guard as Record<string, unknown>) : null;
  const policy = resolvePolicy({ config: input.config, run: runGuard });
  const control = allControl(controlPath(input.commonDir, input.runId));
  if (!policy && !control.length) return null;
  const state = newState('manual', input.runId, input.runId, start?.t ?? input.now.toISOString(), input.root);
  for (const c of control) {
    if (c.type === 'stop')
      state.stopped = { reason: String(c.reason ?? 'stopped'), by: c.by ?? null, at: c.t };
    if (c.type === 'allow' && c.rule === 'stop') state.stopped = null;
    else if (c.type === 'allow' && c.rule) state.overridden.push(c.rule);
  }
  // checks failing since the last change of the working tree (exec records the tree it started on)
  let lastTree: unknown = null;
  for (const e of input.events) {
    if (e.type !== 'exec' || typeof e.command !== 'string') continue;
    if (e.tree !== undefined && e.tree !== lastTree) {
      for (const c of Object.values(state.checks)) c.since_edit = 0;
      lastTree = e.tree;
    }
    if (['test', 'lint', 'typecheck', 'build'].includes(String(e.kind))) {
      const key = e.command.replace(/\s+/g, ' ').trim();
      const c = (state.checks[key] ??= { since_edit: 0, total: 0 });
      if (e.exit_code !== 0) {
        c.since_edit++;
        c.total++;
      } else c.since_edit = 0;
    }
  }
  const event = readEvent(
    'PreToolUse',
    { tool_name: 'Bash', tool_input: { command: input.command } },
    input.root,
  );
  return decideTool({
    policy: policy ?? resolvePolicy({ config: {}, run: { deny_commands: [] } })!,
    state,
    event,
    now: input.now.getTime(),
    spend: { usd: 0, tokens: 0 },
    runId: input.runId,
  });
}
