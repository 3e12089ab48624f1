// A small glob matcher for boundary paths: `**` (any depth), `*` (within a segment), `?`, `{a,b}`.
// A pattern without a slash matches the file name at any depth (like .gitignore).

const cache = new Map<string, RegExp>();

export function globToRegExp(glob: string): RegExp {
  const hit = cache.get(glob);
  if (hit) return hit;
  let g = glob.trim().replace(/^\.\//, '');
  if (g.endsWith('/')) g += '**';
  const anchored = g.includes('/');
  let re = '';
  for (let i = 0; i < g.length; i++) {
    const c = g[i]!;
    if (c === '*') {
      if (g[i + 1] === '*') {
        const slash = g[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const end = g.indexOf('}', i);
      if (end < 0) re += '\\{';
      else {
        re += `(?:${g
          .slice(i + 1, end)
          .split(',')
          .map((alt) => alt.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
          .join('|')})`;
        i = end;
      }
    } else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  const out = new RegExp(anchored ? `^${re}$` : `^(?:.*/)?${re}$`);
  cache.set(glob, out);
  return out;
}

export function matchGlob(path: string, glob: string): boolean {
  return globToRegExp(glob).test(path);
}

export function matchAny(path: string, globs: readonly string[]): boolean {
  return globs.some((g) => matchGlob(path, g));
}

/** Changed paths that break the boundary: outside every allow glob (when any), or inside a deny glob. */
export function boundaryBreaches(
  paths: readonly string[],
  boundary: { allow: readonly string[]; deny: readonly string[] },
): { path: string; reason: 'outside-allow' | 'denied' }[] {
  const out: { path: string; reason: 'outside-allow' | 'denied' }[] = [];
  for (const p of paths) {
    if (matchAny(p, boundary.deny)) out.push({ path: p, reason: 'denied' });
    else if (boundary.allow.length && !matchAny(p, boundary.allow))
      out.push({ path: p, reason: 'outside-allow' });
  }
  return out;
}
