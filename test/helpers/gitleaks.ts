// An independent secret detector for the redaction tests: gitleaks' own rules
// (test/fixtures/secrets/gitleaks.toml, vendored unchanged from github.com/gitleaks/gitleaks), their Go
// RE2 regexes translated to JavaScript here, and samples drawn at test time from each rule's own regex
// (so the repository holds no secret-shaped string: push protection stays quiet).
//
// The translation: RE2's inline flags (`(?i)` to the end of its group, `(?i:…)`, `(?-i:…)`, `(?s:…)`)
// are compiled out (a letter under `i` becomes `[aA]`, a class gains both cases, `.` under `s` becomes
// any character); `\s` is RE2's ASCII set, `.` excludes only `\n` as in RE2, `\z` is the end of input,
// `(?P<name>…)` a plain group. Matching is leftmost-first in both engines. What gitleaks does beyond the
// regex is left out on purpose, so this reader is stricter than gitleaks: no keyword prefilter, no
// entropy threshold, no allowlists or stopwords.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './repo.js';

export interface GitleaksRule {
  id: string;
  /** The regex as gitleaks has it (RE2). */
  source: string;
  re: RegExp;
  secretGroup: number;
  ast: Node;
}

export interface Hit {
  rule: string;
  /** What gitleaks reports as the secret: the secret group, else the first group that matched, else the match. */
  secret: string;
  match: string;
  index: number;
}

type Range = [number, number];
type Node =
  | { t: 'lit'; c: number; i: boolean }
  | { t: 'set'; r: Range[] }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; alts: Node[] }
  | { t: 'group'; cap: boolean; node: Node }
  | { t: 'rep'; node: Node; min: number; max: number; lazy: boolean }
  | { t: 'assert'; v: string };

const MAXC = 0xffff;
const DIGIT: Range[] = [[48, 57]];
const WORD: Range[] = [
  [48, 57],
  [65, 90],
  [95, 95],
  [97, 122],
];
const SPACE: Range[] = [
  [9, 10],
  [12, 13],
  [32, 32],
];
const POSIX: Record<string, Range[]> = {
  alnum: [
    [48, 57],
    [65, 90],
    [97, 122],
  ],
  alpha: [
    [65, 90],
    [97, 122],
  ],
  digit: DIGIT,
  lower: [[97, 122]],
  upper: [[65, 90]],
  space: SPACE,
  xdigit: [
    [48, 57],
    [65, 70],
    [97, 102],
  ],
  punct: [
    [33, 47],
    [58, 64],
    [91, 96],
    [123, 126],
  ],
  word: WORD,
};

