// Tokens and cost of a session from per-request usage, for agents whose session files or hooks report
// usage per model call or per turn (Codex token_count events, Gemini message tokens, Cursor's stop
// payloads, Copilot CLI's session totals). Each request is priced on its
// own so a long-context tier (prompt above 200k tokens) applies only to the requests that crossed it.
import {
  DEFAULT_PRICES,
  mainModel,
  type ModelPrice,
  type PriceTable,
  priceFor,
  type SessionCost,
  zeroTokens,
} from './cost.js';

export interface RequestUsage {
  model: string | null;
  /** When the request was recorded (to keep only a run's own requests). */
  at?: string | null;
  /** Prompt tokens not served from the cache. */
  input_tokens: number;
  /** Prompt tokens served from the cache. */
  cache_read_tokens: number;
  /**
   * Prompt tokens written to the cache (Cursor, Copilot CLI report them apart), priced at the model's
   * cache-write rate (its 5-minute rate where it has two).
   */
  cache_write_tokens?: number;
  /** Output tokens, reasoning ("thoughts") included. */
  output_tokens: number;
  /** Of the output, reasoning tokens (informational; already in output_tokens). */
  reasoning_tokens?: number;
}

export interface RequestCost extends SessionCost {
  reasoning_tokens: number;
}

const TIER_THRESHOLD = 200_000;

/** USD of one request at a model's price, using the long-context rates when its prompt crossed them. */
export function requestUsd(r: RequestUsage, p: ModelPrice): number {
  const tier = p.above_200k && r.input_tokens + r.cache_read_tokens > TIER_THRESHOLD ? p.above_200k : p;
  return (
    (r.input_tokens * tier.input +
      r.cache_read_tokens * tier.cache_read +
      (r.cache_write_tokens ?? 0) * p.cache_write_5m +
      r.output_tokens * tier.output) /
    1_000_000
  );
}

/** Totals and cost of the requests; null when there are none. A model without a price makes usd null. */
export function requestsCost(
  requests: readonly RequestUsage[],
  table: PriceTable = DEFAULT_PRICES,
): RequestCost | null {
  if (requests.length === 0) return null;
  const byModel: SessionCost['by_model'] = {};
  const total = zeroTokens();
  let reasoning = 0;
  let usd: number | null = 0;
  for (const r of requests) {
    const model = r.model ?? 'unknown';
    const m = (byModel[model] ??= { ...zeroTokens(), usd: 0 });
    m.input_tokens += r.input_tokens;
    m.cache_read_tokens += r.cache_read_tokens;
    m.output_tokens += r.output_tokens;
    m.cache_write_tokens += r.cache_write_tokens ?? 0;
    m.cache_write_5m_tokens += r.cache_write_tokens ?? 0;
    total.input_tokens += r.input_tokens;
    total.cache_read_tokens += r.cache_read_tokens;
    total.output_tokens += r.output_tokens;
    total.cache_write_tokens += r.cache_write_tokens ?? 0;
    total.cache_write_5m_tokens += r.cache_write_tokens ?? 0;
    reasoning += r.reasoning_tokens ?? 0;
    const price = r.model ? priceFor(r.model, table) : null;
    m.usd = m.usd === null || !price ? null : m.usd + requestUsd(r, price);
  }
  for (const m of Object.values(byModel)) {
    if (m.usd !== null) m.usd = round(m.usd);
    usd = usd === null || m.usd === null ? null : usd + m.usd;
  }
  const main = mainModel(byModel);
  return {
    ...total,
    model: main === 'unknown' ? null : main,
    usd: usd === null ? null : round(usd),
    price_table: table.as_of,
    messages: requests.length,
    by_model: byModel,
    reasoning_tokens: reasoning,
  };
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;
