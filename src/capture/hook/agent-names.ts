// The agents we record, the names users and hook commands call them by, and what the hook entry needs to
// know of each agent's payloads: which field names the session, and which events start a session, end
// a turn and end the session (each agent spells them its own way). Dependency-free: the hook entry and
// the full CLI both read it. One line per agent; capture/registry.ts holds the full adapters.
export const AGENT_NAMES = [
  'claude-code',
  'codex',
  'gemini',
  'cursor',
  'copilot',
  'aider',
  'opencode',
] as const;
export type AgentName = (typeof AGENT_NAMES)[number];

export interface HookProfile {
  aliases: readonly string[];
  /** Payload fields naming the session, first present wins. */
  sessionKeys: readonly string[];
  /** Events (as the agent names them) that start a session, end a turn, end the session. */
  start: readonly string[];
  turnEnd: readonly string[];
  end: readonly string[];
}

const CLAUDE_SHAPE = { start: ['SessionStart'], turnEnd: ['Stop'], end: ['SessionEnd'] };

export const HOOK_PROFILES: Readonly<Record<AgentName, HookProfile>> = {
  'claude-code': { aliases: ['claude'], sessionKeys: ['session_id'], ...CLAUDE_SHAPE },
  codex: { aliases: ['codex-cli'], sessionKeys: ['session_id', 'thread-id'], ...CLAUDE_SHAPE },
  gemini: { aliases: ['gemini-cli'], sessionKeys: ['session_id'], ...CLAUDE_SHAPE },
  // Cursor 1.7–2.x name the session only by conversation_id; 3.x also send session_id (the same id).
  cursor: {
    aliases: ['cursor-agent', 'cursor-cli'],
    sessionKeys: ['conversation_id', 'session_id'],
    start: ['sessionStart'],
    turnEnd: ['stop'],
    end: ['sessionEnd'],
  },
  // Copilot CLI's camelCase payloads carry no event name (the hook command passes it) and name the
  // session `sessionId`; its VS Code compatible (PascalCase) form sends session_id.
  copilot: {
    aliases: ['copilot-cli', 'github-copilot'],
    sessionKeys: ['sessionId', 'session_id'],
    start: ['sessionStart', 'SessionStart'],
    turnEnd: ['agentStop', 'Stop'],
    end: ['sessionEnd', 'SessionEnd'],
  },
  // Aider has no hooks (import of its chat history, or `run`): the profile is never used by a hook.
  aider: { aliases: ['aider-chat'], sessionKeys: [], start: [], turnEnd: [], end: [] },
  // OpenCode's plugin (capture/opencode/plugin.ts) forwards its bus events under their own names.
  opencode: {
    aliases: ['opencode-ai', 'sst-opencode'],
    sessionKeys: ['sessionID'],
    start: ['session.created'],
    turnEnd: ['session.idle'],
    end: ['server.instance.disposed', 'session.deleted'],
  },
};

export const AGENT_ALIASES: Readonly<Record<string, AgentName>> = Object.fromEntries(
  AGENT_NAMES.flatMap((name) => [name, ...HOOK_PROFILES[name].aliases].map((a) => [a, name])),
);

/** Is this event (any agent's spelling) the start or the end of a session? Case-insensitive. */
export const isSessionStart = (event: unknown) => typeof event === 'string' && /^sessionstart$/i.test(event);
const END_EVENTS = new Set(AGENT_NAMES.flatMap((name) => HOOK_PROFILES[name].end));
export const isSessionEnd = (event: unknown) =>
  typeof event === 'string' && (/^sessionend$/i.test(event) || END_EVENTS.has(event));
