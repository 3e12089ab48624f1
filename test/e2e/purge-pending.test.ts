// `purge ID --yes` drops a run that waits for a commit for ever: a manual run with no change, an
// import of a session from another project, a Claude Code session (one of several in its journal
// after /clear, or one still going on). Real repositories with the hooks `init` and `install
// claude-code` write, the hook command run as Claude Code runs it, real session files from the
// corpus; what is gone is read back with plain tools (the journal bytes, git notes).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import {
  claudeSession as claudeHookSession,
  installedCliDir,
  runHookCommand,
} from '../helpers/agent-hooks.js';
import { cli, ROOT, type TempRepo, tempRepo } from '../helpers/repo.js';

const binDir = installedCliDir();
const repos: TempRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

async function ok(repo: TempRepo, args: string[]) {
  const r = await cli(repo, args);
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r;
}

async function initRepo(files: Record<string, string> = { 'a.txt': 'a\n' }) {
  const repo = await tempRepo({ files });
  repos.push(repo);
  await ok(repo, ['init']);
  return repo;
}

/** Files under .git holding `text`, as `grep -rl` finds them (an independent reader of the bytes). */
function filesHolding(repo: TempRepo, text: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (readFileSync(p, 'latin1').includes(text)) out.push(p.slice(repo.dir.length + 1));
    }
  };
  walk(join(repo.dir, '.git'));
  return out;
}

async function loggedIds(repo: TempRepo): Promise<string[]> {
  const r = await cli(repo, ['log', '--json', '--no-pager']);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { id: string }[]).map((x) => x.id);
}

async function doctorText(repo: TempRepo): Promise<string> {
  const r = await cli(repo, ['doctor', '--json']);
  return r.stdout;
}

/** Record ids in the note on `rev`, read with plain git notes. */
async function noteIds(repo: TempRepo, rev = 'HEAD'): Promise<string[]> {
  const list = await repo.git('notes', '--ref=agent-log', 'list', rev).catch(() => '');
  if (!list.trim()) return [];
  return (await repo.git('notes', '--ref=agent-log', 'show', rev))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l).id as string);
}

/** Claude Code's hook calls for one session, through the command `install claude-code` wrote. */
function claudeSession(repo: TempRepo) {
  const settings = JSON.parse(readFileSync(join(repo.dir, '.claude', 'settings.json'), 'utf8')) as {
    hooks: Record<string, { hooks: { command: string }[] }[]>;
  };
  return claudeHookSession(repo, (payload) =>
    runHookCommand(
      repo,
      binDir,
      settings.hooks[String(payload.hook_event_name)]![0]!.hooks[0]!.command,
      payload,
    ),
  );
}

