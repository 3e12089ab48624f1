// What a Codex shell call's output says about how it ended. Codex does not persist exec_command_end
// events, so the exit code lives in the function_call_output text (reference/agent-formats.md §4.3):
// the legacy `shell` tool writes JSON `{"output":…,"metadata":{"exit_code":N,"duration_seconds":S}}`,
// newer tools a plain-text header (`Exit code: N` or `Process exited with code N`, `Wall time: S seconds`)
// before `Output:`, and a command still running after its yield time says
// `Process running with session ID N` (its exit comes later, in a write_stdin call's output). Pure.

export interface ExecOutcome {
  /** The command's own output (header removed when one was found). */
  text: string;
  /** Exit code, or null when the output does not say. */
  exit_code: number | null;
  duration_ms: number | null;
  /** Unified-exec session still running (the command did not end in this call). */
  running_session: number | null;
  /** The tool reported success/failure explicitly (newer `{content, success}` outputs). */
  success: boolean | null;
}

const obj = (v: unknown): Record<string, unknown> | null =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

/** Text of an output value: a string, `{content}` or a list of `{type, text}` items. */
export function outputText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v))
    return v
      .map((item) =>
        typeof item === 'string'
          ? item
          : typeof obj(item)?.text === 'string'
            ? (obj(item)!.text as string)
            : '',
      )
      .filter(Boolean)
      .join('\n');
  const o = obj(v);
  if (o && 'content' in o) return outputText(o.content);
  if (o && typeof o.output === 'string') return o.output;
  return '';
}

export function execOutcome(raw: unknown): ExecOutcome {
  const o = obj(raw);
  const success = typeof o?.success === 'boolean' ? o.success : null;
  let text = outputText(raw);
  const json = parseJsonObject(text);
  if (json && typeof json.output === 'string') {
    const meta = obj(json.metadata);
    const exit = typeof meta?.exit_code === 'number' ? meta.exit_code : null;
    const secs = typeof meta?.duration_seconds === 'number' ? meta.duration_seconds : null;
    return {
      text: json.output,
      exit_code: exit,
      duration_ms: secs === null ? null : Math.round(secs * 1000),
      running_session: null,
      success,
    };
  }
  // A header is a few `Key: value` lines before `Output:`; never look for one inside the output itself.
  const marker = /^Output:\r?\n?/m.exec(text);
  const header = marker && marker.index < 600 ? text.slice(0, marker.index) : text.split('\n', 4).join('\n');
  const exitMatch = /^(?:Process exited with code|Exit code:?)\s+(-?\d+)\s*$/im.exec(header);
  const wall = /^Wall time:\s+([\d.]+)\s*s(?:econds)?\s*$/im.exec(header);
  const running = /^Process running with session ID (\d+)/im.exec(header);
  if (marker && marker.index < 600 && (exitMatch || wall || running))
    text = text.slice(marker.index + marker[0].length);
  return {
    text,
    exit_code: exitMatch ? Number(exitMatch[1]) : null,
    duration_ms: wall ? Math.round(Number(wall[1]) * 1000) : null,
    running_session: running ? Number(running[1]) : null,
    success,
  };
}

function parseJsonObject(text: string): Record<string, unknown> | null {
  if (!text.trimStart().startsWith('{')) return null;
  try {
    return obj(JSON.parse(text));
  } catch {
    return null;
  }
}
