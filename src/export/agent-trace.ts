// Agent Trace (https://agent-trace.dev, cursor/agent-trace, spec 0.1.0): the lines a run's commit
// added to the files the run changed, attributed to the run's agent and model, so line-attribution
// tools read what we record. One trace record per run and commit: the spec's ranges are positions
// at the recorded revision, and a tool looks a line up by the commit `git blame` names. Pure.
import { createHash } from 'node:crypto';
import { structuredPatch } from 'diff';
import type { RunRecord } from '../record/schema.js';

export const AGENT_TRACE_VERSION = '0.1.0';

export interface LineRange {
  start_line: number;
  end_line: number;
  content_hash?: string;
}

/**
 * Line ranges (1-based, inclusive) of `after` that are new relative to `before`, each with a hash
 * of its lines (`sha256:` + 16 hex of the lines joined by newlines) for tracking moved code.
 */
export function addedRanges(before: string, after: string): LineRange[] {
  const patch = structuredPatch('a', 'b', before, after, undefined, undefined, { context: 0 });
  const lines = after.split('\n');
  return patch.hunks
    .filter((h) => h.newLines > 0)
    .map((h) => {
      const start = h.newStart;
      const end = h.newStart + h.newLines - 1;
      const text = lines.slice(start - 1, end).join('\n');
      return {
        start_line: start,
        end_line: end,
        content_hash: `sha256:${createHash('sha256').update(text).digest('hex').slice(0, 16)}`,
      };
    });
}

/** models.dev provider/model (`anthropic/claude-opus-4-5-20251101`); a model already so named is kept. */
export function modelId(model: string | null): string | undefined {
  if (!model) return undefined;
  if (model.includes('/')) return model.slice(0, 250);
  const m = model.toLowerCase();
  const provider = /^claude/.test(m)
    ? 'anthropic'
    : /^(gpt|o\d|codex|chatgpt)/.test(m)
      ? 'openai'
      : /^gemini/.test(m)
        ? 'google'
        : null;
  return (provider ? `${provider}/${model}` : model).slice(0, 250);
}

// UUID v5 (RFC 9562, SHA-1 of a namespace and a name): the same run and commit always get the same
// trace id, so a re-export replaces instead of duplicating. The namespace is ours, fixed forever.
const NAMESPACE = Buffer.from('6f1d3c2a9b8e4f70a1c5d2e3f4a5b6c7', 'hex');
export function traceRecordId(runId: string, commit: string): string {
  const h = createHash('sha1').update(NAMESPACE).update(`${runId}/${commit}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** A run opened by hand (`start` without --agent) may be a person's: its lines are of unknown origin. */
const contributorType = (agent: string) => (agent === 'manual' || agent === 'unknown' ? 'unknown' : 'ai');

const httpUrl = (s: string | null): string | null => {
  try {
    return s && /^https?:$/.test(new URL(s).protocol) ? s : null;
  } catch {
    return null;
  }
};

/** The trace record of one run on one commit; null when the commit added no line to the run's files. */
export function traceRecord(
  r: RunRecord,
  commit: string,
  files: { path: string; ranges: LineRange[] }[],
  at: { repository: string; fallbackTime: string },
) {
  const withLines = files.filter((f) => f.ranges.length);
  if (!withLines.length) return null;
  const id = modelId(r.agent.model ?? r.cost?.model ?? null);
  const pr = httpUrl(r.outcome.pr);
  return {
    version: AGENT_TRACE_VERSION,
    id: traceRecordId(r.id, commit),
    timestamp: r.sealed_at ?? r.ended_at ?? r.started_at ?? at.fallbackTime,
    vcs: { type: 'git', revision: commit },
    tool: { name: r.agent.name, ...(r.agent.version ? { version: r.agent.version } : {}) },
    files: withLines.map((f) => ({
      path: f.path,
      conversations: [
        {
          contributor: { type: contributorType(r.agent.name), ...(id ? { model_id: id } : {}) },
          ranges: f.ranges,
          ...(pr ? { related: [{ type: 'pull_request', url: pr }] } : {}),
        },
      ],
    })),
    metadata: {
      'git-agent-log': {
        run_id: r.id,
        repository: at.repository,
        task: r.task.intent,
        status: r.outcome.status,
        session_ids: r.agent.session_ids,
      },
    },
  };
}
