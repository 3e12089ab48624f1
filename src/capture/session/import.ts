// `import <agent> <session file>`: build a record from an agent's session file alone (a session that ran
// without hooks): a Claude Code transcript, a Codex rollout or a Gemini session (../agents.ts reads them). The start commit is the newest commit at the session's first line; the run's commits
// are those made while it ran (plus ten minutes). With none, the run stays pending in the journal and
// is attached to the next commit.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { NotFoundError, UsageError } from '../../errors.js';
import type { GitEngine } from '../../git/engine.js';
import type { Repo } from '../../git/repo.js';
import { appendEvent, type JournalEvent } from '../../journal/journal.js';
import { sessionsDir } from '../../journal/paths.js';
import { repoRedactor } from '../../redact/config.js';
import { type AgentName, agentAdapter } from '../registry.js';
import type { ImportedSession, SessionCommit } from './adapter.js';
import { runIdFor } from './record.js';
import { type SessionSealOutcome, sealSessionRun } from './seal.js';
import { AGENT, splitRuns, unsealedSessionRuns } from './sessions.js';

const WINDOW_MS = 10 * 60_000;
const MAX_SCAN = 20_000;

export interface ImportOptions {
  /** Attach to this commit (full id), whatever the evidence. */
  commit?: string | null;
  /** A file of many sessions (Aider's history): import every session that did work, not only the last. */
  all?: boolean;
}

/**
 * Import a session file: one run, or for an agent whose file holds many sessions (Aider), one run per
 * session (the last one only unless `opts.all`).
 */
export async function importSessionFile(
  repo: Repo,
  path: string,
  now = new Date(),
  agent: AgentName = AGENT,
  opts: ImportOptions = {},
): Promise<SessionSealOutcome[]> {
  if (!existsSync(path))
    throw new NotFoundError(`no such ${agent === AGENT ? 'transcript' : 'session file'}: ${path}`);
  if (!statSync(path).isFile()) throw new UsageError(`${path}: not a file`);
  const adapter = agentAdapter(agent);
  const root = repo.location.worktree;
  if (!adapter.importSessions)
    return [
      await importOne(repo, path, now, agent, opts, (redact) => adapter.importFile(path, root, redact)),
    ];
  const sessions = await adapter.importSessions(path, root, {
    all: opts.all ?? false,
    commits: (shorts) => resolveCommits(repo.engine, shorts),
  });
  if (opts.commit && sessions.length > 1)
    throw new UsageError(`--commit names one commit, but ${path} holds ${sessions.length} sessions`);
  const out: SessionSealOutcome[] = [];
  for (const session of sessions) out.push(await importOne(repo, path, now, agent, opts, session));
  return out;
}

/** One session of a file as a run: sealed on its commits, or pending until one comes. */
async function importOne(
  repo: Repo,
  path: string,
  now: Date,
  agent: AgentName,
  opts: ImportOptions,
  read: (redact: (text: string) => string) => ImportedSession,
): Promise<SessionSealOutcome> {
  // The repository's own patterns too (.agent-log/config.json), as for every journal line; the same
  // redactor sees long outputs before the fold cuts them, so its counts include those.
  const redactor = repoRedactor(repo.location.worktree);
  const session = read((t) => redactor.redact(t));
  const facts = redactor.redactDeep(session.facts);
  const cost = session.cost;
  const sessionId = session.sessionId.replace(/[^A-Za-z0-9._-]/g, '_');
  const head = await repo.engine.head();
  const start = head.commit ? await commitAt(repo.engine, head.commit, facts.started_at) : null;
  const until = facts.ended_at ? new Date(Date.parse(facts.ended_at) + WINDOW_MS).toISOString() : null;
  const line: JournalEvent = {
    v: 1,
    t: now.toISOString(),
    type: 'imported',
    // Claude's seed has no agent in it: ids of earlier imports stay the same.
    id: runIdFor(`import:${agent === AGENT ? '' : `${agent}:`}${sessionId}:${facts.started_at ?? path}`),
    session_id: sessionId,
    head: { commit: start, branch: head.branch, root: repo.location.worktree },
    import_head: head.commit,
    until,
    ...(opts.commit ? { commit: opts.commit } : {}),
    ...(session.commits?.length ? { made: session.commits } : {}),
    transcript: path,
    facts,
    cost,
    ...(redactor.report().length ? { redactions: redactor.report() } : {}),
  };
  const journal = join(sessionsDir(repo.location.commonDir, agent), `${sessionId}.jsonl`);
  const [run] = splitRuns(sessionId, journal, [line], agent);
  const outcome = await sealSessionRun(repo, run!, { now, recent: false });
  // Importing the same session again is the same run: one pending line, never two.
  const pending = unsealedSessionRuns(repo.location.commonDir, sessionId, agent).some(
    (r) => r.id === run!.id,
  );
  if (!outcome.sealed && !pending) appendEvent(journal, line);
  return outcome;
}

/** The commits of a session file that this repository has: full id, time and the author's zone. */
async function resolveCommits(
  engine: GitEngine,
  shorts: readonly string[],
): Promise<Map<string, SessionCommit>> {
  const out = new Map<string, SessionCommit>();
  for (const short of new Set(shorts)) {
    const oid = await engine.resolve(`${short}^{commit}`).catch(() => null);
    if (!oid) continue;
    const c = await engine.readCommit(oid);
    out.set(short, { oid, at: new Date(c.author.timestamp * 1000).toISOString(), tz: c.author.tz });
  }
  return out;
}

/** The newest commit (first parents from `head`) made at or before `iso`; null when all are later. */
async function commitAt(engine: GitEngine, head: string, iso: string | null): Promise<string | null> {
  if (!iso) return head;
  const when = Date.parse(iso) / 1000;
  let oid: string | undefined = head;
  for (let i = 0; oid && i < MAX_SCAN; i++) {
    const c = await engine.readCommit(oid);
    if (c.committer.timestamp <= when) return oid;
    oid = c.parents[0];
  }
  return null;
}