function normalize(r: Range[]): Range[] {
  const s = [...r].sort((a, b) => a[0] - b[0]);
  const out: Range[] = [];
  for (const [a, b] of s) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

function complement(r: Range[]): Range[] {
  const out: Range[] = [];
  let next = 0;
  for (const [a, b] of normalize(r)) {
    if (a > next) out.push([next, a - 1]);
    next = b + 1;
  }
  if (next <= MAXC) out.push([next, MAXC]);
  return out;
}

function foldCase(r: Range[]): Range[] {
  const out = [...r];
  for (const [a, b] of r) {
    const lo = Math.max(a, 65);
    const hi = Math.min(b, 90);
    if (lo <= hi) out.push([lo + 32, hi + 32]);
    const lo2 = Math.max(a, 97);
    const hi2 = Math.min(b, 122);
    if (lo2 <= hi2) out.push([lo2 - 32, hi2 - 32]);
  }
  return normalize(out);
}

class Parser {
  pos = 0;
  constructor(private readonly s: string) {}

  parse(): Node {
    const n = this.alt({ i: false, s: false });
    if (this.pos < this.s.length)
      throw new Error(`unparsed at ${this.pos}: ${this.s.slice(this.pos, this.pos + 20)}`);
    return n;
  }

  private alt(flags: { i: boolean; s: boolean }): Node {
    const alts: Node[] = [];
    // Flags set by `(?i)` inside this group last to its end, across alternatives.
    const f = { ...flags };
    for (;;) {
      alts.push(this.seq(f));
      if (this.s[this.pos] === '|') this.pos++;
      else break;
    }
    return alts.length === 1 ? alts[0]! : { t: 'alt', alts };
  }

  private seq(f: { i: boolean; s: boolean }): Node {
    const items: Node[] = [];
    while (this.pos < this.s.length && this.s[this.pos] !== '|' && this.s[this.pos] !== ')') {
      const atom = this.atom(f);
      if (!atom) continue;
      items.push(this.quant(atom));
    }
    return { t: 'seq', items };
  }

  private quant(atom: Node): Node {
    const s = this.s;
    let min: number;
    let max: number;
    const c = s[this.pos];
    if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(s.slice(this.pos));
      if (!m) return atom;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      this.pos += m[0].length - 1;
    } else return atom;
    this.pos++;
    let lazy = false;
    if (s[this.pos] === '?') {
      lazy = true;
      this.pos++;
    }
    return this.quant({ t: 'rep', node: atom, min, max, lazy });
  }

  private atom(f: { i: boolean; s: boolean }): Node | null {
    const s = this.s;
    const c = s[this.pos]!;
    if (c === '(') {
      this.pos++;
      if (s[this.pos] === '?') {
        const m = /^\?([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])/.exec(s.slice(this.pos));
        if (m) {
          this.pos += m[0].length;
          const g = { ...f };
          for (const x of m[1]!) if (x === 'i' || x === 's') g[x] = true;
          for (const x of m[2] ?? '') if (x === 'i' || x === 's') g[x] = false;
          if (m[3] === ')') {
            // `(?i)`: from here to the end of the enclosing group.
            f.i = g.i;
            f.s = g.s;
            return null;
          }
          const node = this.alt(g);
          this.expect(')');
          return { t: 'group', cap: false, node };
        }
        const named = /^\?P?<\w+>/.exec(s.slice(this.pos));
        if (!named) throw new Error(`unknown group at ${this.pos}`);
        this.pos += named[0].length;
      }
      const node = this.alt({ ...f });
      this.expect(')');
      return { t: 'group', cap: true, node };
    }
    if (c === '[') return this.klass(f);
    if (c === '.') {
      this.pos++;
      return { t: 'set', r: f.s ? [[0, MAXC]] : complement([[10, 10]]) };
    }
    if (c === '^' || c === '$') {
      this.pos++;
      return { t: 'assert', v: c };
    }
    if (c === '\\') {
      const e = this.escape();
      if (typeof e === 'string') return { t: 'assert', v: e };
      if (Array.isArray(e)) return { t: 'set', r: f.i ? foldCase(e) : e };
      return { t: 'lit', c: e, i: f.i };
    }
    this.pos++;
    return { t: 'lit', c: c.codePointAt(0)!, i: f.i };
  }

  private expect(c: string) {
    if (this.s[this.pos] !== c) throw new Error(`expected ${c} at ${this.pos}`);
    this.pos++;
  }

  /** An escape: a code point, a set of ranges, or an assertion's name. */
  private escape(inClass = false): number | Range[] | string {
    const s = this.s;
    this.pos++;
    const c = s[this.pos++]!;
    switch (c) {
      case 'd':
        return DIGIT;
      case 'D':
        return complement(DIGIT);
      case 'w':
        return WORD;
      case 'W':
        return complement(WORD);
      case 's':
        return SPACE;
      case 'S':
        return complement(SPACE);
      case 'n':
        return 10;
      case 'r':
        return 13;
      case 't':
        return 9;
      case 'f':
        return 12;
      case 'v':
        return 11;
      case 'x': {
        const m = /^(?:\{([0-9a-fA-F]+)\}|([0-9a-fA-F]{2}))/.exec(s.slice(this.pos));
        if (!m) throw new Error(`bad \\x at ${this.pos}`);
        this.pos += m[0].length;
        return parseInt(m[1] ?? m[2]!, 16);
      }
      case 'b':
      case 'B':
      case 'A':
      case 'z':
        if (inClass) throw new Error(`\\${c} in a class`);
        return `\\${c}`;
      default:
        if (/[a-zA-Z0-9]/.test(c)) throw new Error(`unsupported escape \\${c}`);
        return c.codePointAt(0)!;
    }
  }

  private klass(f: { i: boolean; s: boolean }): Node {
    const s = this.s;
    this.pos++;
    let neg = false;
    if (s[this.pos] === '^') {
      neg = true;
      this.pos++;
    }
    const ranges: Range[] = [];
    let first = true;
    while (s[this.pos] !== ']' || first) {
      first = false;
      if (this.pos >= s.length) throw new Error('unterminated class');
      const posix = /^\[:(\^?)(\w+):\]/.exec(s.slice(this.pos));
      if (posix) {
        const r = POSIX[posix[2]!];
        if (!r) throw new Error(`unknown class ${posix[2]}`);
        ranges.push(...(posix[1] ? complement(r) : r));
        this.pos += posix[0].length;
        continue;
      }
      const lo = this.classAtom();
      if (Array.isArray(lo)) {
        ranges.push(...lo);
        continue;
      }
      if (s[this.pos] === '-' && s[this.pos + 1] !== ']') {
        this.pos++;
        const hi = this.classAtom();
        if (Array.isArray(hi)) throw new Error('bad range');
        ranges.push([lo, hi]);
      } else ranges.push([lo, lo]);
    }
    this.pos++;
    let r = normalize(ranges);
    if (f.i) r = foldCase(r);
    return { t: 'set', r: neg ? complement(r) : r };
  }

  private classAtom(): number | Range[] {
    if (this.s[this.pos] === '\\') {
      const e = this.escape(true);
      if (typeof e === 'string') throw new Error('assertion in class');
      return e;
    }
    return this.s.codePointAt(this.pos++)!;
  }
}

