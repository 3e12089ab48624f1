// The HTML page is safe against anything a record holds: parsed, it has no scripts, no event
// handlers, no external resources, and links only to the record's own http(s) URLs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DefaultTreeAdapterMap, parse } from 'parse5';
import { describe, expect, test } from 'vitest';
import { renderPacketHtml } from '../../src/report/packet.js';
import { dependencyUpgrade, hostileRun } from '../fixtures/records.js';
import { ROOT } from '../helpers/repo.js';

type Element = DefaultTreeAdapterMap['element'];
type Node = DefaultTreeAdapterMap['node'];

const PACKET = readFileSync(join(ROOT, 'templates', 'packet.md'), 'utf8');

function elements(node: Node, out: Element[] = []): Element[] {
  if ('tagName' in node) out.push(node);
  if ('childNodes' in node) for (const child of node.childNodes) elements(child, out);
  if ('content' in node && node.content) elements(node.content as Node, out);
  return out;
}

function textOf(node: Node): string {
  if (node.nodeName === '#text') return (node as DefaultTreeAdapterMap['textNode']).value;
  return 'childNodes' in node ? node.childNodes.map(textOf).join('') : '';
}

describe('HTML packet of a hostile record', () => {
  const html = renderPacketHtml([hostileRun()], PACKET);
  const all = elements(parse(html));

  test('has no script, iframe, object, embed, img, link, form or base elements', () => {
    const bad = all.filter((e) =>
      /^(script|iframe|object|embed|img|link|form|base|svg|math|frame)$/.test(e.tagName),
    );
    expect(bad.map((e) => e.tagName)).toEqual([]);
  });

  test('has no event-handler attributes and no style elements outside the head', () => {
    const handlers = all.flatMap((e) =>
      e.attrs.filter((a) => a.name.startsWith('on')).map((a) => `${e.tagName} ${a.name}`),
    );
    expect(handlers).toEqual([]);
    expect(all.filter((e) => e.tagName === 'style')).toHaveLength(1);
  });

  test('has no links at all: the hostile record has no valid http(s) link of its own', () => {
    const urls = all.flatMap((e) =>
      e.attrs.filter((a) => /^(href|src|action|formaction|srcset|poster)$/.test(a.name)),
    );
    expect(urls).toEqual([]);
  });

  test('forbids scripts and every fetch by Content-Security-Policy', () => {
    const csp = all.find(
      (e) => e.tagName === 'meta' && e.attrs.some((a) => a.value === 'Content-Security-Policy'),
    );
    expect(csp?.attrs.find((a) => a.name === 'content')?.value).toMatch(/^default-src 'none';/);
  });

  test('shows the hostile strings as text', () => {
    const text = textOf(parse(html));
    expect(text).toContain('<script>alert(1)</script>');
    expect(text).toContain('[click](javascript:alert(1))');
    expect(text).toContain('$(touch pwned).ts');
    expect(all.filter((e) => e.tagName === 'h2').map(textOf)).not.toContain('Forged heading');
    expect(all.filter((e) => e.tagName === 'h1')).toHaveLength(1);
  });
});

describe('HTML packet of a record with a PR link', () => {
  test('links only to the record\u2019s own PR URL, with rel=noopener', () => {
    const all = elements(parse(renderPacketHtml([dependencyUpgrade()], PACKET)));
    const links = all.filter((e) => e.tagName === 'a');
    expect(links.map((a) => a.attrs.find((x) => x.name === 'href')?.value)).toEqual([
      'https://github.com/acme/shop/pull/184',
    ]);
    expect(links[0]!.attrs.find((x) => x.name === 'rel')?.value).toBe('noopener noreferrer nofollow');
  });
});
