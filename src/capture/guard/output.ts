// The refusal in each agent's own words (reference/agent-formats.md): what the hook prints on stdout,
// always with exit 0 (exit 2 would drop the JSON, and any other code is not a refusal).
//   Claude Code PreToolUse   {"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny",…}}
//   Claude Code UserPromptSubmit {"decision":"block","reason":…}
//   Codex PreToolUse         the same hookSpecificOutput, plus the legacy {"decision":"block"} it also honours
//   Gemini BeforeTool/BeforeAgent {"decision":"deny","reason":…}
//   Cursor beforeShellExecution/preToolUse {"permission":"deny","user_message":…,"agent_message":…}
//   Copilot CLI preToolUse   {"permissionDecision":"deny","permissionDecisionReason":…}
//   OpenCode tool.execute.before {"decision":"deny","reason":…} (our plugin throws it as the call's error)

export interface HookAnswer {
  stdout: string;
}

export function answerFor(agent: string, eventName: string, reason: string): HookAnswer | null {
  // Cursor: the permission hooks take {permission, user_message, agent_message} (the user_message is
  // what reaches the model); beforeSubmitPrompt takes {continue:false, user_message}.
  if (agent === 'cursor') {
    if (eventName === 'PreToolUse')
      return { stdout: JSON.stringify({ permission: 'deny', user_message: reason, agent_message: reason }) };
    if (eventName === 'UserPromptSubmit')
      return { stdout: JSON.stringify({ continue: false, user_message: reason }) };
    return null;
  }
  // Copilot CLI: only preToolUse output is a decision; userPromptSubmitted output is not processed.
  if (agent === 'copilot') {
    if (eventName !== 'PreToolUse') return null;
    return { stdout: JSON.stringify({ permissionDecision: 'deny', permissionDecisionReason: reason }) };
  }
  if (agent === 'opencode')
    return eventName === 'PreToolUse' ? { stdout: JSON.stringify({ decision: 'deny', reason }) } : null;
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
  if (agent === 'cursor')
    return /^sessionStart$|^SessionStart$/.test(eventName)
      ? { stdout: JSON.stringify({ additional_context: text }) }
      : null;
  if (agent === 'copilot') return null; // its sessionStart and prompt outputs are not processed
  if (agent === 'opencode') return null; // the plugin reads an answer only before a tool call
  if (agent === 'gemini')
    return {
      stdout: JSON.stringify({ hookSpecificOutput: { hookEventName: eventName, additionalContext: text } }),
    };
  if (eventName !== 'SessionStart' && eventName !== 'UserPromptSubmit') return null;
  return {
    stdout: JSON.stringify({ hookSpecificOutput: { hookEventName: eventName, additionalContext: text } }),
  };
}
