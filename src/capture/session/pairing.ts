// Pairing of before/after hook calls for agents whose hooks carry no call id (Gemini, Copilot CLI,
// Cursor's shell hooks): an "after" closes the oldest open "before" with the same key (tool and
// input), else the oldest with the same tool. Parallel calls with different inputs stay apart.
export interface OpenCall {
  id: string;
  tool: string;
  key: string;
  at: string;
}

export class CallPairer {
  private readonly open: OpenCall[] = [];
  private n = 0;
  constructor(private readonly prefix: string) {}

  /** A new call; returns its id. */
  start(tool: string, key: string, at: string): string {
    const id = `${this.prefix}#${++this.n}`;
    this.open.push({ id, tool, key, at });
    return id;
  }

  /** The open call this "after" closes, or null when none is open (the "before" was not seen). */
  end(tool: string, key: string): OpenCall | null {
    let i = this.open.findIndex((c) => c.key === key);
    if (i < 0) i = this.open.findIndex((c) => c.tool === tool);
    return i >= 0 ? this.open.splice(i, 1)[0]! : null;
  }

  /** An id for an "after" whose "before" was not seen. */
  orphan(): string {
    return `${this.prefix}#${++this.n}`;
  }
}

/** JSON with sorted keys: the same input written by two events compares equal. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
