// Our hooks in a hook file of the flat shape Cursor and GitHub Copilot CLI use:
// {"version": 1, "hooks": {event: [handler, …]}} where each handler is one object (Cursor:
// {command, matcher?, timeout?}; Copilot: {type, bash, powershell?, timeoutSec?}). Every other key,
// event and handler stays as it was; ours are recognised by their command, so install is idempotent
// and uninstall removes only ours.
import { UsageError } from '../../errors.js';
import { isOurCommand } from '../hook-command.js';

type Json = Record<string, unknown>;

export interface FlatHookSpec {
  events: readonly string[];
  /** Our handler for an event. */
  handler(event: string): Json;
  /** Handler fields that hold a shell command (Cursor: command; Copilot: bash, powershell). */
  commandFields: readonly string[];
}

export function isOurFlatHandler(h: unknown, spec: FlatHookSpec): boolean {
  if (!h || typeof h !== 'object' || Array.isArray(h)) return false;
  return spec.commandFields.some((f) => {
    const c = (h as Json)[f];
    return typeof c === 'string' && isOurCommand(c);
  });
}

function hooksOf(settings: Json): Json {
  const hooks = settings.hooks;
  if (hooks === undefined) return {};
  if (!hooks || typeof hooks !== 'object' || Array.isArray(hooks))
    throw new UsageError('the hook file has a "hooks" value that is not an object; fix it by hand first');
  return hooks as Json;
}

export function addFlatHooks(
  settings: Json,
  spec: FlatHookSpec,
): { settings: Json; added: string[]; upgraded: string[] } {
  const out: Json = structuredClone(settings);
  const hooks = hooksOf(out);
  const added: string[] = [];
  const upgraded: string[] = [];
  for (const event of spec.events) {
    const list = Array.isArray(hooks[event]) ? (hooks[event] as unknown[]) : [];
    const ours = spec.handler(event);
    const at = list.findIndex((h) => isOurFlatHandler(h, spec));
    if (at >= 0) {
      // an entry an older version wrote: same place, current handler
      if (JSON.stringify(list[at]) !== JSON.stringify(ours)) {
        list[at] = ours;
        upgraded.push(event);
      }
      continue;
    }
    hooks[event] = [...list, ours];
    added.push(event);
  }
  // The format's version comes first in a new file, as the agents' own examples write it.
  return { settings: { version: out.version ?? 1, ...out, hooks }, added, upgraded };
}

export function removeFlatHooks(settings: Json, spec: FlatHookSpec): { settings: Json; removed: string[] } {
  const out: Json = structuredClone(settings);
  const hooks = out.hooks;
  if (!hooks || typeof hooks !== 'object' || Array.isArray(hooks)) return { settings: out, removed: [] };
  const removed: string[] = [];
  for (const [event, list] of Object.entries(hooks as Json)) {
    if (!Array.isArray(list)) continue;
    const kept = list.filter((h) => !isOurFlatHandler(h, spec));
    if (kept.length === list.length) continue;
    removed.push(event);
    if (kept.length) (hooks as Json)[event] = kept;
    else delete (hooks as Json)[event];
  }
  if (removed.length && Object.keys(hooks).length === 0) delete out.hooks;
  return { settings: out, removed };
}
