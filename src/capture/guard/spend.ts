// Spend of a live run, read from the agent's transcript a few new bytes at a time: the state keeps the
// byte offset, so each hook event costs O(new lines), never a re-read of the whole session. Streaming
// repeats one message's usage on several lines; a small window of recent (message id, request id)
// keys keeps the copy with the most output tokens, as the seal-time reader does over the whole file.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { DEFAULT_PRICES, priceFor, type TokenTotals, usdOf, zeroTokens } from '../session/cost.js';

export interface TranscriptCursor {
  path: string;
  offset: number;
}

export interface Spend {
  /** Tokens by model (all kinds; cache reads included). */
  by_model: Record<string, TokenTotals>;
  /** Recent message keys with the tokens counted for them: [key, model, in, out, cacheRead, cw5m, cw1h]. */
  recent: [string, string, number, number, number, number, number][];
  /** Codex reports running totals: the last total seen, per file. */
  codex_total: number | null;
  /**
   * Copilot CLI's events.jsonl: the model last named, and the output tokens counted from replies
   * (`assistant.message` outputTokens) per model until an `assistant.usage` line gives whole usage
   * (then those estimates are taken back; `metered` from then on).
   */
  copilot?: { model: string | null; replies: Record<string, number>; metered: boolean };
}

export function emptySpend(): Spend {
  return { by_model: {}, recent: [], codex_total: null };
}

/** Usage an agent reports in its hook payload (Cursor's `stop`), once per key (the turn). */
export interface ReportedUsage {
  key: string;
  model: string;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
}

/** Count usage a hook payload reported; a turn reported again (afterAgentResponse, then stop) replaces it. */
export function addReportedUsage(spend: Spend, u: ReportedUsage): void {
  const row: Spend['recent'][number] = [
    `reported\u0000${u.key}`,
    u.model,
    u.input_tokens,
    u.output_tokens,
    u.cache_read_tokens,
    u.cache_write_tokens,
    0,
  ];
  const at = spend.recent.findIndex((r) => r[0] === row[0]);
  if (at >= 0) {
    add(spend, spend.recent[at]!, -1);
    spend.recent[at] = row;
  } else {
    spend.recent.push(row);
    if (spend.recent.length > WINDOW) spend.recent.shift();
  }
  add(spend, row, 1);
}

const WINDOW = 64;
/** Read at most this much per event; a burst larger than this is caught up on the next events. */
const MAX_READ = 8 * 1024 * 1024;

/** Add the complete lines written since the cursor, and move the cursor past them. */
export function readNewUsage(cursor: TranscriptCursor, spend: Spend): void {
  let fd: number;
  try {
    fd = openSync(cursor.path, 'r');
  } catch {
    return; // not written yet (transcripts lag the hooks), or gone
  }
  try {
    const size = fstatSync(fd).size;
    if (size < cursor.offset) cursor.offset = 0; // rewritten from scratch
    if (size === cursor.offset) return;
    const want = Math.min(size - cursor.offset, MAX_READ);
    const buf = Buffer.allocUnsafe(want);
    let got = 0;
    while (got < want) {
      const n = readSync(fd, buf, got, want - got, cursor.offset + got);
      if (n === 0) break;
      got += n;
    }
    const end = buf.lastIndexOf(10, got - 1);
    if (end < 0) {
      if (got === MAX_READ) cursor.offset += got; // one enormous line: skip it
      return;
    }
    const text = buf.toString('utf8', 0, end);
    cursor.offset += end + 1;
    for (const line of text.split('\n')) addLine(line, spend);
  } finally {
    closeSync(fd);
  }
}

function addLine(line: string, spend: Spend) {
  if (line.includes('"token_count"')) return addCodexLine(line, spend);
  if (line.startsWith('{"type":"') && COPILOT_LINE.test(line)) return addCopilotLine(line, spend);
  if (!line.includes('"usage"') || line.includes('"isApiErrorMessage":true')) return;
  let e: Record<string, unknown>;
  try {
    e = JSON.parse(line);
  } catch {
    return;
  }
  if (e.type !== undefined && e.type !== 'assistant') return;
  const msg = e.message as Record<string, unknown> | undefined;
  const usage = msg?.usage as Record<string, unknown> | undefined;
  const model = typeof msg?.model === 'string' ? msg.model : null;
  if (!msg || !usage || !model || model === '<synthetic>') return;
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  const cw = n(usage.cache_creation_input_tokens);
  const cc = usage.cache_creation as Record<string, unknown> | undefined;
  const w1h = n(cc?.ephemeral_1h_input_tokens);
  const w5m = cc
    ? typeof cc.ephemeral_5m_input_tokens === 'number'
      ? cc.ephemeral_5m_input_tokens
      : Math.max(0, cw - w1h)
    : cw;
  const row: Spend['recent'][number] = [
    `${typeof msg.id === 'string' ? msg.id : ''}\u0000${typeof e.requestId === 'string' ? e.requestId : ''}`,
    model,
    n(usage.input_tokens),
    n(usage.output_tokens),
    n(usage.cache_read_input_tokens),
    w5m,
    w1h,
  ];
  const at = msg.id ? spend.recent.findIndex((r) => r[0] === row[0]) : -1;
  if (at >= 0) {
    const prev = spend.recent[at]!;
    if (row[3] <= prev[3]) return;
    add(spend, prev, -1);
    spend.recent[at] = row;
  } else {
    spend.recent.push(row);
    if (spend.recent.length > WINDOW) spend.recent.shift();
  }
  add(spend, row, 1);
}

