// `doctor`: report what is missing or broken. Exit 1 when something needs fixing.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { opencodePluginState } from '../../capture/opencode/install-command.js';
import { CheckFailedError } from '../../errors.js';
import { configGetAll, HOOK_BEGIN, remotes } from '../../git/setup.js';
import { hookTarget } from './init.js';
import { trackingRef } from '../../git/sync.js';
import { errorLogPath } from '../../journal/paths.js';
import { agentLogTrailers } from '../../store/config.js';
import { formatAge } from '../../query/format.js';
import { futureDatedLines } from '../../store/future-dated.js';
import { NOTES_REF, notesTree, readNotesTree } from '../../store/notes.js';
import { loadAllRecords } from '../../store/read.js';
import { listRuns } from '../../store/runs.js';
import { captureHealth } from '../../store/capture-health.js';
import { missingNoteBlobs, unmergedFetchedNotes, unpublishedRecords } from '../../store/share.js';
import type { Context } from '../context.js';
import type { Repo } from '../../git/repo.js';
import type { RepoLocation } from '../../git/engine.js';
import { lastSoundTip, notesRefProblem } from '../../store/notes-tip.js';
import { describeGap, surveyAgentCommits } from '../agent-gaps.js';
import { checkGitHooks } from '../doctor-hooks.js';
import { checkConfigPatterns } from '../doctor-patterns.js';
import { displayText, jsonText } from '../../record/display.js';
import { shQuote } from '../../report/escape.js';
import { countArg } from '../count-arg.js';

export const command = 'doctor';
export const describe =
  'Report what is missing or broken: configuration, hooks, unfetched notes, unrecorded agent commits';

export const builder = (y: Argv) =>
  y.option('json', { type: 'boolean', default: false }).option('depth', {
    type: 'string', // read by countArg: as a number yargs made `--depth all` NaN and checked nothing
    default: '500',
    describe: 'how many recent commits to check for missing records',
  });

type Level = 'ok' | 'warn' | 'problem';
interface Finding {
  level: Level;
  what: string;
  fix?: string;
}

const STALE_RUN_MS = 24 * 3600 * 1000;

