// Dependency changes from manifest contents before and after a run: {manifest, name, from, to}
// (null = absent). Pure; one small reader per ecosystem, tolerant of malformed files (reads nothing).
import type { Dependency } from '../record/schema.js';

/** name -> version spec (or resolved version for lockfiles). Keys may carry a section prefix. */
type DepMap = Map<string, string>;
type Reader = (text: string) => DepMap;

const READERS: [RegExp, Reader][] = [
  [/(^|\/)package\.json$/, readPackageJson],
  [/(^|\/)package-lock\.json$|(^|\/)npm-shrinkwrap\.json$/, readPackageLock],
  [/(^|\/)pnpm-lock\.yaml$/, readPnpmLock],
  [/(^|\/)yarn\.lock$/, readYarnLock],
  [/(^|\/)requirements[^/]*\.(txt|in)$|(^|\/)requirements\/[^/]+\.(txt|in)$/, readRequirements],
  [/(^|\/)pyproject\.toml$/, readPyproject],
  [/(^|\/)go\.mod$/, readGoMod],
  [/(^|\/)Cargo\.toml$/, readCargoToml],
  [/(^|\/)Gemfile$/, readGemfile],
  [/(^|\/)Gemfile\.lock$/, readGemfileLock],
  [/(^|\/)composer\.json$/, readComposerJson],
];

export function isManifestPath(path: string): boolean {
  return READERS.some(([re]) => re.test(path));
}

export function dependencyChanges(path: string, before: string | null, after: string | null): Dependency[] {
  const reader = READERS.find(([re]) => re.test(path))?.[1];
  if (!reader) return [];
  const a = safeRead(reader, before);
  const b = safeRead(reader, after);
  const out: Dependency[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const from = a.get(key) ?? null;
    const to = b.get(key) ?? null;
    if (from === to) continue;
    const sep = key.indexOf('\u0000');
    const section = sep >= 0 ? key.slice(0, sep) : null;
    const name = sep >= 0 ? key.slice(sep + 1) : key;
    out.push({ manifest: path, name, from, to, ...(section ? { section } : {}) });
  }
  return out.sort(
    (x, y) => x.name.localeCompare(y.name) || String(x.section).localeCompare(String(y.section)),
  );
}

function safeRead(reader: Reader, text: string | null): DepMap {
  if (!text) return new Map();
  try {
    return reader(text);
  } catch {
    return new Map();
  }
}

const key = (section: string | null, name: string) => (section ? `${section}\u0000${name}` : name);

// --- npm family -------------------------------------------------------------------------------

const NPM_SECTIONS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];

function readJsonSections(text: string, sections: string[], main: string): DepMap {
  const j = JSON.parse(text) as Record<string, unknown>;
  const out: DepMap = new Map();
  for (const s of sections) {
    const deps = j[s];
    if (!deps || typeof deps !== 'object') continue;
    for (const [n, v] of Object.entries(deps))
      if (typeof v === 'string') out.set(key(s === main ? null : s, n), v);
  }
  return out;
}

function readPackageJson(text: string): DepMap {
  return readJsonSections(text, NPM_SECTIONS, 'dependencies');
}

function readComposerJson(text: string): DepMap {
  return readJsonSections(text, ['require', 'require-dev'], 'require');
}

/** Top-level installed versions (lockfile v1: dependencies; v2/v3: packages["node_modules/x"]). */
function readPackageLock(text: string): DepMap {
  const j = JSON.parse(text) as {
    packages?: Record<string, { version?: string }>;
    dependencies?: Record<string, { version?: string }>;
  };
  const out: DepMap = new Map();
  if (j.packages) {
    for (const [p, v] of Object.entries(j.packages)) {
      const m = /^node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(p);
      if (m && typeof v?.version === 'string') out.set(m[1]!, v.version);
    }
  } else if (j.dependencies) {
    for (const [n, v] of Object.entries(j.dependencies))
      if (typeof v?.version === 'string') out.set(n, v.version);
  }
  return out;
}

