// The stop rules: given the policy, the session's counters and the next event, which rule (if any)
// refuses it, with a one-line reason the agent and the user can act on. Pure; `observe` folds a
// finished tool call into the counters.
import { classifyCommand, mayWriteFiles } from '../classify.js';
import { splitCommands } from '../shell-words.js';
import {
  isManifest,
  isLockfile,
  isMigrationCommand,
  isMigrationPath,
  isSecretsAdjacent,
} from '../../record/path-kinds.js';
import { firstMatch, matchAny } from '../../record/glob.js';
import { linearRegex, type LinearRegex } from '../../redact/linear-regex.js';
import type { GuardEvent } from './event.js';
import { type Grant, type Level, levelAtLeast, type Policy } from './policy.js';
import type { GuardState } from './state.js';
import type { SpendFigures } from './spend.js';

export interface Verdict {
  rule: string;
  reason: string;
}

const CHECK_KINDS = new Set(['test', 'lint', 'typecheck', 'build']);
const short = (s: string, n = 80) => {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
};
const money = (n: number) => `$${n.toFixed(2)}`;

/** The normalised key of a check command (whitespace collapsed). */
export function checkKey(command: string): string {
  return command.replace(/\s+/g, ' ').trim();
}

export function isCheck(command: string): boolean {
  return CHECK_KINDS.has(classifyCommand(command));
}

export interface DecideInput {
  policy: Policy;
  state: GuardState;
  event: GuardEvent;
  now: number;
  spend: SpendFigures;
  /** The record ID the reason names (for the commands it suggests). */
  runId: string;
}

/** The first rule that refuses this tool call, or null. Rules a human overrode are skipped. */
export function decideTool(input: DecideInput): Verdict | null {
  for (const rule of TOOL_RULES) {
    const v = rule(input);
    if (v && !input.state.overridden.some((o) => v.rule === o || v.rule.startsWith(`${o}.`))) return v;
  }
  return null;
}

type Rule = (i: DecideInput) => Verdict | null;

const stopRule: Rule = ({ state, runId }) =>
  state.stopped
    ? {
        rule: 'stop',
        reason: `stopped by ${state.stopped.by ?? 'a human'}: ${short(state.stopped.reason, 120)}; do not continue — a human can resume with: git agent-log allow ${runId} --rule stop --by NAME`,
      }
    : null;

const budgetRule: Rule = ({ policy, state, spend, now, runId }) => {
  const usd = spend.usd ?? 0;
  const ask = `record what you did (git agent-log note ${runId} --text "…") and ask for a larger budget`;
  if (policy.usd_per_run !== null && usd >= policy.usd_per_run)
    return {
      rule: 'budget.usd_per_run',
      reason: `budget: this run has spent ${money(usd)} of ${money(policy.usd_per_run)}; ${ask}`,
    };
  if (policy.tokens_per_run !== null && spend.tokens >= policy.tokens_per_run)
    return {
      rule: 'budget.tokens_per_run',
      reason: `budget: this run has used ${spend.tokens.toLocaleString('en-US')} of ${policy.tokens_per_run.toLocaleString('en-US')} tokens; ${ask}`,
    };
  if (policy.usd_per_task !== null && usd + state.prior.task_usd >= policy.usd_per_task)
    return {
      rule: 'budget.usd_per_task',
      reason: `budget: this task has spent ${money(usd + state.prior.task_usd)} of ${money(policy.usd_per_task)} across ${state.prior.attempts + 1} attempts; ${ask}`,
    };
  if (policy.usd_per_day !== null && usd + state.prior.day_usd >= policy.usd_per_day)
    return {
      rule: 'budget.usd_per_day',
      reason: `budget: agents have spent ${money(usd + state.prior.day_usd)} of ${money(policy.usd_per_day)} in this repository today; ${ask}`,
    };
  if (policy.max_minutes !== null) {
    const minutes = (now - Date.parse(state.run_started)) / 60_000;
    if (minutes >= policy.max_minutes)
      return {
        rule: 'time.max_minutes',
        reason: `time: this run has been going for ${Math.floor(minutes)} of ${policy.max_minutes} minutes; wrap up, record what is left (git agent-log note ${runId} --text "…") and stop`,
      };
  }
  return null;
};

