// The agents we record and the names users and hook commands call them by. Dependency-free: the hook
// entry and the full CLI both read it.
export const AGENT_NAMES = ['claude-code', 'codex', 'gemini', 'aider'] as const;
export type AgentName = (typeof AGENT_NAMES)[number];

export const AGENT_ALIASES: Readonly<Record<string, AgentName>> = {
  claude: 'claude-code',
  'claude-code': 'claude-code',
  codex: 'codex',
  'codex-cli': 'codex',
  gemini: 'gemini',
  'gemini-cli': 'gemini',
  aider: 'aider',
  'aider-chat': 'aider',
};
