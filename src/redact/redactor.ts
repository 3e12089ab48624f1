// The redactor: applied to every string before it reaches the journal or git.
// Dependency-free (the hook path loads it). Replaces each secret with `[REDACTED:<rule>]`, counts
// what fired per rule and never keeps a value. Safe on raw JSON text: a replacement never splits
// a backslash escape, so redacting a JSON document leaves valid JSON.
import { keyKind, type ValueKind } from './identifiers.js';
import { DEFAULT_RULES, type RedactionRule } from './rules.js';

export interface RedactionCount {
  [key: string]: unknown;
  rule: string;
  count: number;
}

/** A pattern from outside, run in linear time (./linear-regex.ts): it must match the whole value. */
export interface WholeMatcher {
  matchesWhole(text: string): boolean;
}
export type AllowlistEntry = RegExp | string | WholeMatcher;

export interface RedactorOptions {
  /** Values never redacted: a string is an exact value, a pattern must match the whole candidate. */
  allowlist?: readonly AllowlistEntry[];
}

export const MARK = (rule: string) => `[REDACTED:${rule}]`;
const MARK_PREFIX = '[REDACTED:';
const ANY_MARK = /\[REDACTED:[a-z0-9_.:-]{1,64}\]/g;
/** Redaction reaches a fixed point in one or two passes; the bound only guards against surprises. */
const MAX_PASSES = 4;
/** Longest marker: `[REDACTED:` + a 64-character rule id + `]`. */
const MARK_WINDOW = 80;

interface CompiledRule {
  rule: RedactionRule;
  pattern: RegExp | null;
  groups: readonly number[] | null;
  prefilter: ((text: string) => boolean) | null;
}

const compiledCache = new WeakMap<RedactionRule, CompiledRule>();

function compile(rule: RedactionRule): CompiledRule {
  const cached = compiledCache.get(rule);
  if (cached) return cached;
  const groups = rule.group === undefined ? null : typeof rule.group === 'number' ? [rule.group] : rule.group;
  let pattern: RegExp | null = null;
  if (rule.pattern) {
    let flags = rule.pattern.flags;
    if (!flags.includes('g')) flags += 'g';
    if (groups && !flags.includes('d')) flags += 'd';
    pattern = flags === rule.pattern.flags ? rule.pattern : new RegExp(rule.pattern.source, flags);
  }
  let prefilter: CompiledRule['prefilter'] = null;
  const pf = rule.prefilter;
  if (pf instanceof RegExp) {
    const re = new RegExp(pf.source, pf.flags.replace(/[gy]/g, ''));
    prefilter = (text) => re.test(text);
  } else if (pf && pf.length > 0) {
    prefilter = (text) => pf.some((lit) => text.includes(lit));
  }
  const out = { rule, pattern, groups, prefilter };
  compiledCache.set(rule, out);
  return out;
}

const WORD = /[A-Za-z0-9_]/;
const ALNUM = /[A-Za-z0-9]/;

/** Is `start` the beginning of a word? A JSON escape (`\n`) or a `%XX` escape counts as a separator. */
function atWordStart(text: string, start: number, mode: true | 'key'): boolean {
  if (start === 0) return true;
  const prev = text[start - 1]!;
  if (!(mode === 'key' ? ALNUM : WORD).test(prev)) return true;
  if (start >= 2 && text[start - 2] === '\\' && 'nrtbf'.includes(prev)) return true;
  if (start >= 3 && text[start - 3] === '%' && /[0-9A-Fa-f]{2}/.test(text.slice(start - 2, start)))
    return true;
  return false;
}

/** Number of backslashes immediately before `i`. */
function backslashesBefore(text: string, i: number): number {
  let n = 0;
  while (i - n - 1 >= 0 && text[i - n - 1] === '\\') n++;
  return n;
}

/** Shrink [s, e) so it neither starts inside nor ends halfway through a backslash escape. */
function escapeSafeSpan(text: string, s: number, e: number): [number, number] {
  if (backslashesBefore(text, s) % 2 === 1) {
    const c = text[s];
    if (c === 'u' && /^u[0-9A-Fa-f]{4}/.test(text.slice(s, s + 5))) s += 5;
    else s += 1;
  }
  if (e > s && backslashesBefore(text, e) % 2 === 1) e -= 1;
  return [s, Math.max(s, e)];
}

function firstIndex(re: RegExp, text: string): number {
  re.lastIndex = 0;
  const m = re.exec(text);
  return m ? m.index : -1;
}

/** Does [s, e) start or end inside a `[REDACTED:…]` marker? Such a span would mangle the marker. */
function cutsMark(text: string, s: number, e: number): boolean {
  // Markers are short: look only in a small window before each end (never scan the whole text).
  return insideMark(text, s) || insideMark(text, e);
}

