// The refusal in each agent's own words (reference/agent-formats.md): what the hook prints on stdout,
// always with exit 0 (exit 2 would drop the JSON, and any other code is not a refusal).
//   Claude Code PreToolUse   {"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny",…}}
//   Claude Code UserPromptSubmit {"decision":"block","reason":…}
//   Codex PreToolUse         the same hookSpecificOutput, plus the legacy {"decision":"block"} it also honours
//   Gemini BeforeTool/BeforeAgent {"decision":"deny","reason":…}

export interface HookAnswer {
  stdout: string;
}

export function answerFor(agent: string, eventName: string, reason: string): HookAnswer | null {
  if (agent === 'gemini') {
    if (eventName !== 'BeforeTool' && eventName !== 'BeforeAgent') return null;
    return { stdout: JSON.stringify({ decision: 'deny', reason }) };
  }
  if (eventName === 'PreToolUse') {
    const specific = {
      hookEventName: 'PreToolUse',
      permissionDecision: 'deny',
      permissionDecisionReason: reason,
    };
    return {
      stdout: JSON.stringify(
        agent === 'codex'
          ? { decision: 'block', reason, hookSpecificOutput: specific }
          : { hookSpecificOutput: specific },
      ),
    };
  }
  if (eventName === 'UserPromptSubmit') return { stdout: JSON.stringify({ decision: 'block', reason }) };
  return null;
}

/** Context handed to the agent at session start or with a prompt (Claude Code and Codex). */
export function contextAnswer(agent: string, eventName: string, text: string): HookAnswer | null {
  if (agent === 'gemini')
    return {
      stdout: JSON.stringify({ hookSpecificOutput: { hookEventName: eventName, additionalContext: text } }),
    };
  if (eventName !== 'SessionStart' && eventName !== 'UserPromptSubmit') return null;
  return {
    stdout: JSON.stringify({ hookSpecificOutput: { hookEventName: eventName, additionalContext: text } }),
  };
}
