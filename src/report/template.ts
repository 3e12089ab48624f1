// A tiny logic-less template language (a Mustache subset) whose every interpolation is escaped for
// the context it lands in. `{{name}}`, `{{a.b}}`, `{{.}}` interpolate; `{{name|filter}}` picks a
// Markdown context; `{{#name}}…{{/name}}` repeats for each item of a list or renders once for a
// truthy value; `{{^name}}…{{/name}}` renders when the value is empty; `{{! comment }}` is dropped.
// A section, closing or comment tag alone on its line removes that line.
//
// Markdown templates: strings become inline text (`text`, the default), table cells (default on a
// line starting with `|`), code spans (`code`), fenced blocks (`fence`) or multi-line text (`block`).
// Shell templates: the context is read from the template itself — a placeholder in word position
// becomes one shell-quoted word, one in a comment becomes one comment line, and one inside quotes or
// after a here-document is an error (it could not be quoted safely there).
// Only a Fragment (text our own renderer built, already escaped) passes through unchanged.
import { codeSpan, fencedBlock, mdBlock, mdCell, mdText, shComment, shQuote } from './escape.js';

export class Fragment {
  constructor(readonly text: string) {}
}

export function fragment(text: string): Fragment {
  return new Fragment(text);
}

export type Value = string | number | boolean | null | undefined | Fragment | View | Value[];
export interface View {
  [key: string]: Value;
}

export type TemplateSyntax = 'markdown' | 'shell';

export class TemplateError extends Error {
  override name = 'TemplateError';
}

type MdFilter = 'text' | 'cell' | 'code' | 'code-cell' | 'fence' | 'block';
type ShContext = 'word' | 'comment';

type Node =
  | { type: 'text'; text: string }
  | { type: 'var'; name: string; context: MdFilter | ShContext; line: number }
  | { type: 'section'; name: string; inverted: boolean; children: Node[]; line: number };

interface Token {
  type: 'text' | 'var' | 'open' | 'invert' | 'close';
  text: string;
  filter?: string;
  line: number;
  lineText: string;
}

