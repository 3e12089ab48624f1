// Classify a shell command as a check kind (test, lint, typecheck, build, install, other) and spot
// runs that prove less than they seem (weakened). Pure; one table per ecosystem.
import type { CommandKind } from '../record/schema.js';
import { baseName, isAssignment, type SimpleCommand, splitCommands } from './shell-words.js';

/** One simple command of a line, unwrapped (env prefixes, `timeout`, `npx`… removed) and classified. */
export interface Invocation {
  kind: CommandKind;
  /** Tool name as classified (`npm`, `jest`, `pytest`, `make` …). */
  tool: string;
  /** Words after unwrapping, tool first. */
  words: string[];
  /** Environment assignments in front of the command. */
  env: Record<string, string>;
  /** Position in the line's simple commands. */
  index: number;
}

const PRIORITY: CommandKind[] = ['test', 'typecheck', 'lint', 'build', 'install'];

export function classifyCommand(command: string): CommandKind {
  return mainInvocation(command)?.kind ?? 'other';
}

/** The simple commands of a line, classified. */
export function invocations(command: string): Invocation[] {
  return splitCommands(command).map((c, index) => {
    const { env, words } = unwrap(c.words);
    const { kind, tool } = classifyWords(words);
    return { kind, tool, words, env, index };
  });
}

