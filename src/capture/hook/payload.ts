// Reading values out of agents' hook payloads, which are loosely typed JSON: a non-empty string, an
// object (also when the agent sent it as a JSON string, as Cursor's tool_output and Copilot's
// toolArgs are), a finite number. Dependency-free: the hook bundle and the sealers share it.
export type Obj = Record<string, unknown>;

/** A non-empty string, else null. */
export const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** An object, or a string holding a JSON object; else null. */
export const objOf = (v: unknown): Obj | null => {
  if (typeof v === 'string' && v.trimStart().startsWith('{')) {
    try {
      return objOf(JSON.parse(v));
    } catch {
      return null;
    }
  }
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null;
};

/** A finite number, else null. */
export const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