const TOOL_ALIASES: Record<string, string> = {
  Task: 'Agent',
  Agent: 'Task',
  KillShell: 'TaskStop',
  KillBash: 'TaskStop',
};
const toolIn = (tool: string, list: string[]) =>
  list.includes(tool) || (TOOL_ALIASES[tool] !== undefined && list.includes(TOOL_ALIASES[tool]!));

const toolRule: Rule = ({ policy, event }) => {
  const tool = event.tool!;
  if (event.mcp) return null; // MCP calls have their own rule
  if (toolIn(tool, policy.deny_tools))
    return {
      rule: 'tools.denied',
      reason: `tools: ${tool} is not allowed in this repository's agent policy; do the task without it`,
    };
  if (policy.allow_tools.length && !toolIn(tool, policy.allow_tools))
    return {
      rule: 'tools.not_allowed',
      reason: `tools: ${tool} is not in the allowed tools (${policy.allow_tools.join(', ')}); use one of those or ask for it to be allowed`,
    };
  return null;
};

const mcpRule: Rule = ({ policy, event, state }) => {
  const m = event.mcp;
  if (!m) return null;
  const full = `${m.server}__${m.tool}`;
  if (policy.mcp.deny.includes(m.server) || policy.mcp.deny.includes(full))
    return {
      rule: 'mcp.denied',
      reason: `mcp: ${full} is denied by the agent policy; do the task without it`,
    };
  if (policy.mcp.allow.length && !policy.mcp.allow.includes(m.server) && !policy.mcp.allow.includes(full))
    return {
      rule: 'mcp.not_allowed',
      reason: `mcp: ${full} is outside the allowed MCP servers and tools (${policy.mcp.allow.join(', ')}); ask a human to allow it`,
    };
  for (const key of [full, m.server]) {
    const limit = policy.mcp.limits[key];
    const used = state.calls[`mcp:${key}`] ?? 0;
    if (limit !== undefined && used >= limit)
      return {
        rule: 'mcp.limit',
        reason: `mcp: ${key} has been called ${used} times, the limit for a run is ${limit}; ask a human to raise it`,
      };
  }
  return null;
};

/** Grants a path needs beyond plain edit rights. */
export function grantsForPath(path: string): Grant[] {
  const out: Grant[] = [];
  if (isMigrationPath(path)) out.push('migrations');
  if (isManifest(path) || isLockfile(path)) out.push('dependencies');
  if (
    /(^|\/)(\.github\/workflows\/|\.gitlab-ci\.yml$|\.circleci\/|Jenkinsfile$|\.buildkite\/|azure-pipelines\.ya?ml$)/.test(
      path,
    )
  )
    out.push('ci');
  if (isSecretsAdjacent(path)) out.push('secrets');
  if (
    /\.(tf|tfvars|hcl)$|(^|\/)(terraform|infra|infrastructure|k8s|kubernetes|helm|charts|pulumi|ansible)\//.test(
      path,
    )
  )
    out.push('infrastructure');
  return out;
}

const scopeRule: Rule = ({ policy, event, runId }) => {
  if (!event.isEdit) return null;
  for (const path of event.paths) {
    const denied = firstMatch(path, policy.deny_paths);
    if (denied)
      return {
        rule: 'scope.denied_path',
        reason: `scope: ${short(path)} is inside a denied path (${denied}); leave it alone or ask a human: git agent-log allow ${runId} --rule scope.denied_path --by NAME`,
      };
    if (policy.allow_paths.length && !matchAny(path, policy.allow_paths))
      return {
        rule: 'scope.outside_allow',
        reason: `scope: ${short(path)} is outside the allowed paths (${policy.allow_paths.join(', ')}); keep the change inside them`,
      };
  }
  if (policy.level) {
    if (!levelAtLeast(policy.level, 'edit'))
      return { rule: 'level.edit', reason: `level: this run is ${policy.level}; it may not change files` };
    for (const path of event.paths)
      for (const g of grantsForPath(path))
        if (!policy.grants.includes(g))
          return {
            rule: `grant.${g}`,
            reason: `level: ${short(path)} is ${g === 'ci' ? 'CI configuration' : g}, which this run was not granted; ask a human (git agent-log start … --grant ${g})`,
          };
  }
  return null;
};

const denyRegexes = new Map<string, LinearRegex | Error>();

/**
 * A `re:` deny pattern, compiled once per process to run in linear time (committed policy is outside
 * input: `re:(a+)+$` must not stall the hook). An Error when the pattern cannot be used.
 */
