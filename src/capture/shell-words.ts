// A small shell lexer: enough of POSIX sh to find the simple commands of a command line (split on
// `&&`, `||`, `;`, `|`, `&`, newlines) with quotes removed. Not an interpreter: substitutions stay as text.

export type Operator = '&&' | '||' | ';' | '|' | '&' | '\n';

export interface SimpleCommand {
  words: string[];
  /** The operator that ends this command (null for the last one). */
  next: Operator | null;
}

export function splitCommands(line: string): SimpleCommand[] {
  const out: SimpleCommand[] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  const endWord = () => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = (op: Operator | null) => {
    endWord();
    if (words.length || op === null) out.push({ words, next: op });
    else if (out.length && op !== '\n') out[out.length - 1]!.next = op;
    words = [];
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      word += end < 0 ? line.slice(i + 1) : line.slice(i + 1, end);
      inWord = true;
      i = end < 0 ? line.length : end;
    } else if (c === '"') {
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) i++;
        word += line[i];
        i++;
      }
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      if (line[i + 1] !== '\n') word += line[i + 1];
      inWord = inWord || line[i + 1] !== '\n';
      i++;
    } else if (c === '#' && !inWord) {
      const nl = line.indexOf('\n', i);
      i = nl < 0 ? line.length : nl - 1;
    } else if (c === ' ' || c === '\t') {
      endWord();
    } else if (c === '\n') {
      endCommand('\n');
    } else if (c === '&' && line[i + 1] === '&') {
      endCommand('&&');
      i++;
    } else if (c === '|' && line[i + 1] === '|') {
      endCommand('||');
      i++;
    } else if (c === '|') {
      endCommand('|');
      if (line[i + 1] === '&') i++;
    } else if (c === ';') {
      endCommand(';');
    } else if (c === '&' && line[i + 1] !== '>' && line[i - 1] !== '>' && line[i - 1] !== '<') {
      endCommand('&');
    } else if (c === '(' || c === ')') {
      endWord();
    } else {
      word += c;
      inWord = true;
    }
  }
  endCommand(null);
  return out.filter((cmd) => cmd.words.length > 0);
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
