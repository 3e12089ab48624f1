// A small POSIX sh lexer: enough to find the simple commands of a command line (split on `&&`, `||`,
// `;`, `|`, `&`, newlines) with quotes removed, their redirections, and heredoc bodies set aside.
// Command substitutions (`$(…)`, backticks, with heredocs and quotes inside) stay as text of their
// word. Not an interpreter. Runs at seal time only, never in the hook.

export type Operator = '&&' | '||' | ';' | '|' | '&' | '\n';

export interface Redirect {
  /** `>`, `>>`, `>|`, `&>`, `&>>`, `<`, `<<`, `<<-`, `<<<`, `<>`, `>&`, `<&` */
  op: string;
  /** File descriptor written before the operator (`2>`), or null. */
  fd: number | null;
  /** The target word, quotes removed (for heredocs: the delimiter). */
  target: string;
}

export interface SimpleCommand {
  words: string[];
  /** The operator that ends this command (null for the last one). */
  next: Operator | null;
  redirects?: Redirect[];
}

interface Lexer {
  src: string;
  i: number;
  /** Heredocs announced on the current line, read after its newline. */
  pending: { delim: string; strip: boolean }[];
}

export function splitCommands(line: string): SimpleCommand[] {
  const lx: Lexer = { src: line, i: 0, pending: [] };
  return parseList(lx, null).filter((cmd) => cmd.words.length > 0 || cmd.redirects?.length);
}

/** Read commands until the end or the closing `)` of a substitution (when `close` is set). */
function parseList(lx: Lexer, close: ')' | null): SimpleCommand[] {
  const out: SimpleCommand[] = [];
  let words: string[] = [];
  let redirects: Redirect[] = [];
  let word = '';
  let inWord = false;
  let depth = 0; // ( ) groups inside a substitution
  const endWord = () => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = (op: Operator | null) => {
    endWord();
    if (words.length || redirects.length || op === null)
      out.push({ words, next: op, ...(redirects.length ? { redirects } : {}) });
    else if (out.length && op !== '\n') out[out.length - 1]!.next = op;
    words = [];
    redirects = [];
  };
  const src = lx.src;
  while (lx.i < src.length) {
    const c = src[lx.i]!;
    if (c === "'") {
      const end = src.indexOf("'", lx.i + 1);
      word += end < 0 ? src.slice(lx.i + 1) : src.slice(lx.i + 1, end);
      inWord = true;
      lx.i = end < 0 ? src.length : end + 1;
    } else if (c === '"') {
      word += readDouble(lx);
      inWord = true;
    } else if (c === '\\' && lx.i + 1 < src.length) {
      if (src[lx.i + 1] !== '\n') {
        word += src[lx.i + 1];
        inWord = true;
      }
      lx.i += 2;
    } else if (c === '$' && src[lx.i + 1] === '(') {
      word += readSubstitution(lx);
      inWord = true;
    } else if (c === '`') {
      word += readBackticks(lx);
      inWord = true;
    } else if (c === '#' && !inWord) {
      const nl = src.indexOf('\n', lx.i);
      lx.i = nl < 0 ? src.length : nl;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      endWord();
      lx.i++;
    } else if (c === '\n') {
      lx.i++;
      readHeredocs(lx);
      endCommand('\n');
    } else if (c === ')' && close && depth === 0) {
      lx.i++;
      break;
    } else if (c === '(' || c === ')') {
      if (close) depth += c === '(' ? 1 : -1;
      endWord();
      lx.i++;
    } else if (c === '&' && src[lx.i + 1] === '&') {
      endCommand('&&');
      lx.i += 2;
    } else if (c === '|' && src[lx.i + 1] === '|') {
      endCommand('||');
      lx.i += 2;
    } else if (c === '|') {
      endCommand('|');
      lx.i += src[lx.i + 1] === '&' ? 2 : 1;
    } else if (c === ';') {
      endCommand(';');
      lx.i += src[lx.i + 1] === ';' ? 2 : 1;
    } else if (c === '>' || c === '<' || (c === '&' && src[lx.i + 1] === '>')) {
      // An all-digit word right before the operator is its file descriptor.
      let fd: number | null = null;
      if (inWord && /^\d+$/.test(word) && /\d/.test(src[lx.i - 1] ?? '')) {
        fd = Number(word);
        word = '';
        inWord = false;
      } else endWord();
      const op = /^(&>>|&>|>>|>\||>&|<<<|<<-|<<|<>|<&|>|<)/.exec(src.slice(lx.i))![1]!;
      lx.i += op.length;
      while (src[lx.i] === ' ' || src[lx.i] === '\t') lx.i++;
      const target = readWord(lx);
      if (op === '<<' || op === '<<-') lx.pending.push({ delim: target, strip: op === '<<-' });
      redirects.push({ op, fd, target });
    } else if (c === '&') {
      endCommand('&');
      lx.i++;
    } else {
      word += c;
      inWord = true;
      lx.i++;
    }
  }
  endCommand(null);
  return out;
}