function esc(c: number): string {
  return `\\u${c.toString(16).padStart(4, '0')}`;
}

function toJs(n: Node): string {
  switch (n.t) {
    case 'lit': {
      const ch = String.fromCodePoint(n.c);
      if (n.i && /[a-zA-Z]/.test(ch)) return `[${ch.toLowerCase()}${ch.toUpperCase()}]`;
      return esc(n.c);
    }
    case 'set':
      if (n.r.length === 0) return '[^\\s\\S]';
      return `[${n.r.map(([a, b]) => (a === b ? esc(a) : `${esc(a)}-${esc(b)}`)).join('')}]`;
    case 'seq':
      return n.items.map(toJs).join('');
    case 'alt':
      return n.alts.map(toJs).join('|');
    case 'group':
      return n.cap ? `(${toJs(n.node)})` : `(?:${toJs(n.node)})`;
    case 'rep': {
      const q =
        n.min === 0 && n.max === Infinity
          ? '*'
          : n.min === 1 && n.max === Infinity
            ? '+'
            : n.min === 0 && n.max === 1
              ? '?'
              : `{${n.min},${n.max === Infinity ? '' : n.max}}`;
      return `(?:${toJs(n.node)})${q}${n.lazy ? '?' : ''}`;
    }
    case 'assert':
      return n.v === '\\z' ? '(?![\\s\\S])' : n.v === '\\A' ? '(?<![\\s\\S])' : n.v;
  }
}

/** The rules of the vendored config, and the ids of those that could not be translated (with why). */
export function loadGitleaksRules(): { rules: GitleaksRule[]; untranslated: string[] } {
  const text = readFileSync(join(ROOT, 'test', 'fixtures', 'secrets', 'gitleaks.toml'), 'utf8');
  const rules: GitleaksRule[] = [];
  const untranslated: string[] = [];
  for (const block of text.split(/^\[\[rules\]\]$/m).slice(1)) {
    // Only the rule's own keys: its allowlists follow in [[rules.allowlists]] sections.
    const own = block.split(/^\[\[rules\.allowlists\]\]$/m)[0]!;
    const id = /^id = "([^"]+)"/m.exec(own)?.[1];
    const source = /^regex = '''(.*)'''$/m.exec(own)?.[1];
    if (!id || source === undefined) continue; // a rule on file paths only
    const secretGroup = Number(/^secretGroup = (\d+)/m.exec(own)?.[1] ?? 0);
    try {
      const ast = new Parser(source).parse();
      rules.push({ id, source, re: new RegExp(toJs(ast), 'g'), secretGroup, ast });
    } catch (e) {
      untranslated.push(`${id}: ${(e as Error).message}`);
    }
  }
  return { rules, untranslated };
}

/** Every hit of every rule over `text`. */
export function scan(rules: readonly GitleaksRule[], text: string): Hit[] {
  const hits: Hit[] = [];
  for (const rule of rules) {
    rule.re.lastIndex = 0;
    for (const m of text.matchAll(rule.re)) {
      const secret =
        (rule.secretGroup > 0 ? m[rule.secretGroup] : m.slice(1).find((g) => g !== undefined && g !== '')) ??
        m[0];
      hits.push({ rule: rule.id, secret, match: m[0], index: m.index });
    }
  }
  return hits;
}

export interface Sample {
  rule: string;
  /** The text drawn from the rule's regex. */
  text: string;
  /** The secret gitleaks reports for it. */
  secret: string;
  /** The runs (8 characters or more) of the secret drawn from character classes: what must not survive. */
  cores: string[];
}