/** Is position `i` strictly inside a marker (after its `[` and at or before its `]`)? */
function insideMark(text: string, i: number): boolean {
  const from = Math.max(0, i - MARK_WINDOW);
  const k = text.slice(from, i).lastIndexOf(MARK_PREFIX);
  if (k < 0) return false;
  const open = from + k;
  const close = text.slice(open, open + MARK_WINDOW).indexOf(']');
  return close < 0 || open + close >= i;
}

function onlyMarks(secret: string): boolean {
  return secret.includes(MARK_PREFIX) && secret.replace(ANY_MARK, '').trim() === '';
}

export class Redactor {
  private readonly counts = new Map<string, number>();
  private readonly compiled: CompiledRule[];
  private readonly allowExact: Set<string>;
  private readonly allowPatterns: RegExp[];
  private readonly allowMatchers: WholeMatcher[];

  constructor(
    private readonly rules: readonly RedactionRule[] = DEFAULT_RULES,
    private readonly opts: RedactorOptions = {},
  ) {
    this.compiled = rules.map(compile);
    this.allowExact = new Set(opts.allowlist?.filter((a): a is string => typeof a === 'string'));
    this.allowPatterns = (opts.allowlist ?? [])
      .filter((a): a is RegExp => a instanceof RegExp)
      .map((re) => new RegExp(re.source, re.flags.replace(/[gy]/g, '')));
    this.allowMatchers = (opts.allowlist ?? []).filter(
      (a): a is WholeMatcher => typeof a === 'object' && !(a instanceof RegExp),
    );
  }

