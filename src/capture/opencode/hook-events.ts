// The journal of an OpenCode session, as our plugin (./plugin.ts) forwarded it, into SessionEvents.
// Each line is one envelope `{hook_event_name, sessionID, cwd, agent_id?, …}`: OpenCode's bus events
// with their `properties` (session.created, message.updated, message.part.updated, session.idle,
// session.status, session.error, session.deleted, server.instance.disposed) and its hooks with their
// `input`/`output` (chat.message, tool.execute.before, tool.execute.after). A call is known by its
// callID: the finished tool part (message.part.updated) is the authority on how it ended; the
// tool.execute hooks stand in for it when it never came. Times are when OpenCode told the plugin (its
// `at`; else when the hook ran);
// a call ends OpenCode's own duration after it started. Calls and usage of a subagent (a child session the plugin
// folds into its parent) carry its id in `agent_id`; its prompts are the parent's, not a person's. Pure.
import type { HookLine, SessionEvent } from '../session/events.js';
import { num, type Obj, str } from '../hook/payload.js';
import { obj, type OpencodeUsage, promptText, toolPartEvents, usageOf } from './parts.js';

export interface OpencodeHookSession {
  events: SessionEvent[];
  usage: OpencodeUsage[];
  /** The directory OpenCode ran in, as the plugin saw it. */
  directory: string | null;
}

interface Call {
  tool: string;
  session_id: string;
  agent_id: string | null;
  cwd: string | null;
  before?: { at: string; args: Obj };
  after?: { at: string; output: Obj; args: Obj | null };
  part?: { at: string; part: Obj };
}

export function opencodeHookEvents(lines: readonly HookLine[]): OpencodeHookSession {
  const events: SessionEvent[] = [];
  const calls = new Map<string, Call>();
  const usage = new Map<string, OpencodeUsage>();
  let directory: string | null = null;
  let model: string | null = null;
  let version: string | null = null;
  const callOf = (id: string, tool: string, base: Omit<Call, 'tool'>): Call => {
    const c = calls.get(id) ?? { ...base, tool };
    calls.set(id, c);
    return c;
  };
  const setModel = (at: string, session_id: string, m: string | null) => {
    if (!m || m === model) return;
    model = m;
    events.push({ kind: 'model', at, session_id, model: m });
  };

  for (const { at: ran, payload } of lines) {
    // the plugin stamps when OpenCode told it; the journal line says when the hook ran
    const told = str(payload.at);
    const at = told && Number.isFinite(Date.parse(told)) ? told : ran;
    const name = str(payload.hook_event_name) ?? '';
    const session_id = str(payload.sessionID) ?? '';
    const agent_id = str(payload.agent_id);
    const cwd = str(payload.cwd);
    directory ??= cwd;
    const props = obj(payload.properties) ?? {};
    const input = obj(payload.input) ?? {};
    const output = obj(payload.output) ?? {};
    switch (name) {
      case 'session.created':
      case 'session.updated': {
        const info = obj(props.info) ?? {};
        const v = str(info.version);
        if (name === 'session.created') {
          if (agent_id)
            events.push({
              kind: 'subagent',
              at,
              session_id,
              phase: 'start',
              agent_id,
              agent_type: null,
              transcript_path: null,
            });
          else events.push({ kind: 'session-start', at, session_id, source: null, model: null });
        }
        if (v && v !== version) {
          version = v;
          events.push({ kind: 'version', at, session_id, version: v });
        }
        if (name === 'session.updated') events.push({ kind: 'activity', at, session_id });
        break;
      }
      case 'chat.message': {
        setModel(at, session_id, str(obj(input.model)?.modelID));
        const parts = Array.isArray(output.parts) ? output.parts : [];
        const text = agent_id ? null : promptText(parts);
        if (text) events.push({ kind: 'prompt', at, session_id, text });
        else events.push({ kind: 'activity', at, session_id });
        break;
      }
      case 'tool.execute.before':
      case 'tool.execute.after': {
        const id = str(input.callID);
        const tool = str(input.tool);
        if (!id || !tool) break;
        const c = callOf(id, tool, { session_id, agent_id, cwd });
        if (name === 'tool.execute.before') c.before ??= { at, args: obj(payload.args) ?? {} };
        else c.after = { at, output, args: obj(input.args) };
        break;
      }
      case 'message.part.updated': {
        const part = obj(props.part);
        const id = str(part?.callID);
        const tool = str(part?.tool);
        if (!part || part.type !== 'tool' || !id || !tool) {
          events.push({ kind: 'activity', at, session_id });
          break;
        }
        callOf(id, tool, { session_id, agent_id, cwd }).part = { at, part };
        break;
      }
      case 'message.updated': {
        const info = obj(props.info) ?? {};
        if (info.role === 'assistant') {
          const m = str(info.modelID);
          setModel(at, session_id, m);
          const id = str(info.id);
          const u = usageOf(info, m, at);
          // the last word on a message: it is forwarded once it completed, maybe again after
          if (id && u) usage.set(id, u);
        }
        events.push({ kind: 'activity', at, session_id });
        break;
      }
      case 'session.idle':
        if (!agent_id) events.push({ kind: 'stop', at, session_id });
        break;
      case 'session.status':
        if (!agent_id && obj(props.status)?.type === 'idle') events.push({ kind: 'stop', at, session_id });
        else events.push({ kind: 'activity', at, session_id });
        break;
      case 'session.deleted':
      case 'server.instance.disposed':
        events.push(
          agent_id
            ? { kind: 'activity', at, session_id }
            : {
                kind: 'session-end',
                at,
                session_id,
                reason: name === 'session.deleted' ? 'deleted' : 'exit',
              },
        );
        break;
      default:
        // session.error, file.edited, later events: the session was alive
        events.push({ kind: 'activity', at, session_id });
    }
  }

  for (const [id, c] of calls) events.push(...callEvents(id, c));
  return { events, usage: [...usage.values()], directory };
}

/** A call's events: from its finished tool part, else from what tool.execute.before/after told. */
function callEvents(id: string, c: Call): SessionEvent[] {
  const ctx = { session_id: c.session_id, cwd: c.cwd, agent_id: c.agent_id };
  if (c.part) {
    const state = obj(c.part.part.state) ?? {};
    // the hook's args are the call's real input when the part was forwarded before it had one
    const part =
      c.before && !obj(state.input)
        ? { ...c.part.part, state: { ...state, input: c.before.args } }
        : c.part.part;
    // OpenCode timed the call itself: it ended its own duration after it started
    const time = obj(state.time);
    const ms = (num(time?.end) ?? NaN) - (num(time?.start) ?? NaN);
    const took = Number.isFinite(ms) && ms >= 0 ? ms : null;
    const shift = (at: string, by: number) => new Date(Date.parse(at) + by).toISOString();
    const startAt = c.before?.at ?? (took === null ? c.part.at : shift(c.part.at, -took));
    const endAt = took === null ? c.part.at : shift(startAt, took);
    return toolPartEvents(part, { ...ctx, startAt, endAt });
  }
  const start = c.before?.at ?? c.after?.at;
  if (!start) return [];
  const state: Obj = c.after
    ? {
        status: 'completed',
        input: c.before?.args ?? c.after.args ?? {},
        output: c.after.output.output,
        metadata: c.after.output.metadata,
      }
    : { status: 'running', input: c.before?.args ?? {} };
  return toolPartEvents(
    { type: 'tool', callID: id, tool: c.tool, state },
    { ...ctx, startAt: start, endAt: c.after?.at ?? null },
  );
}
