// The review packet as one self-contained HTML page: markdown-it with raw HTML off and linkify off,
// images off (no requests), links limited to http(s) and in-page anchors, inline CSS, light/dark,
// and a Content-Security-Policy that forbids scripts and every fetch even if something slipped through.
import MarkdownIt from 'markdown-it';
import { displayLine, displayText } from '../record/display.js';
import { htmlEscape } from './escape.js';

type Md = ReturnType<typeof MarkdownIt>;

const SAFE_LINK = /^(https?:\/\/|#)/i;

function markdown(): Md {
  const md = MarkdownIt({ html: false, linkify: false, typographer: false });
  md.disable(['image']);
  md.validateLink = (url: string) => SAFE_LINK.test(url.trim());
  const defaultOpen =
    md.renderer.rules.link_open ??
    ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
  md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
    const token = tokens[idx]!;
    if (!String(token.attrGet('href') ?? '').startsWith('#'))
      token.attrSet('rel', 'noopener noreferrer nofollow');
    return defaultOpen(tokens, idx, options, env, self);
  };
  return md;
}

let instance: Md | null = null;

export function markdownToHtml(source: string): string {
  instance ??= markdown();
  return instance.render(source);
}

export function renderHtmlPage(markdownSource: string, title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${htmlEscape(displayLine(title))}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${markdownToHtml(displayText(markdownSource))}</main>
</body>
</html>
`;
}

const CSS = `
:root { --fg: #1f2328; --bg: #ffffff; --muted: #59636e; --border: #d1d9e0; --code: #f6f8fa; --link: #0969da; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; --border: #3d444d; --code: #151b23; --link: #4493f8; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 60rem; margin: 0 auto; padding: 2rem 1.25rem 4rem; }
h1 { font-size: 1.6rem; border-bottom: 1px solid var(--border); padding-bottom: .3rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid var(--border); padding-bottom: .2rem; }
h3 { font-size: 1.05rem; }
a { color: var(--link); }
code, pre { font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--code);
  border-radius: 4px; overflow-wrap: anywhere; }
code { padding: .1em .3em; }
pre { padding: .8rem 1rem; overflow-x: auto; border: 1px solid var(--border); }
pre code { padding: 0; background: none; }
table { border-collapse: collapse; display: block; overflow-x: auto; margin: 1rem 0; }
th, td { border: 1px solid var(--border); padding: .3rem .6rem; text-align: left; vertical-align: top; }
th { background: var(--code); }
hr { border: 0; border-top: 2px solid var(--border); margin: 3rem 0; }
`;
