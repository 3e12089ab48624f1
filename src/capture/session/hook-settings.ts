// Add our command hooks to an agent's settings file in the shape Claude Code introduced and Codex CLI,
// Gemini CLI and others share ({"hooks": {Event: [{matcher?, hooks: [{type, command, timeout}]}]}}),
// or remove them, keeping every other key and hook as it was. Our entries are recognised by their
// command (../hook-command.ts), so install is idempotent and uninstall removes only ours.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../../errors.js';
import { isOurCommand } from '../hook-command.js';

/** Which events get our hook, and the shape of our entries (agents differ: Codex, Gemini). */
export interface HookSpec {
  events: readonly string[];
  /** Events whose groups take a tool matcher. */
  toolEvents: ReadonlySet<string>;
  /** The matcher for tool events; null: none (the agent then runs the hook for every tool). */
  matcher: string | null;
  /** In the agent's unit: seconds for Claude and Codex, milliseconds for Gemini. */
  timeout: number;
  /** A `name` on our handler (Gemini shows it). */
  name?: string;
}

type Json = Record<string, unknown>;

export function isOurHandler(h: unknown): boolean {
  return (
    !!h &&
    typeof h === 'object' &&
    typeof (h as Json).command === 'string' &&
    isOurCommand((h as Json).command as string)
  );
}

function groupsOf(hooks: Json, event: string): unknown[] {
  const v = hooks[event];
  return Array.isArray(v) ? v : [];
}

export function addOurHooks(
  settings: Json,
  command: string,
  spec: HookSpec,
): { settings: Json; added: string[]; upgraded: string[] } {
  const out: Json = structuredClone(settings);
  if (
    out.hooks !== undefined &&
    (typeof out.hooks !== 'object' || out.hooks === null || Array.isArray(out.hooks))
  )
    throw new UsageError('the settings file has a "hooks" value that is not an object; fix it by hand first');
  const hooks = (out.hooks ?? {}) as Json;
  const added: string[] = [];
  const upgraded: string[] = [];
  for (const event of spec.events) {
    const groups = groupsOf(hooks, event);
    let present = false;
    for (const g of groups) {
      if (!g || typeof g !== 'object' || !Array.isArray((g as Json).hooks)) continue;
      for (const h of (g as Json).hooks as Json[]) {
        if (!isOurHandler(h)) continue;
        present = true;
        // an entry an older version wrote (e.g. `git agent-log hook …`, which fails where the tool
        // is missing): same place, current command
        if (h.command !== command) {
          h.command = command;
          if (!upgraded.includes(event)) upgraded.push(event);
        }
      }
    }
    if (present) continue;
    const group: Json = spec.toolEvents.has(event) && spec.matcher !== null ? { matcher: spec.matcher } : {};
    group.hooks = [
      { ...(spec.name ? { name: spec.name } : {}), type: 'command', command, timeout: spec.timeout },
    ];
    hooks[event] = [...groups, group];
    added.push(event);
  }
  out.hooks = hooks;
  return { settings: out, added, upgraded };
}

export function removeOurHooks(settings: Json): { settings: Json; removed: string[] } {
  const out: Json = structuredClone(settings);
  const hooks = out.hooks;
  if (!hooks || typeof hooks !== 'object' || Array.isArray(hooks)) return { settings: out, removed: [] };
  const removed: string[] = [];
  for (const event of Object.keys(hooks)) {
    const groups = (hooks as Json)[event];
    if (!Array.isArray(groups)) continue;
    let touched = false;
    const kept = groups
      .map((g) => {
        if (!g || typeof g !== 'object' || !Array.isArray((g as Json).hooks)) return g;
        const hs = (g as Json).hooks as unknown[];
        const rest = hs.filter((h) => !isOurHandler(h));
        if (rest.length === hs.length) return g;
        touched = true;
        return rest.length ? { ...(g as Json), hooks: rest } : null;
      })
      .filter((g) => g !== null);
    if (!touched) continue;
    removed.push(event);
    if (kept.length) (hooks as Json)[event] = kept;
    else delete (hooks as Json)[event];
  }
  if (removed.length && Object.keys(hooks).length === 0) delete out.hooks;
  return { settings: out, removed };
}

export interface SettingsFile {
  path: string;
  exists: boolean;
  value: Json;
  indent: string | number;
}

export function readSettings(path: string): SettingsFile {
  if (!existsSync(path)) return { path, exists: false, value: {}, indent: 2 };
  const text = readFileSync(path, 'utf8');
  if (text.trim() === '') return { path, exists: true, value: {}, indent: 2 };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${path} is not valid JSON (${(e as Error).message}); not touching it`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new UsageError(`${path} does not hold a JSON object; not touching it`);
  const m = /\n([ \t]+)"/.exec(text);
  return {
    path,
    exists: true,
    value: value as Json,
    indent: m ? (m[1]!.includes('\t') ? '\t' : m[1]!.length) : 2,
  };
}

/** Write atomically (temp file + rename) so Claude Code never reads a half-written file. */
export function writeSettings(file: SettingsFile, value: Json): void {
  mkdirSync(dirname(file.path), { recursive: true });
  const tmp = `${file.path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, file.indent)}\n`);
  renameSync(tmp, file.path);
}
