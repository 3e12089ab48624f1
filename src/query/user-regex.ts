// Regular expressions given by a user (`query --command`) run on RE2 semantics (re2js): time linear
// in the text whatever the pattern, so `(a|a)*b` cannot hang a query the way JavaScript's
// backtracking engine does (28 characters took 120 s). RE2 has no backreferences or lookaround.
import { RE2JS } from 're2js';

export interface TextMatcher {
  test(text: string): boolean;
  readonly source: string;
}

export class BadPatternError extends Error {}

/** Compile a user pattern (JavaScript syntax, translated: named groups, `/`); throws BadPatternError. */
export function userRegex(source: string, opts: { ignoreCase?: boolean } = {}): TextMatcher {
  let re: RE2JS;
  try {
    re = RE2JS.compile(RE2JS.translateRegExp(source), opts.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0);
  } catch (e) {
    const why = (e as Error).message.replace(/^error parsing regexp: /, '');
    throw new BadPatternError(
      /invalid (named capture|escape sequence|or unsupported Perl syntax)/.test(why)
        ? `${why} (patterns run in linear time: no backreferences or lookaround)`
        : why,
    );
  }
  return { source, test: (text: string) => re.test(text) };
}
