// `verify [ID|RANGE]`: the policy gate for CI. Exit 1 with one reason per line when a run fails it.
import type { Argv } from 'yargs';
import { CheckFailedError, NotFoundError } from '../../errors.js';
import { policyFrom, type Verdict, verifyRecord } from '../../query/verify.js';
import type { RunRecord } from '../../record/schema.js';
import { agentLogTrailers, loadRepoConfig } from '../../store/config.js';
import { loadAllRecords, resolveRecords } from '../../store/read.js';
import type { AgentCommit } from '../../query/agent-commits.js';
import { surveyAgentCommits } from '../agent-gaps.js';
import type { Context } from '../context.js';

export const command = 'verify [target]';
export const describe =
  'Policy gate: boundaries kept, required checks passed after the last edit, approvals present';

export const builder = (y: Argv) =>
  y
    .positional('target', { type: 'string', describe: 'record ID, revision, or range A..B (default: HEAD)' })
    .option('json', { type: 'boolean', default: false });

export async function handler(argv: { target?: string; json: boolean }, ctx: Context) {
  const repo = await ctx.repo();
  const policy = policyFrom(loadRepoConfig(repo.location.worktree, ctx.warn));
  const target = argv.target ?? 'HEAD';
  const verdicts: Verdict[] = [];
  const missing: string[] = [];
  let unrecorded: AgentCommit[] = [];
  let records: RunRecord[];

  if (target.includes('..')) {
    const [from, to] = target.split(/\.\.\.?/);
    const toOid = await repo.engine.resolve(to || 'HEAD');
    const fromOid = from ? await repo.engine.resolve(from) : null;
    if (!toOid || (from && !fromOid)) throw new NotFoundError(`unknown revision in range '${target}'`);
    const commits = await repo.engine.commitsBetween(fromOid, toOid);
    const inRange = new Set(commits);
    const all = await loadAllRecords(repo.engine);
    for (const w of all.warnings) ctx.warn(w);
    const found = all.records.filter((s) => s.commits.some((c) => inRange.has(c)));
    records = found.map((f) => f.record);
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
    records = (await resolveRecords(repo, target)).map((s) => s.record);
  }
  for (const r of records) verdicts.push(verifyRecord(r, policy));
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
    throw new CheckFailedError(`verify: ${failed} run${failed === 1 ? '' : 's'} failed the policy`);
  }
}