/** The invocation that gives the line its kind (highest priority, first wins). */
export function mainInvocation(command: string): Invocation | null {
  const all = invocations(command);
  for (const kind of PRIORITY) {
    const hit = all.find((i) => i.kind === kind);
    if (hit) return hit;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Unwrapping: env prefixes, wrappers and package runners.

const WRAPPERS_WITH_ARG: Record<string, number> = { timeout: 1, nice: 0, ionice: 0, stdbuf: 0, chrt: 1 };
const PLAIN_WRAPPERS = new Set(['time', 'command', 'exec', 'nohup', 'sudo', 'xvfb-run', 'caffeinate', 'env']);

function unwrap(input: readonly string[]): { env: Record<string, string>; words: string[] } {
  let words = [...input];
  const env: Record<string, string> = {};
  for (let guard = 0; guard < 10 && words.length; guard++) {
    while (words.length && isAssignment(words[0]!)) {
      const w = words.shift()!;
      const eq = w.indexOf('=');
      env[w.slice(0, eq)] = w.slice(eq + 1);
    }
    const head = baseName(words[0] ?? '');
    if (head === 'cd' || head === 'pushd') return { env, words };
    if (PLAIN_WRAPPERS.has(head)) {
      words = dropOptions(words.slice(1));
      continue;
    }
    if (head in WRAPPERS_WITH_ARG) {
      words = dropOptions(words.slice(1), ['-s', '--signal', '-k', '--kill-after', '-n', '-o', '-e', '-i']);
      words = words.slice(WRAPPERS_WITH_ARG[head]!);
      continue;
    }
    if (head === 'npx' || head === 'bunx' || head === 'pnpx') {
      words = dropOptions(words.slice(1), ['-p', '--package']);
      continue;
    }
    if ((head === 'pnpm' || head === 'yarn') && (words[1] === 'exec' || words[1] === 'dlx')) {
      words = dropOptions(words.slice(2));
      continue;
    }
    if (head === 'npm' && words[1] === 'exec') {
      words = dropOptions(words.slice(2)).filter((w, i) => !(i === 0 && w === '--'));
      continue;
    }
    if (head === 'bun' && words[1] === 'x') {
      words = words.slice(2);
      continue;
    }
    if (['uv', 'poetry', 'pipenv', 'hatch', 'pdm', 'rye'].includes(head) && words[1] === 'run') {
      words = dropOptions(words.slice(2));
      continue;
    }
    if (head === 'bundle' && words[1] === 'exec') {
      words = words.slice(2);
      continue;
    }
    if (/^python(\d(\.\d+)?)?$/.test(head) && words[1] === '-m') {
      words = words.slice(2);
      continue;
    }
    break;
  }
  return { env, words };
}

/** Drop leading `-x`/`--flag` options (and the values of the named ones). */
function dropOptions(words: string[], withValue: string[] = []): string[] {
  let i = 0;
  while (i < words.length && words[i]!.startsWith('-')) {
    if (words[i] === '--') return words.slice(i + 1);
    if (withValue.includes(words[i]!)) i++;
    i++;
  }
  return words.slice(i);
}

// ---------------------------------------------------------------------------------------------
// Classification of one unwrapped simple command.

const TEST_TOOLS = new Set([
  'jest',
  'vitest',
  'mocha',
  'ava',
  'tap',
  'jasmine',
  'karma',
  'pytest',
  'py.test',
  'tox',
  'nox',
  'rspec',
  'phpunit',
  'pest',
  'ctest',
  'cucumber',
  'behave',
  'nosetests',
  'unittest',
  'bats',
  'busted',
  'playwright',
  'cypress',
  'wdio',
  'c8',
  'nyc',
  'uvu',
  'tsx-test',
  'node-test',
]); // prettier-ignore
const TYPECHECK_TOOLS = new Set([
  'tsc',
  'vue-tsc',
  'svelte-check',
  'mypy',
  'pyright',
  'dmypy',
  'flow',
  'tsgo',
]);
const LINT_TOOLS = new Set([
  'eslint',
  'oxlint',
  'flake8',
  'pylint',
  'golangci-lint',
  'staticcheck',
  'rubocop',
  'stylelint',
  'shellcheck',
  'markdownlint',
  'markdownlint-cli2',
  'hadolint',
  'swiftlint',
  'ktlint',
  'detekt',
  'clippy-driver',
  'xo',
  'standard',
  'tslint',
  'yamllint',
  'actionlint',
  'bandit',
  'pycodestyle',
  'pydocstyle',
  'codespell',
  'phpstan',
  'psalm',
  'phpcs',
  'revive',
  'lint-staged',
  'commitlint',
]); // prettier-ignore
const BUILD_TOOLS = new Set([
  'webpack',
  'rollup',
  'esbuild',
  'parcel',
  'tsup',
  'turbo',
  'nx',
  'bazel',
  'cmake',
  'ninja',
]);
const INSTALL_TOOLS = new Set(['apt', 'apt-get', 'brew', 'apk', 'yum', 'dnf', 'pacman']);

function classifyWords(words: readonly string[]): { kind: CommandKind; tool: string } {
  if (!words.length) return { kind: 'other', tool: '' };
  const tool = baseName(words[0]!);
  const args = words.slice(1);
  const sub = firstNonOption(args);
  const k = (kind: CommandKind) => ({ kind, tool });
  switch (tool) {
    case 'npm':
    case 'pnpm':
    case 'yarn':
    case 'bun':
      return k(packageManager(tool, args));
    case 'node':
    case 'deno':
      if (args.includes('--test') || sub === 'test') return k('test');
      if (tool === 'deno' && (sub === 'lint' || (sub === 'fmt' && args.includes('--check'))))
        return k('lint');
      if (tool === 'deno' && sub === 'check') return k('typecheck');
      return k('other');
    case 'go':
      if (sub === 'test') return k('test');
      if (sub === 'vet') return k('lint');
      if (sub === 'build' || sub === 'install') return k('build');
      if (sub === 'get' || (sub === 'mod' && ['download', 'tidy'].includes(args[1] ?? '')))
        return k('install');
      return k('other');
    case 'gofmt':
      return k(args.includes('-l') || args.includes('-d') ? 'lint' : 'other');
    case 'cargo':
      if (sub === 'test' || sub === 'nextest') return k('test');
      if (sub === 'clippy') return k('lint');
      if (sub === 'fmt') return k(args.includes('--check') ? 'lint' : 'other');
      if (sub === 'check') return k('typecheck');
      if (sub === 'build') return k('build');
      if (sub === 'add' || sub === 'fetch' || sub === 'install') return k('install');
      return k('other');
    case 'make':
    case 'gmake':
    case 'just':
    case 'task':
    case 'rake':
      return k(makeTarget(tool, args));
    case 'gradle':
    case 'gradlew':
      return k(gradleTasks(args));
    case 'mvn':
    case 'mvnw':
      return k(mavenPhases(args));
    case 'dotnet':
      if (sub === 'test') return k('test');
      if (sub === 'build') return k('build');
      if (sub === 'format') return k(args.includes('--verify-no-changes') ? 'lint' : 'other');
      if (sub === 'restore' || (sub === 'add' && args.includes('package'))) return k('install');
      return k('other');
    case 'swift':
      if (sub === 'test') return k('test');
      if (sub === 'build') return k('build');
      if (sub === 'package' && args.includes('resolve')) return k('install');
      return k('other');
    case 'mix':
      if (sub === 'test') return k('test');
      if (sub === 'credo') return k('lint');
      if (sub === 'compile') return k('build');
      if (sub === 'deps.get') return k('install');
      return k('other');
    case 'biome':
      if (sub === 'format') return k(args.includes('--write') ? 'other' : 'lint');
      return k(sub === 'check' || sub === 'lint' || sub === 'ci' ? 'lint' : 'other');
    case 'prettier':
      return k(
        args.some((a) => a === '--check' || a === '-c' || a === '--list-different' || a === '-l')
          ? 'lint'
          : 'other',
      );
    case 'ruff':
      if (sub === 'format') return k(args.includes('--check') || args.includes('--diff') ? 'lint' : 'other');
      return k(
        sub === undefined || sub === 'check' || !['clean', 'version', 'rule'].includes(sub)
          ? 'lint'
          : 'other',
      );
    case 'black':
    case 'isort':
      return k(
        args.includes('--check') || args.includes('--check-only') || args.includes('--diff')
          ? 'lint'
          : 'other',
      );
    case 'pip':
    case 'pip3':
      return k(sub === 'install' ? 'install' : 'other');
    case 'uv':
      if (sub === 'pip' && args.includes('install')) return k('install');
      return k(sub === 'sync' || sub === 'add' ? 'install' : 'other');
    case 'poetry':
    case 'pipenv':
    case 'pdm':
      return k(sub === 'install' || sub === 'add' || sub === 'sync' ? 'install' : 'other');
    case 'bundle':
      return k(sub === 'install' || sub === undefined ? 'install' : 'other');
    case 'gem':
      return k(sub === 'install' ? 'install' : 'other');
    case 'composer':
      return k(
        ['install', 'require', 'update'].includes(sub ?? '') ? 'install' : sub === 'test' ? 'test' : 'other',
      );
    case 'docker':
    case 'podman':
      return k(sub === 'build' || (sub === 'compose' && args.includes('build')) ? 'build' : 'other');
    case 'vite':
    case 'next':
    case 'nuxt':
    case 'astro':
      return k(sub === 'build' ? 'build' : 'other');
    case 'playwright':
      return k(sub === 'test' ? 'test' : 'other');
    case 'cypress':
      return k(sub === 'run' ? 'test' : 'other');
    case 'unittest':
      return k('test');
  }
  if (TEST_TOOLS.has(tool)) {
    if (tool === 'vitest' && (sub === 'bench' || sub === 'init')) return k('other');
    return k('test');
  }
  if (TYPECHECK_TOOLS.has(tool)) {
    if (tool === 'tsc' && (args.includes('--build') || args.includes('-b')) && !args.includes('--noEmit'))
      return k('build');
    return k('typecheck');
  }
  if (LINT_TOOLS.has(tool)) return k('lint');
  if (BUILD_TOOLS.has(tool)) return k(tool === 'bazel' && sub === 'test' ? 'test' : 'build');
  if (INSTALL_TOOLS.has(tool)) return k(sub === 'install' || sub === 'add' ? 'install' : 'other');
  return k('other');
}

function firstNonOption(args: readonly string[]): string | undefined {
  return args.find((a) => !a.startsWith('-'));
}

/** Kind of a package.json script by its name. */
export function scriptKind(name: string): CommandKind {
  const n = name.toLowerCase();
  if (/(^|[:_-])(test|tests|spec|e2e|unit|integration|coverage|check)($|[:_-])|^test/.test(n)) {
    if (/^(format|fmt|prettier|lint)/.test(n)) return 'lint';
    if (/^(type|types|tsc)/.test(n)) return 'typecheck';
    return 'test';
  }
  if (/typecheck|type-check|types|tsc|check-types/.test(n)) return 'typecheck';
  if (/lint|format:check|fmt:check|prettier|stylelint/.test(n)) return 'lint';
  if (/build|compile|bundle|dist/.test(n)) return 'build';
  if (/^(install|bootstrap|setup)$/.test(n)) return 'install';
  return 'other';
}

const PM_VALUE_FLAGS = ['-w', '--workspace', '--prefix', '--filter', '-F', '-C', '--dir', '--cwd'];

function packageManager(tool: string, args: readonly string[]): CommandKind {
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') break;
    if (PM_VALUE_FLAGS.includes(a)) i++;
    else if (!a.startsWith('-')) rest.push(a);
  }
  if (tool === 'yarn' && rest[0] === 'workspace') rest.splice(0, 2);
  if (tool === 'yarn' && rest[0] === 'workspaces' && rest[1] === 'foreach') rest.splice(0, 2);
  const sub = rest[0];
  if (sub === undefined) return tool === 'yarn' || tool === 'bun' ? 'install' : 'other';
  if (['install', 'i', 'ci', 'add', 'update', 'up', 'upgrade'].includes(sub)) return 'install';
  if (sub === 'test' || sub === 't' || sub === 'tst') return 'test';
  if (sub === 'run' || sub === 'run-script' || sub === 'rum' || sub === 'urn') {
    return rest[1] ? scriptKind(rest[1]) : 'other';
  }
  if (tool === 'npm' || sub === 'exec' || sub === 'x') return 'other';
  // pnpm/yarn/bun run scripts by bare name.
  return scriptKind(sub);
}

function makeTarget(tool: string, args: readonly string[]): CommandKind {
  const targets: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-C' || a === '-f' || a === '--file' || a === '--directory' || a === '-j') {
      if (a !== '-j' || /^\d+$/.test(args[i + 1] ?? '')) i++;
    } else if (!a.startsWith('-') && !isAssignment(a)) targets.push(a);
  }
  if (!targets.length) return tool === 'make' || tool === 'gmake' ? 'build' : 'other';
  const kinds = targets.map((t) => {
    const k = scriptKind(t);
    if (k !== 'other') return k;
    if (/^(all|release|dist)$/.test(t)) return 'build';
    if (/^(deps|dependencies|vendor)$/.test(t)) return 'install';
    if (/^(vet|fmt-check|check-format|style)$/.test(t)) return 'lint';
    return 'other';
  });
  for (const kind of PRIORITY) if (kinds.includes(kind)) return kind;
  return 'other';
}

