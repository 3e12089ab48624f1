// Credentials given on a command line: `mysql -pX`, `sshpass -p X`, `docker login -p X`,
// `redis-cli -a X`, `keytool -storepass X`, `htpasswd -b f user X`, `--db-password=X` … anywhere in
// a command line, after `env`, `sudo`, `docker exec`, `bash -c "…"`. The text is split into words
// (quotes understood, positions kept) and each word is read in the light of its program, so
// `docker run -p 8080:80` stays a port. Dependency-free (the hook path loads it).

export interface Word {
  /** Offsets of the raw word in the text (quotes included). */
  start: number;
  end: number;
  /** The word with quotes removed. */
  value: string;
  /** The raw text equals the value (no quotes or escapes): offsets inside the value map 1:1. */
  plain: boolean;
}

const OPERATOR = /[;&|()`\n]/;
const PLAIN_RUN = /[^\s;&|()`'"\\$]+/y;

/** Split `text` into simple commands of words, with positions. A quote may span lines; an unclosed one is a character. */
export function lexCommands(text: string, from = 0, to = text.length): Word[][] {
  const commands: Word[][] = [];
  let words: Word[] = [];
  let i = from;
  const flush = () => {
    if (words.length) commands.push(words);
    words = [];
  };
  while (i < to) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (OPERATOR.test(c) || (c === '$' && text[i + 1] === '(')) {
      flush();
      i += c === '$' ? 2 : 1;
      continue;
    }
    const start = i;
    let value = '';
    let plain = true;
    while (i < to) {
      const ch = text[i]!;
      if (ch === ' ' || ch === '\t' || ch === '\r' || OPERATOR.test(ch)) break;
      if (ch === '$' && text[i + 1] === "'") {
        // `$'…'` (ANSI-C quoting): backslash escapes inside, `\'` does not close it.
        const close = findClose(text, i + 1, to, '"', "'");
        if (close >= 0) {
          value += unescapeAnsiC(text, i + 2, close).view;
          plain = false;
          i = close + 1;
          continue;
        }
      }
      if (ch === "'" || ch === '"') {
        const close = findClose(text, i, to, ch);
        if (close < 0) {
          value += ch;
          i++;
          continue;
        }
        const inner = text.slice(i + 1, close);
        value += ch === '"' ? inner.replace(/\\(["\\$`])/g, '$1') : inner;
        plain = false;
        i = close + 1;
        continue;
      }
      if (ch === '\\' && i + 1 < to && text[i + 1] !== '\n') {
        value += text[i + 1];
        plain = false;
        i += 2;
        continue;
      }
      // A run of ordinary characters in one step (a long word must not cost a step per character).
      PLAIN_RUN.lastIndex = i;
      const run = PLAIN_RUN.exec(text);
      const stop = run ? Math.min(to, i + run[0].length) : i + 1;
      value += text.slice(i, stop);
      i = stop;
    }
    words.push({ start, end: i, value, plain });
  }
  flush();
  return commands;
}

/** The quote closing a run opened at `open` (`close`; inside `"…"` and `$'…'` a backslash escapes), or -1. */
function findClose(text: string, open: number, to: number, q: string, close = q): number {
  for (let j = open + 1; j < to; j++) {
    const ch = text[j]!;
    if (q === '"' && ch === '\\') {
      j++;
      continue;
    }
    if (ch === close) return j;
  }
  return -1;
}

/**
 * Unescaped text of a quoted run and, for each of its characters, the offset in `text` it came
 * from, so spans found in the unescaped text map back to the raw text.
 */
export interface EscapedView {
  view: string;
  map: number[];
}

/** Inside `"…"`: `\"`, `\\`, `\$` and a backquote lose their backslash; a backslash-newline goes. */
export function unescapeDouble(text: string, from: number, to: number): EscapedView {
  let view = '';
  const map: number[] = [];
  for (let i = from; i < to; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < to) {
      const n = text[i + 1]!;
      if (n === '\n') {
        i++;
        continue;
      }
      if (n === '"' || n === '\\' || n === '$' || n === '`') {
        view += n;
        map.push(i);
        i++;
        continue;
      }
    }
    view += c;
    map.push(i);
  }
  return { view, map };
}

const ANSI_C: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  v: '\v',
};

/** Inside `$'…'`: C escapes (`\n`, `\'`, `\\`, `\xHH`, `\uHHHH`, octal). */
export function unescapeAnsiC(text: string, from: number, to: number): EscapedView {
  let view = '';
  const map: number[] = [];
  for (let i = from; i < to; i++) {
    const c = text[i]!;
    if (c !== '\\' || i + 1 >= to) {
      view += c;
      map.push(i);
      continue;
    }
    const n = text[i + 1]!;
    const hex = n === 'x' ? /^[0-9A-Fa-f]{1,2}/.exec(text.slice(i + 2, Math.min(to, i + 4))) : null;
    const uni = n === 'u' ? /^[0-9A-Fa-f]{4}/.exec(text.slice(i + 2, Math.min(to, i + 6))) : null;
    const oct = /[0-7]/.test(n) ? /^[0-7]{1,3}/.exec(text.slice(i + 1, Math.min(to, i + 4))) : null;
    map.push(i);
    if (hex) {
      view += String.fromCharCode(parseInt(hex[0], 16));
      i += 1 + hex[0].length;
    } else if (uni) {
      view += String.fromCharCode(parseInt(uni[0], 16));
      i += 5;
    } else if (oct) {
      view += String.fromCharCode(parseInt(oct[0], 8));
      i += oct[0].length;
    } else {
      view += ANSI_C[n] ?? n;
      i++;
    }
  }
  return { view, map };
}

/** Map spans found in `v.view` back to the raw text. */
function mapSpans(v: EscapedView, spans: Spans, out: Spans) {
  for (let k = 0; k + 1 < spans.length; k += 2) {
    const s = spans[k]!;
    const e = spans[k + 1]!;
    if (e <= s || s >= v.map.length) continue;
    out.push(v.map[s]!, v.map[Math.min(e, v.map.length) - 1]! + 1);
  }
}

/** A program's name without its directory and Windows suffix (`/usr/bin/mysql.exe` → `mysql`). */
function base(w: string): string {
  const cut = Math.max(w.lastIndexOf('/'), w.lastIndexOf('\\'));
  let b = cut >= 0 ? w.slice(cut + 1) : w;
  const dot = b.length - 4;
  if (dot > 0 && b[dot] === '.' && /^\.(?:exe|cmd|bat)$/i.test(b.slice(dot))) b = b.slice(0, dot);
  return b.toLowerCase();
}

type Spans = number[];

/** The value part of a word after its first `prefixLen` characters (a flag with the value attached). */
function tailOf(w: Word, prefixLen: number, out: Spans) {
  if (w.value.length <= prefixLen) return;
  if (w.plain) out.push(w.start + prefixLen, w.end);
  // A quoted word: the flag is at its start unquoted (`-p'x y'`) or the whole word is quoted.
  else if (w.end - w.start > prefixLen) out.push(w.start + prefixLen, w.end);
}

function whole(w: Word | undefined, out: Spans) {
  if (w && w.value.length > 0) out.push(w.start, w.end);
}

const isFlag = (w: Word | undefined) => !!w && /^-/.test(w.value);

/** Programs whose `-p` (attached value) is a password: `-p` alone prompts. */
const MYSQL = new Set([
  'mysql',
  'mysqldump',
  'mysqladmin',
  'mysqlimport',
  'mysqlshow',
  'mysqlcheck',
  'mysqlpump',
  'mysqlslap',
  'mysqlsh',
  'mariadb',
  'mariadb-dump',
  'mariadb-admin',
  'mariadb-import',
  'mariadb-check',
]);
const ARCHIVE_ATTACHED_P = new Set(['7z', '7za', '7zr', 'rar', 'unrar', 'winrar']);
const LOGIN_P = new Set([
  'docker',
  'podman',
  'nerdctl',
  'buildah',
  'skopeo',
  'helm',
  'oras',
  'crane',
  'finch',
  'az',
  'oc',
  'regctl',
  'cf',
]);
const MONGO = new Set([
  'mongo',
  'mongosh',
  'mongodump',
  'mongorestore',
  'mongoexport',
  'mongoimport',
  'mongostat',
  'mongotop',
  'mongofiles',
]);
const ORACLE = new Set(['sqlplus', 'rman', 'expdp', 'impdp', 'exp', 'imp', 'sqlldr', 'dgmgrl', 'sql']);
const SMB = new Set([
  'smbclient',
  'rpcclient',
  'smbmap',
  'smbget',
  'smbcacls',
  'winexe',
  'mount.cifs',
  'crackmapexec',
  'nxc',
  'netexec',
]);
const KEYTOOL_FLAGS = new Set([
  '-storepass',
  '-keypass',
  '-srcstorepass',
  '-deststorepass',
  '-srckeypass',
  '-destkeypass',
  '-new',
]);
const LDAP = /^ldap(?:search|add|modify|delete|whoami|passwd|compare|modrdn|exop|url)$/;

/** A single-letter flag whose value is a password, per program: value separate and/or attached. */
const SHORT: Record<string, { flag: string; attached: boolean; separate: boolean }[]> = {
  sshpass: [{ flag: '-p', attached: true, separate: true }],
  'redis-cli': [{ flag: '-a', attached: true, separate: true }],
  'valkey-cli': [{ flag: '-a', attached: true, separate: true }],
  'keydb-cli': [{ flag: '-a', attached: true, separate: true }],
  sqlcmd: [{ flag: '-P', attached: true, separate: true }],
  bcp: [{ flag: '-P', attached: true, separate: true }],
  osql: [{ flag: '-P', attached: true, separate: true }],
  isql: [{ flag: '-P', attached: true, separate: true }],
  zip: [{ flag: '-P', attached: true, separate: true }],
  zipcloak: [{ flag: '-P', attached: true, separate: true }],
  unzip: [{ flag: '-P', attached: true, separate: true }],
  funzip: [{ flag: '-P', attached: true, separate: true }],
  mosquitto_pub: [{ flag: '-P', attached: false, separate: true }],
  mosquitto_sub: [{ flag: '-P', attached: false, separate: true }],
  mosquitto_rr: [{ flag: '-P', attached: false, separate: true }],
  twine: [{ flag: '-p', attached: false, separate: true }],
  psexec: [{ flag: '-p', attached: false, separate: true }],
  rdesktop: [{ flag: '-p', attached: false, separate: true }],
  ncftp: [{ flag: '-p', attached: false, separate: true }],
  ncftpput: [{ flag: '-p', attached: false, separate: true }],
  ncftpget: [{ flag: '-p', attached: false, separate: true }],
  influx: [{ flag: '-p', attached: false, separate: true }],
  openssl: [
    { flag: '-k', attached: false, separate: true },
    { flag: '-K', attached: false, separate: true },
  ],
};

/**
 * Long flags whose value is a secret, for any program: `--db-password X`, `--client-secret=X`,
 * `--bindPassword`. One character per step of the prefix loop: the earlier `([A-Za-z0-9]+[-_.]?)*?`
 * could split a long word in exponentially many ways and took minutes on a base64 blob after a dash.
 */
const SECRET_FLAG_MAX = 80;
const SECRET_FLAG =
  /^--?(?:[A-Za-z0-9][-_.]?)*?(?:password|passwd|passphrase|pass|secret|token|api-?key|apikey|access-?key|secret-?key|auth-?key|auth-?token|private-?key|client-?secret|credentials?|oauth2-bearer|storepass|keypass)$/i;
/** Flags that name a place where a secret is, not the secret. */
const NOT_A_VALUE_FLAG =
  /(?:file|path|dir|stdin|env|var|cmd|command|prompt|type|id|name|length|size|url|uri|endpoint|header|policy|ttl|expiry|expires|count|limit)$|^--?no-/i;

/**
 * A line worth lexing: it holds a flag (every flag-borne credential: `mysql -pX`, `sshpass -p`,
 * `docker login -p`…), or a program whose credential is positional (`sqlplus user/pass@db`,
 * `vault login X`, `npm config set …_auth X`, `xfreerdp /p:X`). A log line that merely names `npm`
 * or `curl` has nothing to find and is not lexed.
 */
const LINE_HINT =
  /(?:^|[\s'"(=])-{1,2}[A-Za-z][\w-]*|\b(?:sqlplus|rman|expdp|impdp|sqlldr|dgmgrl|\w*freerdp|rabbitmqctl|aws\s+configure|vault\s+login|(?:npm|pnpm|yarn)\s+config|net\s+(?:use|user))\b/i;

/** Spans [s, e, s, e …] of credentials given on command lines in `text`. */
export function commandCredentialSpans(text: string, depth = 0): Spans {
  const out: Spans = [];
  // Line by line (a backslash-newline continues a line): only lines with a hint are lexed. A quoted
  // word may span lines (`'database:\n  password: x'` as `exec` quotes it): a line that starts inside
  // it is lexed as two pieces, up to the closing quote and after it, so the quotes that follow keep
  // their pairing.
  let from = 0;
  let open: Quote = null;
  while (from < text.length) {
    let to = text.indexOf('\n', from);
    while (to > 0 && text[to - 1] === '\\') to = text.indexOf('\n', to + 1);
    if (to < 0) to = text.length;
    const close = open ? closeOf(text, from, to, open) : -1;
    const hinted = (a: number, b: number) =>
      b - a >= 4 && LINE_HINT.test(text.slice(a, Math.min(b, a + 8192)));
    if (open && close < 0) {
      if (hinted(from, to)) scanLine(text, from, to, depth, out);
    } else {
      const outside = open ? close + 1 : from;
      if (open && hinted(from, close)) scanLine(text, from, close, depth, out);
      if (hinted(outside, to)) scanLine(text, outside, to, depth, out);
      open = quoteAtEnd(text, outside, to);
    }
    from = to + 1;
  }
  return out;
}

type Quote = "'" | '"' | "$'" | null;

/** The offset of the quote closing `q` in [from, to), or -1. */
function closeOf(text: string, from: number, to: number, q: Exclude<Quote, null>): number {
  for (let i = from; i < to; i++) {
    const c = text[i];
    if (c === '\\' && q !== "'") i++;
    else if (c === (q === '"' ? '"' : "'")) return i;
  }
  return -1;
}

/** The quote still open at `to`, reading [from, to) from outside any quote. */
function quoteAtEnd(text: string, from: number, to: number): Quote {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */) {
      i++;
      continue;
    }
    if (c !== 39 /* ' */ && c !== 34 /* " */) continue;
    const q: Exclude<Quote, null> = c === 34 ? '"' : i > from && text[i - 1] === '$' ? "$'" : "'";
    const k = closeOf(text, i + 1, to, q);
    if (k < 0) return q;
    i = k;
  }
  return null;
}

function scanLine(text: string, from: number, to: number, depth: number, out: Spans) {
  for (const words of lexCommands(text, from, to)) {
    scanCommand(text, words, out);
    if (depth < 2) {
      // `bash -c "mysql -pX"`, `ssh host 'PGPASSWORD=x psql'`: a quoted word holding a command.
      // Escapes inside are undone first (`bash -c "mysql -pX -e \"select 1\""`, `$'… \'…\''`),
      // and what is found maps back to the raw text.
      for (const w of words) {
        if (w.plain || !/\s/.test(w.value) || w.end - w.start < 4) continue;
        const view = quotedView(text, w);
        if (view) mapSpans(view, commandCredentialSpans(view.view, depth + 1), out);
      }
    }
  }
}

/** The unescaped inside of a word that is one quoted run (`'…'`, `"…"`, `$'…'`), or null. */
function quotedView(text: string, w: Word): EscapedView | null {
  const q = text[w.start];
  const last = text[w.end - 1];
  if (q === '$' && text[w.start + 1] === "'" && last === "'")
    return unescapeAnsiC(text, w.start + 2, w.end - 1);
  if (q === "'" && last === "'" && !text.slice(w.start + 1, w.end - 1).includes("'")) {
    const map = Array.from({ length: w.end - w.start - 2 }, (_, k) => w.start + 1 + k);
    return { view: text.slice(w.start + 1, w.end - 1), map };
  }
  if (q === '"' && last === '"') return unescapeDouble(text, w.start + 1, w.end - 1);
  return null;
}

function scanCommand(text: string, words: Word[], out: Spans) {
  let program = '';
  let programAt = -1;
  const positional: Word[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const v = w.value;
    const b = programOf(v);
    // Any word may start a new program: `sudo -u x mysql -pY`, `docker exec db mysql -pY`.
    if (b !== '' && !(programAt >= 0 && program === b)) {
      program = b;
      programAt = i;
      positional.length = 0;
      continue;
    }
    if (programAt < 0 && !isFlag(w)) continue;
    genericFlag(words, i, out);
    if (!isFlag(w)) positional.push(w);
    programFlag(program, words, i, programAt, positional, out);
  }
}

const PROGRAMS = new Set<string>([
  ...MYSQL,
  ...ARCHIVE_ATTACHED_P,
  ...LOGIN_P,
  ...MONGO,
  ...ORACLE,
  ...SMB,
  ...Object.keys(SHORT),
  'keytool',
  'jarsigner',
  'htpasswd',
  'lftp',
  'xfreerdp',
  'wlfreerdp',
  'rabbitmqctl',
  'aws',
  'vault',
  'gh',
  'npm',
  'pnpm',
  'yarn',
  'net',
  'curl',
]);

/** The program a word names (`/usr/bin/MySQL.exe` → `mysql`), or '' when it names none of ours. */
function programOf(v: string): string {
  if (PROGRAMS.has(v)) return v;
  if (v.length > 256) return '';
  // Most words are plain lowercase words: only a path, a suffix or capitals need the full reading.
  const b = /[/\\.A-Z]/.test(v) ? base(v) : v;
  return PROGRAMS.has(b) || (b.startsWith('ldap') && LDAP.test(b)) ? b : '';
}

function genericFlag(words: Word[], i: number, out: Spans) {
  const w = words[i]!;
  const v = w.value;
  if (!v.startsWith('-')) return;
  const eq = v.indexOf('=');
  const name = eq >= 0 ? v.slice(0, eq) : v;
  if (name.length > SECRET_FLAG_MAX || !SECRET_FLAG.test(name) || NOT_A_VALUE_FLAG.test(name)) return;
  // Single-dash long flags only for the password family (`-password`, `-storepass`): `-token` is rare.
  if (!name.startsWith('--') && !/pass/i.test(name)) return;
  if (eq >= 0) {
    const val = v.slice(eq + 1);
    if (/^(?:id|src|source|env|type|file)=/.test(val)) return;
    tailOf(w, eq + 1, out);
    return;
  }
  const next = words[i + 1];
  if (!next || isFlag(next) || /^(?:id|src|source|env|type)=/.test(next.value)) return;
  // Prose mentions flags too ("pass --token to the CLI"): an unquoted short lowercase word is not a value.
  if (next.plain && /^[a-z]{1,11}$/.test(next.value)) return;
  whole(next, out);
}

function programFlag(
  program: string,
  words: Word[],
  i: number,
  programAt: number,
  positional: Word[],
  out: Spans,
) {
  if (programAt < 0) return;
  const w = words[i]!;
  const v = w.value;
  const next = words[i + 1];
  // The words between the program and this one: only two programs need them (built on demand).
  const after = () => words.slice(programAt + 1, i).map((x) => x.value);
  if (MYSQL.has(program) && /^-p./.test(v) && !v.startsWith('--')) return tailOf(w, 2, out);
  if (ARCHIVE_ATTACHED_P.has(program) && /^-p./.test(v)) return tailOf(w, 2, out);
  if (LOGIN_P.has(program) && after().includes('login')) {
    if (v === '-p' && next && !isFlag(next)) return whole(next, out);
    if (/^-p./.test(v) && !v.startsWith('--')) return tailOf(w, 2, out);
  }
  if (MONGO.has(program)) {
    if (v === '-p' && next && !isFlag(next)) return whole(next, out);
    if (/^-p./.test(v) && !v.startsWith('--')) return tailOf(w, 2, out);
  }
  for (const spec of SHORT[program] ?? []) {
    if (
      spec.separate &&
      v === spec.flag &&
      next &&
      !(isFlag(next) && next.value.length > 1 && /^-[a-zA-Z]/.test(next.value))
    )
      return whole(next, out);
    if (spec.attached && v.startsWith(spec.flag) && v.length > spec.flag.length && !v.startsWith('--'))
      return tailOf(w, spec.flag.length, out);
  }
  if ((program === 'keytool' || program === 'jarsigner') && KEYTOOL_FLAGS.has(v) && next)
    return whole(next, out);
  if (
    program === 'openssl' &&
    /^-(?:passin|passout|pass|password)$/.test(v) &&
    next &&
    next.value.startsWith('pass:')
  )
    return tailOf(next, 5, out);
  if (LDAP.test(program)) {
    if ((v === '-w' || (program === 'ldappasswd' && (v === '-s' || v === '-a'))) && next)
      return whole(next, out);
    if (/^-w./.test(v)) return tailOf(w, 2, out);
  }
  if (ORACLE.has(program) && !isFlag(w) && positional.length === 1) {
    // `sqlplus user/pass@db`: the password sits between `/` and `@` (or the end).
    const m = /^[^/\s@]+\/([^@\s]+)/.exec(v);
    if (m && w.plain) out.push(w.start + v.indexOf('/') + 1, w.start + v.indexOf('/') + 1 + m[1]!.length);
    return;
  }
  if (SMB.has(program) && (v === '-U' || v === '--user') && next && next.value.includes('%') && next.plain) {
    const k = next.value.indexOf('%');
    return out.push(next.start + k + 1, next.end) as unknown as void;
  }
  if (program === 'lftp' && v === '-u' && next && next.value.includes(',') && next.plain) {
    const k = next.value.indexOf(',');
    return out.push(next.start + k + 1, next.end) as unknown as void;
  }
  if ((program === 'xfreerdp' || program === 'wlfreerdp') && /^[/-]p:./.test(v)) return tailOf(w, 3, out);
  if (
    program === 'curl' &&
    (v === '-E' || v === '--cert') &&
    next &&
    next.plain &&
    /^[^:\\]+:[^:]+$/.test(next.value)
  ) {
    const k = next.value.indexOf(':');
    return out.push(next.start + k + 1, next.end) as unknown as void;
  }
  if (program === 'htpasswd' && positional.length > 0 && w === positional[positional.length - 1]) {
    const flags = words
      .slice(programAt + 1, i)
      .filter((x) => isFlag(x))
      .map((x) => x.value)
      .join('');
    if (/b/.test(flags)) {
      const at = /n/.test(flags) ? 2 : 3;
      if (positional.length === at) return whole(w, out);
    }
    return;
  }
  if (
    program === 'rabbitmqctl' &&
    positional.length === 3 &&
    /^(?:add_user|change_password|authenticate_user)$/.test(positional[0]!.value)
  )
    return whole(w, out);
  if (
    program === 'aws' &&
    positional.length === 4 &&
    positional[0]!.value === 'configure' &&
    positional[1]!.value === 'set' &&
    /secret|token|password/i.test(positional[2]!.value)
  )
    return whole(w, out);
  if (program === 'vault' && positional.length === 2 && positional[0]!.value === 'login' && !v.includes('='))
    return whole(w, out);
  if (program === 'gh' && (v === '--body' || v === '-b') && next && after().includes('secret'))
    return whole(next, out);
  if (
    (program === 'npm' || program === 'pnpm' || program === 'yarn') &&
    positional.length === 4 &&
    positional[0]!.value === 'config' &&
    positional[1]!.value === 'set' &&
    /_auth|token|password/i.test(positional[2]!.value)
  )
    return whole(w, out);
  if (program === 'net' && positional.length >= 3 && !v.startsWith('/') && v !== '*') {
    const sub = positional[0]!.value.toLowerCase();
    if ((sub === 'use' || sub === 'user') && positional.length === 3) return whole(w, out);
  }
}

/**
 * Words quoted piecewise or with backslash escapes whose unquoted value holds a secret: the raw
 * text hides it from the pattern rules (`'password = '"'"'x'"'"''`).
 */
export function requotedSecretSpans(text: string, probe: (piece: string) => boolean): Spans {
  const out: Spans = [];
  for (const words of lexCommands(text)) {
    for (const w of words) {
      if (w.plain || w.value.length < 4) continue;
      const raw = text.slice(w.start, w.end);
      // Only the shell's idioms for a quote inside single quotes; JSON and Windows paths have quotes
      // and backslashes of their own.
      if (!raw.includes(`'"'"'`) && !raw.includes(`'\\''`)) continue;
      if (probe(w.value)) out.push(w.start, w.end);
    }
  }
  return out;
}
