// The cost model every agent shares: token totals, the price table (prices.json), a model's price by
// its id (date suffixes and provider prefixes ignored) and the USD of token totals. Each agent's
// reader turns its own usage records into these (claude-code/cost.ts, request-cost.ts).
// Dependency-free: the guard (hook bundle) prices spend with it.
import PRICES from '../prices.json' with { type: 'json' };

export interface ModelPrice {
  input: number;
  output: number;
  cache_write_5m: number;
  cache_write_1h: number;
  cache_read: number;
  /** Rates for a request whose prompt (cached included) exceeds 200k tokens (Gemini Pro tiers). */
  above_200k?: { input: number; output: number; cache_read: number };
  /** Match the model id exactly (after date suffixes): `gpt-5` must not price `gpt-5-pro`. */
  exact?: boolean;
}

export interface PriceTable {
  as_of: string;
  models: Record<string, ModelPrice>;
}

export const DEFAULT_PRICES: PriceTable = PRICES;

export interface TokenTotals {
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  cache_write_5m_tokens: number;
  cache_write_1h_tokens: number;
}

export interface SessionCost extends TokenTotals {
  /** The model that produced the most output. */
  model: string | null;
  /** null when a model has no price in the table. */
  usd: number | null;
  price_table: string;
  /** API messages counted (after deduplication). */
  messages: number;
  by_model: Record<string, TokenTotals & { usd: number | null }>;
}

/** Empty token totals. */
export const zeroTokens = (): TokenTotals => ({
  input_tokens: 0,
  output_tokens: 0,
  cache_read_tokens: 0,
  cache_write_tokens: 0,
  cache_write_5m_tokens: 0,
  cache_write_1h_tokens: 0,
});

/** The model that wrote the most output tokens: the run's model. Null when there is none. */
export function mainModel(byModel: Record<string, TokenTotals>): string | null {
  return Object.entries(byModel).sort(([, a], [, b]) => b.output_tokens - a.output_tokens)[0]?.[0] ?? null;
}

/** Price of a model id: date suffixes, provider prefixes and context tags are ignored. */
export function priceFor(model: string, table: PriceTable = DEFAULT_PRICES): ModelPrice | null {
  const id = model
    .toLowerCase()
    .replace(/^(anthropic\/|(us|eu|apac|global)\.anthropic\.|anthropic\.)/, '')
    .replace(/\[[^\]]*\]$/, '')
    .replace(/(-v\d+(:\d+)?)$/, '')
    .replace(/^(openai|google|models)\//, '')
    .replace(/@\d{8}$/, '')
    .replace(/-\d{8}$/, '')
    .replace(/-\d{4}-\d{2}-\d{2}$/, '')
    .replace(/-latest$/, '')
    // Cursor (`claude-4.5-sonnet-thinking`) and Copilot CLI (`claude-opus-4.6-1m`) spell Claude ids
    // their own way: the family first, dashes in the version, no context-size tag.
    .replace(/^claude-([4-9](?:\.\d+)?)-(opus|sonnet|haiku)\b/, 'claude-$2-$1')
    .replace(/^(claude-(?:opus|sonnet|haiku)-\d+)\.(\d+)/, '$1-$2')
    .replace(/^(claude-.*)-1m$/, '$1');
  let best: string | null = null;
  for (const key of Object.keys(table.models)) {
    const prefix = !table.models[key]!.exact && id.startsWith(`${key}-`);
    if ((id === key || prefix) && (!best || key.length > best.length)) best = key;
  }
  // `claude-opus-4-10` must not be priced as `claude-opus-4-1`; a longer numeric tail is another model.
  if (best && id !== best && /^\d/.test(id.slice(best.length + 1))) return null;
  return best ? table.models[best]! : null;
}

export function usdOf(t: TokenTotals, p: ModelPrice): number {
  return (
    (t.input_tokens * p.input +
      t.output_tokens * p.output +
      t.cache_write_5m_tokens * p.cache_write_5m +
      t.cache_write_1h_tokens * p.cache_write_1h +
      t.cache_read_tokens * p.cache_read) /
    1_000_000
  );
}

export const roundUsd = (n: number) => Math.round(n * 1e6) / 1e6;

/** Add token totals `u` into `t`. */
export function addTokens(t: TokenTotals, u: TokenTotals): void {
  t.input_tokens += u.input_tokens;
  t.output_tokens += u.output_tokens;
  t.cache_read_tokens += u.cache_read_tokens;
  t.cache_write_tokens += u.cache_write_tokens;
  t.cache_write_5m_tokens += u.cache_write_5m_tokens;
  t.cache_write_1h_tokens += u.cache_write_1h_tokens;
}