function gradleTasks(args: readonly string[]): CommandKind {
  const tasks = args.filter((a) => !a.startsWith('-')).map((t) => t.split(':').pop() ?? t);
  if (tasks.some((t) => /test$|^check$/i.test(t))) return 'test';
  if (tasks.some((t) => /lint|ktlintCheck|detekt|spotlessCheck|checkstyle/i.test(t))) return 'lint';
  if (tasks.some((t) => /^(build|assemble|jar|bootJar|compile\w*)$/i.test(t))) return 'build';
  if (tasks.some((t) => /dependencies|resolve/i.test(t))) return 'install';
  return 'other';
}

function mavenPhases(args: readonly string[]): CommandKind {
  const phases = args.filter((a) => !a.startsWith('-'));
  const skip = args.some((a) => /^-D(skipTests|maven\.test\.skip)(=true)?$/.test(a));
  if (!skip && phases.some((p) => ['test', 'verify', 'integration-test', 'install', 'deploy'].includes(p)))
    return 'test';
  if (phases.some((p) => /checkstyle|spotbugs|pmd|spotless:check/.test(p))) return 'lint';
  if (phases.some((p) => ['compile', 'package', 'install', 'deploy', 'verify'].includes(p))) return 'build';
  if (phases.some((p) => p.startsWith('dependency:'))) return 'install';
  return 'other';
}