/** pnpm-lock.yaml: the root importer's direct dependencies (v6+), or the top-level maps (v5). */
function readPnpmLock(text: string): DepMap {
  const out: DepMap = new Map();
  const lines = text.split(/\r?\n/);
  const unq = (s: string) => s.trim().replace(/^['"]|['"]$/g, '');
  const indentOf = (l: string) => l.length - l.trimStart().length;
  let base = -1; // indent of the section keys (dependencies:) we read, -1 when not inside one
  let inRoot = false;
  let rootIndent = -1;
  let current: string | null = null;
  for (const line of lines) {
    if (!line.trim() || line.trimStart().startsWith('#')) continue;
    const ind = indentOf(line);
    const t = line.trim();
    if (ind === 0) {
      inRoot = false;
      base = /^(dependencies|devDependencies|optionalDependencies):$/.test(t) ? 0 : -1;
      current = null;
      continue;
    }
    if (t === "'.':" || t === '.:' || t === '".":') {
      inRoot = true;
      rootIndent = ind;
      base = -1;
      continue;
    }
    if (inRoot && ind <= rootIndent) {
      inRoot = false;
      base = -1;
    }
    if (inRoot && ind === rootIndent + 2) {
      base = /^(dependencies|devDependencies|optionalDependencies):$/.test(t) ? ind : -1;
      continue;
    }
    if (base < 0 || ind <= base) continue;
    const colon = t.indexOf(':', t.startsWith("'") || t.startsWith('"') ? t.indexOf(t[0]!, 1) : 0);
    if (colon < 0) continue;
    const k = unq(t.slice(0, colon));
    const v = unq(t.slice(colon + 1));
    if (ind === base + 2) {
      current = k;
      if (v) out.set(k, v.replace(/\(.*$/, ''));
    } else if (current && k === 'version') out.set(current, v.replace(/\(.*$/, ''));
  }
  return out;
}

/** yarn.lock (v1 and berry): every package's resolved versions, comma-joined. */
function readYarnLock(text: string): DepMap {
  const versions = new Map<string, Set<string>>();
  let names: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim() || line.startsWith('#')) continue;
    if (!line.startsWith(' ')) {
      if (line.startsWith('__metadata')) {
        names = [];
        continue;
      }
      names = line
        .replace(/:$/, '')
        .split(/,\s*/)
        .map((d) => d.trim().replace(/^"|"$/g, ''))
        .map((d) => d.slice(0, d.indexOf('@', 1) > 0 ? d.indexOf('@', 1) : d.length))
        .filter(Boolean);
      continue;
    }
    const m = /^ {2}version:? "?([^"\s]+)"?/.exec(line);
    if (m)
      for (const n of new Set(names)) {
        const set = versions.get(n) ?? new Set<string>();
        set.add(m[1]!);
        versions.set(n, set);
      }
  }
  return new Map([...versions].map(([n, s]) => [n, [...s].sort().join(', ')]));
}

// --- Python -----------------------------------------------------------------------------------

/** `name[extra]>=1.2 ; marker` -> [normalized name, spec or '*']. */
function parsePep508(req: string): [string, string] | null {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$/.exec(req);
  if (!m) return null;
  const name = m[1]!.toLowerCase().replace(/[._]+/g, '-');
  const spec = m[3]!.split(';')[0]!.trim();
  return [name, spec || '*'];
}

function readRequirements(text: string): DepMap {
  const out: DepMap = new Map();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, '').trim();
    if (!line || line.startsWith('#') || line.startsWith('-') || line.includes('://')) continue;
    const dep = parsePep508(line);
    if (dep) out.set(dep[0], dep[1]);
  }
  return out;
}

