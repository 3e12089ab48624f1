// A packet (Markdown) rendered for a terminal: headings in bold, tables aligned, lists with bullets,
// code blocks indented, no Markdown escapes left, colour only when asked. Pure: text in, text out.
// Parsing is markdown-it's, so every escape and code span is read exactly as the HTML page reads it;
// control characters from the record are dropped so the text cannot move the cursor or recolour.
import MarkdownIt from 'markdown-it';
import { displayText } from '../record/display.js';

type Token = ReturnType<InstanceType<typeof MarkdownIt>['parse']>[number];

export interface TerminalOptions {
  color: boolean;
  /** Terminal width, for rules under headings; 0 = 80. */
  width?: number;
}

const md = new MarkdownIt('commonmark', { html: false }).enable('table').enable('strikethrough');

// ESC sequences, C0/C1 controls and bidi controls from a record must not reach the terminal.
const clean = displayText;

/** Display width: East Asian wide and emoji count two columns, combining marks none. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text.replace(/\u001b\[[0-9;]*m/g, '')) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 32 || (cp >= 0x300 && cp <= 0x36f) || cp === 0x200b || (cp >= 0xfe00 && cp <= 0xfe0f)) continue;
    const wide =
      cp >= 0x1100 &&
      (cp <= 0x115f ||
        (cp >= 0x2e80 && cp <= 0xa4cf) ||
        (cp >= 0xac00 && cp <= 0xd7a3) ||
        (cp >= 0xf900 && cp <= 0xfaff) ||
        (cp >= 0xfe30 && cp <= 0xfe4f) ||
        (cp >= 0xff00 && cp <= 0xff60) ||
        (cp >= 0xffe0 && cp <= 0xffe6) ||
        cp >= 0x1f300);
    width += wide ? 2 : 1;
  }
  return width;
}

export function renderForTerminal(markdown: string, opts: TerminalOptions): string {
  const style = (code: string, s: string) => (opts.color && code && s ? `\u001b[${code}m${s}\u001b[0m` : s);
  const width = Math.min(opts.width || 80, 100);

  /** Inline children (text, code spans, emphasis, links) to one styled string. */
  function inline(children: readonly Token[] | null): string {
    let out = '';
    const open: string[] = [];
    let link: string | null = null;
    for (const t of children ?? []) {
      switch (t.type) {
        case 'text':
          out += style(open.join(';'), clean(t.content));
          break;
        case 'code_inline':
          out += style(['36', ...open].join(';'), clean(t.content));
          break;
        case 'strong_open':
          open.push('1');
          break;
        case 'em_open':
          open.push('3');
          break;
        case 's_open':
          open.push('9');
          break;
        case 'strong_close':
        case 'em_close':
        case 's_close':
          open.pop();
          break;
        case 'link_open':
          link = String(t.attrGet('href') ?? '') || null;
          break;
        case 'link_close':
          if (link && !out.endsWith(link)) out += ` <${clean(link)}>`;
          link = null;
          break;
        case 'softbreak':
        case 'hardbreak':
          out += '\n';
          break;
        default:
          out += clean(t.content);
      }
    }
    return out;
  }

  const tokens = md.parse(markdown, {});
  const blocks: string[] = [];
  const lists: { ordered: boolean; n: number }[] = [];
  let pendingBullet: string | null = null;

  const push = (text: string) => {
    const indent = '  '.repeat(Math.max(0, lists.length - 1));
    if (pendingBullet !== null) {
      const lines = text.split('\n');
      const pad = ' '.repeat(displayWidth(pendingBullet));
      blocks.push(indent + pendingBullet + lines.map((l, i) => (i === 0 ? l : indent + pad + l)).join('\n'));
      pendingBullet = null;
    } else blocks.push(lists.length ? indent + '  ' + text : text);
  };

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    switch (t.type) {
      case 'heading_open': {
        const text = inline(tokens[i + 1]!.children);
        const level = Number(t.tag.slice(1));
        blocks.push('');
        if (level === 1)
          blocks.push(style('1', text), style('2', '═'.repeat(Math.min(displayWidth(text), width))));
        else if (level === 2)
          blocks.push(style('1', text), style('2', '─'.repeat(Math.min(displayWidth(text), width))));
        else blocks.push(style('1;2', text));
        i += 2;
        break;
      }
      case 'paragraph_open': {
        const text = inline(tokens[i + 1]!.children);
        if (!lists.length) blocks.push('');
        push(text);
        i += 2;
        break;
      }
      case 'bullet_list_open':
      case 'ordered_list_open':
        if (!lists.length) blocks.push('');
        lists.push({ ordered: t.type === 'ordered_list_open', n: Number(t.attrGet('start') ?? 1) });
        break;
      case 'bullet_list_close':
      case 'ordered_list_close':
        lists.pop();
        break;
      case 'list_item_open': {
        const list = lists.at(-1)!;
        pendingBullet = list.ordered ? `${list.n++}. ` : '• ';
        break;
      }
      case 'fence':
      case 'code_block': {
        blocks.push('');
        const body = clean(t.content.replace(/\n$/, ''));
        blocks.push(...body.split('\n').map((l) => `    ${style('2', l)}`));
        break;
      }
      case 'hr':
        blocks.push('', style('2', '─'.repeat(width)));
        break;
      case 'table_open': {
        const end = tokens.findIndex((x, j) => j > i && x.type === 'table_close');
        blocks.push('', ...table(tokens.slice(i + 1, end)));
        i = end;
        break;
      }
      case 'html_block':
        blocks.push('', clean(t.content.trimEnd()));
        break;
      default:
        break;
    }
  }

  /** Rows of cells (header first), each column padded to its widest cell; numbers right-aligned. */
  function table(body: readonly Token[]): string[] {
    const rows: string[][] = [];
    const align: (string | null)[] = [];
    let row: string[] | null = null;
    for (let j = 0; j < body.length; j++) {
      const t = body[j]!;
      if (t.type === 'tr_open') row = [];
      else if (t.type === 'tr_close' && row) rows.push(row);
      else if ((t.type === 'th_open' || t.type === 'td_open') && row) {
        if (rows.length === 0)
          align.push(/text-align:right/.test(String(t.attrGet('style') ?? '')) ? 'right' : null);
        row.push(inline(body[j + 1]!.children).replace(/\n/g, ' '));
      }
    }
    const widths = align.map((_, c) => Math.max(...rows.map((r) => displayWidth(r[c] ?? ''))));
    const pad = (s: string, c: number) => {
      const fill = ' '.repeat(Math.max(0, widths[c]! - displayWidth(s)));
      if (align[c] === 'right') return fill + s;
      return c === widths.length - 1 ? s : s + fill; // no trailing blanks
    };
    const line = (r: string[], head: boolean) =>
      r
        .map((cell, c) => (head ? style('1', pad(cell, c)) : pad(cell, c)))
        .join('  ')
        .trimEnd();
    const [head, ...rest] = rows;
    if (!head) return [];
    return [
      line(head, true),
      style('2', widths.map((w) => '─'.repeat(w)).join('  ')),
      ...rest.map((r) => line(r, false)),
    ];
  }

  return `${blocks
    .join('\n')
    .replace(/^\n+/, '')
    .replace(/\n{3,}/g, '\n\n')}\n`;
}
