// Runs' spans as OTLP ExportTraceServiceRequests, serialized by OpenTelemetry's own
// @opentelemetry/otlp-transformer (JSON or protobuf), and sent over OTLP/HTTP. The OpenTelemetry
// packages are loaded here only, on the first OTLP export (src/export/library.ts).
import type { SpanContext, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type * as Transformer from '@opentelemetry/otlp-transformer';
import type * as Resources from '@opentelemetry/resources';
import { ExportError } from '../errors.js';
import { exportLibrary } from './library.js';
import type { RunSpan } from './spans.js';

export type Protocol = 'http/json' | 'http/protobuf';
type ReadableSpan = Parameters<typeof Transformer.JsonTraceSerializer.serializeRequest>[0][number];

const hrTime = (ms: number): [number, number] => [Math.floor(ms / 1000), (ms % 1000) * 1e6];
const SPAN_KIND_INTERNAL = 0 as SpanKind;

function readableSpans(spans: RunSpan[], version: string): ReadableSpan[] {
  const { resourceFromAttributes } = exportLibrary<typeof Resources>('@opentelemetry/resources');
  const resource = resourceFromAttributes({ 'service.name': 'git-agent-log', 'service.version': version });
  const scope = { name: 'git-agent-log', version };
  const context = (traceId: string, spanId: string): SpanContext => ({ traceId, spanId, traceFlags: 1 });
  return spans.map((s) => ({
    name: s.name,
    kind: SPAN_KIND_INTERNAL,
    spanContext: () => context(s.traceId, s.spanId),
    parentSpanContext: s.parentSpanId ? context(s.traceId, s.parentSpanId) : undefined,
    startTime: hrTime(s.startMs),
    endTime: hrTime(s.endMs),
    duration: hrTime(s.endMs - s.startMs),
    status: { code: s.status.code as SpanStatusCode, message: s.status.message },
    attributes: s.attributes,
    links: [],
    events: s.events.map((e) => ({ name: e.name, time: hrTime(e.atMs), attributes: e.attributes })),
    ended: true,
    resource,
    instrumentationScope: scope,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  }));
}

/** One ExportTraceServiceRequest per batch of runs (whole traces, ≤ `maxSpans` spans unless one run is bigger). */
export function batches(runs: RunSpan[][], maxSpans = 2000): RunSpan[][] {
  const out: RunSpan[][] = [];
  let cur: RunSpan[] = [];
  for (const spans of runs) {
    if (cur.length && cur.length + spans.length > maxSpans) {
      out.push(cur);
      cur = [];
    }
    cur.push(...spans);
  }
  if (cur.length) out.push(cur);
  return out;
}

export function serializeRequest(spans: RunSpan[], protocol: Protocol, version: string): Uint8Array {
  const { JsonTraceSerializer, ProtobufTraceSerializer } = exportLibrary<typeof Transformer>(
    '@opentelemetry/otlp-transformer',
  );
  const serializer = protocol === 'http/json' ? JsonTraceSerializer : ProtobufTraceSerializer;
  const body = serializer.serializeRequest(readableSpans(spans, version));
  if (!body) throw new ExportError('could not serialize the OTLP request');
  return body;
}

export interface Endpoint {
  url: string;
  protocol: Protocol;
  headers: Record<string, string>;
  /** Per attempt (OTEL_EXPORTER_OTLP_TIMEOUT's meaning). */
  timeoutMs: number;
}

/** How a failed request is tried again: OTLP/HTTP's retryable answers and lost connections. */
export interface RetryPolicy {
  retries: number;
  /** The first wait; it doubles per attempt (with jitter) unless the collector says Retry-After. */
  baseDelayMs: number;
  /** No single wait is longer than this, Retry-After included. */
  maxDelayMs: number;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 1000, maxDelayMs: 30_000 };

/** 429, 502, 503 and 504 are the answers OTLP/HTTP says to retry; everything else is final. */
const RETRYABLE = new Set([429, 502, 503, 504]);

class Attempt extends ExportError {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

/** Retry-After as delta-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (value === null || !value.trim()) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * POST one request, trying again on a retryable answer, a refused or reset connection or a timeout
 * (at most `policy.retries` more times, waiting as the collector asks or with exponential back-off).
 * What still fails is one ExportError naming the last answer and how many attempts were made.
 */
export async function postRequest(
  endpoint: Endpoint,
  body: Uint8Array,
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<{ rejectedSpans: number; attempts: number }> {
  const sleep = policy.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      return { ...(await postOnce(endpoint, body)), attempts: attempt + 1 };
    } catch (e) {
      if (!(e instanceof Attempt)) throw e;
      if (!e.retryable || attempt >= policy.retries)
        throw new ExportError(attempt ? `${e.message} (after ${attempt + 1} attempts)` : e.message);
      const backoff = policy.baseDelayMs * 2 ** attempt * (0.5 + Math.random() / 2);
      await sleep(Math.min(policy.maxDelayMs, e.retryAfterMs ?? backoff));
    }
  }
}

async function postOnce(endpoint: Endpoint, body: Uint8Array): Promise<{ rejectedSpans: number }> {
  const type = endpoint.protocol === 'http/json' ? 'application/json' : 'application/x-protobuf';
  let res: Response;
  try {
    res = await fetch(endpoint.url, {
      method: 'POST',
      headers: { ...endpoint.headers, 'content-type': type },
      body,
      signal: AbortSignal.timeout(endpoint.timeoutMs),
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const timedOut = (e as Error).name === 'TimeoutError';
    const why = timedOut
      ? `no answer in ${endpoint.timeoutMs} ms`
      : (cause?.code ?? cause?.message ?? (e as Error).message);
    throw new Attempt(`OTLP endpoint ${endpoint.url} not reachable: ${why}`, true);
  }
  let answer: Uint8Array;
  try {
    answer = new Uint8Array(await res.arrayBuffer());
  } catch (e) {
    throw new Attempt(`OTLP endpoint ${endpoint.url} broke off its answer: ${(e as Error).message}`, true);
  }
  if (!res.ok) {
    const text = new TextDecoder().decode(answer.subarray(0, 300)).split('\n')[0]?.trim();
    throw new Attempt(
      `OTLP endpoint ${endpoint.url} answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}${text && endpoint.protocol === 'http/json' ? `: ${text}` : ''}`,
      RETRYABLE.has(res.status),
      retryAfterMs(res.headers.get('retry-after')),
    );
  }
  const { JsonTraceSerializer, ProtobufTraceSerializer } = exportLibrary<typeof Transformer>(
    '@opentelemetry/otlp-transformer',
  );
  const serializer = endpoint.protocol === 'http/json' ? JsonTraceSerializer : ProtobufTraceSerializer;
  try {
    return {
      rejectedSpans: Number(serializer.deserializeResponse(answer).partialSuccess?.rejectedSpans ?? 0),
    };
  } catch {
    return { rejectedSpans: 0 }; // a 2xx with an unreadable body still took the spans
  }
}
