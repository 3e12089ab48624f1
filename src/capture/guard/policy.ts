// The guard's policy: budgets, stop rules and scope, from `.agent-log/config.json` ("guard", team-wide)
// merged with the open run's own limits (`start --budget-usd …`) and the rules of its level.
// Hand-written checks (no zod: the hook loads this); a bad setting is ignored, never fatal.

export const LEVELS = ['read-only', 'edit', 'test', 'pr', 'deploy'] as const;
export type Level = (typeof LEVELS)[number];
/** Kinds of change that need their own grant, whatever the level. */
export const GRANTS = ['migrations', 'dependencies', 'ci', 'secrets', 'infrastructure'] as const;
export type Grant = (typeof GRANTS)[number];

export interface McpLimits {
  /** Servers (`github`) or server tools (`github__create_issue`) that may be called; empty: any. */
  allow: string[];
  deny: string[];
  /** Calls allowed per run, by server or server tool. */
  limits: Record<string, number>;
}

export interface Policy {
  /** False: rules are evaluated and recorded as warnings, nothing is refused. */
  enforce: boolean;
  usd_per_run: number | null;
  tokens_per_run: number | null;
  usd_per_task: number | null;
  usd_per_day: number | null;
  max_minutes: number | null;
  /** The same check failing this many times with no edit in between stops it. */
  same_check_failures: number | null;
  /** A check failing this many times in the run in all stops it. */
  check_failures_total: number | null;
  /** The same command with the same result this many times in a row stops it. */
  same_command_repeats: number | null;
  /** Attempts of one task (runs on one branch, or linked with --retry-of). */
  max_attempts: number | null;
  require_review_before_retry: boolean;
  allow_paths: string[];
  deny_paths: string[];
  deny_commands: string[];
  /** Tool names allowed (empty: any) and refused. */
  allow_tools: string[];
  deny_tools: string[];
  mcp: McpLimits;
  level: Level | null;
  grants: Grant[];
  /** Hand a brief of the paths' recorded history to the agent at session start. */
  context_on_start: boolean;
  context_max_chars: number;
}

export const DEFAULT_DENY_COMMANDS = [
  'git push --force',
  'git push -f',
  'git push --force-with-lease',
  'npm publish',
  'pnpm publish',
  'yarn publish',
  'cargo publish',
  'terraform apply',
  'terraform destroy',
  'kubectl delete',
  'DROP TABLE',
  'DROP DATABASE',
  'TRUNCATE TABLE',
];

export function emptyPolicy(): Policy {
  return {
    enforce: true,
    usd_per_run: null,
    tokens_per_run: null,
    usd_per_task: null,
    usd_per_day: null,
    max_minutes: null,
    same_check_failures: null,
    check_failures_total: null,
    same_command_repeats: null,
    max_attempts: null,
    require_review_before_retry: false,
    allow_paths: [],
    deny_paths: [],
    deny_commands: [],
    allow_tools: [],
    deny_tools: [],
    mcp: { allow: [], deny: [], limits: {} },
    level: null,
    grants: [],
    context_on_start: false,
    context_max_chars: 2000,
  };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const num = (v: unknown): number | null | undefined =>
  v === null ? null : typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
const strs = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.trim() !== '') : undefined;

