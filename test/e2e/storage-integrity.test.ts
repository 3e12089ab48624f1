// The store holds to git's standard: nothing written is lost or changed unless the user asked.
// Each case is a way a record used to be lost or altered (issue #16), replayed on a real repository
// through the built CLI with the real git commands that cause it (squash merges as GitHub, GitLab
// and `git merge --squash` write them, rebase followed by gc, a torn journal, foreign notes, SHA-256).
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { cli, type TempRepo, tempRepo, tick } from '../helpers/repo.js';

// Each test drives 8-15 CLI processes and real git (squash, rebase, gc): on a loaded 2-core machine
// that has taken 40-60 s, so the default 60 s would make them flaky. Nothing here is timed.
vi.setConfig({ testTimeout: 240_000 });

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function repoWith(files: Record<string, string>, args: string[] = []) {
  const repo = await tempRepo({ files, args });
  cleanups.push(() => repo.cleanup());
  expect((await cli(repo, ['init'])).code).toBe(0);
  return repo;
}

async function ok(repo: TempRepo, args: string[]) {
  const r = await cli(repo, args);
  expect(r.stderr, `${args.join(' ')}: ${r.stderr}`).not.toMatch(/error|fatal/i);
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

/** Our independent reader of a note: each line's JSON kind and id (null for lines not ours). */
function noteLines(body: string): { kind: string | null; id: string | null; raw: string }[] {
  return body
    .split('\n')
    .filter((l) => l !== '')
    .map((raw) => {
      try {
        const v = JSON.parse(raw);
        return { kind: v.kind ?? null, id: v.id ?? null, raw };
      } catch {
        return { kind: null, id: null, raw };
      }
    });
}

async function noteOn(repo: TempRepo, rev: string): Promise<string> {
  return repo.git('notes', '--ref=agent-log', 'show', rev).catch(() => '');
}

async function fullLineOn(repo: TempRepo, rev: string, id: string): Promise<boolean> {
  return noteLines(await noteOn(repo, rev)).some((l) => l.kind === 'record' && l.id === id);
}

/** What `purge` tells users to run: after it, only commits reachable from refs keep their objects. */
async function forgetUnreachable(repo: TempRepo) {
  await repo.git('reflog', 'expire', '--expire=now', '--all');
  await repo.git('gc', '-q', '--prune=now');
  await repo.git('notes', '--ref=agent-log', 'prune');
}

async function shownId(repo: TempRepo, ref: string): Promise<string> {
  const r = await cli(repo, ['show', ref, '--format', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).id;
}

/** A run with one commit per file on branch `feature`, each commit carrying the run's trailer. */
async function runOnFeature(repo: TempRepo, task: string, files: string[]): Promise<string> {
  const id = (await ok(repo, ['start', '--task', task])).trim();
  for (const f of files) {
    repo.write(f, `${f} by ${task}\n`);
    await repo.git('add', '-A');
    tick();
    const message = `add ${f}\n\nPart of ${task}.`;
    await repo.git('commit', '-q', '-m', message);
    const written = await repo.git('log', '-1', '--format=%B');
    // The prepare-commit-msg hook adds the trailer during a run; add it by hand if it did not.
    if (!written.includes(`Agent-Log: ${id}`))
      await repo.git('commit', '-q', '--amend', '-m', `${message}\n\nAgent-Log: ${id}`);
  }
  await ok(repo, ['finish']);
  return id;
}

/** Messages of `range`, oldest first, as git stores them. */
async function messages(repo: TempRepo, range: string): Promise<string[]> {
  const out = await repo.git('log', '--reverse', '--format=%B%x00', range);
  return out
    .split('\0')
    .map((m) => m.replace(/^\n/, ''))
    .filter((m) => m.trim() !== '');
}

/**
 * GitHub's default squash message: PR title, then every commit as `* <message>` in date order, then
 * the co-authors of the squashed commits as one trailer block.
 */
function githubSquash(title: string, oldestFirst: string[], coAuthors: string[] = []): string {
  const trailers = coAuthors.map((c) => `Co-authored-by: ${c}`).join('\n');
  return `${title}\n\n${oldestFirst.map((m) => `* ${m.trim()}`).join('\n\n')}\n${trailers ? `\n${trailers}\n` : ''}`;
}

/** GitLab's `%{title}` + `%{all_commits}` template: `* <message>` entries, newest first. */
function gitlabSquash(title: string, oldestFirst: string[]): string {
  const all = [...oldestFirst]
    .reverse()
    .map((m) => `* ${m.trim()}`)
    .join('\n\n');
  return `${title}\n\n${all}\n`;
}

async function squashInto(repo: TempRepo, message: string | null) {
  await repo.git('checkout', '-q', 'main');
  await repo.git('merge', '-q', '--squash', 'feature');
  tick();
  if (message === null) await repo.git('commit', '-q', '--no-edit');
  else {
    writeFileSync(join(repo.dir, '.git', 'squash-message.txt'), message);
    await repo.git('commit', '-q', '--cleanup=verbatim', '-F', '.git/squash-message.txt');
  }
  return (await repo.git('rev-parse', 'HEAD')).trim();
}

describe('adopt after a squash merge', () => {
  test('a GitHub squash message naming the run once per commit keeps the full record on the squash commit', async () => {
    const repo = await repoWith({ 'README.md': 'base\n' });
    await repo.git('checkout', '-q', '-b', 'feature');
    const id = await runOnFeature(repo, 'add signup validation', ['api/a.ts', 'api/b.ts']);
    const message = githubSquash('Add signup validation (#184)', await messages(repo, 'main..feature'));
    expect(message.split(`Agent-Log: ${id}`)).toHaveLength(3); // named twice, as GitHub writes it
    const squash = await squashInto(repo, message);

    const adopt = await ok(repo, ['adopt']);
    expect(adopt.trim()).toBe(`adopted ${id} → ${squash.slice(0, 12)}`);
    expect(await fullLineOn(repo, squash, id)).toBe(true);
    expect(await shownId(repo, id)).toBe(id);

    await repo.git('branch', '-q', '-D', 'feature');
    await forgetUnreachable(repo);
    expect(await shownId(repo, id)).toBe(id);
    expect(await ok(repo, ['log'])).toContain(id.slice(0, 7));
  });

  test('git merge --squash: finds both runs in SQUASH_MSG, indented by four spaces, once each', async () => {
    const repo = await repoWith({ 'README.md': 'base\n' });
    await repo.git('checkout', '-q', '-b', 'feature');
    const first = await runOnFeature(repo, 'first run', ['a.txt', 'b.txt']);
    const second = await runOnFeature(repo, 'second run', ['c.txt']);
    await repo.git('checkout', '-q', 'main');
    await repo.git('merge', '-q', '--squash', 'feature');
    const squashMsg = readFileSync(join(repo.dir, '.git', 'SQUASH_MSG'), 'utf8');
    expect(squashMsg).toContain(`    Agent-Log: ${first}`);
    expect(squashMsg).toContain(`    Agent-Log: ${second}`);
    tick();
    await repo.git('commit', '-q', '--no-edit');
    const squash = (await repo.git('rev-parse', 'HEAD')).trim();
    // git's clean-up only strips trailing blanks: the four-space indentation stays in the commit.
    const cleaned = squashMsg.replace(/[ \t]+$/gm, '').trim();
    expect((await repo.git('log', '-1', '--format=%B')).trim()).toBe(cleaned);

    const adopt = (await ok(repo, ['adopt', '--json'])).trim();
    const attached = JSON.parse(adopt).attached as { id: string; commits: string[] }[];
    expect(attached.map((a) => a.id).sort()).toEqual([first, second].sort());
    for (const a of attached) expect(a.commits).toEqual([squash]);
    expect(await fullLineOn(repo, squash, first)).toBe(true);
    expect(await fullLineOn(repo, squash, second)).toBe(true);
  });

  test.each([
    [
      'GitHub (oldest first, co-author trailer last)',
      (t: string, m: string[]) => githubSquash(t, m, ['Ann Lee <ann@example.com>']),
    ],
    ['GitLab all_commits (newest first)', gitlabSquash],
  ])('a %s squash message of two runs attaches each run once', async (_name, build) => {
    const repo = await repoWith({ 'README.md': 'base\n' });
    await repo.git('checkout', '-q', '-b', 'feature');
    const first = await runOnFeature(repo, 'first run', ['a.txt', 'b.txt']);
    const second = await runOnFeature(repo, 'second run', ['c.txt']);
    const squash = await squashInto(repo, build('Two runs (!7)', await messages(repo, 'main..feature')));

    const attached = JSON.parse(await ok(repo, ['adopt', '--json'])).attached as { id: string }[];
    expect(attached.map((a) => a.id).sort()).toEqual([first, second].sort());
    for (const id of [first, second]) {
      expect(await fullLineOn(repo, squash, id)).toBe(true);
      const shown = JSON.parse(await ok(repo, ['show', id, '--format', 'json']));
      expect(shown.repo.adopted.map((a: { commit: string }) => a.commit)).toEqual([squash]);
    }
    await repo.git('branch', '-q', '-D', 'feature');
    await forgetUnreachable(repo);
    for (const id of [first, second]) expect(await shownId(repo, id)).toBe(id);
  });
});

test('a squash message that is the PR body `pr` printed (GitHub "title and description") is adopted', async () => {
  const repo = await repoWith({ 'README.md': 'base\n' });
  await repo.git('checkout', '-q', '-b', 'feature');
  const id = await runOnFeature(repo, 'add signup validation', ['api/a.ts', 'api/b.ts']);
  const body = await ok(repo, ['pr', id]);
  const squash = await squashInto(repo, `Add signup validation (#185)\n\n${body}`);
  const attached = JSON.parse(await ok(repo, ['adopt', '--json'])).attached as { id: string }[];
  expect(attached.map((a) => a.id)).toEqual([id]);
  expect(await fullLineOn(repo, squash, id)).toBe(true);
});

describe('late facts after a rebase', () => {
  test('an approval and a note after a rebase keep the record on the live commit through gc', async () => {
    const repo = await repoWith({ 'README.md': 'base\n' });
    await repo.git('checkout', '-q', '-b', 'feature');
    const id = (await ok(repo, ['start', '--task', 'tighten the parser'])).trim();
    repo.write('parser.ts', 'strict\n');
    const before = await repo.commit('tighten the parser');
    await ok(repo, ['finish']);
    await repo.git('checkout', '-q', 'main');
    repo.write('other.txt', 'main moved on\n');
    await repo.commit('unrelated work on main');
    await repo.git('checkout', '-q', 'feature');
    // notes.rewriteRef copies the note: the same full line sits on the old commit and the new one.
    // Rebase until the orphan sorts first by hash, the order that used to decide where facts went.
    let after = '';
    for (let i = 0; i < 40; i++) {
      tick(7);
      await repo.git('reset', '-q', '--hard', before);
      await repo.git('rebase', '-q', '--committer-date-is-author-date', 'main');
      await repo.git('commit', '-q', '--amend', '--no-edit', `--date=@${1_800_000_000 + i} +0000`);
      after = (await repo.git('rev-parse', 'HEAD')).trim();
      if (after > before) break;
    }
    expect(after > before).toBe(true);
    expect(await fullLineOn(repo, after, id)).toBe(true);
    expect(await fullLineOn(repo, before, id)).toBe(true);

    await ok(repo, ['approve', id, '--by', 'Ann', '--for', 'merge']);
    await ok(repo, ['note', id, '--rollback', 'git revert the parser commit']);
    await forgetUnreachable(repo);

    const shown = JSON.parse(await ok(repo, ['show', id, '--format', 'json']));
    expect(shown.id).toBe(id);
    expect(shown.approvals.map((a: { by: string }) => a.by)).toContain('Ann');
    expect(JSON.stringify(shown.rollback)).toContain('git revert the parser commit');
    expect(await fullLineOn(repo, after, id)).toBe(true);
  });
});

describe('journal', () => {
  test('a torn last line loses only itself: the note, command and finish after it are kept', async () => {
    const repo = await repoWith({ 'a.txt': '1\n' });
    const id = (await ok(repo, ['start', '--task', 'survive a crash'])).trim();
    const dir = join(repo.dir, '.git', 'agent-log', 'runs');
    const journal = join(
      dir,
      readdirSync(dir).find((f) => f.startsWith(id))!,
    );
    // A crash mid-write (or a full disk) leaves half an event and no newline.
    appendFileSync(journal, '{"v":1,"t":"2026-09-21T10:00:00.000Z","type":"exec","command":"npm te');

    await ok(repo, ['note', '--rollback', 'restore a.txt from the parent commit']);
    await ok(repo, ['exec', '--', 'node', '--version']);
    repo.write('a.txt', '2\n');
    await repo.commit('change a');
    await ok(repo, ['finish']);

    const shown = JSON.parse(await ok(repo, ['show', id, '--format', 'json']));
    expect(shown.rollback.notes).toContain('restore a.txt from the parent commit');
    expect(shown.commands.map((c: { command: string }) => c.command)).toEqual(['node --version']);
    expect(shown.outcome.status).toBe('completed');
  });
});

describe('foreign note lines', () => {
  const theirs = 'Reviewer notes:\n\n    indented code\n- item\n- item\ntrailing spaces   \n\n\tA tab\n';

  test('keep their exact bytes through sealing and a later approval', async () => {
    const repo = await repoWith({ 'a.txt': '1\n' });
    const id = (await ok(repo, ['start', '--task', 'edit a'])).trim();
    repo.write('a.txt', '2\n');
    const commit = await repo.commit('edit a');
    // `-C <blob>` stores the note as written, with no clean-up by git.
    writeFileSync(join(repo.dir, '.git', 'theirs.txt'), theirs);
    const blob = (await repo.git('hash-object', '-w', '.git/theirs.txt')).trim();
    await repo.git('notes', '--ref=agent-log', 'add', '-C', blob, commit);
    expect(await noteOn(repo, commit)).toBe(theirs);

    await ok(repo, ['finish']);
    let note = await noteOn(repo, commit);
    expect(note.startsWith(theirs)).toBe(true);
    let ours = noteLines(note.slice(theirs.length));
    expect(ours.map((l) => [l.kind, l.id])).toEqual([['record', id]]);

    await ok(repo, ['approve', id, '--by', 'Ann', '--for', 'merge']);
    note = await noteOn(repo, commit);
    expect(note.startsWith(theirs)).toBe(true);
    ours = noteLines(note.slice(theirs.length));
    expect(ours.every((l) => l.id === id)).toBe(true);
    expect(ours.some((l) => l.kind === 'record')).toBe(true);
  });

  test('a note without a final newline keeps its last line intact when ours is added', async () => {
    const repo = await repoWith({ 'a.txt': '1\n' });
    const id = (await ok(repo, ['start', '--task', 'edit a'])).trim();
    repo.write('a.txt', '2\n');
    const commit = await repo.commit('edit a');
    writeFileSync(join(repo.dir, '.git', 'theirs.txt'), 'LGTM  ');
    const blob = (await repo.git('hash-object', '-w', '.git/theirs.txt')).trim();
    await repo.git('notes', '--ref=agent-log', 'add', '-C', blob, commit);
    await ok(repo, ['finish']);
    const note = await noteOn(repo, commit);
    const [first, ...rest] = note.split('\n');
    expect(first).toBe('LGTM  ');
    expect(noteLines(rest.join('\n')).map((l) => [l.kind, l.id])).toEqual([['record', id]]);
  });
});

describe('SHA-256 repositories', () => {
  test('the native engine records, seals twice and reads back on a SHA-256 repository', async () => {
    const repo = await repoWith({ 'a.txt': '1\n' }, ['--object-format=sha256']);
    expect((await repo.git('rev-parse', '--show-object-format')).trim()).toBe('sha256');
    const ids: string[] = [];
    for (const n of [2, 3]) {
      const id = (await ok(repo, ['start', '--task', `edit ${n}`])).trim();
      repo.write('a.txt', `${n}\n`);
      const commit = await repo.commit(`edit ${n}`);
      expect(commit).toMatch(/^[0-9a-f]{64}$/);
      await ok(repo, ['finish']);
      expect(await fullLineOn(repo, commit, id)).toBe(true);
      ids.push(id);
    }
    for (const id of ids) expect(await shownId(repo, id)).toBe(id);
    const log = await ok(repo, ['log']);
    for (const id of ids) expect(log).toContain(id.slice(0, 7));
    expect((await repo.git('fsck', '--no-progress')).trim()).toBe('');
  });

  test.each([['log'], ['start', '--task', 'x']])(
    'the isomorphic engine refuses a SHA-256 repository in one line (%s)',
    async (...args) => {
      const repo = await repoWith({ 'a.txt': '1\n' }, ['--object-format=sha256']);
      const r = await cli(repo, args, { env: { AGENT_LOG_ENGINE: 'isomorphic' } });
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/sha256/);
    },
  );
});
