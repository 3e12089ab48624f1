// Claude Code session transcripts (JSONL): parse tolerantly into entries. Unknown line types, lines that
// are not objects, malformed messages and a torn last line are skipped or kept raw, never fatal.
import { z } from 'zod';
import { tooDeep } from '../../record/json-bounds.js';
import { isInjectedPrompt, slashCommandText, stripReminders } from '../session/prompts.js';

const Usage = z.looseObject({
  input_tokens: z.number().optional(),
  output_tokens: z.number().optional(),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
  cache_creation: z
    .looseObject({
      ephemeral_5m_input_tokens: z.number().nullish(),
      ephemeral_1h_input_tokens: z.number().nullish(),
    })
    .nullish(),
  speed: z.string().nullish(),
});
export type Usage = z.infer<typeof Usage>;

const Message = z.looseObject({
  id: z.string().optional(),
  role: z.string().optional(),
  model: z.string().optional(),
  content: z.unknown().optional(),
  usage: Usage.nullish(),
});

const Entry = z.looseObject({
  type: z.string().optional(),
  uuid: z.string().nullish(),
  parentUuid: z.string().nullish(),
  sessionId: z.string().nullish(),
  timestamp: z.string().nullish(),
  cwd: z.string().nullish(),
  gitBranch: z.string().nullish(),
  version: z.string().nullish(),
  isSidechain: z.boolean().nullish(),
  isMeta: z.boolean().nullish(),
  isCompactSummary: z.boolean().nullish(),
  agentId: z.string().nullish(),
  requestId: z.string().nullish(),
  costUSD: z.number().nullish(),
  toolUseResult: z.unknown().optional(),
  message: z.unknown().optional(),
});

export type TranscriptMessage = z.infer<typeof Message>;

export interface TranscriptEntry {
  type?: string;
  uuid?: string | null;
  parentUuid?: string | null;
  sessionId?: string | null;
  timestamp?: string | null;
  cwd?: string | null;
  gitBranch?: string | null;
  version?: string | null;
  isSidechain?: boolean | null;
  isMeta?: boolean | null;
  isCompactSummary?: boolean | null;
  agentId?: string | null;
  requestId?: string | null;
  costUSD?: number | null;
  toolUseResult?: unknown;
  /** The Messages-API message, or null when the line has none (or a malformed one). */
  message: TranscriptMessage | null;
  /** Which file the line came from (for subagent files). */
  file?: string;
  /** 1-based line number in its file. */
  line: number;
}

export interface ParsedTranscript {
  entries: TranscriptEntry[];
  /** Lines that were not JSON objects (torn last line, `42`, `"text"`). */
  skipped: number;
}

export function parseTranscript(text: string, file?: string): ParsedTranscript {
  const entries: TranscriptEntry[] = [];
  let skipped = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (!raw) continue;
    if (tooDeep(raw)) {
      skipped++;
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      skipped++;
      continue;
    }
    const parsed = Entry.safeParse(value);
    if (!parsed.success || Array.isArray(value)) {
      skipped++;
      continue;
    }
    const msg = Message.safeParse(parsed.data.message);
    entries.push({
      ...parsed.data,
      message: parsed.data.message !== undefined && msg.success ? msg.data : null,
      line: i + 1,
      ...(file ? { file } : {}),
    });
  }
  return { entries, skipped };
}

// --- content blocks ---------------------------------------------------------------------------

export interface ToolUseBlock {
  id: string;
  name: string;
  input: Record<string, unknown>;
}
export interface ToolResultBlock {
  tool_use_id: string;
  is_error: boolean;
  /** The result's text (text blocks joined). */
  text: string;
}

function blocks(entry: TranscriptEntry): Record<string, unknown>[] {
  const c = entry.message?.content;
  if (!Array.isArray(c)) return [];
  return c.filter((b): b is Record<string, unknown> => !!b && typeof b === 'object' && !Array.isArray(b));
}

export function toolUses(entry: TranscriptEntry): ToolUseBlock[] {
  return blocks(entry)
    .filter((b) => b.type === 'tool_use' && typeof b.id === 'string' && typeof b.name === 'string')
    .map((b) => ({
      id: b.id as string,
      name: b.name as string,
      input: b.input && typeof b.input === 'object' ? (b.input as Record<string, unknown>) : {},
    }));
}

export function toolResults(entry: TranscriptEntry): ToolResultBlock[] {
  return blocks(entry)
    .filter((b) => b.type === 'tool_result' && typeof b.tool_use_id === 'string')
    .map((b) => ({
      tool_use_id: b.tool_use_id as string,
      is_error: b.is_error === true,
      text: contentText(b.content),
    }));
}

/** Text of a string or a list of `{type:"text"}` blocks. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((b) =>
      b && typeof b === 'object' && (b as { type?: unknown }).type === 'text'
        ? String((b as { text?: unknown }).text ?? '')
        : '',
    )
    .filter(Boolean)
    .join('\n');
}

/**
 * The text a person typed, when this line is a real prompt: a main-thread user line that is neither
 * meta, a tool result, local command output, a notification nor a compaction summary. A slash
 * command is its command line (`/review 12`), not the template it expands to.
 */
export function promptText(entry: TranscriptEntry): string | null {
  if (entry.type !== 'user' || entry.isMeta || entry.isSidechain || entry.isCompactSummary) return null;
  const c = entry.message?.content;
  let text: string;
  if (typeof c === 'string') text = c;
  else if (Array.isArray(c)) {
    const bs = blocks(entry);
    if (bs.some((b) => b.type === 'tool_result')) return null;
    text = bs
      .filter((b) => b.type === 'text' && typeof b.text === 'string')
      .map((b) => b.text as string)
      .join('\n');
  } else return null;
  const slash = slashCommandText(text);
  if (slash) return slash;
  text = stripReminders(text);
  if (isInjectedPrompt(text)) return null;
  return text;
}

/** Legacy tool names map to current ones (`Task` → `Agent`, `KillBash` → `TaskStop`). */
export function canonicalTool(name: string): string {
  return LEGACY_TOOL_NAMES[name] ?? name;
}
const LEGACY_TOOL_NAMES: Record<string, string> = {
  Task: 'Agent',
  KillShell: 'TaskStop',
  KillBash: 'TaskStop',
  ListMcpResources: 'ListMcpResourcesTool',
};
