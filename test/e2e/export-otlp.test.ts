// `export --format otlp` received by a local OTLP/HTTP endpoint (a server in this test), decoded
// with OpenTelemetry's own types (JSON) and its own protobuf reader (protobuf), and checked against
// an independent reader of the records: `git notes show` parsed here.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProtobufReader } from '@opentelemetry/otlp-transformer/build/src/common/protobuf/protobuf-reader.js';
import type { IKeyValue } from '@opentelemetry/otlp-transformer/build/src/common/internal-types.js';
import type { IExportTraceServiceRequest } from '@opentelemetry/otlp-transformer/build/src/trace/internal-types.js';
import { afterEach, describe, expect, test } from 'vitest';
import { addRecord, repoWith as repoWithRuns } from '../helpers/export-repos.js';
import { cli, gitEnv, type TempRepo } from '../helpers/repo.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

interface Answer {
  status: number;
  headers?: Record<string, string>;
}

/**
 * A local OTLP/HTTP endpoint on the loopback: records every request and answers `status`, or what
 * `answer(n)` says for the n-th request (0-based); `null` leaves that request unanswered.
 */
async function collector(
  answer: number | ((n: number) => Answer | null) = 200,
): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const hanging: import('node:http').ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body: Buffer.concat(chunks),
      });
      const a = typeof answer === 'number' ? { status: answer } : answer(received.length - 1);
      if (a === null) return void hanging.push(res);
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
      res.end(a.status === 200 ? '{}' : '{"code":14,"message":"collector is overloaded"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        for (const res of hanging) res.destroy();
        server.close(() => r());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

const TOOL = 'toolu_01VqGbTzL9wXcYnA4mKdE2sR';
const RUN_A = {
  id: 'k7f3q9x2mz',
  agent: 'claude-code',
  started_at: '2026-11-23T10:00:00.000Z',
  usd: 0.4213,
  checks: [
    { name: 'npm test -- signup', kind: 'test', status: 'failed' },
    { name: 'npm run lint', kind: 'lint', status: 'skipped' },
  ],
};
const RUN_A_EXTRA = {
  ended_at: '2026-11-23T10:42:17.250Z',
  agent: {
    name: 'claude-code',
    version: '2.1.330',
    model: 'claude-opus-4-5-20251101',
    session_ids: ['0b7c2a6e-1f3d-4c8a-9e5b-2d4f6a8c0e1b'],
  },
  repo: { branch: 'feature/signup' },
  commands: [
    {
      command: 'npm test -- signup',
      cwd: '/Users/alice/src/pay',
      started_at: '2026-11-23T10:05:01.125Z',
      duration_ms: 4100,
      exit_code: 1,
      kind: 'test',
      check: 'npm test -- signup',
      output_tail: `expected 409 (${TOOL})`,
    },
    {
      command: 'git status --short',
      cwd: '/Users/alice/src/pay',
      started_at: '2026-11-23T10:06:00.000Z',
      duration_ms: 38,
      exit_code: 0,
      kind: 'other',
    },
  ],
  outcome: { status: 'failed', summary: 'signup test still red' },
  cost: {
    model: 'claude-opus-4-5-20251101',
    usd: 0.4213,
    input_tokens: 18234,
    output_tokens: 2071,
    cache_read_tokens: 912_331,
  },
};
const RUN_B = {
  id: 'q2w8e4r6ty',
  agent: 'codex',
  started_at: '2026-11-24T08:15:00.000Z',
  usd: null,
  checks: [],
};

/** The independent reader: each commit's note through plain git, its record lines parsed. */
function recordsFromNotes(repo: TempRepo): Record<string, unknown>[] {
  const env = gitEnv();
  const commits = execFileSync('git', ['notes', '--ref=agent-log', 'list'], { cwd: repo.dir, env })
    .toString()
    .trim()
    .split('\n')
    .map((l) => l.split(' ')[1]!);
  return commits.flatMap((c) =>
    execFileSync('git', ['notes', '--ref=agent-log', 'show', c], { cwd: repo.dir, env })
      .toString()
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.kind === 'record'),
  );
}