// ---------------------------------------------------------------------------------------------
// Weakened runs.

export interface PriorRun {
  command: string;
  exit_code: number | null;
}

/**
 * Why this run of a check proves less than it seems, or null. `history` holds the commands that ran
 * before it in the same run (oldest first).
 */
export function detectWeakening(
  command: string,
  history: readonly PriorRun[] = [],
  /** The person declared this command a check (`exec --check`): judge it even when its tool is unknown. */
  declaredCheck = false,
): string | null {
  const simple = splitCommands(command);
  const all = invocations(command);
  const main = mainInvocation(command) ?? (declaredCheck ? (all[0] ?? null) : null);
  if (!main || (!declaredCheck && (main.kind === 'other' || main.kind === 'install'))) return null;
  const reasons: string[] = [];

  const ignored = ignoredExit(simple, main.index);
  if (ignored) reasons.push(`exit code ignored (${ignored})`);

  const pipeTo = hiddenByPipe(command, simple, main.index, all);
  if (pipeTo) reasons.push(`output piped into ${pipeTo} without pipefail hides the exit code`);

  const skip = skipFlags(main);
  if (skip) reasons.push(skip);

  if (main.kind === 'test') {
    const filter = narrowingFilter(main);
    if (filter) {
      const base = baseKey(main);
      const failedFull = history.some((h) => {
        if (h.exit_code === 0 || h.exit_code === null) return false;
        const m = mainInvocation(h.command);
        return m !== null && m.kind === 'test' && !narrowingFilter(m) && baseKey(m) === base;
      });
      if (failedFull) reasons.push(`narrowed to ${filter} after a failing full run`);
    }
  }
  return reasons.length ? reasons.join('; ') : null;
}