export async function handler(argv: { json: boolean; depth: string }, ctx: Context) {
  const depth = countArg(argv.depth, '--depth') ?? 500;
  const repo = await ctx.repo();
  const { location, engine } = repo;
  const f: Finding[] = [];
  const add = (level: Level, what: string, fix?: string) => f.push({ level, what, ...(fix ? { fix } : {}) });

  // A bare repository (the team's remote) makes no commits and cannot run `init`: what init sets
  // up (rewriting on amend, fetch refspecs, hooks) belongs to the clones.
  const bare = !location.worktree;
  if (bare) add('ok', 'bare repository: notes rewriting, fetch refspecs and hooks are set up in clones');
  else await checkRewriting(location, add);
  // A notes ref that cannot be read: every check of records below would fail on it or lie.
  const broken = await notesRefProblem(engine);
  if (broken) add('problem', broken.message, await notesRefRepair(repo, broken.unreadable));
  for (const remote of await remotes(location)) {
    const specs = await configGetAll(location, `remote.${remote}.fetch`);
    if (!bare && !specs.some((s) => s.includes(NOTES_REF) || s.includes('refs/notes/*')))
      add('problem', `git fetch ${remote} does not bring records (no notes refspec)`, 'git agent-log init');
    else if (!(await engine.readRef(trackingRef(remote, NOTES_REF))))
      add('warn', `records of ${remote} were never fetched`, `git agent-log sync ${remote}`);
    else if (!broken) {
      const held = await unpublishedRecords(repo, remote);
      if (held.unpublished.length)
        add(
          'ok',
          `${held.unpublished.length} record(s) stay local until their commits are pushed to ${remote}: ${held.unpublished.slice(0, 5).join(', ')}${held.unpublished.length > 5 ? ', …' : ''}`,
        );
      if (held.unpushed.length)
        add(
          'warn',
          `${held.unpushed.length} record(s) of commits already on ${remote} are not there yet: ${held.unpushed.slice(0, 5).join(', ')}${held.unpushed.length > 5 ? ', …' : ''}`,
          `git agent-log sync ${remote}`,
        );
    }
  }
  for (const ref of broken ? [] : await unmergedFetchedNotes(repo))
    add(
      'warn',
      `records fetched into ${ref} are not merged yet`,
      'any read command merges them (git agent-log log)',
    );
  const prePush = join((await hookTarget(location)).dir, 'pre-push');
  const hasRemote = (await remotes(location)).length > 0;
  if (!bare && hasRemote && !(existsSync(prePush) && readFileSync(prePush, 'utf8').includes(HOOK_BEGIN)))
    add(
      'warn',
      'no pre-push hook: git push does not carry records',
      'git agent-log init --pre-push, or git agent-log sync',
    );
  if (location.worktree) {
    await checkGitHooks(location, add);
    checkConfigPatterns(location.worktree, add);
    if (checkClaude(location.worktree, add)) {
      const health = captureHealth(location.commonDir, 'claude-code');
      if (health.journals === 0)
        add(
          'warn',
          'Claude Code hooks are installed but no hook event was ever recorded here',
          'check that `git agent-log` is on the PATH Claude Code runs hooks with, then run a session',
        );
      for (const c of health.collisions)
        add(
          'problem',
          `session ${c.session}: ${c.missing ? `${c.missing} tool call(s) without a tool id` : ''}${c.missing && c.reused ? ', ' : ''}${c.reused ? `${c.reused} tool id(s) naming two different calls` : ''}: calls and results cannot be paired, tool calls are lost`,
          'update Claude Code, or report the hook payloads it sends',
        );
    }
    checkOtherAgents(location.worktree, add);
  }

  if (!broken && (await notesHere(repo, add))) await checkRecords(ctx, repo, depth, add);
  const now = ctx.now().getTime();
  for (const run of listRuns(location)) {
    const started = Date.parse(String(run.events[0]?.t ?? ''));
    if (run.damaged)
      add('warn', `journal of run ${run.id} has ${run.damaged} damaged line(s) (crash?); they are skipped`);
    if (run.state === 'open' && now - started > STALE_RUN_MS)
      add('warn', `run ${run.id} has been open since ${run.events[0]?.t}`, `git agent-log finish ${run.id}`);
    if (run.state === 'pending') {
      const fin = run.events.findLast((e) => e.type === 'finish');
      const paths = Array.isArray(fin?.paths) ? fin.paths : [];
      // A run that changed no file is taken by no commit: name the ways out, not "commit its files".
      add(
        'warn',
        `run ${run.id} is pending for ${formatAge(fin?.t ?? null, ctx.now()) || 'a while'}: finished, and no commit carries its change yet${paths.length ? '' : ' (it changed no file)'}`,
        paths.length
          ? `commit its files, attach it by hand: git agent-log finish ${run.id} --commit REV, or drop it: git agent-log purge ${run.id} --yes`
          : `attach it by hand: git agent-log finish ${run.id} --commit REV, or drop it: git agent-log purge ${run.id} --yes`,
      );
    }
  }
  const errLog = errorLogPath(location.commonDir);
  if (existsSync(errLog) && statSync(errLog).size > 0) {
    const logged = readFileSync(errLog, 'utf8').split('\n').filter(Boolean);
    add(
      'warn',
      `${logged.length} hook error(s) logged in ${errLog}; the last: ${(logged.at(-1) ?? '').slice(0, 200)}`,
      'read it; hooks never block the agent, but events may be missing',
    );
  }

  const problems = f.filter((x) => x.level === 'problem').length;
  if (argv.json) ctx.out.write(`${jsonText({ ok: problems === 0, findings: f })}\n`);
  else
    for (const x of f)
      ctx.out.write(
        displayText(
          `${x.level === 'ok' ? 'ok     ' : x.level === 'warn' ? 'warn   ' : 'PROBLEM'} ${x.what}${x.fix ? `\n        fix: ${x.fix}` : ''}\n`,
        ),
      );
  if (problems) throw new CheckFailedError(`doctor: ${problems} problem${problems === 1 ? '' : 's'} found`);
}

