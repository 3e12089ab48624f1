// The OpenCode plugin `install opencode` writes (.opencode/plugin/git-agent-log.js). OpenCode has no
// hook commands of its own; it loads every .js/.ts file of a project's plugin directory and calls the
// functions it exports with the project (`directory`, `worktree`) and then the returned hooks: `event`
// for its bus events, `chat.message`, `tool.execute.before`, `tool.execute.after`. The plugin hands each
// event that matters to `git agent-log hook opencode` on stdin, the way other agents run hook commands:
//   - spawned, never awaited: OpenCode goes on at once; one hook at a time per session, in the order
//     OpenCode told them (a burst never forks a crowd), all at once when OpenCode closes the project
//     so that none is lost when it exits; each payload carries when OpenCode told it (`at`);
//   - a subagent's session (task tool) is folded into its parent's: its calls and cost are the run's;
//   - only tool.execute.before waits: for the session's earlier hooks (the guard decides on what they
//     told: results, tokens), then for its own answer, each up to 10 s; only an explicit guard rule
//     makes it refuse, by throwing, which is how OpenCode lets a plugin refuse a call;
//   - anything going wrong (no `sh`, no git-agent-log, a dead hook) is swallowed: recording never
//     fails OpenCode.
// It exports one function and nothing else: OpenCode calls every export of a plugin file.
import { agentHookCommand } from '../hook-command.js';

/** First line of the file: how `uninstall` and `doctor` know the file is ours. */
export const PLUGIN_MARK = '// git-agent-log: OpenCode plugin';

export const PLUGIN_FILE = 'git-agent-log.js';

