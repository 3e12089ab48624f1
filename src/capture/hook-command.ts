// The command each agent's shared settings file runs for our hook. The file is committed, so the
// command must suit every teammate: it finds the tool — the project's own devDependency
// (node_modules/.bin under the project root, else under the git top level) first, then PATH — and
// where the tool is not installed it exits 0 and prints nothing, so nobody's agent shows a hook
// error for a recorder they never installed. POSIX shell: Claude Code runs hook commands with bash,
// Codex and Gemini CLI with `sh -c`; the payload stays on stdin through `exec`.

/** The variable each agent sets to the project root for hook commands (none: the hook's cwd). */
const PROJECT_DIR: Readonly<Record<string, string>> = {
  'claude-code': 'CLAUDE_PROJECT_DIR',
  gemini: 'GEMINI_PROJECT_DIR',
  cursor: 'CURSOR_PROJECT_DIR',
};

/** `event`: for agents whose payload does not name its event (Copilot CLI), the hook command does. */
export function agentHookCommand(agent: string, event?: string): string {
  const dir = PROJECT_DIR[agent];
  const root = dir ? `\${${dir}:-$PWD}` : '$PWD';
  const found = 'command -v git-agent-log >/dev/null 2>&1';
  return [
    `PATH="${root}/node_modules/.bin:$PATH"`,
    `${found} || PATH="$(git rev-parse --show-toplevel 2>/dev/null)/node_modules/.bin:$PATH"`,
    `${found} && exec git-agent-log hook ${agent}${event ? ` ${event}` : ''}`,
    'exit 0',
  ].join('; ');
}

/** Commands of ours, from any version: `git agent-log hook …`, a path to the bin, npx, or the above. */
const OURS =
  /^\s*(git[ -]agent-log|\S*\/git-agent-log|npx\s+git-agent-log)\s+hook(\s|$)|\bexec git-agent-log hook\s/;

export function isOurCommand(command: string): boolean {
  return OURS.test(command);
}