function denyRegex(pattern: string): LinearRegex | Error {
  let re = denyRegexes.get(pattern);
  if (!re) {
    try {
      re = linearRegex(pattern.slice(3), 'i');
    } catch (e) {
      re = e instanceof Error ? e : new Error(String(e));
    }
    denyRegexes.set(pattern, re);
  }
  return re;
}

/** Why a deny pattern cannot be used (a `re:` pattern RE2 refuses), or null when it can. */
export function unusableDenyPattern(pattern: string): string | null {
  if (!pattern.startsWith('re:')) return null;
  const re = denyRegex(pattern);
  return re instanceof Error ? re.message : null;
}

/** Whether a deny pattern matches a command line: as words of one simple command, or as a phrase. */
export function commandMatches(command: string, pattern: string): boolean {
  if (pattern.startsWith('re:')) {
    const re = denyRegex(pattern);
    return re instanceof Error ? false : re.test(command);
  }
  const want = pattern.trim().split(/\s+/);
  const phrase = new RegExp(
    `(^|[^\\w-])${want.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s+')}($|[^\\w-])`,
    'i',
  );
  if (phrase.test(command)) return true;
  for (const simple of splitCommands(command)) {
    const words = simple.words.map((w) => w.replace(/^.*\//, ''));
    const start = words.findIndex((w) => w.toLowerCase() === want[0]!.toLowerCase());
    if (start < 0) continue;
    let k = 1;
    for (let i = start + 1; i < words.length && k < want.length; i++)
      if (words[i]!.toLowerCase() === want[k]!.toLowerCase()) k++;
    if (k === want.length) return true;
  }
  return false;
}

const DEPLOY =
  /\b(terraform\s+apply|kubectl\s+(apply|rollout|set)|helm\s+(install|upgrade)|fly\s+deploy|vercel\s+(deploy\s+)?--prod|npm\s+publish|cargo\s+publish|gcloud\s+\S+\s+deploy|serverless\s+deploy|sls\s+deploy)\b/i;
const PR = /\b(git\s+push|gh\s+pr\s+(create|merge)|glab\s+mr\s+create)\b/i;
const INFRA = /\b(terraform|tofu|pulumi|kubectl|helm|ansible-playbook)\b/i;
const ADD_DEPENDENCY =
  /\b(npm\s+(i|install|add)\s+[^-\s]|pnpm\s+add|yarn\s+add|pip\s+install\s+[^-\s]|poetry\s+add|uv\s+add|cargo\s+add|go\s+get|bundle\s+add|gem\s+install)\b/i;

// Fail closed: a deny rule is explicit policy, so one that cannot be evaluated refuses every shell
// command until it is fixed (or a human allows `scope.unusable_pattern`); it never silently passes.
const unusablePatternRule: Rule = ({ policy, event, runId }) => {
  if (!event.command) return null;
  for (const p of policy.deny_commands) {
    const why = unusableDenyPattern(p);
    if (why)
      return {
        rule: 'scope.unusable_pattern',
        reason: `scope: the denied command pattern \`${short(p)}\` in the agent policy cannot be used (${short(why, 120)}), so no shell command can be checked against it; a human must fix .agent-log/config.json or allow it: git agent-log allow ${runId} --rule scope.unusable_pattern --by NAME`,
      };
  }
  return null;
};

const commandRule: Rule = ({ policy, event, state, runId }) => {
  const command = event.command;
  if (!command) return null;
  const denied = policy.deny_commands.find((p) => commandMatches(command, p));
  if (denied)
    return {
      rule: 'scope.denied_command',
      reason: `scope: \`${short(command)}\` matches the denied command pattern \`${denied}\`; a human must run it, not the agent`,
    };
  if (policy.level) {
    const need = (level: Level, what: string): Verdict | null =>
      levelAtLeast(policy.level!, level)
        ? null
        : {
            rule: `level.${level}`,
            reason: `level: this run is ${policy.level}; ${what} needs level ${level} — ask a human`,
          };
    const v =
      (DEPLOY.test(command) && need('deploy', 'deploying or publishing')) ||
      (PR.test(command) && need('pr', 'pushing or opening a pull request')) ||
      (/\bgit\s+commit\b/.test(command) && need('edit', 'committing')) ||
      (policy.level === 'read-only' &&
        mayWriteFiles(command) &&
        need('edit', 'a command that writes files')) ||
      null;
    if (v) return v;
    const grant = (g: Grant, what: string): Verdict | null =>
      policy.grants.includes(g)
        ? null
        : {
            rule: `grant.${g}`,
            reason: `level: ${what} needs the ${g} grant, which this run does not have; ask a human`,
          };
    const g =
      (isMigrationCommand(command) && grant('migrations', 'running migrations')) ||
      (ADD_DEPENDENCY.test(command) && grant('dependencies', 'adding dependencies')) ||
      (INFRA.test(command) && grant('infrastructure', 'changing infrastructure')) ||
      null;
    if (g) return g;
  }
  if (isCheck(command)) {
    const c = state.checks[checkKey(command)];
    const n = policy.same_check_failures;
    if (c && n !== null && c.since_edit >= n)
      return {
        rule: 'retries.same_check',
        reason: `stop rule: \`${short(command)}\` failed ${c.since_edit} times since the last edit; record what you tried (git agent-log note ${runId} --text "…") and ask for review`,
      };
    const m = policy.check_failures_total;
    if (c && m !== null && c.total >= m)
      return {
        rule: 'retries.check_total',
        reason: `stop rule: \`${short(command)}\` has failed ${c.total} times in this run; record what you tried (git agent-log note ${runId} --text "…") and ask for review`,
      };
  }
  const k = policy.same_command_repeats;
  if (k !== null && state.repeat && state.repeat.command === checkKey(command) && state.repeat.n >= k)
    return {
      rule: 'retries.same_command',
      reason: `stop rule: \`${short(command)}\` ran ${state.repeat.n} times in a row with the same result; change something first or ask for help`,
    };
  return null;
};

const TOOL_RULES: Rule[] = [
  stopRule,
  budgetRule,
  toolRule,
  mcpRule,
  scopeRule,
  unusablePatternRule,
  commandRule,
];

/** Refuse a new attempt at a task (a prompt that starts a run) the policy does not allow yet. */
export function decideAttempt(policy: Policy, state: GuardState): Verdict | null {
  if (state.overridden.includes('attempts')) return null;
  const prev = state.prior.previous.at(-1);
  if (
    policy.require_review_before_retry &&
    state.prior.unreviewed &&
    !state.overridden.includes('attempts.review')
  )
    return {
      rule: 'attempts.review',
      reason: `attempts: the previous run ${state.prior.unreviewed} on this task was stopped and nobody has reviewed it; a human must add a note first (git agent-log note ${state.prior.unreviewed} --text "…")`,
    };
  if (
    policy.max_attempts !== null &&
    state.prior.attempts >= policy.max_attempts &&
    !state.overridden.includes('attempts.max')
  )
    return {
      rule: 'attempts.max',
      reason: `attempts: this task has had ${state.prior.attempts} attempts (limit ${policy.max_attempts}${prev ? `, last ${prev}` : ''}); ask a human to review before another`,
    };
  return null;
}

/** Fold a finished tool call into the counters. */
export function observe(state: GuardState, event: GuardEvent): void {
  if (event.moment === 'pre-tool' && event.tool) {
    state.tool_calls++;
    state.calls[event.tool] = (state.calls[event.tool] ?? 0) + 1;
    if (event.mcp) {
      const full = `${event.mcp.server}__${event.mcp.tool}`;
      state.calls[`mcp:${event.mcp.server}`] = (state.calls[`mcp:${event.mcp.server}`] ?? 0) + 1;
      state.calls[`mcp:${full}`] = (state.calls[`mcp:${full}`] ?? 0) + 1;
    }
    return;
  }
  if (event.moment !== 'post-tool') return;
  const shellEdit =
    !!event.command && event.failed !== true && !isCheck(event.command) && mayWriteFiles(event.command);
  if ((event.isEdit || shellEdit) && event.failed !== true) {
    state.edits++;
    for (const c of Object.values(state.checks)) c.since_edit = 0;
    state.repeat = null;
    return;
  }
  if (!event.command) return;
  const key = checkKey(event.command);
  const result = `${event.failed === true ? 'failed' : 'ok'}:${event.result}`;
  if (state.repeat && state.repeat.command === key && state.repeat.result === result) state.repeat.n++;
  else state.repeat = { command: key, result, n: 1 };
  if (isCheck(event.command)) {
    const c = (state.checks[key] ??= { since_edit: 0, total: 0 });
    if (event.failed === true) {
      c.since_edit++;
      c.total++;
    } else if (event.failed === false || event.failed === null) c.since_edit = 0;
  }
}