const PREFERRED: Range[] = normalize([...POSIX.alnum!]);

function pick(r: Range[], rand: () => number): number {
  // An alphanumeric member when there is one, else a space, else a printable one, else any.
  for (const pool of [PREFERRED, [[32, 32]] as Range[], [[33, 126]] as Range[], [[9, 10]] as Range[]]) {
    const inter: Range[] = [];
    for (const [a, b] of r)
      for (const [c, d] of pool) {
        const lo = Math.max(a, c);
        const hi = Math.min(b, d);
        if (lo <= hi) inter.push([lo, hi]);
      }
    const size = inter.reduce((n, [a, b]) => n + b - a + 1, 0);
    if (size === 0) continue;
    let k = Math.floor(rand() * size);
    for (const [a, b] of inter) {
      if (k <= b - a) return a + k;
      k -= b - a + 1;
    }
  }
  return r[0]![0];
}

/** Draw a text from the regex; `mask` gets one flag a character: true when drawn from a class. */
function draw(n: Node, rand: () => number, out: { s: string; mask: boolean[] }): void {
  switch (n.t) {
    case 'lit':
      out.s += String.fromCodePoint(n.c);
      out.mask.push(false);
      return;
    case 'set':
      out.s += String.fromCodePoint(pick(n.r, rand));
      out.mask.push(n.r.length > 0 && n.r.reduce((k, [a, b]) => k + b - a + 1, 0) > 2);
      return;
    case 'seq':
      for (const x of n.items) draw(x, rand, out);
      return;
    case 'alt':
      draw(n.alts[Math.floor(rand() * n.alts.length)]!, rand, out);
      return;
    case 'group':
      draw(n.node, rand, out);
      return;
    case 'rep': {
      const anyChar = n.node.t === 'set' && n.node.r.some(([a, b]) => a <= 10 && b >= 10000);
      const spaces = n.node.t === 'set' && n.node.r.every(([, b]) => b <= 32);
      // The shortest filler (optional context, quotes, spaces, lazy spans); a secret's own run somewhere
      // between its least length and 12 more.
      let k: number;
      if (n.lazy || anyChar || spaces || n.min === 0) k = n.min;
      else k = n.min + Math.floor(rand() * (Math.min(n.max, n.min + 12) - n.min + 1));
      for (let i = 0; i < k; i++) draw(n.node, rand, out);
      return;
    }
    case 'assert':
      return;
  }
}

/**
 * One sample a rule, drawn from its regex and checked: gitleaks (this reader) finds it when it stands
 * on its own line. Rules no draw satisfies in `tries` are returned in `undrawn`.
 */
export function drawSamples(
  rules: readonly GitleaksRule[],
  rand: () => number,
  tries = 40,
): { samples: Sample[]; undrawn: string[] } {
  const samples: Sample[] = [];
  const undrawn: string[] = [];
  for (const rule of rules) {
    let found: Sample | null = null;
    for (let t = 0; t < tries && !found; t++) {
      const out = { s: '', mask: [] as boolean[] };
      draw(rule.ast, rand, out);
      if (out.s.includes('\n') && !/PRIVATE KEY|kind:/i.test(out.s)) continue;
      const line = `\n${out.s}\n`;
      const hit = scan([rule], line)[0];
      if (!hit || hit.secret.length < 8) continue;
      // A key with an empty or templated value (`key: ''`, `key: {{ .x }}`): gitleaks' own
      // placeholders, no secret to keep out.
      if (/:\s*(?:''|""|\{\{.*\}\})$/.test(hit.secret)) continue;
      const start = line.indexOf(hit.secret, hit.index) - 1;
      // `user:password` (curl -u): the user name is not the secret; only what follows the colon is.
      const from = rule.id === 'curl-auth-user' ? hit.secret.indexOf(':') + 1 : 0;
      const cores: string[] = [];
      let run = '';
      for (let i = from; i <= hit.secret.length; i++) {
        const inRun = i < hit.secret.length && out.mask[start + i] && /[A-Za-z0-9+/=_-]/.test(hit.secret[i]!);
        if (inRun) run += hit.secret[i];
        else {
          if (run.length >= 8) cores.push(run);
          run = '';
        }
      }
      if (cores.length === 0) continue;
      found = { rule: rule.id, text: out.s, secret: hit.secret, cores };
    }
    if (found) samples.push(found);
    else undrawn.push(rule.id);
  }
  return { samples, undrawn };
}

