// `verify [ID|RANGE]`: the policy gate for CI. Exit 1 with one reason per line when a run fails it.
import { createHash } from 'node:crypto';
import type { Argv } from 'yargs';
import { AgentLogError, CheckFailedError, NotFoundError } from '../../errors.js';
import type { GitEngine } from '../../git/engine.js';
import { checkSignature } from '../../git/signing.js';
import { defaultRemote, trackingRef } from '../../git/sync.js';
import { type ApprovalTrust, policyFrom, type Verdict, verifyRecord } from '../../query/verify.js';
import { signedPayload } from '../../record/events.js';
import { loadRepoConfig } from '../../store/config.js';
import { NOTES_REF } from '../../store/notes.js';
import { resolveRecords, type StoredRecord } from '../../store/read.js';
import type { AgentCommit } from '../../query/agent-commits.js';
import { surveyAgentCommits } from '../agent-gaps.js';
import type { Context } from '../context.js';
import { mergeFetched } from '../open-index.js';
import { displayText, jsonText } from '../../record/display.js';
import { isRange, missingRecords, recordsInRange } from '../range.js';

export const command = 'verify [target]';
export const describe =
  'Policy gate: boundaries kept, required checks passed after the last edit, approvals present';

export const builder = (y: Argv) =>
  y
    .positional('target', { type: 'string', describe: 'record ID, revision, or range A..B (default: HEAD)' })
    .option('json', {
      type: 'boolean',
      default: false,
      describe: 'the verdicts as JSON (same as --format json)',
    })
    .option('format', {
      choices: ['text', 'json', 'github'] as const,
      default: 'text' as const,
      describe: 'text, json, or github (workflow commands: an error annotation per failed rule)',
    });

export async function handler(
  argv: { target?: string; json: boolean; format: 'text' | 'json' | 'github' },
  ctx: Context,
) {
  const repo = await ctx.repo();
  await mergeFetched(ctx, repo);
  const policy = policyFrom(loadRepoConfig(repo.location.worktree, ctx.warn));
  const target = argv.target ?? 'HEAD';
  const verdicts: Verdict[] = [];
  const missing: string[] = [];
  let unrecorded: AgentCommit[] = [];
  let records: StoredRecord[];
  const hint = await fetchHint(repo.engine);

  if (isRange(target)) {
    const range = await recordsInRange(repo, target);
    for (const w of range.warnings) ctx.warn(w);
    records = range.records;
    missing.push(...(await missingRecords(repo, range)));
    // agent-made commits of the range with no record at all, named with their author (not a failure:
    // a commit whose agent ran without our hooks has nothing to verify; the team sees who)
    const inRange = new Set(range.commits);
    const survey = await surveyAgentCommits(repo, { depth: range.commits.length, head: range.head });
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

  if (argv.format === 'github') ctx.out.write(displayText(githubAnnotations(verdicts, missing, unrecorded)));
  else if (argv.json || argv.format === 'json')
    ctx.out.write(
      `${jsonText({
        ok,
        policy,
        runs: verdicts,
        missing_records: missing,
        unrecorded_agent_commits: unrecorded.map((c) => ({
          commit: c.commit,
          author: c.author,
          why: c.signals.map((s) => s.why),
        })),
      })}\n`,
    );
  else {
    const write = (text: string) => ctx.out.write(displayText(text));
    for (const v of verdicts) {
      write(`${v.ok ? 'ok  ' : 'FAIL'} ${v.id}\n`);
      for (const r of v.reasons) write(`     - ${r}\n`);
      for (const n of v.notes) write(`     · ${n}\n`);
    }
    for (const m of missing) write(`FAIL ${m}\n`);
    for (const c of unrecorded)
      write(
        `warn ${c.commit.slice(0, 12)} by ${c.author.name} <${c.author.email}> looks agent-made (${c.signals[0]!.why}) but has no record\n`,
      );
    if (verdicts.length === 0 && missing.length === 0) write('no agent runs in range\n');
  }
  if (!ok) {
    const failed = verdicts.filter((v) => !v.ok).length + missing.length;
    throw new CheckFailedError(
      `verify: ${failed} run${failed === 1 ? '' : 's'} failed the policy`,
      missing.length ? hint : undefined,
    );
  }
}

/**
 * GitHub Actions workflow commands: an error annotation per failed rule, a notice per note, a warning
 * per agent-made commit without a record. Values are escaped as the Actions toolkit does, so text
 * from a record can neither end the command nor start another line.
 */
function githubAnnotations(verdicts: Verdict[], missing: string[], unrecorded: AgentCommit[]): string {
  const data = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const prop = (s: string) => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
  const cmd = (kind: string, title: string, message: string) =>
    `::${kind} title=${prop(title)}::${data(message)}\n`;
  let out = '';
  for (const v of verdicts) {
    out += `${v.ok ? 'ok  ' : 'FAIL'} ${v.id}\n`;
    for (const r of v.reasons) out += cmd('error', `agent-log verify: run ${v.id}`, r);
    for (const n of v.notes) out += cmd('notice', `agent-log verify: run ${v.id}`, n);
  }
  for (const m of missing) out += cmd('error', 'agent-log verify: missing record', m);
  for (const c of unrecorded)
    out += cmd(
      'warning',
      'agent-log verify: commit without a record',
      `${c.commit.slice(0, 12)} by ${c.author.name} <${c.author.email}> looks agent-made (${c.signals[0]!.why}) but has no record`,
    );
  if (verdicts.length === 0 && missing.length === 0) out += 'no agent runs in range\n';
  return out;
}

/** How to get the records when this clone has none of its own yet (a fresh CI checkout). */
async function fetchHint(engine: GitEngine): Promise<string | undefined> {
  if (await engine.readRef(NOTES_REF)) return undefined;
  const remote = await defaultRemote(engine.location);
  if (!remote) return undefined; // nowhere to fetch from: "not found" says it all
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