function add(spend: Spend, r: Spend['recent'][number], sign: 1 | -1) {
  const t = (spend.by_model[r[1]] ??= zeroTokens());
  t.input_tokens += sign * r[2];
  t.output_tokens += sign * r[3];
  t.cache_read_tokens += sign * r[4];
  t.cache_write_5m_tokens += sign * r[5];
  t.cache_write_1h_tokens += sign * r[6];
  t.cache_write_tokens += sign * (r[5] + r[6]);
}

/** Codex rollouts: `event_msg` `token_count` lines carry the session's running totals. */
function addCodexLine(line: string, spend: Spend) {
  let e: Record<string, unknown>;
  try {
    e = JSON.parse(line);
  } catch {
    return;
  }
  const payload = e.payload as Record<string, unknown> | undefined;
  const info = payload?.info as Record<string, unknown> | undefined;
  const total = info?.total_token_usage as Record<string, number> | undefined;
  if (!total || typeof total.input_tokens !== 'number') return;
  const cached = total.cached_input_tokens ?? 0;
  const t = zeroTokens();
  t.input_tokens = Math.max(0, total.input_tokens - cached);
  t.cache_read_tokens = cached;
  t.output_tokens = total.output_tokens ?? 0;
  spend.by_model['codex'] = t; // running totals replace, never add
  spend.codex_total = total.total_tokens ?? null;
}

const COPILOT_LINE =
  /^\{"type":"(assistant\.usage|assistant\.message|session\.start|session\.resume|session\.model_change|tool\.execution_complete)"/;

/**
 * Copilot CLI's events.jsonl: `assistant.usage` (whole usage of a model call, when the file has it),
 * else each reply's output tokens (`assistant.message` outputTokens) on the model last named. Its
 * `session.shutdown` totals come after the session ended: the seal reads those, the guard does not.
 */
function addCopilotLine(line: string, spend: Spend) {
  let e: Record<string, unknown>;
  try {
    e = JSON.parse(line);
  } catch {
    return;
  }
  const d = (e.data ?? {}) as Record<string, unknown>;
  const c = (spend.copilot ??= { model: null, replies: {}, metered: false });
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);
  const named = [d.model, d.selectedModel, d.newModel].find((m): m is string => typeof m === 'string' && !!m);
  if (e.type !== 'assistant.usage' && named) c.model = named;
  if (e.type === 'assistant.message' && !c.metered && n(d.outputTokens)) {
    const model = named ?? c.model ?? 'unknown';
    const t = (spend.by_model[model] ??= zeroTokens());
    t.output_tokens += n(d.outputTokens);
    c.replies[model] = (c.replies[model] ?? 0) + n(d.outputTokens);
  }
  if (e.type === 'assistant.usage') {
    if (!c.metered) {
      for (const [model, out] of Object.entries(c.replies)) spend.by_model[model]!.output_tokens -= out;
      c.replies = {};
      c.metered = true;
    }
    const model = named ?? c.model ?? 'unknown';
    const t = (spend.by_model[model] ??= zeroTokens());
    const read = n(d.cacheReadTokens);
    const write = n(d.cacheWriteTokens);
    t.input_tokens += Math.max(0, n(d.inputTokens) - read - write);
    t.output_tokens += n(d.outputTokens);
    t.cache_read_tokens += read;
    t.cache_write_5m_tokens += write;
    t.cache_write_tokens += write;
  }
}

export interface SpendFigures {
  /** null when some model has no price. */
  usd: number | null;
  tokens: number;
}

export function spendFigures(spend: Spend, codexModel: string | null = null): SpendFigures {
  let usd: number | null = 0;
  let tokens = 0;
  for (const [model, t] of Object.entries(spend.by_model)) {
    tokens += t.input_tokens + t.output_tokens + t.cache_read_tokens + t.cache_write_tokens;
    const price = priceFor(model === 'codex' ? (codexModel ?? 'gpt-5') : model, DEFAULT_PRICES);
    usd = usd === null || !price ? null : usd + usdOf(t, price);
  }
  return { usd: usd === null ? null : Math.round(usd * 1e6) / 1e6, tokens };
}