const TAG = /\{\{\s*([#^/!]?)\s*([^{}]*?)\s*\}\}/g;
const STANDALONE = /^[ \t]*\{\{\s*[#^/!][^{}]*\}\}[ \t]*\r?\n?$/;
const MD_FILTERS = new Set(['text', 'cell', 'code', 'fence', 'block']);

export interface CompiledTemplate {
  syntax: TemplateSyntax;
  render(view: View): string;
}

export function compileTemplate(source: string, syntax: TemplateSyntax, name = 'template'): CompiledTemplate {
  const tokens = tokenize(source, name);
  const nodes = build(tokens, syntax, name);
  return { syntax, render: (view) => renderNodes(nodes, [view], name) };
}

export function renderTemplate(source: string, syntax: TemplateSyntax, view: View, name?: string): string {
  return compileTemplate(source, syntax, name).render(view);
}

function tokenize(source: string, name: string): Token[] {
  const tokens: Token[] = [];
  const lines = source.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  lines.forEach((lineText, index) => {
    const line = index + 1;
    if (STANDALONE.test(lineText)) {
      const m = new RegExp(TAG.source).exec(lineText)!;
      pushTag(tokens, m[1]!, m[2]!, line, lineText, name);
      return;
    }
    let last = 0;
    for (const m of lineText.matchAll(TAG)) {
      if (m.index > last) tokens.push({ type: 'text', text: lineText.slice(last, m.index), line, lineText });
      pushTag(tokens, m[1]!, m[2]!, line, lineText, name);
      last = m.index + m[0].length;
    }
    if (last < lineText.length) tokens.push({ type: 'text', text: lineText.slice(last), line, lineText });
  });
  return tokens;
}

function pushTag(tokens: Token[], sigil: string, body: string, line: number, lineText: string, name: string) {
  if (sigil === '!') return;
  const [tagName = '', filter, extra] = body.split('|').map((s) => s.trim());
  if (!/^(\.|[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*)$/.test(tagName) || extra !== undefined) {
    throw new TemplateError(`${name}:${line}: bad tag {{${sigil}${body}}}`);
  }
  const type = sigil === '#' ? 'open' : sigil === '^' ? 'invert' : sigil === '/' ? 'close' : 'var';
  if (type !== 'var' && filter !== undefined)
    throw new TemplateError(`${name}:${line}: filters apply to placeholders only`);
  tokens.push({ type, text: tagName, filter, line, lineText });
}

function build(tokens: Token[], syntax: TemplateSyntax, name: string): Node[] {
  const shellContexts = syntax === 'shell' ? shellContextsOf(tokens) : null;
  const root: Node[] = [];
  const stack: { node: Extract<Node, { type: 'section' }> | null; children: Node[] }[] = [
    { node: null, children: root },
  ];
  tokens.forEach((t, i) => {
    const top = stack.at(-1)!;
    if (t.type === 'text') top.children.push({ type: 'text', text: t.text });
    else if (t.type === 'var') {
      const context =
        syntax === 'shell' ? shellContext(t, shellContexts![i]!, name) : markdownContext(t, name);
      top.children.push({ type: 'var', name: t.text, context, line: t.line });
    } else if (t.type === 'open' || t.type === 'invert') {
      const node = {
        type: 'section' as const,
        name: t.text,
        inverted: t.type === 'invert',
        children: [],
        line: t.line,
      };
      top.children.push(node);
      stack.push({ node, children: node.children });
    } else {
      if (!top.node || top.node.name !== t.text) {
        throw new TemplateError(`${name}:${t.line}: {{/${t.text}}} does not close an open section`);
      }
      stack.pop();
    }
  });
  const open = stack.at(-1)!.node;
  if (open) throw new TemplateError(`${name}:${open.line}: section {{#${open.name}}} is never closed`);
  return root;
}

function markdownContext(t: Token, name: string): MdFilter {
  const inTable = t.lineText.trimStart().startsWith('|');
  const filter = t.filter ?? (inTable ? 'cell' : 'text');
  if (!MD_FILTERS.has(filter)) throw new TemplateError(`${name}:${t.line}: unknown filter "${filter}"`);
  if (filter === 'code' && inTable) return 'code-cell';
  if (inTable && (filter === 'fence' || filter === 'block' || filter === 'text')) return 'cell';
  return filter as MdFilter;
}

function shellContext(t: Token, state: LexState, name: string): ShContext {
  if (t.filter !== undefined) throw new TemplateError(`${name}:${t.line}: shell templates take no filters`);
  if (state === 'word') return 'word';
  if (state === 'comment') return 'comment';
  const where = state === 'heredoc' ? 'after a here-document' : 'inside quotes';
  throw new TemplateError(
    `${name}:${t.line}: {{${t.text}}} is ${where}; write it as a bare word (it is quoted for you)`,
  );
}

type LexState = 'word' | 'single' | 'double' | 'comment' | 'heredoc';

/** The shell lexer state at each placeholder, reading only the template's own text. */
function shellContextsOf(tokens: Token[]): LexState[] {
  let state: LexState = 'word';
  let prev = '\n';
  const states: LexState[] = [];
  for (const t of tokens) {
    if (t.type !== 'text') {
      states.push(state);
      if (t.type === 'var') prev = 'x';
      continue;
    }
    states.push(state);
    const s = t.text;
    for (let i = 0; i < s.length; i++) {
      const c = s[i]!;
      if (state === 'heredoc') break;
      if (state === 'comment') {
        if (c === '\n') state = 'word';
      } else if (state === 'single') {
        if (c === "'") state = 'word';
      } else if (state === 'double') {
        if (c === '\\') i++;
        else if (c === '"') state = 'word';
      } else if (c === '\\') i++;
      else if (c === "'") state = 'single';
      else if (c === '"') state = 'double';
      else if (c === '#' && /[\s;&|(]/.test(prev)) state = 'comment';
      else if (c === '<' && s[i + 1] === '<' && s[i + 2] !== '<') state = 'heredoc';
      prev = c;
    }
  }
  return states;
}

function lookup(name: string, scopes: Value[], file: string, line: number): Value {
  if (name === '.') return scopes.at(-1);
  const [head, ...rest] = name.split('.');
  for (let i = scopes.length - 1; i >= 0; i--) {
    const scope = scopes[i];
    if (isView(scope) && Object.hasOwn(scope, head!)) {
      let value: Value = scope[head!];
      for (const part of rest) {
        if (Array.isArray(value) && part === 'length') value = value.length;
        else value = isView(value) && Object.hasOwn(value, part) ? value[part] : undefined;
      }
      return value;
    }
  }
  throw new TemplateError(`${file}:${line}: unknown name "${name}"`);
}

function isView(v: Value): v is View {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Fragment);
}

function isEmpty(v: Value): boolean {
  return (
    v === null ||
    v === undefined ||
    v === false ||
    v === '' ||
    v === 0 ||
    (Array.isArray(v) && v.length === 0)
  );
}

function renderNodes(nodes: Node[], scopes: Value[], file: string): string {
  let out = '';
  for (const node of nodes) {
    if (node.type === 'text') out += node.text;
    else if (node.type === 'var')
      out += interpolate(lookup(node.name, scopes, file, node.line), node.context);
    else {
      const value = lookup(node.name, scopes, file, node.line);
      if (node.inverted) {
        if (isEmpty(value)) out += renderNodes(node.children, scopes, file);
      } else if (Array.isArray(value)) {
        for (const item of value) out += renderNodes(node.children, [...scopes, item], file);
      } else if (!isEmpty(value)) {
        out += renderNodes(node.children, [...scopes, value], file);
      }
    }
  }
  return out;
}

function interpolate(value: Value, context: MdFilter | ShContext): string {
  if (value instanceof Fragment) return value.text;
  if (value === null || value === undefined) return context === 'word' ? "''" : '';
  if (typeof value === 'object') return interpolate(JSON.stringify(value), context);
  const s = String(value);
  switch (context) {
    case 'text':
      return mdText(s);
    case 'cell':
      return mdCell(s);
    case 'code':
      return codeSpan(s);
    case 'code-cell':
      return codeSpan(s, { cell: true });
    case 'fence':
      return fencedBlock(s);
    case 'block':
      return mdBlock(s);
    case 'word':
      return shQuote(s);
    case 'comment':
      return shComment(s);
  }
}
