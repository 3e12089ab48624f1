// The redactor: applied to every string before it reaches the journal or git.
// Dependency-free (the hook path loads it). Replaces each secret with `[REDACTED:<rule>]`.
import { BASELINE_RULES, type RedactionRule } from './rules.js';

export interface RedactionCount {
  [key: string]: unknown;
  rule: string;
  count: number;
}

export const MARK = (rule: string) => `[REDACTED:${rule}]`;

export class Redactor {
  private readonly counts = new Map<string, number>();

  constructor(private readonly rules: readonly RedactionRule[] = BASELINE_RULES) {}

  redact(text: string): string {
    let out = text;
    for (const rule of this.rules) {
      rule.pattern.lastIndex = 0;
      out = out.replace(rule.pattern, (...args: unknown[]) => {
        const match = args[0] as string;
        if (match.startsWith('[REDACTED:')) return match;
        if (rule.group === undefined) {
          this.bump(rule.id);
          return MARK(rule.id);
        }
        const groups = args.slice(1, -2) as (string | undefined)[];
        const secret = groups[rule.group - 1];
        if (!secret || secret.startsWith('[REDACTED:')) return match;
        this.bump(rule.id);
        const before = groups.slice(0, rule.group - 1).join('');
        return before + MARK(rule.id) + groups.slice(rule.group).join('');
      });
    }
    return out;
  }

  /** Redact every string inside a JSON-like value (keys included), returning a new value. */
  redactDeep<T>(value: T): T {
    return this.walk(value) as T;
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (Array.isArray(value)) return value.map((v) => this.walk(v));
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[this.redact(k)] = this.walk(v);
      return out;
    }
    return value;
  }

  private bump(rule: string) {
    this.counts.set(rule, (this.counts.get(rule) ?? 0) + 1);
  }

  /** Rules that fired since construction, sorted by rule id. */
  report(): RedactionCount[] {
    return [...this.counts.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([rule, count]) => ({ rule, count }));
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
