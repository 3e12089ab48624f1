// OpenCode's session model read into events: the cases the end-to-end tests do not reach (a step
// re-emitted, a stream with an error line and noise, calls OpenCode aborted or a permission rule
// refused, apply_patch paths, a read of a directory, a subagent's prompt, a call whose part never
// came). Inputs in OpenCode's shapes (ses_/msg_/prt_ ids, epoch-ms times, absolute paths of another
// machine); expectations written out from those inputs.
import { describe, expect, test } from 'vitest';
import { opencodeHookEvents } from '../../src/capture/opencode/hook-events.js';
import { callShape, reportedCost, toolOutcome } from '../../src/capture/opencode/parts.js';
import { parseOpencodeSession } from '../../src/capture/opencode/session-file.js';
import { foldSession } from '../../src/capture/session/fold.js';

const S = 'ses_3b11bfdcdffeITCXse4fCuIRnU';
const M = 'msg_c4ee5514f001Ex6uD1OPYN4CvM';
const step = (id: string, ts: number, cost: number, input: number, output: number, reasoning: number) =>
  JSON.stringify({
    type: 'step_finish',
    timestamp: ts,
    sessionID: S,
    part: {
      id,
      sessionID: S,
      messageID: M,
      type: 'step-finish',
      reason: 'tool-calls',
      snapshot: '46358aa58bd4898e237354989cb72e503432508e',
      cost,
      tokens: { input, output, reasoning, cache: { read: 0, write: 0 } },
    },
  });

describe('run --format json streams', () => {
  test('a step re-emitted with the same part id is billed once; an error line and noise change nothing', () => {
    const text = [
      step('prt_c4ee572a4001D80xZeY1SOIMPE', 1770850185921, 0.0042, 15169, 47, 17),
      step('prt_c4ee572a4001D80xZeY1SOIMPE', 1770850185921, 0.0042, 15169, 47, 17),
      'Error: not json',
      JSON.stringify({ type: 'text', part: { type: 'text', text: 'no session id' } }),
      JSON.stringify({
        type: 'error',
        timestamp: 1770850186100,
        sessionID: S,
        error: {
          name: 'APIError',
          data: { message: 'Rate limit exceeded', statusCode: 429, isRetryable: true },
        },
      }),
      step('prt_c4ee5a1b7001Kq2Wd8Xm4Rv6Tn', 1770850190000, 0.001, 900, 12, 0),
    ].join('\n');
    const s = parseOpencodeSession(text)!;
    expect(s).toMatchObject({ format: 'run-json', session_id: S, directory: null, version: null });
    expect(reportedCost(s.usage)).toMatchObject({
      input_tokens: 15169 + 900,
      output_tokens: 47 + 17 + 12,
      reasoning_tokens: 17,
      usd: 0.0052,
      messages: 2,
      price_table: 'opencode-reported',
    });
  });

  test('text that is neither an export nor a stream is not a session', () => {
    expect(parseOpencodeSession('{"sessionId":"x","messages":[]}')).toBeNull();
    expect(parseOpencodeSession('Some log line\n{"info":{"id":"ses_1"},"messages":[]}')).toBeNull();
  });

  test('an export printed after "Exporting session: …" is read', () => {
    const doc = {
      info: { id: S, directory: '/Users/alice/dev/app', version: '1.1.48', time: { created: 1770850180000 } },
      messages: [],
    };
    expect(parseOpencodeSession(`Exporting session: ${S}${JSON.stringify(doc, null, 2)}`)).toMatchObject({
      format: 'export',
      session_id: S,
      directory: '/Users/alice/dev/app',
      version: '1.1.48',
    });
  });
});

