// Hostile strings in every context: they must stay text, never markup, links, HTML or shell code.
import MarkdownIt from 'markdown-it';
import { describe, expect, test } from 'vitest';
import {
  codeSpan,
  fencedBlock,
  mdBlock,
  mdCell,
  mdText,
  shComment,
  shQuote,
} from '../../src/report/escape.js';
import { markdownToHtml } from '../../src/report/html.js';

const HOSTILE = [
  '`rm -rf /`',
  'a | b | c',
  '<script>alert(1)</script>',
  '[click](javascript:alert(1))',
  '![img](http://evil.example/x.png)',
  '<http://evil.example>',
  '# Forged heading',
  'line one\n## Forged section\n- item',
  '```\ncode\n```',
  '**bold** _em_ ~~strike~~',
  '&lt;script&gt;',
  '1. not a list',
  '---',
  '> quote',
  'trailing backslash \\',
  '\u001b[31mred\u001b[0m \u202egnp.exe',
];

const md = MarkdownIt({ html: false, linkify: false });
/** Text content of rendered inline Markdown, with entities decoded. */
const inline = (src: string) => md.renderInline(src);
const decode = (html: string) =>
  html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

describe('mdText', () => {
  test.each(HOSTILE)('%j renders as its own text, with no markup', (s) => {
    const html = inline(mdText(s));
    expect(html).not.toMatch(/<(?!\/?p>)[a-z]/i);
    const expected = s
      .replace(/\u001b\[[0-9;]*m/g, '')
      .replace(/\u202e/g, '\ufffd')
      .replace(/\s*\n\s*/g, ' ');
    expect(decode(html)).toBe(expected);
  });

  test('a heading at the start of a line stays text in a block', () => {
    expect(md.render(mdText('# Forged'))).toBe('<p># Forged</p>\n');
    expect(md.render(mdText('1. item'))).toBe('<p>1. item</p>\n');
    expect(md.render(mdText('- item'))).toBe('<p>- item</p>\n');
    expect(md.render(`para\n${mdText('===')}`)).toBe('<p>para\n===</p>\n');
  });

  test('ordinary text stays readable', () => {
    expect(mdText('add server-side validation to signup (v2.1)')).toBe(
      'add server-side validation to signup (v2.1)',
    );
    expect(mdText('4.1 s')).toBe('4.1 s');
  });
});

describe('mdBlock', () => {
  test('keeps line breaks but forges no section', () => {
    const html = md.render(mdBlock('intro\n## Risk: low\n<b>x</b>'));
    expect(html).toBe('<p>intro<br>\n## Risk: low<br>\n&lt;b&gt;x&lt;/b&gt;</p>\n');
  });
});

describe('table cells', () => {
  test.each(HOSTILE)('%j stays inside one cell', (s) => {
    const table = `| a | b |\n|---|---|\n| ${mdCell(s)} | ${codeSpan(s, { cell: true })} |\n`;
    const html = md.render(table);
    expect(html.match(/<td>/g)).toHaveLength(2);
    expect(html.match(/<tr>/g)).toHaveLength(2);
    expect(html).not.toMatch(/<(script|a|img|h\d)\b/);
  });
});

describe('codeSpan', () => {
  test.each(HOSTILE)('%j is one code element with the exact text', (s) => {
    const html = inline(codeSpan(s));
    const m = /^<code>([\s\S]*)<\/code>$/.exec(html);
    expect(m).not.toBeNull();
    const expected = s
      .replace(/\u001b\[[0-9;]*m/g, '')
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/g, '\ufffd')
      .replace(/\n/g, '\u2424');
    expect(decode(m![1]!)).toBe(expected);
  });

  test('the fence is longer than any backtick run inside', () => {
    expect(codeSpan('a ``` b')).toBe('````a ``` b````');
    expect(codeSpan('`x`')).toBe('`` `x` ``');
  });
});

describe('fencedBlock', () => {
  test('output with fences, HTML and headings stays inside the block', () => {
    const tail = 'fail\n```\n</pre><script>x</script>\n````\n# heading';
    const html = markdownToHtml(`${fencedBlock(tail)}\n\nafter`);
    expect(html.match(/<pre>/g)).toHaveLength(1);
    expect(html).not.toMatch(/<script|<h1/);
    expect(html).toContain('<p>after</p>');
    expect(fencedBlock(tail).startsWith('`````\n')).toBe(true);
  });

  test('terminal escapes are removed', () => {
    expect(fencedBlock('\u001b[31mred\u001b[0m\u001b]0;title\u0007')).toBe('```\nred\n```');
  });
});

describe('shQuote', () => {
  test.each([
    ['$(touch pwned).ts', "'$(touch pwned).ts'"],
    ["a'b; rm -rf ~.md", "'a'\\''b; rm -rf ~.md'"],
    ['`id`', "'`id`'"],
    ['plain/path.ts', 'plain/path.ts'],
    ['-rf', "'-rf'"],
    ['', "''"],
    ['a\nb', "$'a\\x0ab'"],
    ["it's\u001b[0m", "$'it\\'s\\x1b[0m'"],
  ])('%j → %s', (input, quoted) => {
    expect(shQuote(input)).toBe(quoted);
  });

  test('shComment keeps a value on one line', () => {
    expect(shComment('x\nrm -rf ~')).toBe('x rm -rf ~');
  });
});