/** A `"…"` string from its opening quote; `$(…)` and backticks inside stay as text. */
function readDouble(lx: Lexer): string {
  const src = lx.src;
  let out = '';
  lx.i++;
  while (lx.i < src.length && src[lx.i] !== '"') {
    const c = src[lx.i]!;
    if (c === '\\' && lx.i + 1 < src.length && '"\\$`\n'.includes(src[lx.i + 1]!)) {
      if (src[lx.i + 1] !== '\n') out += src[lx.i + 1];
      lx.i += 2;
    } else if (c === '$' && src[lx.i + 1] === '(') out += readSubstitution(lx);
    else if (c === '`') out += readBackticks(lx);
    else {
      out += c;
      lx.i++;
    }
  }
  lx.i++;
  return out;
}

/** `$(…)` as written (nested quotes, substitutions and heredocs respected). */
function readSubstitution(lx: Lexer): string {
  const from = lx.i;
  lx.i += 2;
  const inner: Lexer = { src: lx.src, i: lx.i, pending: [] };
  parseList(inner, ')');
  lx.i = inner.i;
  return lx.src.slice(from, lx.i);
}

function readBackticks(lx: Lexer): string {
  const from = lx.i;
  lx.i++;
  while (lx.i < lx.src.length && lx.src[lx.i] !== '`') lx.i += lx.src[lx.i] === '\\' ? 2 : 1;
  lx.i++;
  return lx.src.slice(from, Math.min(lx.i, lx.src.length));
}

/** One word (a redirect target or heredoc delimiter), quotes removed. */
function readWord(lx: Lexer): string {
  const src = lx.src;
  let out = '';
  while (lx.i < src.length) {
    const c = src[lx.i]!;
    if (c === "'") {
      const end = src.indexOf("'", lx.i + 1);
      out += end < 0 ? src.slice(lx.i + 1) : src.slice(lx.i + 1, end);
      lx.i = end < 0 ? src.length : end + 1;
    } else if (c === '"') out += readDouble(lx);
    else if (c === '\\' && lx.i + 1 < src.length) {
      out += src[lx.i + 1];
      lx.i += 2;
    } else if (c === '$' && src[lx.i + 1] === '(') out += readSubstitution(lx);
    else if (/[\s;&|()<>]/.test(c)) break;
    else {
      out += c;
      lx.i++;
    }
  }
  return out;
}

/** After a newline: skip the bodies of the heredocs announced on the line just ended. */
function readHeredocs(lx: Lexer): void {
  while (lx.pending.length) {
    const { delim, strip } = lx.pending.shift()!;
    for (;;) {
      if (lx.i >= lx.src.length) return;
      const nl = lx.src.indexOf('\n', lx.i);
      const end = nl < 0 ? lx.src.length : nl;
      const text = lx.src.slice(lx.i, end);
      lx.i = nl < 0 ? end : end + 1;
      if ((strip ? text.replace(/^\t+/, '') : text) === delim) break;
    }
  }
}

/** `FOO=1` style assignment word. */
export function isAssignment(word: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*=/.test(word);
}

/** Last path component, without a Windows `.exe`/`.cmd` suffix. */
export function baseName(word: string): string {
  const b = word.split(/[\\/]/).pop() ?? word;
  return b.replace(/\.(exe|cmd|bat)$/i, '');
}

/** Output redirections that write a file (not /dev/null, not a descriptor duplication). */
export function fileWrites(cmd: SimpleCommand): string[] {
  return (cmd.redirects ?? [])
    .filter((r) => /^(>|>>|>\||&>|&>>|<>)$/.test(r.op) || (r.op === '>&' && !/^\d+$|^-$/.test(r.target)))
    .map((r) => r.target)
    .filter((t) => t !== '' && !/^\/dev\/(null|stdout|stderr|tty|fd\/\d+)$/.test(t));
}