async function twoRuns(): Promise<TempRepo> {
  const cleanupsHere: (() => void)[] = [];
  const repo = await repoWithRuns('pay', [], cleanupsHere);
  cleanups.push(...cleanupsHere);
  for (const [g, extra] of [
    [RUN_A, RUN_A_EXTRA],
    [RUN_B, { ended_at: '2026-11-24T08:20:00.000Z' }],
  ] as const) {
    repo.write('a.txt', `${g.id}\n`);
    await repo.git('commit', '-q', '-am', g.id);
    addRecord(repo, (await repo.git('rev-parse', 'HEAD')).trim(), g, extra);
  }
  return repo;
}

interface Span {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  start: bigint;
  end: bigint;
  attributes: Record<string, unknown>;
  statusCode: number;
}

const nanos = (iso: string) => BigInt(Date.parse(iso)) * 1_000_000n;
const hex = (b: Uint8Array | string | undefined) =>
  b === undefined ? '' : typeof b === 'string' ? b : Buffer.from(b).toString('hex');

function attributesOf(kvs: IKeyValue[]): Record<string, unknown> {
  return Object.fromEntries(
    kvs.map((kv) => {
      const v = kv.value;
      const value =
        v.stringValue ??
        v.boolValue ??
        (v.intValue !== undefined ? Number(v.intValue) : undefined) ??
        v.doubleValue;
      return [kv.key, v.arrayValue ? v.arrayValue.values.map((x) => x.stringValue) : value];
    }),
  );
}

function spansFromJson(body: string): { spans: Span[]; resource: Record<string, unknown> } {
  const req = JSON.parse(body) as IExportTraceServiceRequest;
  const rs = req.resourceSpans ?? [];
  const spans = rs.flatMap((r) =>
    r.scopeSpans.flatMap((s) =>
      (s.spans ?? []).map((sp) => ({
        traceId: hex(sp.traceId),
        spanId: hex(sp.spanId),
        parentSpanId: hex(sp.parentSpanId),
        name: sp.name,
        start: BigInt(sp.startTimeUnixNano as string),
        end: BigInt(sp.endTimeUnixNano as string),
        attributes: attributesOf(sp.attributes),
        statusCode: sp.status.code,
      })),
    ),
  );
  return { spans, resource: attributesOf(rs[0]?.resource?.attributes ?? []) };
}

/** OTLP protobuf (opentelemetry/proto trace/v1) read with the package's own ProtobufReader. */
function spansFromProtobuf(body: Uint8Array): Span[] {
  const fields = (buf: Uint8Array, each: (field: number, r: ProtobufReader, wire: number) => void) => {
    const r = new ProtobufReader(buf);
    while (!r.isAtEnd()) {
      const { fieldNumber, wireType } = r.readTag();
      each(fieldNumber, r, wireType);
    }
  };
  const fixed64 = (buf: Uint8Array, r: ProtobufReader) => {
    const v = Buffer.from(buf.buffer, buf.byteOffset + r.pos, 8).readBigUInt64LE();
    r.pos += 8;
    return v;
  };
  const anyValue = (buf: Uint8Array): unknown => {
    let out: unknown;
    fields(buf, (f, r, w) => {
      if (f === 1) out = r.readString();
      else if (f === 2) out = r.readVarint() === 1;
      else if (f === 3) out = r.readVarint();
      else if (f === 4) {
        out = Buffer.from(buf.buffer, buf.byteOffset + r.pos, 8).readDoubleLE();
        r.pos += 8;
      } else r.skip(w);
    });
    return out;
  };
  const spans: Span[] = [];
  fields(body, (f, r, w) => {
    if (f !== 1) return r.skip(w);
    fields(r.readBytes(), (f2, r2, w2) => {
      if (f2 !== 2) return r2.skip(w2);
      fields(r2.readBytes(), (f3, r3, w3) => {
        if (f3 !== 2) return r3.skip(w3);
        const buf = r3.readBytes();
        const s: Span = {
          traceId: '',
          spanId: '',
          parentSpanId: '',
          name: '',
          start: 0n,
          end: 0n,
          attributes: {},
          statusCode: 0,
        };
        fields(buf, (f4, r4, w4) => {
          if (f4 === 1) s.traceId = hex(r4.readBytes());
          else if (f4 === 2) s.spanId = hex(r4.readBytes());
          else if (f4 === 4) s.parentSpanId = hex(r4.readBytes());
          else if (f4 === 5) s.name = r4.readString();
          else if (f4 === 7) s.start = fixed64(buf, r4);
          else if (f4 === 8) s.end = fixed64(buf, r4);
          else if (f4 === 9) {
            let key = '';
            let value: unknown;
            fields(r4.readBytes(), (f5, r5, w5) => {
              if (f5 === 1) key = r5.readString();
              else if (f5 === 2) value = anyValue(r5.readBytes());
              else r5.skip(w5);
            });
            s.attributes[key] = value;
          } else if (f4 === 15)
            fields(r4.readBytes(), (f5, r5, w5) => {
              if (f5 === 3) s.statusCode = r5.readVarint();
              else r5.skip(w5);
            });
          else r4.skip(w4);
        });
        spans.push(s);
      });
    });
  });
  return spans;
}

