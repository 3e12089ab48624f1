// Tokens and cost of a session from its transcript lines (main file and subagent files together).
// Streaming writes one line per content block with a repeated usage object, and resumed or forked
// sessions replay earlier messages: so usage is deduplicated by (message.id, requestId), keeping the
// copy with the most output tokens. Subagent usage comes only from the subagent's own lines (never
// also from the parent's Agent result). `<synthetic>` messages are local notices, not API calls.
import PRICES from '../prices.json' with { type: 'json' };
import type { TranscriptEntry, Usage } from './transcript.js';

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

function tokens(u: Usage): TokenTotals {
  const cw = u.cache_creation_input_tokens ?? 0;
  const w1h = u.cache_creation?.ephemeral_1h_input_tokens ?? 0;
  const w5m = u.cache_creation ? (u.cache_creation.ephemeral_5m_input_tokens ?? Math.max(0, cw - w1h)) : cw;
  return {
    input_tokens: u.input_tokens ?? 0,
    output_tokens: u.output_tokens ?? 0,
    cache_read_tokens: u.cache_read_input_tokens ?? 0,
    cache_write_tokens: Math.max(cw, w5m + w1h),
    cache_write_5m_tokens: w5m,
    cache_write_1h_tokens: w1h,
  };
}

function addTo(t: TokenTotals, u: TokenTotals) {
  t.input_tokens += u.input_tokens;
  t.output_tokens += u.output_tokens;
  t.cache_read_tokens += u.cache_read_tokens;
  t.cache_write_tokens += u.cache_write_tokens;
  t.cache_write_5m_tokens += u.cache_write_5m_tokens;
  t.cache_write_1h_tokens += u.cache_write_1h_tokens;
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
    .replace(/-latest$/, '');
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

/** Cost of the given transcript lines; null when none carries usage. */
export function transcriptCost(
  entries: readonly TranscriptEntry[],
  table: PriceTable = DEFAULT_PRICES,
): SessionCost | null {
  const kept = new Map<string, { model: string; t: TokenTotals; legacyUsd: number | null }>();
  entries.forEach((e, i) => {
    const msg = e.message;
    const usage = msg?.usage;
    if (!msg || !usage || !msg.model || msg.model === '<synthetic>') return;
    if (e.type !== undefined && e.type !== 'assistant') return;
    const key = msg.id ? `${msg.id}\u0000${e.requestId ?? ''}` : `${e.file ?? ''}\u0000${e.line}\u0000${i}`;
    const t = tokens(usage);
    const prev = kept.get(key);
    if (!prev || t.output_tokens > prev.t.output_tokens)
      kept.set(key, { model: msg.model, t, legacyUsd: e.costUSD ?? null });
  });
  if (kept.size === 0) return null;

  const byModel: SessionCost['by_model'] = {};
  const legacy: Record<string, number | null | undefined> = {};
  for (const { model, t, legacyUsd } of kept.values()) {
    const m = byModel[model] ?? { ...zeroTokens(), usd: 0 };
    byModel[model] = m;
    addTo(m, t);
    legacy[model] = legacyUsd === null || legacy[model] === null ? null : (legacy[model] ?? 0) + legacyUsd;
  }
  const total = zeroTokens();
  let usd: number | null = 0;
  for (const [model, m] of Object.entries(byModel)) {
    const price = priceFor(model, table);
    // An unpriced model: fall back to the cost the transcript itself recorded (legacy costUSD), if any.
    const recorded = legacy[model];
    m.usd = price ? round(usdOf(m, price)) : typeof recorded === 'number' ? round(recorded) : null;
    addTo(total, m);
    usd = usd === null || m.usd === null ? null : usd + m.usd;
  }
  const main =
    Object.entries(byModel).sort(([, a], [, b]) => b.output_tokens - a.output_tokens)[0]?.[0] ?? null;
  return {
    ...total,
    model: main,
    usd: usd === null ? null : round(usd),
    price_table: table.as_of,
    messages: kept.size,
    by_model: byModel,
  };
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;
