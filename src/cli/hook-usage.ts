// `hook` is no yargs command (bin/ hands it to the hook bundle before the CLI loads), so its help
// text lives here: `help hook` prints it and the man page's build adds it as a section.
export const HOOK_USAGE = 'hook <agent> [event]';

export const HOOK_DESCRIBE =
  "The entry point an agent's hooks call (set up by `git agent-log install AGENT`): reads the event " +
  'as JSON on stdin (its name from the payload when not given), appends it to the run journal and ' +
  'prints nothing; never blocks the agent, except the guard refusing a call when a policy rule matches. ' +
  'Agents: claude-code, codex, gemini, cursor, copilot.';

export function hookHelp(): string {
  return `git agent-log ${HOOK_USAGE}\n\n${HOOK_DESCRIBE}\n`;
}