/** The detector's hits over `text` that carry 8 or more characters in a row of a sample's drawn cores. */
export function leaksOf(rules: readonly GitleaksRule[], samples: readonly Sample[], text: string): string[] {
  const windows = new Map<string, string>();
  for (const s of samples)
    for (const core of s.cores)
      for (let i = 0; i + 8 <= core.length; i++) windows.set(core.slice(i, i + 8), s.rule);
  const out = new Set<string>();
  for (const hit of scan(rules, text))
    for (let i = 0; i + 8 <= hit.secret.length; i++) {
      const fed = windows.get(hit.secret.slice(i, i + 8));
      if (fed) {
        out.add(`${fed} (found by ${hit.rule}): ${hit.secret.slice(0, 24)}…`);
        break;
      }
    }
  return [...out].sort();
}

// gitleaks' own true-positive shapes: utils.GenerateSampleSecrets in cmd/generate/config/utils/generate.go
// (same commit as the config), `{i}` the rule's identifier, `{I}` it upper-cased, `{s}` the secret.
const GITLEAKS_TEMPLATES = [
  '{i}Token="{s}"',
  '{i}Token = "{s}"',
  '{i}Token={s}',
  '{i}Token = {s}',
  '{\n    "{i}_token": "{s}"\n}',
  '{"config.ini": "{I}_TOKEN={s}\\nBACKUP_ENABLED=true"}',
  '<{i}Token>\n    {s}\n</{i}Token>',
  '{i}_token: {s}',
  "{i}_token: '{s}'",
  '{i}_token: "{s}"',
  'string {i}Token = "{s}";',
  'var {i}Token string = "{s}"',
  '{i}Token := "{s}"',
  '{i}Token := `{s}`',
  'String {i}Token = "{s}";',
  'var {i}Token = "{s}"',
  '${i}Token .= "{s}"',
  "{i}Token = '{s}'",
  '{i}Token = "{s}"',
  'System.setProperty("{I}_TOKEN", "{s}")',
  '  "{i}Token" => "{s}"',
  '{I}_TOKEN = "{s}"',
  '{I}_TOKEN := "{s}"',
  '{I}_TOKEN ::= "{s}"',
  '{I}_TOKEN :::= "{s}"',
  '{I}_TOKEN ?= "{s}"',
];

function captureGroup(n: Node, want: number): Node | null {
  let k = 0;
  const walk = (x: Node): Node | null => {
    switch (x.t) {
      case 'group':
        if (x.cap && ++k === want) return x.node;
        return walk(x.node);
      case 'seq':
        for (const y of x.items) {
          const r = walk(y);
          if (r) return r;
        }
        return null;
      case 'alt':
        for (const y of x.alts) {
          const r = walk(y);
          if (r) return r;
        }
        return null;
      case 'rep':
        return walk(x.node);
      default:
        return null;
    }
  };
  return walk(n);
}

/**
 * gitleaks' own sample shapes: each rule's secret (drawn from its secret group) in every template of
 * GenerateSampleSecrets under the identifier its generator uses
 * (test/fixtures/secrets/gitleaks-identifiers.tsv), kept when this reader finds that secret in it.
 */
export function templatedSamples(rules: readonly GitleaksRule[], rand: () => number): Sample[] {
  const ids = new Map(
    readFileSync(join(ROOT, 'test', 'fixtures', 'secrets', 'gitleaks-identifiers.tsv'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.split('\t') as [string, string]),
  );
  const out: Sample[] = [];
  for (const rule of rules) {
    const ident = ids.get(rule.id);
    const node = captureGroup(rule.ast, rule.secretGroup || 1);
    if (!ident || !node) continue;
    for (let t = 0; t < 10; t++) {
      const o = { s: '', mask: [] as boolean[] };
      draw(node, rand, o);
      const secret = o.s;
      const cores = secret.match(/[A-Za-z0-9+/=_-]{8,}/g) ?? [];
      if (cores.length === 0 || secret.includes('\n')) continue;
      const texts = GITLEAKS_TEMPLATES.map((tpl) =>
        tpl.replaceAll('{i}', ident).replaceAll('{I}', ident.toUpperCase()).replaceAll('{s}', secret),
      ).filter((text) => scan([rule], text).some((h) => h.secret.includes(secret)));
      if (texts.length === 0) continue;
      for (const text of texts) out.push({ rule: rule.id, text, secret, cores });
      break;
    }
  }
  return out;
}