/** Settings of one policy layer, read into `into` (only the fields it names). */
function readLayer(into: Policy, raw: Obj, warn: (m: string) => void, where: string) {
  const numbers: [keyof Policy, unknown][] = [
    ['usd_per_run', raw.usd_per_run ?? (isObj(raw.budget) ? raw.budget.usd_per_run : undefined)],
    ['tokens_per_run', raw.tokens_per_run ?? (isObj(raw.budget) ? raw.budget.tokens_per_run : undefined)],
    ['usd_per_task', raw.usd_per_task ?? (isObj(raw.budget) ? raw.budget.usd_per_task : undefined)],
    ['usd_per_day', raw.usd_per_day ?? (isObj(raw.budget) ? raw.budget.usd_per_day : undefined)],
    ['max_minutes', raw.max_minutes],
    [
      'same_check_failures',
      raw.same_check_failures ?? (isObj(raw.retries) ? raw.retries.same_check : undefined),
    ],
    [
      'check_failures_total',
      raw.check_failures_total ?? (isObj(raw.retries) ? raw.retries.check_total : undefined),
    ],
    [
      'same_command_repeats',
      raw.same_command_repeats ?? (isObj(raw.retries) ? raw.retries.same_command : undefined),
    ],
    ['max_attempts', raw.max_attempts],
    ['context_max_chars', isObj(raw.context) ? raw.context.max_chars : undefined],
  ];
  for (const [key, value] of numbers) {
    if (value === undefined) continue;
    const n = num(value);
    if (n === undefined) warn(`${where}: ${key} must be a non-negative number, ignored`);
    else (into as unknown as Obj)[key] = n;
  }
  if (typeof raw.enforce === 'boolean') into.enforce = raw.enforce;
  if (typeof raw.require_review_before_retry === 'boolean')
    into.require_review_before_retry = raw.require_review_before_retry;
  if (isObj(raw.context) && typeof raw.context.on_session_start === 'boolean')
    into.context_on_start = raw.context.on_session_start;
  const lists: [keyof Policy, unknown][] = [
    ['allow_paths', raw.allow_paths ?? (isObj(raw.paths) ? raw.paths.allow : undefined)],
    ['deny_paths', raw.deny_paths ?? (isObj(raw.paths) ? raw.paths.deny : undefined)],
    ['deny_commands', raw.deny_commands ?? (isObj(raw.commands) ? raw.commands.deny : undefined)],
    ['allow_tools', isObj(raw.tools) ? raw.tools.allow : raw.allow_tools],
    ['deny_tools', isObj(raw.tools) ? raw.tools.deny : raw.deny_tools],
  ];
  for (const [key, value] of lists) {
    if (value === undefined) continue;
    const list = strs(value);
    if (!list) warn(`${where}: ${key} must be a list of strings, ignored`);
    else (into as unknown as Obj)[key] = list;
  }
  if (isObj(raw.mcp)) {
    const allow = strs(raw.mcp.allow);
    const deny = strs(raw.mcp.deny);
    if (allow) into.mcp.allow = allow;
    if (deny) into.mcp.deny = deny;
    if (isObj(raw.mcp.limits))
      for (const [k, v] of Object.entries(raw.mcp.limits)) {
        const n = num(v);
        if (typeof n === 'number') into.mcp.limits[k] = n;
      }
  }
  if (raw.level !== undefined) {
    if (typeof raw.level === 'string' && (LEVELS as readonly string[]).includes(raw.level))
      into.level = raw.level as Level;
    else if (raw.level !== null) warn(`${where}: level must be one of ${LEVELS.join(', ')}, ignored`);
  }
  const grants = strs(raw.grants ?? raw.grant);
  if (grants) into.grants = grants.filter((g): g is Grant => (GRANTS as readonly string[]).includes(g));
}

export interface PolicySources {
  /** `.agent-log/config.json`, parsed (or {}). */
  config: Obj;
  /** The open run's own limits (the `guard` object of its start event), if any. */
  run?: Obj | null;
}

/**
 * The effective policy: defaults, then the team's `guard` section, then the run's own limits; then the
 * team's settings for the run's level and grants (`guard.levels.<name>`), so a migration is held to
 * tighter rules than a docs edit. `null` when no guard is configured at all.
 */
export function resolvePolicy(src: PolicySources, warn: (m: string) => void = () => {}): Policy | null {
  const team = isObj(src.config.guard) ? src.config.guard : null;
  const run = src.run && isObj(src.run) ? src.run : null;
  if (!team && !run) return null;
  const p = emptyPolicy();
  p.deny_commands = [...DEFAULT_DENY_COMMANDS];
  if (team) readLayer(p, team, warn, 'guard');
  if (run) readLayer(p, run, warn, 'run');
  const levels = team && isObj(team.levels) ? team.levels : {};
  for (const name of [p.level, ...p.grants]) {
    const layer = name ? levels[name] : undefined;
    if (isObj(layer)) readLayer(p, layer, warn, `guard.levels.${name}`);
  }
  if (team && team.deny_commands_extend !== undefined) {
    const extra = strs(team.deny_commands_extend);
    if (extra) p.deny_commands.push(...extra);
  }
  return p;
}

/** Whether a level reaches another (`pr` reaches `edit`). */
export function levelAtLeast(have: Level, need: Level): boolean {
  return LEVELS.indexOf(have) >= LEVELS.indexOf(need);
}