function ignoredExit(simple: readonly SimpleCommand[], index: number): string | null {
  // Walk to the end of the check's pipeline, then look at what follows it.
  let i = index;
  while (i < simple.length && simple[i]!.next === '|') i++;
  const cmd = simple[i];
  if (!cmd) return null;
  const after = simple[i + 1];
  if (cmd.next === '||' && after) {
    const w = after.words.join(' ');
    if (/^(true|:|exit 0|echo\b.*|printf\b.*)$/.test(w)) return `|| ${after.words[0]}`;
  }
  if (
    (cmd.next === ';' || cmd.next === '\n') &&
    after &&
    /^(true|:|exit 0)$/.test(after.words.join(' ')) &&
    !after.next
  )
    return `; ${after.words.join(' ')}`;
  return null;
}

function hiddenByPipe(
  command: string,
  simple: readonly SimpleCommand[],
  index: number,
  all: readonly Invocation[],
): string | null {
  if (simple[index]?.next !== '|') return null;
  if (/set\s+(-[a-z]*o\s+pipefail|-o\s+pipefail)|set\s+-[a-z]*\s+-o\s+pipefail|pipefail/.test(command))
    return null;
  let i = index;
  while (i < simple.length && simple[i]!.next === '|') i++;
  const last = all[i];
  return last ? baseName(last.words[0] ?? 'a pipe') : 'a pipe';
}

function skipFlags(inv: Invocation): string | null {
  const { words, env } = inv;
  for (const [k, v] of Object.entries(env)) {
    if (
      /^SKIP(_[A-Z]+)*$|_SKIP$|^(NO|SKIP)_(TESTS?|CHECKS?|LINT)/.test(k) &&
      v !== '' &&
      v !== '0' &&
      v !== 'false'
    )
      return `skip variable ${k}=${v}`;
  }
  const args = words.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (/^--pass(-w|W)ith(-n|N)o(-t|T)ests$/.test(a)) return `${a} lets an empty run pass`;
    if (a === '--no-verify') return '--no-verify skips verification hooks';
    if (/^-D(skipTests|maven\.test\.skip)(=true)?$/.test(a)) return `${a} skips tests`;
    if (/^--(skip|exclude|ignore)([-=]|$)/.test(a) || a === '--testPathIgnorePatterns')
      return `skips part of the suite (${a})`;
    if ((inv.tool === 'gradle' || inv.tool === 'gradlew') && a === '-x')
      return `excludes task ${args[i + 1] ?? ''}`.trim();
    if (a === '-m' && inv.tool === 'pytest' && /\bnot\b/.test(args[i + 1] ?? ''))
      return `deselects tests (-m "${args[i + 1]}")`;
    if (a === '-k' && /^not\b/.test(args[i + 1] ?? '')) return `deselects tests (-k "${args[i + 1]}")`;
    if (inv.tool === 'go' && a === '-short') return '-short skips long tests';
    if (a === '--only-changed' || a === '--changed' || a === '--onlyChanged' || a === '-o') {
      if (inv.tool === 'jest' || inv.tool === 'vitest') return `${a} runs only tests of changed files`;
    }
  }
  return null;
}