type Rec = {
  id: string;
  started_at: string;
  ended_at: string;
  agent: { name: string; model?: string };
  commands?: { command: string; started_at: string; duration_ms: number; exit_code: number }[];
  checks?: { name: string; status: string }[];
  cost?: { input_tokens: number; output_tokens: number } | null;
  outcome: { status: string };
};

/** What every exported trace must hold, from the records as git shows them. */
function expectTracesMatch(spans: Span[], records: Rec[]) {
  const traces = new Map<string, Span[]>();
  for (const s of spans) traces.set(s.traceId, [...(traces.get(s.traceId) ?? []), s]);
  expect(traces.size).toBe(records.length);
  for (const rec of records) {
    const roots = spans.filter((s) => s.attributes['agent_log.run.id'] === rec.id);
    expect(roots, rec.id).toHaveLength(1);
    const root = roots[0]!;
    expect(root.parentSpanId).toBe('');
    expect(root.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(root.name).toBe(`invoke_agent ${rec.agent.name}`);
    expect(root.start).toBe(nanos(rec.started_at));
    expect(root.end).toBe(nanos(rec.ended_at));
    expect(root.attributes['gen_ai.agent.name']).toBe(rec.agent.name);
    expect(root.attributes['gen_ai.request.model']).toBe(rec.agent.model);
    expect(root.attributes['gen_ai.usage.input_tokens']).toBe(rec.cost?.input_tokens);
    expect(root.attributes['gen_ai.usage.output_tokens']).toBe(rec.cost?.output_tokens);
    expect(root.statusCode).toBe(rec.outcome.status === 'failed' ? 2 : 1);

    const children = traces.get(root.traceId)!.filter((s) => s !== root);
    expect(children.every((c) => c.parentSpanId === root.spanId)).toBe(true);
    const commands = children.filter((c) => c.name === 'execute_tool shell');
    expect(commands.map((c) => c.attributes['process.command_line'])).toEqual(
      (rec.commands ?? []).map((c) => c.command),
    );
    for (const [i, c] of (rec.commands ?? []).entries()) {
      expect(commands[i]!.start).toBe(nanos(c.started_at));
      expect(commands[i]!.end).toBe(nanos(c.started_at) + BigInt(c.duration_ms) * 1_000_000n);
      expect(commands[i]!.attributes['process.exit.code']).toBe(c.exit_code);
      expect(commands[i]!.statusCode).toBe(c.exit_code === 0 ? 0 : 2);
    }
    const checks = children.filter((c) => c.name.startsWith('check '));
    expect(
      checks.map((c) => [c.attributes['agent_log.check.name'], c.attributes['agent_log.check.status']]),
    ).toEqual((rec.checks ?? []).map((c) => [c.name, c.status]));
    expect(new Set(children.map((c) => c.spanId)).size).toBe(children.length);
  }
}

describe('export --format otlp', () => {
  test('OTLP/HTTP JSON: one trace per run, headers sent, decoded with the OpenTelemetry types', async () => {
    const repo = await twoRuns();
    const records = recordsFromNotes(repo) as unknown as Rec[];
    expect(records.map((r) => r.id).sort()).toEqual([RUN_A.id, RUN_B.id].sort());
    const col = await collector();
    const r = await cli(repo, [
      'export',
      '--format',
      'otlp',
      '--endpoint',
      col.url,
      '--protocol',
      'http/json',
      '--header',
      'Authorization=Bearer otlp-test-credential',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(col.received).toHaveLength(1);
    const got = col.received[0]!;
    expect([got.method, got.url, got.headers['content-type']]).toEqual([
      'POST',
      '/v1/traces',
      'application/json',
    ]);
    expect(got.headers.authorization).toBe('Bearer otlp-test-credential');
    const { spans, resource } = spansFromJson(got.body.toString('utf8'));
    expect(resource['service.name']).toBe('git-agent-log');
    expectTracesMatch(spans, records);
    const a = spans.find((s) => s.attributes['agent_log.run.id'] === RUN_A.id)!;
    expect(a.attributes['gen_ai.system']).toBe('anthropic');
    expect(a.attributes['gen_ai.conversation.id']).toBe(RUN_A_EXTRA.agent.session_ids[0]);
    expect(a.attributes['vcs.ref.head.name']).toBe('feature/signup');
    expect(a.attributes['agent_log.cost.usd']).toBe(RUN_A.usd);

    // re-export is idempotent: the same ids, the same bytes
    const again = await cli(repo, [
      'export',
      '--format',
      'otlp',
      '--endpoint',
      col.url,
      '--protocol',
      'http/json',
    ]);
    expect(again.code, again.stderr).toBe(0);
    expect(col.received[1]!.body.equals(got.body)).toBe(true);
  }, 120_000);

  test('OTLP/HTTP protobuf from the OTEL_EXPORTER_OTLP_* variables; the same spans as the OTLP JSON file', async () => {
    const repo = await twoRuns();
    const records = recordsFromNotes(repo) as unknown as Rec[];
    const col = await collector();
    const r = await cli(repo, ['export', '--format', 'otlp'], {
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: `${col.url}/otlp`,
        OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=abc%20def',
      },
    });
    expect(r.code, r.stderr).toBe(0);
    const got = col.received[0]!;
    expect([got.url, got.headers['content-type'], got.headers['x-api-key']]).toEqual([
      '/otlp/v1/traces',
      'application/x-protobuf',
      'abc def',
    ]);
    const fromProto = spansFromProtobuf(new Uint8Array(got.body));
    expectTracesMatch(fromProto, records);

    const dir = mkdtempSync(join(tmpdir(), 'agent-log-otlp-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'traces.jsonl');
    const w = await cli(repo, ['export', '--format', 'otlp', '--output', file]);
    expect(w.code, w.stderr).toBe(0);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    const fromFile = spansFromJson(lines[0]!).spans;
    const key = (s: Span) => [s.traceId, s.spanId, s.parentSpanId, s.name, s.start, s.end, s.statusCode];
    expect(fromProto.map(key)).toEqual(fromFile.map(key));
  }, 120_000);

  test('an endpoint that answers 503 or is down: one line on stderr, exit 1', async () => {
    const repo = await twoRuns();
    const busy = await collector(503);
    const r = await cli(repo, ['export', '--format', 'otlp', '--endpoint', busy.url, '--retries', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('503');
    expect(busy.received).toHaveLength(1);

    const gone = await collector();
    await cleanups.pop()!(); // closes the server: its port now refuses connections
    const down = await cli(repo, ['export', '--format', 'otlp', '--endpoint', gone.url, '--retries', '0']);
    expect(down.code).toBe(1);
    expect(down.stderr.trim().split('\n')).toHaveLength(1);
    expect(down.stderr).toContain('not reachable');
  }, 120_000);

  test('429/503 are tried again as Retry-After asks, with the same body; 400 is final', async () => {
    const repo = await twoRuns();
    // Retry-After in both of its forms: delta-seconds, and an HTTP date already past.
    const flaky = await collector((n) =>
      n === 0
        ? { status: 503, headers: { 'retry-after': '0' } }
        : n === 1
          ? { status: 429, headers: { 'retry-after': new Date(Date.now() - 5000).toUTCString() } }
          : { status: 200 },
    );
    const ok = await cli(repo, ['export', '--format', 'otlp', '--endpoint', flaky.url]);
    expect(ok.stderr).toContain('the collector needed 2 retries');
    expect(ok.code).toBe(0);
    expect(flaky.received).toHaveLength(3);
    expect(flaky.received[1]!.body.equals(flaky.received[0]!.body)).toBe(true);
    expect(flaky.received[2]!.body.equals(flaky.received[0]!.body)).toBe(true);

    const full = await collector(() => ({ status: 429, headers: { 'retry-after': '0' } }));
    const gaveUp = await cli(repo, ['export', '--format', 'otlp', '--endpoint', full.url, '--retries', '2']);
    expect(gaveUp.code).toBe(1);
    expect(full.received).toHaveLength(3);
    expect(gaveUp.stderr.trim().split('\n')).toHaveLength(1);
    expect(gaveUp.stderr).toContain('answered 429');
    expect(gaveUp.stderr).toContain('after 3 attempts');

    const refused = await collector(400);
    const bad = await cli(repo, ['export', '--format', 'otlp', '--endpoint', refused.url]);
    expect(bad.code).toBe(1);
    expect(refused.received).toHaveLength(1);
    expect(bad.stderr).toContain('answered 400');
  }, 120_000);

  test('OTEL_EXPORTER_OTLP_TRACES_TIMEOUT bounds each attempt; a bad value or --retries is a usage error', async () => {
    const repo = await twoRuns();
    const silent = await collector(() => null);
    const env = { OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '400', OTEL_EXPORTER_OTLP_TIMEOUT: '999999' };
    const r = await cli(repo, ['export', '--format', 'otlp', '--endpoint', silent.url, '--retries', '1'], {
      env,
    });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('no answer in 400 ms');
    expect(r.stderr).toContain('after 2 attempts');
    expect(silent.received).toHaveLength(2);

    for (const [args, envBad, says] of [
      [['--retries', '-1'], {}, '--retries'],
      [['--retries', 'x'], {}, '--retries'],
      [[], { OTEL_EXPORTER_OTLP_TIMEOUT: '10s' }, 'OTEL_EXPORTER_OTLP_TIMEOUT'],
    ] as const) {
      const u = await cli(repo, ['export', '--format', 'otlp', '--endpoint', silent.url, ...args], {
        env: envBad,
      });
      expect(u.code).toBe(2);
      expect(u.stderr.trim().split('\n')).toHaveLength(1);
      expect(u.stderr).toContain(says);
    }
    const wrongFormat = await cli(repo, ['export', '--retries', '1']);
    expect(wrongFormat.code).toBe(2);
    expect(wrongFormat.stderr).toContain('--retries is for --format otlp');
    expect(silent.received).toHaveLength(2);
  }, 120_000);

  test('credentials in the endpoint URL become a Basic header and never appear in output', async () => {
    const repo = await twoRuns();
    for (const status of [200, 503]) {
      const col = await collector(status);
      const withCreds = col.url.replace('http://', 'http://ci-exporter:s3cr%40t-pw@');
      const r = await cli(repo, ['export', '--format', 'otlp', '--endpoint', withCreds, '--retries', '0']);
      expect(r.code, r.stderr).toBe(status === 200 ? 0 : 1);
      expect(col.received[0]!.headers.authorization).toBe(
        `Basic ${Buffer.from('ci-exporter:s3cr@t-pw').toString('base64')}`,
      );
      expect(`${r.stdout}${r.stderr}`).not.toMatch(/s3cr/);
      expect(r.stderr).toContain(`${col.url}/v1/traces`);
    }
  }, 120_000);

  test.each([
    [['--format', 'otlp', '--endpoint', 'ftp://collector.example:4318']],
    [['--format', 'otlp', '--endpoint', 'http://127.0.0.1:4318', '--output', 'traces.jsonl']],
    [['--format', 'otlp', '--header', 'no-equals-sign']],
    [['--format', 'otlp', '--protocol', 'grpc']],
    [['--endpoint', 'http://127.0.0.1:4318']],
  ])(
    'bad flags %j: exit 2 with one line',
    async (args) => {
      const repo = await twoRuns();
      const r = await cli(repo, ['export', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    },
    60_000,
  );
});