  /**
   * Replace every secret in `text`; idempotent: redact(redact(x)) === redact(x). `kind` says the
   * text is one identifier or one path: the entropy rules leave it alone, token-prefix rules do not.
   */
  redact(text: string, kind: ValueKind = null): string {
    if (typeof text !== 'string' || text.length === 0) return text;
    let out = text;
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      const next = this.pass(out, kind);
      if (next === out) break;
      out = next;
    }
    return out;
  }

  private pass(text: string, kind: ValueKind): string {
    let out = text;
    for (const c of this.compiled) {
      if (kind !== null && c.rule.entropy) continue;
      if (c.prefilter && !c.prefilter(out)) continue;
      out = this.applyRule(c, out);
    }
    return out;
  }

  private applyRule(c: CompiledRule, text: string): string {
    const { rule, pattern, groups } = c;
    if (rule.rewrite) return this.applyRewrite(rule, text);
    if (!pattern) return rule.scan ? this.applyScan(rule, text) : text;
    const spans: number[] = [];
    pattern.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = pattern.exec(text)) !== null) {
      const matchStart = m.index;
      if (m[0].length === 0) {
        pattern.lastIndex++;
        continue;
      }
      if (rule.boundary && !atWordStart(text, matchStart, rule.boundary)) {
        pattern.lastIndex = matchStart + 1;
        continue;
      }
      let s = matchStart;
      let e = matchStart + m[0].length;
      if (groups) {
        const g = groups.find((i) => m![i] !== undefined);
        const span = g === undefined ? undefined : m.indices?.[g];
        if (!span) continue;
        [s, e] = span;
      }
      if (rule.stopAt) {
        // The value runs into the next `key=`: end the secret there and let the loop find that key.
        const window = text.slice(s, Math.min(text.length, e + 16));
        const stop = window.includes('=') || window.includes(':') ? firstIndex(rule.stopAt, window) : -1;
        if (stop >= 0 && stop < e - s) {
          e = s + stop;
          pattern.lastIndex = e;
        }
      }
      [s, e] = escapeSafeSpan(text, s, e);
      const secret = text.slice(s, e);
      const rejected =
        e <= s ||
        onlyMarks(secret) ||
        secret.startsWith(MARK_PREFIX) ||
        cutsMark(text, s, e) ||
        (rule.validate !== undefined && !rule.validate(secret, text, s, matchStart)) ||
        this.allowed(secret);
      if (rejected) {
        // Look again from inside the rejected value: `password= db_password: s3cret` holds a second key.
        // A whole-match rule (a token shape) cannot match again inside its own rejected match.
        pattern.lastIndex = groups
          ? Math.max(matchStart + 1, Math.min(s, pattern.lastIndex))
          : Math.max(matchStart + 1, pattern.lastIndex);
        continue;
      }
      spans.push(s, e);
    }
    return this.replaceSpans(rule, text, spans);
  }

  private nested = 0;

  /** A rewrite rule: decoded pieces are redacted by this same redactor (counts included). */
  private applyRewrite(rule: RedactionRule, text: string): string {
    if (this.nested >= 8) return text;
    this.nested++;
    try {
      return rule.rewrite!(text, (piece) => this.redact(piece), MARK(rule.id));
    } finally {
      this.nested--;
    }
  }

  /** A scanner rule: its spans pass the same checks as a pattern's (markers, escapes, allowlist). */
  private applyScan(rule: RedactionRule, text: string): string {
    const raw = rule.scan!(text, (piece) => this.probe(piece));
    const pairs: [number, number][] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i]!, raw[i + 1]!]);
    pairs.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
    const spans: number[] = [];
    for (const [s0, e0] of pairs) {
      const [s, e] = escapeSafeSpan(text, s0, e0);
      const secret = text.slice(s, e);
      if (
        e <= s ||
        onlyMarks(secret) ||
        secret.startsWith(MARK_PREFIX) ||
        cutsMark(text, s, e) ||
        (rule.validate !== undefined && !rule.validate(secret, text, s, s)) ||
        this.allowed(secret)
      )
        continue;
      spans.push(s, e);
    }
    return this.replaceSpans(rule, text, spans);
  }

  private replaceSpans(rule: RedactionRule, text: string, spans: number[]): string {
    if (spans.length === 0) return text;
    const mark = MARK(rule.id);
    const parts: string[] = [];
    let at = 0;
    for (let i = 0; i < spans.length; i += 2) {
      const s = spans[i]!;
      const e = spans[i + 1]!;
      if (s < at) continue;
      parts.push(text.slice(at, s), mark);
      at = e;
      this.bump(rule.id);
    }
    parts.push(text.slice(at));
    return parts.join('');
  }

  private prober: Redactor | null = null;

  /** Would any rule redact something in `piece`? (Counts are not touched: one side redactor does it.) */
  private probe(piece: string): boolean {
    this.prober ??= new Redactor(this.rules, this.opts);
    return this.prober.redact(piece) !== piece;
  }

  private allowed(secret: string): boolean {
    if (this.allowExact.size > 0 && this.allowExact.has(secret)) return true;
    for (const re of this.allowPatterns) {
      const m = re.exec(secret);
      if (m && m.index === 0 && m[0].length === secret.length) return true;
    }
    for (const w of this.allowMatchers) if (w.matchesWhole(secret)) return true;
    return false;
  }

  /**
   * Redact every string inside a JSON-like value (keys included), returning a new value. Values under
   * identifier keys (`tool_use_id`, `uuid`…) and path keys (`file_path`, `cwd`…) are judged as one
   * identifier or one path. Iterative, so no nesting depth overflows the stack or escapes redaction.
   */
  redactDeep<T>(value: T): T {
    if (typeof value === 'string') return this.redact(value) as T;
    if (value === null || typeof value !== 'object') return value;
    const seen = new WeakMap<object, unknown>();
    const stack: [object, Record<string, unknown> | unknown[], ValueKind][] = [];
    const copy = (v: unknown, kind: ValueKind): unknown => {
      if (typeof v === 'string') return this.redactValue(v, kind);
      if (v === null || typeof v !== 'object') return v;
      const done = seen.get(v);
      if (done !== undefined) return done;
      const out: Record<string, unknown> | unknown[] = Array.isArray(v) ? [] : {};
      seen.set(v, out);
      stack.push([v, out, kind]);
      return out;
    };
    const root = copy(value, null);
    while (stack.length > 0) {
      const [src, dst, kind] = stack.pop()!;
      if (Array.isArray(src)) {
        const arr = dst as unknown[];
        // Elements of a list under a path or id key (`read: [...]`, `commits: [...]`) keep its kind.
        for (let i = 0; i < src.length; i++) arr[i] = copy(src[i], kind);
        continue;
      }
      const obj = dst as Record<string, unknown>;
      for (const k of Object.keys(src)) {
        const v = copy((src as Record<string, unknown>)[k], keyKind(k));
        const key = this.redact(k);
        // `__proto__` from JSON.parse is an own key: keep it one (plain assignment would set the prototype).
        if (key === '__proto__')
          Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
        else obj[key] = v;
      }
    }
    return root as T;
  }

  private redactValue(v: string, kind: ValueKind): string {
    if (kind === 'id' && v.length <= 256 && !/\s/.test(v)) return this.redact(v, 'id');
    if (kind === 'path' && v.length <= 4096 && !/[\n\r]/.test(v)) return this.redact(v, 'path');
    return this.redact(v);
  }

  private bump(rule: string) {
    this.counts.set(rule, (this.counts.get(rule) ?? 0) + 1);
  }

  /** Rules that fired since construction, sorted by rule id. */
  report(): RedactionCount[] {
    return [...this.counts.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([rule, count]) => ({ rule, count }));
  }

  /** Does `text` contain anything a rule would redact? (Counts are not touched.) */
  findings(text: string): RedactionCount[] {
    const probe = new Redactor(this.rules, this.opts);
    probe.redact(text);
    return probe.report();
  }
}

export function redactText(text: string): { text: string; redactions: RedactionCount[] } {
  const r = new Redactor();
  const out = r.redact(text);
  return { text: out, redactions: r.report() };
}

/** Sum two redaction reports. */
export function mergeRedactions(...reports: readonly RedactionCount[][]): RedactionCount[] {
  const m = new Map<string, number>();
  for (const rep of reports) for (const { rule, count } of rep) m.set(rule, (m.get(rule) ?? 0) + count);
  return [...m.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([rule, count]) => ({ rule, count }));
}
