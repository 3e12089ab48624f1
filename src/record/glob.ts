// A small path-glob matcher for boundary globs: `**` (any number of segments), `*` and `?` (within one
// segment) and `{a,b}` alternatives (nestable). Globs are anchored at the repository root; a trailing
// `/` means everything below that directory. Everything else matches literally.

const cache = new Map<string, RegExp>();

export function globToRegExp(glob: string): RegExp {
  const cached = cache.get(glob);
  if (cached) return cached;
  let g = glob.trim().replace(/^\.\//, '').replace(/^\/+/, '');
  if (g.endsWith('/')) g += '**';
  const re = new RegExp(`^${translate(g)}$`, 'su');
  cache.set(glob, re);
  return re;
}

export function matchGlob(glob: string, path: string): boolean {
  return globToRegExp(glob).test(normalizePath(path));
}

/** The first glob of `globs` that matches `path`, or null. */
export function firstMatch(globs: readonly string[], path: string): string | null {
  return globs.find((g) => matchGlob(g, path)) ?? null;
}

export function normalizePath(path: string): string {
  return path.replace(/\\/g, '/').replace(/^\.\//, '').replace(/^\/+/, '');
}

function translate(g: string): string {
  let out = '';
  let i = 0;
  while (i < g.length) {
    const c = g[i]!;
    if (c === '*' && g[i + 1] === '*') {
      const atStart = i === 0 || g[i - 1] === '/';
      const slashAfter = g[i + 2] === '/';
      if (atStart && slashAfter) {
        out += '(?:.*/)?';
        i += 3;
      } else if (atStart && i + 2 === g.length && i > 0) {
        // `dir/**`: the directory itself or anything below it
        out = out.replace(/\/$/, '');
        out += '(?:/.*)?';
        i += 2;
      } else {
        out += '.*';
        i += 2;
      }
    } else if (c === '*') {
      out += '[^/]*';
      i++;
    } else if (c === '?') {
      out += '[^/]';
      i++;
    } else if (c === '{') {
      const end = closingBrace(g, i);
      if (end < 0) {
        out += '\\{';
        i++;
      } else {
        const alternatives = splitTopLevel(g.slice(i + 1, end));
        out += `(?:${alternatives.map(translate).join('|')})`;
        i = end + 1;
      }
    } else {
      out += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i++;
    }
  }
  return out;
}

function closingBrace(g: string, open: number): number {
  let depth = 0;
  for (let i = open; i < g.length; i++) {
    if (g[i] === '{') depth++;
    else if (g[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '{') depth++;
    else if (s[i] === '}') depth--;
    else if (s[i] === ',' && depth === 0) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}
