// A packet (Markdown) rendered for a terminal: headings in bold, tables aligned, lists with bullets,
// code blocks indented, no Markdown escapes left, colour only when asked. Pure: text in, text out.
// Parsing is markdown-it's, so every escape and code span is read exactly as the HTML page reads it;
// control characters from the record are dropped so the text cannot move the cursor or recolour.
import MarkdownIt from 'markdown-it';
import { displayText } from '../record/display.js';

type Token = ReturnType<InstanceType<typeof MarkdownIt>['parse']>[number];

export interface TerminalOptions {
  color: boolean;
  /** Terminal width: prose wraps at it (at most 100 columns), tables fit in it; 0 = 80. */
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

const SGR = /\u001b\[[0-9;]*m/g;
const RESET = '\u001b[0m';

/** The SGR sequences in force at the end of `text` (all since the last reset), or ''. */
function activeStyle(text: string, from = ''): string {
  let active = from;
  for (const m of text.matchAll(SGR)) active = m[0] === RESET ? '' : active + m[0];
  return active;
}

/** Cut one word wider than `width` into pieces of at most `width` columns (styles carried over). */
function cutWord(word: string, width: number): string[] {
  const pieces: string[] = [];
  let piece = '';
  let used = 0;
  for (const part of word.split(/(\u001b\[[0-9;]*m)/)) {
    if (part.startsWith('\u001b[')) {
      piece += part;
      continue;
    }
    for (const ch of part) {
      const w = displayWidth(ch);
      if (used + w > width && used > 0) {
        pieces.push(piece);
        piece = '';
        used = 0;
      }
      piece += ch;
      used += w;
    }
  }
  pieces.push(piece);
  return pieces;
}

/**
 * Styled text broken at spaces into lines of at most `width` columns; a word wider than that is
 * cut. A style open at a break is closed at the line's end and reopened on the next line, so each
 * line stands alone (a pager, a copy, `less -R` starting mid-way).
 */
export function wrapText(text: string, width: number): string[] {
  const out: string[] = [];
  let active = '';
  for (const source of text.split('\n')) {
    let line = active;
    let used = 0;
    const breakLine = () => {
      out.push(active ? `${line}${RESET}` : line);
      line = active;
      used = 0;
    };
    for (const word of source.split(/ +/)) {
      const w = displayWidth(word);
      if (used > 0 && used + 1 + w > width) breakLine();
      else if (used > 0) {
        line += ' ';
        used++;
      }
      const pieces = w > width ? cutWord(word, width) : [word];
      pieces.forEach((piece, k) => {
        if (k > 0) breakLine();
        line += piece;
        used += displayWidth(piece);
        active = activeStyle(piece, active);
      });
    }
    out.push(active ? `${line}${RESET}` : line);
  }
  // a line that opens a style only to reset it at once (a style ended right at the break) drops both
  return out.map((l) => l.replace(/^(?:\u001b\[[0-9;]*m)+\u001b\[0m/, ''));
}

export function renderForTerminal(markdown: string, opts: TerminalOptions): string {
  const style = (code: string, s: string) => (opts.color && code && s ? `\u001b[${code}m${s}\u001b[0m` : s);
  const screen = opts.width || 80;
  const width = Math.min(screen, 100);

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
      const pad = ' '.repeat(displayWidth(pendingBullet));
      const lines = wrapText(text, Math.max(20, width - indent.length - pad.length));
      blocks.push(indent + pendingBullet + lines.map((l, i) => (i === 0 ? l : indent + pad + l)).join('\n'));
      pendingBullet = null;
    } else {
      const margin = lists.length ? indent + '  ' : '';
      blocks.push(
        wrapText(text, Math.max(20, width - margin.length))
          .map((l) => margin + l)
          .join('\n'),
      );
    }
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
    const widths = fitColumns(
      align.map((_, c) => Math.max(...rows.map((r) => displayWidth(r[c] ?? '')))),
      screen,
      align.map((_, c) => Math.max(...rows.flatMap((r) => (r[c] ?? '').split(/ +/).map(displayWidth)))),
    );
    const pad = (s: string, c: number) => {
      const fill = ' '.repeat(Math.max(0, widths[c]! - displayWidth(s)));
      if (align[c] === 'right') return fill + s;
      return c === widths.length - 1 ? s : s + fill; // no trailing blanks
    };
    // A cell wider than its column wraps inside it; the row is as tall as its tallest cell.
    const lines = (r: string[], head: boolean) => {
      const cells = widths.map((w, c) => wrapText(head ? style('1', r[c] ?? '') : (r[c] ?? ''), w));
      const height = Math.max(...cells.map((x) => x.length));
      return Array.from({ length: height }, (_, k) =>
        cells
          .map((x, c) => pad(x[k] ?? '', c))
          .join('  ')
          .trimEnd(),
      );
    };
    const [head, ...rest] = rows;
    if (!head) return [];
    return [
      ...lines(head, true),
      style('2', widths.map((w) => '─'.repeat(w)).join('  ')),
      ...rest.flatMap((r) => lines(r, false)),
    ];
  }

  return `${blocks
    .join('\n')
    .replace(/^\n+/, '')
    .replace(/\n{3,}/g, '\n\n')}\n`;
}

/** Narrowest a column gets when a table is made to fit (a narrower one stays as it is). */
const MIN_COLUMN = 8;

/**
 * Column widths that fit `screen` columns with two-space gaps. Columns that can wrap at a space
 * (wider than their longest word, `words`) give up a column at a time first, the widest first, so a
 * note wraps before a timestamp, an ID or a path is cut; then the widest column of all, none below
 * MIN_COLUMN (a table that cannot fit stays as it is).
 */
export function fitColumns(natural: readonly number[], screen: number, words?: readonly number[]): number[] {
  const widths = [...natural];
  const room = screen - 2 * (widths.length - 1);
  let total = widths.reduce((a, b) => a + b, 0);
  const widestOf = (ok: (c: number) => boolean) => {
    let widest = -1;
    for (let c = 0; c < widths.length; c++)
      if (ok(c) && (widest < 0 || widths[c]! > widths[widest]!)) widest = c;
    return widest;
  };
  while (total > room) {
    let widest = words ? widestOf((c) => widths[c]! > Math.max(words[c]!, MIN_COLUMN)) : -1;
    if (widest < 0) widest = widestOf(() => true);
    if (widths[widest]! <= MIN_COLUMN) return [...natural];
    widths[widest]!--;
    total--;
  }
  return widths;
}