/** PEP 621 `[project]` dependencies (+ optional groups), `[dependency-groups]`, Poetry tables. */
function readPyproject(text: string): DepMap {
  const out: DepMap = new Map();
  let table = '';
  let arrayKey: string | null = null;
  let buffer = '';
  const flushArray = () => {
    for (const m of buffer.matchAll(/"([^"]*)"|'([^']*)'/g)) {
      const dep = parsePep508(m[1] ?? m[2] ?? '');
      if (dep) out.set(key(arrayKey === 'dependencies' ? null : arrayKey, dep[0]), dep[1]);
    }
    arrayKey = null;
    buffer = '';
  };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s#.*$/, '').trim();
    if (arrayKey !== null) {
      buffer += ` ${line}`;
      if (line.includes(']')) flushArray();
      continue;
    }
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      table = header[1]!.trim();
      continue;
    }
    const kv = /^("?[A-Za-z0-9._-]+"?)\s*=\s*(.*)$/.exec(line);
    if (!kv) continue;
    const k = kv[1]!.replace(/"/g, '');
    const v = kv[2]!;
    const arrayFor =
      table === 'project' && k === 'dependencies'
        ? 'dependencies'
        : table === 'project.optional-dependencies' || table === 'dependency-groups'
          ? k
          : null;
    if (arrayFor !== null && v.startsWith('[')) {
      arrayKey = arrayFor;
      buffer = v;
      if (v.includes(']')) flushArray();
      continue;
    }
    const poetry = /^tool\.poetry\.(dependencies|dev-dependencies|group\.([^.]+)\.dependencies)$/.exec(table);
    if (poetry && k !== 'python') {
      const section = poetry[1] === 'dependencies' ? null : (poetry[2] ?? 'dev');
      out.set(key(section, k.toLowerCase().replace(/[._]+/g, '-')), tomlVersion(v));
    }
  }
  return out;
}

/** `"1.0"` or `{ version = "1", … }` or `{ path = "…" }` -> a version text. */
function tomlVersion(v: string): string {
  const s = /^["']([^"']*)["']/.exec(v);
  if (s) return s[1]!;
  const ver = /version\s*=\s*["']([^"']*)["']/.exec(v);
  if (ver) return ver[1]!;
  const other = /\b(path|git|workspace)\s*=\s*(["']([^"']*)["']|true)/.exec(v);
  if (other) return `${other[1]}:${other[3] ?? other[2]}`;
  return v.trim();
}

// --- Go, Rust, Ruby ---------------------------------------------------------------------------

function readGoMod(text: string): DepMap {
  const out: DepMap = new Map();
  let inBlock = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (/^require\s*\($/.test(line)) {
      inBlock = true;
      continue;
    }
    if (inBlock && line === ')') {
      inBlock = false;
      continue;
    }
    const m = inBlock ? /^(\S+)\s+(\S+)$/.exec(line) : /^require\s+(\S+)\s+(\S+)$/.exec(line);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

function readCargoToml(text: string): DepMap {
  const out: DepMap = new Map();
  let section: string | null | undefined; // undefined: not a dependency table
  let tableDep: string | null = null; // [dependencies.serde]
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s#.*$/, '').trim();
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      const h = header[1]!.trim();
      const m =
        /^(?:target\.[^\]]*?\.|workspace\.)?(dependencies|dev-dependencies|build-dependencies)(?:\.([A-Za-z0-9_-]+))?$/.exec(
          h,
        );
      section = m ? (m[1] === 'dependencies' ? null : m[1]!) : undefined;
      tableDep = m?.[2] ?? null;
      continue;
    }
    if (section === undefined) continue;
    const kv = /^([A-Za-z0-9_-]+)\s*=\s*(.*)$/.exec(line);
    if (!kv) continue;
    if (tableDep) {
      if (kv[1] === 'version') out.set(key(section, tableDep), tomlVersion(kv[2]!));
      else if (!out.has(key(section, tableDep)) && /^(path|git)$/.test(kv[1]!))
        out.set(key(section, tableDep), tomlVersion(`{ ${line} }`));
    } else out.set(key(section, kv[1]!), tomlVersion(kv[2]!));
  }
  return out;
}

function readGemfile(text: string): DepMap {
  const out: DepMap = new Map();
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\s*gem\s+["']([^"']+)["'](.*)$/.exec(raw.replace(/\s#.*$/, ''));
    if (!m) continue;
    const versions = [...m[2]!.matchAll(/,\s*["']([^"']+)["']/g)].map((x) => x[1]!);
    out.set(m[1]!, versions.length ? versions.join(', ') : '*');
  }
  return out;
}

/** Gemfile.lock: resolved versions of the gems under `specs:` (top level of each source). */
function readGemfileLock(text: string): DepMap {
  const out: DepMap = new Map();
  let inSpecs = false;
  for (const line of text.split(/\r?\n/)) {
    if (/^ {2}specs:$/.test(line)) {
      inSpecs = true;
      continue;
    }
    if (!line.startsWith('    ')) inSpecs = false;
    const m = inSpecs ? /^ {4}([^\s(]+) \(([^)]+)\)$/.exec(line) : null;
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}