describe('purge drops a run that is not sealed', () => {
  test('a manual run that changed nothing: doctor names the ways out, purge asks, then drops it', async () => {
    const repo = await initRepo();
    const task = 'explore-quokka-7731 and throw it away';
    repo.write('scratch.txt', 'untracked notes\n'); // in the run's start snapshot
    const id = (await ok(repo, ['start', '--task', task])).stdout.trim();
    const store = join(repo.dir, '.git/agent-log/snapshots');
    expect(existsSync(store)).toBe(true);
    await ok(repo, ['finish', '--status', 'abandoned']);
    expect(await loggedIds(repo)).toEqual([id]); // abandoned, still pending: no commit
    const before = JSON.parse(await doctorText(repo)) as { findings: { what: string; fix?: string }[] };
    const finding = before.findings.find((f) => f.what.includes(id))!;
    expect(finding.fix).toContain(`git agent-log finish ${id} --commit REV`);
    expect(finding.fix).toContain(`git agent-log purge ${id} --yes`);
    expect(finding.fix).not.toMatch(/commit its files/);

    // stdin is not a terminal: refused without --yes, nothing dropped
    const refused = await cli(repo, ['purge', id]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error: .*refusing without --yes \(stdin is not a terminal\)$/m);
    expect(await loggedIds(repo)).toEqual([id]);

    const r = await ok(repo, ['purge', id.slice(0, 7), '--yes']);
    expect(r.stdout).toBe(`dropped ${id}: manual run, pending with no commit; its journal is deleted\n`);
    expect(await loggedIds(repo)).toEqual([]);
    expect(await doctorText(repo)).not.toContain(id);
    expect(filesHolding(repo, 'quokka-7731')).toEqual([]);
    expect(existsSync(store)).toBe(false); // no other run needs the snapshot store: it went too
    // the worktree is free for a new run
    await ok(repo, ['start', '--task', 'next']);
  });

  test('a manual run with a change: a later commit of the same file does not take it once dropped', async () => {
    const repo = await initRepo({ 'src/delay.ts': 'export const DELAY = 100;\n' });
    const id = (await ok(repo, ['start', '--task', 'raise the delay'])).stdout.trim();
    repo.write('src/delay.ts', 'export const DELAY = 500;\n');
    await ok(repo, ['finish']);
    await ok(repo, ['purge', id, '--yes']);
    const c = await repo.commit('raise the delay by hand'); // post-commit hook runs
    expect(await noteIds(repo, c)).toEqual([]);
    expect(await repo.git('log', '-1', '--format=%B')).not.toContain('Agent-Log:');
    expect(await loggedIds(repo)).toEqual([]);
  });

  test('imports of sessions from another project (claude-code, codex, gemini) are dropped, their text gone', async () => {
    const repo = await initRepo();
    const corpus = join(ROOT, 'test/fixtures/corpus');
    const files: [string, string][] = [
      ['claude-code', join(corpus, 'claude-code/spotter/short.jsonl')],
      [
        'codex',
        join(corpus, 'codex/codemie/rollout-2026-05-11T11-26-55-019e1625-789d-76c0-80ab-3724b5ddb799.jsonl'),
      ],
      ['gemini', join(corpus, 'gemini/codemie/session-2026-01-16T11-01-file-ops-37b7abef.json')],
    ];
    const ids: string[] = [];
    for (const [agent, file] of files) {
      const r = await ok(repo, ['import', agent, file]);
      expect(r.stderr + r.stdout).toMatch(/pending/);
      ids.push(/ as ([0-9a-z]+)/.exec(r.stderr + r.stdout)![1]!);
    }
    const shown = await ok(repo, ['log', '--json', '--no-pager']);
    const intents = (JSON.parse(shown.stdout) as { id: string; task: { intent: string } }[]).map((x) => [
      x.id,
      x.task.intent,
    ]);
    expect(intents.map(([i]) => i).sort()).toEqual([...ids].sort());
    for (const [i, [agent]] of files.entries()) {
      const id = ids[i]!;
      const intent = intents.find(([x]) => x === id)![1]!;
      expect(filesHolding(repo, intent).length).toBeGreaterThan(0);
      const r = await ok(repo, ['purge', id, '--yes']);
      expect(r.stdout).toMatch(
        new RegExp(`^dropped ${id}: imported run, pending with no commit; .*${agent}`),
      );
      expect(r.stdout.split('\n')).toHaveLength(2); // one line
      expect(await loggedIds(repo)).not.toContain(id);
      expect(await doctorText(repo)).not.toContain(id);
      // (two of these sessions share a first prompt: only the dropped one's journal is checked here)
      expect(filesHolding(repo, intent).filter((f) => f.includes(`/sessions/${agent}/`))).toEqual([]);
    }
    expect(await loggedIds(repo)).toEqual([]);
    for (const [, intent] of intents) expect(filesHolding(repo, intent!)).toEqual([]);
    // a commit afterwards takes none of them
    repo.write('a.txt', 'a2\n');
    const c = await repo.commit('by hand');
    expect(await noteIds(repo, c)).toEqual([]);
    // purge of an unknown ID is still "not found"
    const unknown = await cli(repo, ['purge', 'zzzzzzzz', '--yes']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe("error: no record 'zzzzzzzz' in refs/notes/agent-log or its history\n");
  });

  test('one run of a session journal after /clear is dropped; the other still attaches to its commit', async () => {
    const repo = await initRepo({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    await ok(repo, ['install', 'claude-code']);
    await repo.commit('hooks');
    const s = claudeSession(repo);
    await s.hook('SessionStart', { source: 'startup' });
    await s.hook('UserPromptSubmit', { prompt: 'try the wombat-4411 idea in a.txt' });
    await s.write('a.txt', 'wombat\n');
    await s.hook('Stop');
    await s.hook('SessionStart', { source: 'clear' });
    await s.hook('UserPromptSubmit', { prompt: 'update b.txt for the heron-2298 release' });
    await s.write('b.txt', 'heron\n');
    await s.bash('cat b.txt');
    await s.hook('Stop');
    await s.hook('SessionEnd', { reason: 'prompt_input_exit' });

    const runs = JSON.parse((await ok(repo, ['log', '--json', '--no-pager'])).stdout) as {
      id: string;
      task: { intent: string };
    }[];
    const dropped = runs.find((r) => r.task.intent.includes('wombat-4411'))!.id;
    const kept = runs.find((r) => r.task.intent.includes('heron-2298'))!.id;
    const journal = join(repo.dir, '.git/agent-log/sessions/claude-code', `${s.id}.jsonl`);
    const sizeBefore = statSync(journal).size;

    const r = await ok(repo, ['purge', dropped, '--yes']);
    expect(r.stdout).toMatch(new RegExp(`^dropped ${dropped}: session run, pending with no commit;`));
    expect(filesHolding(repo, 'wombat-4411')).toEqual([]);
    expect(readFileSync(journal, 'utf8')).toContain('heron-2298'); // the other run's lines are intact
    expect(statSync(journal).size).toBe(sizeBefore); // blanked in place, not rewritten
    expect(await loggedIds(repo)).toEqual([kept]);
    expect(await doctorText(repo)).not.toContain(dropped);
    const shown = await ok(repo, ['show', kept, '--json']);
    expect(JSON.parse(shown.stdout).task.intent).toBe('update b.txt for the heron-2298 release');
    expect((await cli(repo, ['show', dropped, '--json'])).code).toBe(1);

    // the dropped run's file committed (post-commit hook): no record; the kept run's: its record
    await repo.git('add', 'a.txt');
    const ca = await repo.commit('a by hand', { all: false });
    expect(await noteIds(repo, ca)).toEqual([]);
    await repo.git('add', 'b.txt');
    const cb = await repo.commit('b for the release', { all: false });
    expect(await noteIds(repo, cb)).toEqual([kept]);
    expect(await loggedIds(repo)).toEqual([kept]);
  });

  test('a live session whose run is dropped: its next tool calls stay dropped, a /clear starts a new run', async () => {
    const repo = await initRepo();
    await ok(repo, ['install', 'claude-code']);
    await repo.commit('hooks');
    const s = claudeSession(repo);
    await s.hook('SessionStart', { source: 'startup' });
    await s.hook('UserPromptSubmit', { prompt: 'look at the platypus-5150 logs' });
    await s.bash('grep -c echidna-6262 app.log');
    await s.bash('grep -c echidna-6262 app.log');
    const [id] = await loggedIds(repo);
    const r = await ok(repo, ['purge', id!, '--yes']);
    expect(r.stdout).toMatch(new RegExp(`^dropped ${id}: session run, live with no commit;`));
    expect(filesHolding(repo, 'platypus-5150')).toEqual([]);
    expect(filesHolding(repo, 'echidna-6262')).toEqual([]); // the guard's state names no command of it

    // the session goes on: its next calls belong to the dropped run, which stays dropped
    await s.bash('cat platypus-after.log');
    await s.hook('Stop');
    expect(await loggedIds(repo)).toEqual([]);
    expect(filesHolding(repo, 'platypus-after.log').length).toBeGreaterThan(0); // on disk while it goes on
    // a /clear starts a new run, recorded as usual
    await s.hook('SessionStart', { source: 'clear' });
    await s.hook('UserPromptSubmit', { prompt: 'a new task' });
    await s.write('a.txt', 'new\n');
    const ids = await loggedIds(repo);
    expect(ids).toHaveLength(1);
    // the dropped run is over (a new run began): a read seals what waits, and blanks its tail
    expect(filesHolding(repo, 'platypus-after.log')).toEqual([]);
    expect(ids[0]).not.toBe(id);
    await s.hook('Stop');
    await s.hook('SessionEnd', { reason: 'prompt_input_exit' });
    const c = await repo.commit('the new task');
    expect(await noteIds(repo, c)).toEqual(ids);
  });
});
