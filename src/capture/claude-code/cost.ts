// Tokens and cost of a Claude Code session from its transcript lines (main file and subagent files
// together). Streaming writes one line per content block with a repeated usage object, and resumed or
// forked sessions replay earlier messages: so usage is deduplicated by (message.id, requestId), keeping
// the copy with the most output tokens. Subagent usage comes only from the subagent's own lines (never
// also from the parent's Agent result). `<synthetic>` messages are local notices, not API calls.
import {
  addTokens as addTo,
  DEFAULT_PRICES,
  mainModel,
  type PriceTable,
  priceFor,
  roundUsd as round,
  type SessionCost,
  type TokenTotals,
  usdOf,
  zeroTokens,
} from '../session/cost.js';
import type { TranscriptEntry, Usage } from './transcript.js';

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
  const main = mainModel(byModel);
  return {
    ...total,
    model: main,
    usd: usd === null ? null : round(usd),
    price_table: table.as_of,
    messages: kept.size,
    by_model: byModel,
  };
}
