// Patterns that come from outside (a repository's `.agent-log/config.json`: redaction patterns and
// allowlist, the guard's `re:` deny rules) run on RE2 semantics (re2js): time linear in the text
// whatever the pattern. JavaScript's backtracking engine takes seconds on `(a+)+$` against 30
// characters, and even `.*prod.*` is quadratic (29 s on one 100 KB line), so no static check of the
// pattern makes it safe. re2js is loaded on first use only (about 10–40 ms), so a repository without
// such patterns, and the hook on it, pays nothing.
import { createRequire } from 'node:module';
import type { RE2JS as RE2JSClass } from 're2js';

type Engine = typeof RE2JSClass;
let engine: Engine | undefined;

function re2(): Engine {
  // A plain require, not an import: the hook bundle must not carry (and evaluate) re2js up front.
  engine ??= (createRequire(import.meta.url)('re2js') as { RE2JS: Engine }).RE2JS;
  return engine;
}

export interface LinearRegex {
  readonly source: string;
  /** A match anywhere in the text. */
  test(text: string): boolean;
  /** The whole text matches. */
  matchesWhole(text: string): boolean;
  /** Spans [start, end, start, end …] of each match (or of its first matching group in `groups`). */
  spans(text: string, groups?: readonly number[] | null): number[];
}

/**
 * Compile `source` (JavaScript syntax; flags among `imsu`, others ignored). Throws an Error whose
 * message says why the pattern cannot run in linear time (backreferences, lookahead…).
 */
export function linearRegex(source: string, flags = ''): LinearRegex {
  const RE2JS = re2();
  let bits = 0;
  if (flags.includes('i')) bits |= RE2JS.CASE_INSENSITIVE;
  if (flags.includes('m')) bits |= RE2JS.MULTILINE;
  if (flags.includes('s')) bits |= RE2JS.DOTALL;
  let re: RE2JSClass;
  try {
    re = RE2JS.compile(RE2JS.translateRegExp(source), bits | RE2JS.LOOKBEHINDS);
  } catch (e) {
    const why = (e as Error).message.replace(/^error parsing regexp: /, '');
    throw new Error(
      /invalid (named capture|escape sequence|or unsupported Perl syntax)|lookbehind/.test(why)
        ? `${why} (patterns run in linear time: no backreferences or lookahead)`
        : why,
      { cause: e },
    );
  }
  return {
    source,
    test: (text) => re.test(text),
    matchesWhole: (text) => re.matches(text),
    spans(text, groups) {
      const out: number[] = [];
      const m = re.matcher(text);
      let from = 0;
      while (from <= text.length && m.find(from)) {
        const s0 = m.start();
        const e0 = m.end();
        let s = s0;
        let e = e0;
        if (groups) {
          const g = groups.find((i) => i <= m.groupCount() && m.start(i) >= 0);
          if (g === undefined) s = e = -1;
          else [s, e] = [m.start(g), m.end(g)];
        }
        if (e > s) out.push(s, e);
        from = e0 > s0 ? e0 : s0 + 1;
      }
      return out;
    },
  };
}