async function checkRewriting(location: RepoLocation, add: (l: Level, w: string, fix?: string) => void) {
  const rewrite = await configGetAll(location, 'notes.rewriteRef');
  if (rewrite.includes(NOTES_REF) || rewrite.includes('refs/notes/*'))
    add('ok', 'notes follow amend and rebase (notes.rewriteRef)');
  else add('problem', 'records are lost on amend/rebase: notes.rewriteRef is not set', 'git agent-log init');
  const mode = (await configGetAll(location, 'notes.rewriteMode'))[0];
  if (mode && mode !== 'cat_sort_uniq' && mode !== 'concatenate')
    add('warn', `notes.rewriteMode is ${mode}: squashed runs may lose records`, 'git agent-log init');
}

function checkClaude(worktree: string, add: (l: Level, w: string, fix?: string) => void): boolean {
  let installed = false;
  for (const name of ['settings.json', 'settings.local.json']) {
    const p = join(worktree, '.claude', name);
    if (!existsSync(p)) continue;
    const text = readFileSync(p, 'utf8');
    if (text.includes('agent-log hook')) installed = true;
    try {
      if (JSON.parse(text).disableAllHooks === true)
        add('problem', `.claude/${name} sets disableAllHooks: Claude Code runs are not recorded`);
    } catch {
      add('warn', `.claude/${name} is not valid JSON`);
    }
  }
  if (installed) add('ok', 'Claude Code hooks installed');
  else add('warn', 'Claude Code hooks not installed in this project', 'git agent-log install claude-code');
  return installed;
}

/**
 * Codex, Gemini, Cursor, Copilot CLI: only projects that have their settings file (or, for Cursor
 * and Copilot, their folder) are told about our hooks.
 */
function checkOtherAgents(worktree: string, add: (l: Level, w: string, fix?: string) => void) {
  for (const { label, file, agent, dir } of [
    { label: 'Codex CLI', file: '.codex/hooks.json', agent: 'codex' },
    { label: 'Gemini CLI', file: '.gemini/settings.json', agent: 'gemini' },
    { label: 'Cursor', file: '.cursor/hooks.json', agent: 'cursor', dir: '.cursor' },
    {
      label: 'GitHub Copilot CLI',
      file: '.github/hooks/agent-log.json',
      agent: 'copilot',
      dir: '.github/hooks',
    },
  ]) {
    const p = join(worktree, file);
    if (!existsSync(p)) {
      if (dir && existsSync(join(worktree, dir)))
        add('warn', `${label} hooks not installed in this project`, `git agent-log install ${agent}`);
      continue;
    }
    const text = readFileSync(p, 'utf8');
    let value: Record<string, unknown> | null;
    try {
      value = JSON.parse(text) as Record<string, unknown> | null;
    } catch {
      add('warn', `${file} is not valid JSON`);
      continue;
    }
    if (text.includes(`agent-log hook ${agent}`)) add('ok', `${label} hooks installed`);
    else add('warn', `${label} hooks not installed in this project`, `git agent-log install ${agent}`);
    const cfg = value?.hooksConfig as Record<string, unknown> | undefined;
    if (agent === 'gemini' && cfg?.enabled === false)
      add('problem', `${file} sets hooksConfig.enabled false: Gemini CLI runs are not recorded`);
    if ((agent === 'cursor' || agent === 'copilot') && value?.version !== 1)
      add('problem', `${file} has no "version": 1: ${label} ignores its hooks`);
  }
  const opencode = opencodePluginState(worktree);
  if (opencode === 'installed') add('ok', 'OpenCode plugin installed');
  else if (opencode !== 'unused')
    add(
      'warn',
      opencode === 'missing'
        ? 'OpenCode plugin not installed in this project'
        : 'the OpenCode plugin was written by another version of git-agent-log',
      'git agent-log install opencode',
    );
}

