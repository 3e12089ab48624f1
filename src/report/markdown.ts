// Building Markdown fragments in code: `safeMd` escapes every interpolated string as text and passes
// Fragments through, so sentences can mix fixed words, code spans and untrusted values safely.
import { codeSpan, mdText } from './escape.js';
import { Fragment, fragment } from './template.js';

export function safeMd(strings: TemplateStringsArray, ...values: (string | number | Fragment)[]): Fragment {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += v instanceof Fragment ? v.text : mdText(String(v));
    out += strings[i + 1]!;
  });
  return fragment(out);
}

export function code(s: string): Fragment {
  return fragment(codeSpan(s));
}

/** Code spans joined by `, `, or `none` text when empty. */
export function codeList(items: readonly string[], none = 'none'): Fragment {
  return items.length ? fragment(items.map((s) => codeSpan(s)).join(', ')) : fragment(mdText(none));
}