describe('tool parts', () => {
  test('an aborted call was interrupted; a permission rule’s refusal is a denial; bash without an exit says so', () => {
    expect(
      toolOutcome('bash', { status: 'error', error: 'Tool execution aborted', time: { start: 10, end: 12 } }),
    ).toMatchObject({
      ok: false,
      interrupted: true,
      exit: null,
      duration: 2,
      denied: null,
    });
    const rule =
      'The user has specified a rule which prevents you from using this specific tool call. Here are some of the relevant rules [{"permission":"bash","pattern":"git push*","action":"deny"}]';
    expect(toolOutcome('bash', { status: 'error', error: rule })?.denied).toMatch(
      /^The user has specified a rule/,
    );
    expect(toolOutcome('bash', { status: 'completed', output: 'ok\n' })).toMatchObject({
      ok: true,
      exit: null,
    });
    expect(toolOutcome('bash', { status: 'running', input: { command: 'sleep 5' } })).toBeNull();
  });

  test('apply_patch edits the files its patch names; bash runs in its workdir', () => {
    const patchText =
      '*** Begin Patch\n*** Update File: src/app.ts\n@@\n-a\n+b\n*** Add File: src/new.ts\n+x\n*** Delete File: src/old.ts\n*** End Patch';
    expect(callShape('apply_patch', { patchText }, '/Users/alice/dev/app')).toMatchObject({
      role: 'edit',
      paths: ['src/app.ts', 'src/new.ts', 'src/old.ts'],
    });
    expect(
      callShape('bash', { command: 'npm test', workdir: '/Users/alice/dev/app/web' }, '/Users/alice/dev/app'),
    ).toEqual({
      role: 'shell',
      input: { command: 'npm test' },
      paths: [],
      cwd: '/Users/alice/dev/app/web',
    });
  });
});

describe('hook journal', () => {
  const at = (s: number) => new Date(Date.UTC(2026, 10, 30, 9, 0, s)).toISOString();
  const line = (s: number, payload: Record<string, unknown>) => ({
    at: at(s),
    payload: { sessionID: S, cwd: '/Users/alice/dev/app', ...payload },
  });
  const part = (callID: string, tool: string, state: Record<string, unknown>) => ({
    hook_event_name: 'message.part.updated',
    properties: {
      part: { id: `prt_${callID.slice(-12)}`, sessionID: S, messageID: M, type: 'tool', callID, tool, state },
    },
  });

  test('a subagent’s prompt is not a person’s; a read of a directory reads no file; a call whose part never came has no end', () => {
    const { events, directory } = opencodeHookEvents([
      line(0, {
        hook_event_name: 'chat.message',
        input: { sessionID: S },
        output: { parts: [{ type: 'text', text: 'fix the build' }] },
      }),
      line(1, {
        hook_event_name: 'chat.message',
        agent_id: 'ses_3b11be9a7ffeK2mPq8WzXc4VbN',
        input: { sessionID: 'ses_3b11be9a7ffeK2mPq8WzXc4VbN' },
        output: { parts: [{ type: 'text', text: 'List the build files' }] },
      }),
      line(2, {
        hook_event_name: 'tool.execute.before',
        input: { tool: 'read', sessionID: S, callID: 'call_Dz9kQ2' },
        args: { filePath: '/Users/alice/dev/app' },
      }),
      line(
        3,
        part('call_Dz9kQ2', 'read', {
          status: 'completed',
          input: { filePath: '/Users/alice/dev/app' },
          output: '<path>/Users/alice/dev/app</path>\n<type>directory</type>\n<entries>\nsrc/\n</entries>',
          time: { start: 1, end: 3 },
        }),
      ),
      line(4, {
        hook_event_name: 'tool.execute.before',
        input: { tool: 'bash', sessionID: S, callID: 'call_Hk3mW7' },
        args: { command: 'npm run build' },
      }),
    ]);
    expect(directory).toBe('/Users/alice/dev/app');
    const facts = foldSession(events, { root: '/work/app', cwd: directory });
    expect(facts.intent).toBe('fix the build');
    expect(facts.follow_ups).toEqual([]);
    expect(facts.files_read).toEqual([]);
    expect(facts.commands).toMatchObject([{ command: 'npm run build', exit_code: null, status: 'unknown' }]);
  });

  test('tool.execute.after stands in for a finished part that never came', () => {
    const { events } = opencodeHookEvents([
      line(0, {
        hook_event_name: 'tool.execute.before',
        input: { tool: 'bash', sessionID: S, callID: 'call_Qw8eR5' },
        args: { command: 'npm test' },
      }),
      line(4, {
        hook_event_name: 'tool.execute.after',
        input: { tool: 'bash', sessionID: S, callID: 'call_Qw8eR5' },
        output: { title: 'npm test', output: '1 failing\n', metadata: { exit: 1 } },
      }),
    ]);
    const facts = foldSession(events, { root: '/work/app' });
    expect(facts.commands).toMatchObject([
      { command: 'npm test', exit_code: 1, status: 'failed', duration_ms: 4000 },
    ]);
  });
});