/** The plugin's source, for the installed command. */
export function pluginSource(command = agentHookCommand('opencode')): string {
  return `${PLUGIN_MARK} (written by \`git agent-log install opencode\`; \`git agent-log uninstall opencode\` removes it).
// It hands OpenCode's session events to \`git agent-log hook opencode\`, which records the run in this
// repository's git notes. Recording never blocks or fails OpenCode; only an explicit guard rule of
// .agent-log/config.json refuses a tool call. Do not edit: reinstall to update.
import { spawn } from "node:child_process"

const HOOK = ${JSON.stringify(command)}
const ANSWER_MS = 10000
const QUEUE_MS = 30000

export const GitAgentLog = async ({ directory, worktree }) => {
  const cwd = directory || worktree || process.cwd()
  const parents = new Map() // subagent session -> parent session
  const roots = new Set() // sessions seen here: each ends when OpenCode closes the project
  const sent = new Set() // finished tool parts and completed messages already handed on
  const pending = new Map() // session -> hooks waiting their turn
  const busy = new Set() // sessions with a hook running
  const waiting = new Map() // session -> calls waiting for its earlier hooks
  let idleEvents = false

  const rootOf = (id) => {
    let r = id
    for (let i = 0; i < 32 && parents.has(r); i++) r = parents.get(r)
    return r
  }

  // One hook process; resolves with what it printed (when asked) once it exits, or after a while.
  const run = (payload, answer) =>
    new Promise((resolve) => {
      let out = ""
      let done = false
      const finish = () => {
        if (!done) {
          done = true
          resolve(out)
        }
      }
      try {
        const child = spawn("sh", ["-c", HOOK], {
          cwd,
          env: process.env,
          stdio: ["pipe", answer ? "pipe" : "ignore", "ignore"],
        })
        const timer = setTimeout(finish, answer ? ANSWER_MS : QUEUE_MS)
        if (timer.unref) timer.unref()
        child.on("error", finish)
        child.on("close", () => {
          clearTimeout(timer)
          finish()
        })
        if (answer) child.stdout.on("data", (d) => (out += d))
        child.stdin.on("error", () => {})
        child.stdin.end(JSON.stringify(payload))
      } catch {
        finish()
      }
    })

  // One hook at a time per session, in order; a call that wants an answer waits for those before it
  // (up to ANSWER_MS), then runs at once.
  const pump = (root) => {
    const list = pending.get(root)
    if (busy.has(root)) return
    if (!list) {
      for (const wake of waiting.get(root) || []) wake()
      waiting.delete(root)
      return
    }
    const next = list.shift()
    if (!list.length) pending.delete(root)
    busy.add(root)
    run(next, false).then(() => {
      busy.delete(root)
      pump(root)
    })
  }

  // OpenCode is closing: every hook still waiting starts now, so none is lost when it exits.
  const flush = () => {
    for (const [root, list] of pending) {
      pending.delete(root)
      for (const payload of list) run(payload, false)
    }
  }

  // Resolves once the session's earlier hooks are done (the guard decides on what they told), or
  // after ANSWER_MS at most.
  const drained = (root) =>
    new Promise((resolve) => {
      if (!busy.has(root) && !pending.has(root)) return resolve()
      const timer = setTimeout(resolve, ANSWER_MS)
      if (timer.unref) timer.unref()
      if (!waiting.has(root)) waiting.set(root, [])
      waiting.get(root).push(resolve)
    })

  const send = (name, sessionID, fields, answer = false) => {
    if (typeof sessionID !== "string" || !sessionID) return Promise.resolve("")
    const root = rootOf(sessionID)
    roots.add(root)
    // when OpenCode told it: the hook may run a little later, behind this session's earlier hooks
    const payload = { hook_event_name: name, sessionID: root, cwd, at: new Date().toISOString(), ...fields }
    if (root !== sessionID) payload.agent_id = sessionID
    if (answer) return drained(root).then(() => run(payload, true))
    if (!pending.has(root)) pending.set(root, [])
    pending.get(root).push(payload)
    pump(root)
    return Promise.resolve("")
  }

  // Metadata of a call without its bulky parts (file contents, diffs, diagnostics).
  const slim = (meta) => {
    const out = {}
    if (meta && typeof meta === "object")
      for (const [k, v] of Object.entries(meta)) if (v === null || typeof v !== "object") out[k] = v
    return out
  }

  const onEvent = (event) => {
    const type = event && event.type
    const p = (event && event.properties) || {}
    const info = p.info || {}
    switch (type) {
      case "session.created":
        if (info.parentID) parents.set(info.id, info.parentID)
        return send(type, info.id, { properties: { info } })
      case "session.deleted":
        return send(type, info.id, { properties: { info } })
      case "session.idle":
        idleEvents = true
        return send(type, p.sessionID, { properties: p })
      case "session.status":
        // OpenCode builds without session.idle say it this way
        if (idleEvents || !p.status || p.status.type !== "idle") return
        return send(type, p.sessionID, { properties: p })
      case "session.error":
        return send(type, p.sessionID, { properties: p })
      case "message.updated": {
        if (info.role !== "assistant" || !info.time || !info.time.completed || sent.has(info.id)) return
        sent.add(info.id)
        return send(type, info.sessionID, { properties: { info } })
      }
      case "message.part.updated": {
        const part = p.part || {}
        const state = part.state || {}
        if (part.type !== "tool" || (state.status !== "completed" && state.status !== "error")) return
        const key = part.id + ":" + state.status
        if (sent.has(key)) return
        sent.add(key)
        const slimPart = { ...part, state: { ...state, metadata: slim(state.metadata) } }
        return send(type, part.sessionID, { tool_use_id: part.callID, properties: { part: slimPart } })
      }
      case "server.instance.disposed": {
        const all = [...roots]
        roots.clear()
        for (const id of all) send(type, id, { properties: p })
        return flush()
      }
    }
  }

  return {
    event: async ({ event }) => {
      try {
        onEvent(event)
      } catch {}
    },
    "chat.message": async (input, output) => {
      try {
        const parts = ((output && output.parts) || []).filter((part) => part && part.type === "text")
        // early plugin APIs passed no sessionID in input: the message names it
        const sessionID = (input && input.sessionID) || (output && output.message && output.message.sessionID)
        send("chat.message", sessionID, { input, output: { parts } })
      } catch {}
    },
    "tool.execute.before": async (input, output) => {
      let reply = null
      try {
        const args = (output && output.args) || {}
        const said = await send("tool.execute.before", input.sessionID, { tool_use_id: input.callID, input, args }, true)
        reply = said.trim() ? JSON.parse(said) : null
      } catch {}
      if (reply && reply.decision === "deny") throw new Error(String(reply.reason || "refused by git-agent-log"))
    },
    "tool.execute.after": async (input, output) => {
      try {
        const o = output || {}
        send("tool.execute.after", input.sessionID, {
          tool_use_id: input.callID,
          input,
          output: { title: o.title, output: o.output, metadata: slim(o.metadata) },
        })
      } catch {}
    },
  }
}
`;
}