const FILTER_FLAGS = new Set([
  '-k',
  '-t',
  '--testNamePattern',
  '--grep',
  '-g',
  '-run',
  '--run',
  '--filter',
  '-e',
  '--example',
  '--spec',
  '--tests',
  '--test',
  '-p',
  '--testPathPattern',
  '--only',
  '--match',
  '-m',
]); // prettier-ignore
const TEST_FILE =
  /(\.(test|spec)\.[cm]?[jt]sx?$)|(^|\/)test_[^/]*\.py(::.*)?$|_test\.(py|go)(::.*)?$|\.py::|_spec\.rb(:\d+)?$|Test\.(java|kt|php)$/;

/** The filter that narrows a test run to part of the suite, or null for a full run. */
export function narrowingFilter(inv: Invocation): string | null {
  const args = inv.words.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const [flag, inline] = a.includes('=')
      ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
      : [a, null];
    if (FILTER_FLAGS.has(flag)) {
      if (flag === '-m' && inv.tool !== 'pytest') continue;
      if (flag === '-p' && inv.tool !== 'cargo') continue;
      if ((flag === '-k' || flag === '-m') && /^not\b/.test(inline ?? args[i + 1] ?? '')) continue;
      return `${flag} ${inline ?? args[i + 1] ?? ''}`.trim();
    }
    if (TEST_FILE.test(a)) return a;
  }
  if (inv.tool === 'cargo' || inv.tool === 'go') {
    // `cargo test name` filters by name; `go test ./pkg/foo` is a package, not a filter.
    const sub = firstNonOption(args);
    const pos = args.filter((x) => !x.startsWith('-')).slice(1);
    if (inv.tool === 'cargo' && sub === 'test' && pos.length && !args.includes('--')) return pos[0]!;
  }
  if (['jest', 'vitest', 'mocha', 'pytest'].includes(inv.tool)) {
    const pos = args.filter((x) => !x.startsWith('-') && x !== 'run' && x !== 'watch');
    if (pos.some((p) => /[./]/.test(p) && !/^(tests?|spec|src|\.)\/?$/.test(p))) return pos[0]!;
  }
  return null;
}

/** What stays of a test invocation with filters and file arguments removed: same base = same suite. */
function baseKey(inv: Invocation): string {
  const out: string[] = [];
  const args = inv.words.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const flag = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    if (FILTER_FLAGS.has(flag)) {
      if (!a.includes('=')) i++;
      continue;
    }
    if (a === '--' || TEST_FILE.test(a) || (!a.startsWith('-') && /[./:]/.test(a))) continue;
    if (inv.tool === 'cargo' && !a.startsWith('-') && a !== 'test') continue;
    out.push(a);
  }
  return [inv.tool, ...out.filter((w) => !w.startsWith('-'))].join(' ');
}

// ---------------------------------------------------------------------------------------------
// Commands that change files (for "ran after the last edit" when edits come from the shell).

const WRITERS = /^(sed|perl)$/;

/** Whether a command line probably modifies files in the working tree (sed -i, >, formatters…). */
export function mayWriteFiles(command: string): boolean {
  if (/(^|[^0-9>])>{1,2}\s*(?!\/dev\/null|&)\S/.test(command.replace(/2>&1|\d>&\d/g, ''))) return true;
  for (const inv of invocations(command)) {
    const tool = baseName(inv.words[0] ?? '');
    const args = inv.words.slice(1);
    if (WRITERS.test(tool) && args.some((a) => /^-[a-zA-Z]*i/.test(a))) return true;
    if (['mv', 'cp', 'rm', 'touch', 'tee', 'patch', 'mkdir', 'ln', 'truncate', 'install'].includes(tool))
      return true;
    if (
      tool === 'git' &&
      [
        'apply',
        'checkout',
        'restore',
        'reset',
        'stash',
        'merge',
        'rebase',
        'cherry-pick',
        'revert',
        'pull',
        'mv',
        'rm',
      ].includes(args[0] ?? '')
    )
      return true;
    if ((tool === 'prettier' || tool === 'biome') && args.some((a) => a === '--write' || a === '-w'))
      return true;
    if ((tool === 'eslint' || tool === 'ruff') && args.includes('--fix')) return true;
    if (
      (tool === 'black' || tool === 'isort' || tool === 'gofmt' || tool === 'rustfmt') &&
      inv.kind === 'other'
    )
      return true;
    if (tool === 'cargo' && args[0] === 'fmt' && inv.kind === 'other') return true;
    if (inv.kind === 'install') return true;
  }
  return false;
}
