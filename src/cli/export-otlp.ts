// `export --format otlp`: each run as a trace, sent to an OpenTelemetry collector over OTLP/HTTP
// (--endpoint, or the standard OTEL_EXPORTER_OTLP_* variables) or written as OTLP JSON lines (one
// ExportTraceServiceRequest per line, as the collector's otlpjsonfile receiver reads) to --output
// or stdout.
import { appendFileSync, writeFileSync } from 'node:fs';
import { ExportError, UsageError } from '../errors.js';
import type { RowContext } from '../export/rows.js';
import { runSpans } from '../export/spans.js';
import type { RunRecord } from '../record/schema.js';
import type { Context } from './context.js';
import { packageVersion } from './package-root.js';

export interface OtlpArgs {
  endpoint?: string;
  protocol?: string;
  header?: string[];
  output?: string;
  append: boolean;
  retries?: number;
}

const PROTOCOLS = ['http/json', 'http/protobuf'] as const;
type Protocol = (typeof PROTOCOLS)[number];

/** `name=value` pairs, comma-separated in the environment variables (values URL-encoded there). */
function parseHeaders(pairs: string[], source: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const name = pair.slice(0, at).trim();
    if (at <= 0 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
      throw new UsageError(`${source}: expected name=value, got '${pair.slice(0, 40)}'`);
    out[name.toLowerCase()] = pair.slice(at + 1).trim();
  }
  return out;
}

/** The traces URL: a base endpoint gets OTLP's `/v1/traces` path, as OTEL_EXPORTER_OTLP_ENDPOINT does. */
function tracesUrl(base: string, asIs: boolean): URL {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new UsageError('--endpoint: not a URL'); // not echoed: it may hold credentials
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--endpoint: an http:// or https:// URL is expected, got '${url.protocol}'`);
  if (!asIs && !url.pathname.endsWith('/v1/traces'))
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/traces`;
  return url;
}

/**
 * `https://user:secret@host` becomes a Basic authorization header (fetch refuses credentials in a
 * URL), and the URL shown in messages and logs no longer holds them.
 */
function withoutCredentials(url: URL, headers: Record<string, string>): string {
  if ((url.username || url.password) && !headers.authorization) {
    const pair = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  }
  url.username = '';
  url.password = '';
  return url.href;
}

/** A timeout variable in milliseconds, as the OpenTelemetry SDKs read it; unset or empty is null. */
function envMs(env: NodeJS.ProcessEnv, name: string): number | null {
  const text = env[name]?.trim();
  if (!text) return null;
  if (!/^\d+$/.test(text) || Number(text) === 0)
    throw new UsageError(`${name}: expected a positive number of milliseconds, got '${text.slice(0, 40)}'`);
  return Number(text);
}

export function checkOtlpArgs(argv: OtlpArgs & { format: string }): void {
  if (argv.format !== 'otlp') {
    if (argv.endpoint !== undefined) throw new UsageError('--endpoint is for --format otlp');
    if (argv.retries !== undefined) throw new UsageError('--retries is for --format otlp');
    return;
  }
  if (argv.endpoint !== undefined && argv.output !== undefined)
    throw new UsageError('give --endpoint or --output, not both');
  if (
    argv.retries !== undefined &&
    (!Number.isInteger(argv.retries) || argv.retries < 0 || argv.retries > 10)
  )
    throw new UsageError(`--retries: expected a whole number from 0 to 10, got '${argv.retries}'`);
}

export async function exportOtlp(argv: OtlpArgs, ctx: Context, records: RunRecord[], rowCtx: RowContext) {
  const env = ctx.env;
  const protocolText =
    argv.protocol ??
    env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ??
    env.OTEL_EXPORTER_OTLP_PROTOCOL ??
    'http/protobuf';
  if (!(PROTOCOLS as readonly string[]).includes(protocolText))
    throw new UsageError(`--protocol: expected http/json or http/protobuf, got '${protocolText}'`);
  const protocol = protocolText as Protocol;
  const envHeaders = (name: string) =>
    parseHeaders(
      (env[name] ?? '')
        .split(',')
        .filter((p) => p.trim())
        .map((p) => {
          const at = p.indexOf('=');
          return at < 0 ? p : `${p.slice(0, at)}=${decodeURIComponent(p.slice(at + 1))}`;
        }),
      name,
    );
  const headers = {
    ...envHeaders('OTEL_EXPORTER_OTLP_HEADERS'),
    ...envHeaders('OTEL_EXPORTER_OTLP_TRACES_HEADERS'),
    ...parseHeaders(argv.header ?? [], '--header'),
  };
  const endpoint =
    argv.output !== undefined
      ? null
      : argv.endpoint !== undefined
        ? tracesUrl(argv.endpoint, false)
        : env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
          ? tracesUrl(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, true)
          : env.OTEL_EXPORTER_OTLP_ENDPOINT
            ? tracesUrl(env.OTEL_EXPORTER_OTLP_ENDPOINT, false)
            : null;
  const url = endpoint && withoutCredentials(endpoint, headers);
  const timeoutMs =
    envMs(env, 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT') ?? envMs(env, 'OTEL_EXPORTER_OTLP_TIMEOUT') ?? 10_000;

  const traces: ReturnType<typeof runSpans>[] = records.map((r) => runSpans(r, rowCtx));
  for (const [i, t] of traces.entries())
    if (!t) ctx.warn(`run ${records[i]!.id} has no time at all: left out of the OTLP export`);
  const runs = traces.filter((t): t is NonNullable<typeof t> => t !== null);
  const { batches, postRequest, serializeRequest, DEFAULT_RETRY } = await import('../export/otlp.js');
  const requests = batches(runs);
  const version = packageVersion();
  const spans = runs.reduce((a, t) => a + t.length, 0);
  const summary = `${runs.length} run${runs.length === 1 ? '' : 's'} (${spans} span${spans === 1 ? '' : 's'})`;

  if (url) {
    let rejected = 0;
    let retried = 0;
    const policy = { ...DEFAULT_RETRY, retries: argv.retries ?? DEFAULT_RETRY.retries };
    for (const [i, req] of requests.entries()) {
      try {
        const sent = await postRequest(
          { url, protocol, headers, timeoutMs },
          serializeRequest(req, protocol, version),
          policy,
        );
        rejected += sent.rejectedSpans;
        retried += sent.attempts - 1;
      } catch (e) {
        // Span ids are derived from the records, so sending everything again later duplicates nothing.
        if (i && e instanceof ExportError)
          throw new ExportError(`${e.message}; ${i} of ${requests.length} requests had been sent`);
        throw e;
      }
    }
    if (retried) ctx.warn(`the collector needed ${retried} retr${retried === 1 ? 'y' : 'ies'}`);
    if (rejected) ctx.warn(`the collector rejected ${rejected} of ${spans} spans`);
    ctx.err.write(`exported ${summary} to ${url}\n`);
    return;
  }
  const text = requests
    .map((req) => `${new TextDecoder().decode(serializeRequest(req, 'http/json', version))}\n`)
    .join('');
  if (argv.output === undefined) ctx.out.write(text);
  else {
    if (argv.append) appendFileSync(argv.output, text);
    else writeFileSync(argv.output, text);
    ctx.err.write(`exported ${summary} to ${argv.output}\n`);
  }
}