/** What the records on the notes ref say: their count, duplicate notes, forged dates, runs named without one. */
async function checkRecords(
  ctx: Context,
  repo: Repo,
  depth: number,
  add: (l: Level, w: string, fix?: string) => void,
) {
  const { location, engine } = repo;
  const { records, warnings, tip } = await loadAllRecords(engine);
  for (const w of warnings) add('warn', w);
  add(
    'ok',
    `${records.length} record${records.length === 1 ? '' : 's'} on ${NOTES_REF}${tip ? '' : ' (ref does not exist yet)'}`,
  );
  const notes = await readNotesTree(engine, await notesTree(engine, tip));
  const dups = [...notes].filter(([, blobs]) => blobs.length > 1).map(([c]) => c.slice(0, 12));
  if (dups.length)
    add(
      'problem',
      `notes tree has duplicate entries for ${dups.join(', ')} (git notes merge would abort)`,
      'seal or adopt any run on those commits to rewrite them',
    );

  for (const l of await futureDatedLines(engine, ctx.now())) {
    add(
      'problem',
      l.kind === 'record'
        ? `record ${l.id} on ${l.commit.slice(0, 12)} is dated in the future (${l.field} ${l.value}): forged or a wrong clock; readers ignore its date`
        : `a ${l.type} event on run ${l.id} (note on ${l.commit.slice(0, 12)}) is dated in the future (${l.value}): forged or a wrong clock`,
      'find who wrote it: git log -p refs/notes/agent-log',
    );
  }

  const head = await engine.head();
  if (head.commit) {
    const known = new Set(records.map((r) => r.record.id));
    const recent = (await engine.commitsBetween(null, head.commit)).slice(0, depth);
    for (const c of recent) {
      for (const id of agentLogTrailers((await engine.readCommit(c)).message)) {
        if (!known.has(id) && !listRuns(location).some((r) => r.id === id))
          add(
            'problem',
            `commit ${c.slice(0, 12)} names run ${id} but no record exists (squashed? not fetched?)`,
            `git agent-log sync, or git agent-log adopt ${c.slice(0, 12)}`,
          );
      }
    }
  }
  const gaps = await surveyAgentCommits(repo, { depth: depth });
  for (const [author, commits] of gaps.byAuthor)
    add(
      'warn',
      describeGap(author, commits),
      'install the agent hooks in their clone (README: Rolling out to a team), or record afterwards with git agent-log import',
    );
  if (gaps.commits.length)
    add(
      'ok',
      `${gaps.commits.length - gaps.unrecorded.length} of ${gaps.commits.length} recent agent commits carry a record`,
    );
}

/**
 * In a partial clone, the notes' blobs not here yet are fetched now (reading the records would fetch
 * them anyway); false when that fails: the records cannot be read, and the checks of them are skipped.
 */
async function notesHere(repo: Repo, add: (l: Level, w: string, fix?: string) => void): Promise<boolean> {
  const { engine } = repo;
  const absent = await missingNoteBlobs(engine);
  if (!absent?.missing.length) return true;
  const what = `${absent.missing.length} of ${absent.total} notes were not in this partial clone`;
  try {
    await engine.fetchMissing?.(absent.missing);
  } catch (e) {
    add(
      'problem',
      `${what}, and fetching them from ${absent.remote} failed (${(e as Error).message.replace(/^.*failed: /, '')}): records cannot be read offline`,
      `run it again once ${absent.remote} can be reached; git agent-log sync ${absent.remote} then keeps every note here`,
    );
    return false;
  }
  add('ok', `${what}: fetched from ${absent.remote}`);
  return true;
}

/**
 * The commands that restore an unreadable notes ref: after `git fsck`, its last sound tip from the
 * reflog, else the remote's records fetched again, else a fresh start. A ref whose file holds no
 * object id cannot be updated or deleted by git: its file is removed first.
 */
async function notesRefRepair(repo: Repo, unreadable: boolean): Promise<string> {
  const file = join(repo.location.commonDir, NOTES_REF);
  const clear = unreadable && existsSync(file) ? `rm ${shQuote(file)}` : `git update-ref -d ${NOTES_REF}`;
  const sound = await lastSoundTip(repo.engine);
  if (sound) {
    const put = `git update-ref ${NOTES_REF} ${sound.commit}`;
    return `git fsck; then put back its last sound commit (${sound.at.toISOString().slice(0, 16).replace('T', ' ')} in its reflog): ${unreadable ? `${clear} && ${put}` : put}`;
  }
  const names = await remotes(repo.location);
  const remote = names.includes('origin') ? 'origin' : names[0];
  if (remote)
    return `git fsck; then take ${remote}'s records again (records never pushed from here are lost): ${clear} && git fetch ${remote} ${NOTES_REF}:${NOTES_REF}`;
  return `git fsck; with no earlier commit in its reflog and no remote, start over (its records are lost): ${clear}`;
}
