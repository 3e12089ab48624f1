// `verify [ID|RANGE]`: the policy gate for CI. Exit 1 with one reason per line when a run fails it.
import { createHash } from 'node:crypto';
import type { Argv } from 'yargs';
import { AgentLogError, CheckFailedError, NotFoundError } from '../../errors.js';
import type { GitEngine } from '../../git/engine.js';
import { checkSignature } from '../../git/signing.js';
import { defaultRemote, trackingRef } from '../../git/sync.js';
import { type ApprovalTrust, policyFrom, type Verdict, verifyRecord } from '../../query/verify.js';
import { signedPayload } from '../../record/events.js';
import { agentLogTrailers, loadRepoConfig } from '../../store/config.js';
import { NOTES_REF } from '../../store/notes.js';
import { loadAllRecords, resolveRecords, type StoredRecord } from '../../store/read.js';
import type { AgentCommit } from '../../query/agent-commits.js';
import { surveyAgentCommits } from '../agent-gaps.js';
import type { Context } from '../context.js';
import { mergeFetched } from '../open-index.js';

export const command = 'verify [target]';
export const describe =
  'Policy gate: boundaries kept, required checks passed after the last edit, approvals present';

export const builder = (y: Argv) =>
  y
    .positional('target', { type: 'string', describe: 'record ID, revision, or range A..B (default: HEAD)' })
    .option('json', { type: 'boolean', default: false });

export async function handler(argv: { target?: string; json: boolean }, ctx: Context) {
  const repo = await ctx.repo();
  await mergeFetched(ctx, repo);
  const policy = policyFrom(loadRepoConfig(repo.location.worktree, ctx.warn));
  const target = argv.target ?? 'HEAD';
  const verdicts: Verdict[] = [];
  const missing: string[] = [];
  let unrecorded: AgentCommit[] = [];
  let records: StoredRecord[];
  const hint = await fetchHint(repo.engine);

  if (target.includes('..')) {
    const [from, to] = target.split(/\.\.\.?/);
    const toOid = await repo.engine.resolve(to || 'HEAD');
    const fromOid = from ? await repo.engine.resolve(from) : null;
    if (!toOid || (from && !fromOid)) throw new NotFoundError(`unknown revision in range '${target}'`);
    const commits = await repo.engine.commitsBetween(fromOid, toOid);
    const inRange = new Set(commits);
    const all = await loadAllRecords(repo.engine);
    for (const w of all.warnings) ctx.warn(w);
    records = all.records.filter((s) => s.commits.some((c) => inRange.has(c)));
    const known = new Set(all.records.map((r) => r.record.id));
    for (const c of commits) {
      const ids = agentLogTrailers((await repo.engine.readCommit(c)).message);
      for (const id of ids)
        if (!known.has(id))
          missing.push(`${c.slice(0, 12)} names run ${id} (Agent-Log trailer) but no record exists`);
    }
    // agent-made commits of the range with no record at all, named with their author (not a failure:
    // a commit whose agent ran without our hooks has nothing to verify; the team sees who)
    const survey = await surveyAgentCommits(repo, { depth: commits.length, head: toOid });
    unrecorded = survey.unrecorded.filter((c) => inRange.has(c.commit));
  } else {
    try {
      records = await resolveRecords(repo, target);
    } catch (e) {
      if (e instanceof AgentLogError && hint) throw new NotFoundError(e.message, hint);
      throw e;
    }
  }
  for (const s of records) {
    const { trust, notes } = await approvalTrust(repo.engine, s);
    const v = verifyRecord(s.record, policy, trust);
    v.notes.push(...notes);
    verdicts.push(v);
  }
  const ok = verdicts.every((v) => v.ok) && missing.length === 0;

  if (argv.json)
    ctx.out.write(
      `${JSON.stringify(
        {
          ok,
          policy,
          runs: verdicts,
          missing_records: missing,
          unrecorded_agent_commits: unrecorded.map((c) => ({
            commit: c.commit,
            author: c.author,
            why: c.signals.map((s) => s.why),
          })),
        },
        null,
        2,
      )}\n`,
    );
  else {
    for (const v of verdicts) {
      ctx.out.write(`${v.ok ? 'ok  ' : 'FAIL'} ${v.id}\n`);
      for (const r of v.reasons) ctx.out.write(`     - ${r}\n`);
      for (const n of v.notes) ctx.out.write(`     · ${n}\n`);
    }
    for (const m of missing) ctx.out.write(`FAIL ${m}\n`);
    for (const c of unrecorded)
      ctx.out.write(
        `warn ${c.commit.slice(0, 12)} by ${c.author.name} <${c.author.email}> looks agent-made (${c.signals[0]!.why}) but has no record\n`,
      );
    if (verdicts.length === 0 && missing.length === 0) ctx.out.write('no agent runs in range\n');
  }
  if (!ok) {
    const failed = verdicts.filter((v) => !v.ok).length + missing.length;
    throw new CheckFailedError(
      `verify: ${failed} run${failed === 1 ? '' : 's'} failed the policy`,
      missing.length ? hint : undefined,
    );
  }
}

/** How to get the records when this clone has none of its own yet (a fresh CI checkout). */
async function fetchHint(engine: GitEngine): Promise<string | undefined> {
  if (await engine.readRef(NOTES_REF)) return undefined;
  const remote = (await defaultRemote(engine.location)) ?? 'origin';
  if (await engine.readRef(trackingRef(remote, NOTES_REF)))
    return `records of ${remote} were fetched but not merged here: git agent-log sync ${remote}`;
  return `this clone has no agent-log records; fetch them: git fetch ${remote} ${NOTES_REF}:${NOTES_REF}`;
}

/** Check the signature of every signed approval of a run (ssh-keygen / gpg, as git would). */
async function approvalTrust(
  engine: GitEngine,
  s: StoredRecord,
): Promise<{ trust: ApprovalTrust; notes: string[] }> {
  const trust = new Map<string, 'trusted' | 'untrusted' | 'bad' | 'unknown'>();
  const notes: string[] = [];
  const lineHash = s.raw ? createHash('sha256').update(s.raw).digest('hex') : null;
  for (const e of s.record.events ?? []) {
    if (e.type !== 'approval' || !e.sig || typeof e.event !== 'string') continue;
    const by = (e.by ?? {}) as { name?: unknown; email?: unknown };
    // The signature vouches for the writer (the git identity), so the key is checked against their email.
    const email = typeof by.email === 'string' ? by.email : null;
    const check = await checkSignature(engine, e.sig, signedPayload(e), email);
    trust.set(e.event, check.status);
    if (check.status === 'untrusted' || check.status === 'unknown')
      notes.push(`signed approval by ${String(by.name ?? '?')}: ${check.detail}`);
    if (
      check.status === 'trusted' &&
      lineHash &&
      typeof e.record_sha256 === 'string' &&
      e.record_sha256 !== lineHash
    )
      notes.push(
        `signed approval by ${String(by.name ?? '?')} was made for another version of this record line`,
      );
  }
  return { trust, notes };
}
