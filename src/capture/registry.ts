// The agents we record: one line each. An agent is a folder (its hook payloads, session files,
// installer) behind the adapter interface (session/adapter.ts); the hook's own dependency-free table
// of names (hook/agent-names.ts) must list the same agents (test/unit/agent-registry.test.ts).
import { aider } from './aider/adapter.js';
import { claudeCode } from './claude-code/adapter.js';
import { codex } from './codex/adapter.js';
import { copilot } from './copilot/adapter.js';
import { cursor } from './cursor/adapter.js';
import { gemini } from './gemini/adapter.js';
import { opencode } from './opencode/adapter.js';
import { AGENT_ALIASES, type AgentName } from './hook/agent-names.js';
import type { AgentAdapter } from './session/adapter.js';

const ADAPTERS: Record<AgentName, AgentAdapter> = {
  'claude-code': claudeCode,
  codex,
  gemini,
  cursor,
  copilot,
  aider,
  opencode,
};

export { AGENT_NAMES, type AgentName } from './hook/agent-names.js';

/** The agent a user named (`claude`, `codex-cli` …), or null. */
export function agentNamed(name: string): AgentName | null {
  return AGENT_ALIASES[name.toLowerCase()] ?? null;
}

export function agentAdapter(name: string): AgentAdapter {
  return ADAPTERS[agentNamed(name) ?? 'claude-code'];
}
