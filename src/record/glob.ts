// A small path-glob matcher for boundary globs: `**` (any number of segments), `*` and `?` (within one
// segment) and `{a,b}` alternatives (nestable). A glob with a slash is anchored at the repository
// root; one without a slash matches the file name at any depth (like .gitignore). A trailing `/`
// means everything below that directory. Everything else matches literally.

const cache = new Map<string, RegExp>();

export function globToRegExp(glob: string): RegExp {
  const cached = cache.get(glob);
  if (cached) return cached;
  let g = glob.trim().replace(/^\.\//, '');
  if (g.endsWith('/')) g += '**';
  const anchored = g.includes('/');
  g = g.replace(/^\/+/, '');
  const body = translate(g);
  const re = new RegExp(anchored ? `^${body}$` : `^(?:.*/)?${body}$`, 'su');
  cache.set(glob, re);
  return re;
}

export function matchGlob(path: string, glob: string): boolean {
  return globToRegExp(glob).test(normalizePath(path));
}

export function matchAny(path: string, globs: readonly string[]): boolean {
  return globs.some((g) => matchGlob(path, g));
}

/** The first glob of `globs` that matches `path`, or null. */
export function firstMatch(path: string, globs: readonly string[]): string | null {
  return globs.find((g) => matchGlob(path, g)) ?? null;
}

/** Changed paths that break the boundary: outside every allow glob (when any), or inside a deny glob. */
export function boundaryBreaches(
  paths: readonly string[],
  boundary: { allow: readonly string[]; deny: readonly string[] },
): { path: string; reason: 'outside-allow' | 'denied'; glob: string | null }[] {
  const out: { path: string; reason: 'outside-allow' | 'denied'; glob: string | null }[] = [];
  for (const p of paths) {
    const denied = firstMatch(p, boundary.deny);
    if (denied) out.push({ path: p, reason: 'denied', glob: denied });
    else if (boundary.allow.length && !matchAny(p, boundary.allow))
      out.push({ path: p, reason: 'outside-allow', glob: null });
  }
  return out;
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
      if (atStart && g[i + 2] === '/') {
        out += '(?:.*/)?';
        i += 3;
      } else if (atStart && i > 0 && i + 2 === g.length) {
        // `dir/**`: the directory itself or anything below it
        out = `${out.slice(0, -1)}(?:/.*)?`;
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
    } else if (c === '{' && closingBrace(g, i) > 0) {
      const end = closingBrace(g, i);
      out += `(?:${splitTopLevel(g.slice(i + 1, end))
        .map(translate)
        .join('|')})`;
      i = end + 1;
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
