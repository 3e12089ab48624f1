// Path globs for boundaries and queries: `**` (any depth), `*` and `?` (within one segment), `{a,b}`.
// Like .gitignore, a pattern without `/` also matches the file name at any depth, and a pattern
// matches everything below a directory it names (`src/payments` covers `src/payments/a.ts`).

const cache = new Map<string, RegExp>();

export function globToRegExp(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    re = new RegExp(`^(?:${translate(normalize(pattern))})$`, 's');
    cache.set(pattern, re);
  }
  return re;
}

function normalize(p: string): string {
  let out = p.trim().replace(/\\/g, '/').replace(/^\.\//, '').replace(/^\/+/, '');
  if (out.endsWith('/')) out += '**';
  return out;
}

function translate(p: string): string {
  let out = '';
  let depth = 0;
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*') {
      if (p[i + 1] === '*') {
        const slashAfter = p[i + 2] === '/';
        const atSegmentStart = i === 0 || p[i - 1] === '/';
        i += slashAfter && atSegmentStart ? 2 : 1;
        // `**/` matches zero or more whole directories; a bare `**` matches anything.
        out += slashAfter && atSegmentStart ? '(?:.*/)?' : '.*';
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '{') {
      depth++;
      out += '(?:';
    } else if (c === '}' && depth > 0) {
      depth--;
      out += ')';
    } else if (c === ',' && depth > 0) out += '|';
    else out += c.replace(/[.+^$()|[\]\\{}]/g, '\\$&');
  }
  // An unclosed brace is taken literally rather than rejected: globs come from users and records.
  return depth > 0 ? escapeAll(p) : out;
}

function escapeAll(p: string): string {
  return p.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
}

/** Whether `path` (repository-relative, `/`-separated) matches `pattern`. */
export function matchGlob(path: string, pattern: string): boolean {
  const re = globToRegExp(pattern);
  const p = path.replace(/^\.\//, '');
  if (re.test(p)) return true;
  // Without a slash (and not anchored by a leading one) a pattern matches the file name at any depth.
  if (!normalize(pattern).includes('/') && !pattern.trim().startsWith('/')) {
    const base = p.slice(p.lastIndexOf('/') + 1);
    if (re.test(base)) return true;
  }
  // A pattern naming a directory matches the files below it (`api/*` covers `api/v1/x.ts`, as in
  // .gitignore); within one segment a wildcard never crosses a `/`.
  for (let i = p.indexOf('/'); i !== -1; i = p.indexOf('/', i + 1)) {
    if (re.test(p.slice(0, i))) return true;
  }
  return false;
}

export function matchAny(path: string, patterns: readonly string[]): boolean {
  return patterns.some((g) => matchGlob(path, g));
}

/**
 * A path with a `[REDACTED:…]` marker held a secret in its name: what it was is unknown, so it
 * is outside every allow glob (fail closed), though a deny glob may still name it.
 */
export function isRedactedPath(path: string): boolean {
  return /\[REDACTED:[a-z0-9_.:-]{1,64}\]/.test(path);
}

/** A changed path that breaks the boundary: outside every allow glob (when any), or inside a deny glob. */
export function breachesBoundary(
  path: string,
  boundary: { allow: readonly string[]; deny: readonly string[] },
): boolean {
  if (isRedactedPath(path) && boundary.allow.length + boundary.deny.length > 0) return true;
  if (boundary.allow.length > 0 && !matchAny(path, boundary.allow)) return true;
  return matchAny(path, boundary.deny);
}

/** Changed paths that break the boundary, with the reason and the deny glob that matched. */
export function boundaryBreaches(
  paths: readonly string[],
  boundary: { allow: readonly string[]; deny: readonly string[] },
): { path: string; reason: 'outside-allow' | 'denied'; glob: string | null }[] {
  const out: { path: string; reason: 'outside-allow' | 'denied'; glob: string | null }[] = [];
  for (const p of paths) {
    const denied = firstMatch(p, boundary.deny);
    if (denied) out.push({ path: p, reason: 'denied', glob: denied });
    else if (isRedactedPath(p) && boundary.allow.length + boundary.deny.length > 0)
      out.push({ path: p, reason: 'outside-allow', glob: null });
    else if (boundary.allow.length && !matchAny(p, boundary.allow))
      out.push({ path: p, reason: 'outside-allow', glob: null });
  }
  return out;
}

/** The longest literal run of a pattern (no glob syntax): every matching path contains it. */
export function globLiteral(pattern: string): string {
  const norm = normalize(pattern);
  if (/[{}]/.test(norm)) return longest(norm.split(/[{}]/)[0]!.split(/[*?]/));
  return longest(norm.split(/[*?]/));
}

function longest(parts: string[]): string {
  return parts.reduce((a, b) => (b.length > a.length ? b : a), '');
}

/** The first glob of `globs` that matches `path`, or null (reports name the glob that matched). */
export function firstMatch(path: string, globs: readonly string[]): string | null {
  return globs.find((g) => matchGlob(path, g)) ?? null;
}
