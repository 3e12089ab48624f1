// Security end to end through the built CLI on real repositories: no secret of the corpus reaches
// any git object or journal file; the off switch records nothing and leaves a gap; scan, the
// pre-push refusal and purge on a real bare remote over file://.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { parseNote } from '../../src/record/note-lines.js';
import type { RunRecord } from '../../src/record/schema.js';
import { cli, type TempRepo, tempRepo } from '../helpers/repo.js';
import { loadSecretCorpus } from '../helpers/secrets.js';

const corpus = loadSecretCorpus();
const allSecrets = corpus.flatMap((c) => c.secrets);
const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanup.splice(0)) c();
});

async function repoWith(files: Record<string, string> = { 'README.md': '# demo\n' }): Promise<TempRepo> {
  const repo = await tempRepo({ files });
  cleanup.push(() => repo.cleanup());
  expect((await cli(repo, ['init'])).code).toBe(0);
  return repo;
}

async function ok(repo: TempRepo | string, args: string[], opts: Parameters<typeof cli>[2] = {}) {
  const r = await cli(repo, args, opts);
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r;
}

/** Every object in the repository, as `git cat-file --batch-all-objects --batch` prints them. */
async function allObjects(dir: string | TempRepo): Promise<string> {
  const repo = typeof dir === 'string' ? null : dir;
  if (repo) return repo.git('cat-file', '--batch-all-objects', '--batch');
  throw new Error('needs a TempRepo');
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

async function recordsOn(repo: TempRepo, rev = 'HEAD'): Promise<RunRecord[]> {
  const body = await repo.git('notes', '--ref=agent-log', 'show', rev);
  return parseNote(body).flatMap((l) => (l.type === 'record' ? [l.record] : []));
}

/** A synthetic secret built at run time (never stored in the repository as one string). */
const ghToken = () => ['ghp', '_', 'Zq8xK2mP9vL4nR7tW1yB5cF3hJ6dG0sA2kQ9'].join('');

describe('no secret reaches git or the journal', () => {
  test('a run with every corpus secret in its prompt, commands, output, file names and hook events', async () => {
    const repo = await repoWith();
    const env = { AGENT_LOG_NO_BACKGROUND: '1' };
    const prompt = `Deploy using:\n${corpus
      .slice(0, 20)
      .map((c) => c.text)
      .join('\n')}`;
    const id = (await ok(repo, ['start', '--task', prompt])).stdout.trim();
    // Commands whose command line and output carry the secrets (node echoes its arguments).
    for (let i = 0; i < corpus.length; i += 8) {
      const batch = corpus.slice(i, i + 8).map((c) => c.text);
      await cli(
        repo,
        ['exec', '--', process.execPath, '-e', 'console.log(process.argv.slice(1).join("\\n"))', ...batch],
        { env },
      );
    }
    // File names: a command that reads files named after tokens (they do not exist: the names
    // reach the record through the command line and the error output only).
    // Paths are exempt from the entropy rule (a hashed file name is not a secret), so only the
    // shapes a rule knows by their form go into file names.
    const names = corpus
      .filter((c) => c.standalone && c.rule !== 'high-entropy')
      .map((c) => `config/keys/${c.text}.json`);
    await cli(
      repo,
      [
        'exec',
        '--',
        process.execPath,
        '-e',
        'for (const f of process.argv.slice(1)) try { require("fs").readFileSync(f) } catch (e) { console.error(e.message) }',
        ...names,
      ],
      { env },
    );
    await ok(repo, [
      'note',
      '--text',
      corpus
        .slice(20, 30)
        .map((c) => c.text)
        .join(' ; '),
    ]);
    await ok(repo, [
      'approve',
      '--by',
      'Dana',
      '--for',
      'deploy',
      '--note',
      corpus
        .slice(30, 40)
        .map((c) => c.text)
        .join(' '),
    ]);
    // The agent hook path: prompts and tool calls with secrets, on its own journal.
    for (let i = 0; i < corpus.length; i += 8) {
      const batch = corpus.slice(i, i + 8).map((c) => c.text);
      const r = await cli(repo, ['hook', 'claude-code'], {
        env,
        input: JSON.stringify({
          session_id: 'sec-session',
          hook_event_name: 'PostToolUse',
          cwd: repo.dir,
          tool_name: 'Read',
          tool_input: { file_path: `${repo.dir}/secrets/${batch[0]}`, others: batch.map((b) => `keys/${b}`) },
          tool_response: { content: batch.map((b) => `token: ${b}`).join('\n') },
          prompt: batch.join(' '),
        }),
      });
      expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    }
    repo.write('README.md', '# demo v2\n');
    await repo.commit('deploy');
    await ok(repo, ['finish']);

    const [record] = (await recordsOn(repo)).filter((r) => r.id === id);
    expect(record).toBeDefined();
    // The secrets were there and were redacted (so the absence below is not an accident).
    const fired = new Set(record!.redactions.map((r) => r.rule));
    expect(fired.size).toBeGreaterThanOrEqual(15);
    expect(record!.commands.length).toBeGreaterThanOrEqual(9);

    const objects = await allObjects(repo);
    const journal = filesUnder(join(repo.dir, '.git', 'agent-log')).map((f) => readFileSync(f, 'utf8'));
    expect(journal.length).toBeGreaterThan(0);
    const leaks = allSecrets.filter((s) => objects.includes(s) || journal.some((j) => j.includes(s)));
    expect(leaks).toEqual([]);
  }, 240_000);
});

describe('repository redaction settings', () => {
  test('a pattern in .agent-log/config.json redacts at record time, in the journal, the hook and the note', async () => {
    const repo = await repoWith({
      'README.md': '# demo\n',
      '.agent-log/config.json': JSON.stringify({
        redact: { patterns: [{ id: 'acme-key', regex: 'acme_[0-9a-f]{16}' }] },
      }),
    });
    const secret = ['acme', '_', '0123456789abcdef'].join('');
    const id = (await ok(repo, ['start', '--task', `rotate ${secret}`])).stdout.trim();
    const hook = await cli(repo, ['hook', 'claude-code'], {
      env: { AGENT_LOG_NO_BACKGROUND: '1' },
      input: JSON.stringify({
        session_id: 's1',
        hook_event_name: 'UserPromptSubmit',
        prompt: secret,
        cwd: repo.dir,
      }),
    });
    expect(hook.code).toBe(0);
    repo.write('README.md', 'v2\n');
    await repo.commit('rotate');
    await ok(repo, ['finish']);
    const [record] = (await recordsOn(repo)).filter((r) => r.id === id);
    expect(record!.task.intent).toBe('rotate [REDACTED:acme-key]');
    expect(record!.redactions).toContainEqual({ rule: 'acme-key', count: 1 });
    const journal = filesUnder(join(repo.dir, '.git', 'agent-log')).map((f) => readFileSync(f, 'utf8'));
    expect(journal.join('\n')).not.toContain(secret);
    expect(journal.join('\n')).toContain('[REDACTED:acme-key]');
  });
});

describe('the off switch', () => {
  test('while paused nothing is recorded; resume leaves a gap in the sealed record', async () => {
    const repo = await repoWith();
    const id = (await ok(repo, ['start', '--task', 'tidy the parser'])).stdout.trim();
    await ok(repo, ['exec', '--', process.execPath, '-e', 'console.log("before-pause")']);
    await ok(repo, ['pause']);
    const paused = await cli(repo, [
      'exec',
      '--',
      process.execPath,
      '-e',
      'console.log("while-paused"); process.exit(3)',
    ]);
    expect(paused.code).toBe(3); // the command still ran, with its own exit code
    expect(paused.stdout).toContain('while-paused');
    expect(paused.stderr).toMatch(/^warning: recording is off/);
    await ok(repo, ['note', '--text', 'note-while-paused']);
    await ok(repo, ['approve', '--by', 'Dana', '--for', 'approval-while-paused']);
    const hook = await cli(repo, ['hook', 'claude-code'], {
      env: { AGENT_LOG_NO_BACKGROUND: '1' },
      input: JSON.stringify({
        session_id: 's1',
        hook_event_name: 'UserPromptSubmit',
        prompt: 'hook-while-paused',
        cwd: repo.dir,
      }),
    });
    expect(hook).toEqual({ code: 0, stdout: '', stderr: '' });
    const second = await cli(repo, ['start', '--task', 'another']);
    expect(second.stdout).toBe('');
    const resumed = await ok(repo, ['resume']);
    expect(resumed.stderr).toContain(`gap noted on ${id}`);
    await ok(repo, ['exec', '--', process.execPath, '-e', 'console.log("after-resume")']);
    repo.write('README.md', 'v2\n');
    await repo.commit('tidy');
    await ok(repo, ['finish']);

    const [record] = await recordsOn(repo);
    expect(record!.commands.map((c) => (c.output_tail ?? '').trim())).toEqual([
      'before-pause',
      'after-resume',
    ]);
    expect(record!.gaps).toHaveLength(1);
    expect(record!.gaps![0]).toMatchObject({ reason: 'paused' });
    expect(Date.parse(record!.gaps![0]!.to!)).toBeGreaterThanOrEqual(Date.parse(record!.gaps![0]!.from!));
    const everything = [
      await allObjects(repo),
      ...filesUnder(join(repo.dir, '.git', 'agent-log')).map((f) => readFileSync(f, 'utf8')),
    ].join('\n');
    for (const s of ['while-paused', 'note-while-paused', 'approval-while-paused', 'hook-while-paused'])
      expect(everything).not.toContain(s);
  });

  test('an agent session that spans a pause is sealed with the gap', async () => {
    const repo = await repoWith();
    const env = { AGENT_LOG_NO_BACKGROUND: '1' };
    const hook = async (payload: Record<string, unknown>) => {
      const r = await cli(repo, ['hook', 'claude-code'], {
        env,
        input: JSON.stringify({ session_id: 'gap-session', cwd: repo.dir, ...payload }),
      });
      expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    };
    await hook({ hook_event_name: 'SessionStart', source: 'startup' });
    await hook({ hook_event_name: 'UserPromptSubmit', prompt: 'tidy the readme' });
    await ok(repo, ['pause']);
    await hook({ hook_event_name: 'UserPromptSubmit', prompt: 'prompt-while-paused' });
    expect((await ok(repo, ['resume'])).stderr).toMatch(/gap noted on claude-code session gap-session/);
    repo.write('README.md', 'tidy\n');
    await repo.commit('tidy');
    await hook({ hook_event_name: 'SessionEnd', reason: 'exit' });
    await ok(repo, ['finish']);
    const [record] = await recordsOn(repo);
    expect(record!.agent.name).toBe('claude-code');
    expect(record!.gaps).toEqual([expect.objectContaining({ reason: 'paused' })]);
    expect(JSON.stringify(record)).not.toContain('prompt-while-paused');
  });

  test('a run finished while paused records the gap up to its finish', async () => {
    const repo = await repoWith();
    await ok(repo, ['start', '--task', 'x']);
    await ok(repo, ['pause', '--reason', 'private work']);
    repo.write('README.md', 'v2\n');
    await repo.commit('c');
    await ok(repo, ['finish']);
    const [record] = await recordsOn(repo);
    expect(record!.gaps).toEqual([expect.objectContaining({ reason: 'private work' })]);
  });

  test('AGENT_LOG_DISABLE=1: the hook and every command record nothing, and nothing is created', async () => {
    const repo = await repoWith();
    const env = { AGENT_LOG_DISABLE: '1', AGENT_LOG_NO_BACKGROUND: '1' };
    const hook = await cli(repo, ['hook', 'claude-code'], {
      env,
      input: JSON.stringify({
        session_id: 's1',
        hook_event_name: 'UserPromptSubmit',
        prompt: 'x',
        cwd: repo.dir,
      }),
    });
    expect(hook).toEqual({ code: 0, stdout: '', stderr: '' });
    const start = await cli(repo, ['start', '--task', 'x'], { env });
    expect(start.code).toBe(0);
    expect(start.stdout).toBe('');
    const exec = await cli(repo, ['exec', '--', process.execPath, '-e', 'process.exit(4)'], { env });
    expect(exec.code).toBe(4);
    const dir = join(repo.dir, '.git', 'agent-log');
    const files = (() => {
      try {
        return filesUnder(dir);
      } catch {
        return [];
      }
    })();
    expect(files).toEqual([]);
  });
});

/** Add a pointer line carrying a secret to the note on `rev`, as a hostile or buggy writer might. */
async function plantSecret(repo: TempRepo, rev: string, id: string, secret: string) {
  const line = JSON.stringify({
    schema: 'agent-log/v1',
    kind: 'ref',
    id,
    leaked: `seen in the log: ${secret}`,
  });
  await repo.git('notes', '--ref=agent-log', 'append', '-m', line, rev);
}

async function sealedRepo(): Promise<{ repo: TempRepo; id: string }> {
  const repo = await repoWith();
  const id = (await ok(repo, ['start', '--task', 'add validation'])).stdout.trim();
  repo.write('a.ts', 'v1\n');
  await repo.commit('one');
  await ok(repo, ['finish']);
  return { repo, id };
}

describe('scan', () => {
  test('clean notes: exit 0', async () => {
    const { repo } = await sealedRepo();
    const r = await cli(repo, ['scan']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
  });

  test('a planted secret: exit 1, one line naming record, commit and rule, never the value', async () => {
    const { repo } = await sealedRepo();
    const head = (await repo.git('rev-parse', 'HEAD')).trim();
    await plantSecret(repo, 'HEAD', 'leak0001ab', ghToken());
    const r = await cli(repo, ['scan', '--notes']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(`leak0001ab ${head.slice(0, 12)} github-token\n`);
    expect(r.stdout + r.stderr).not.toContain(ghToken());
    const json = await cli(repo, ['scan', '--json']);
    expect(JSON.parse(json.stdout)).toEqual([
      { id: 'leak0001ab', commit: head, rule: 'github-token', count: 1 },
    ]);
    // A range that does not include the commit finds nothing.
    expect((await cli(repo, ['scan', 'HEAD..HEAD'])).code).toBe(0);
    expect((await cli(repo, ['scan', 'HEAD~1..HEAD'])).code).toBe(1);
  });

  test('new rules from .agent-log/config.json apply to notes sealed before them; the allowlist too', async () => {
    const { repo } = await sealedRepo();
    await plantSecret(repo, 'HEAD', 'acme0001ab', 'acme_0123456789abcdef');
    expect((await cli(repo, ['scan'])).code).toBe(0);
    repo.write(
      '.agent-log/config.json',
      JSON.stringify({ redact: { patterns: [{ id: 'acme', regex: 'acme_[0-9a-f]{16}' }] } }),
    );
    const r = await cli(repo, ['scan']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^acme0001ab [0-9a-f]{12} acme\n$/);
    repo.write(
      '.agent-log/config.json',
      JSON.stringify({
        redact: {
          patterns: [{ id: 'acme', regex: 'acme_[0-9a-f]{16}' }],
          allowlist: ['acme_0123456789abcdef'],
        },
      }),
    );
    expect((await cli(repo, ['scan'])).code).toBe(0);
    repo.write('.agent-log/config.json', '{ not json');
    const bad = await cli(repo, ['scan']);
    expect(bad.code).toBe(0);
    expect(bad.stderr).toMatch(/^warning: \.agent-log\/config\.json: not valid JSON, ignored/);
  });
});

async function withRemote(repo: TempRepo): Promise<TempRepo> {
  const bare = await tempRepo({ bare: true });
  cleanup.push(() => bare.cleanup());
  await repo.git('remote', 'add', 'origin', `file://${bare.dir}`);
  await repo.git('push', '-q', 'origin', 'main');
  return bare;
}

describe('pre-push refusal and purge on a bare remote over file://', () => {
  test('init --pre-push installs a hook that refuses a notes push with findings, naming record and rule', async () => {
    const { repo, id } = await sealedRepo();
    const bare = await withRemote(repo);
    expect((await ok(repo, ['init', '--pre-push'])).stdout).toContain('hook pre-push (created)');
    expect((await ok(repo, ['init', '--pre-push'])).stdout).toContain('already configured');
    // A clean push goes through.
    await repo.git('push', '-q', 'origin', 'refs/notes/agent-log');
    expect((await bare.git('rev-parse', 'refs/notes/agent-log')).trim()).toMatch(/^[0-9a-f]{40}$/);

    await plantSecret(repo, 'HEAD', 'leak0002ab', ghToken());
    const refused = await repo.git('push', 'origin', 'refs/notes/agent-log').then(
      () => null,
      (e: { stderr: string }) => e.stderr,
    );
    expect(refused).not.toBeNull();
    expect(refused).toMatch(/agent-log: refusing to push refs\/notes\/agent-log to origin: 1 finding/);
    expect(refused).toMatch(/leak0002ab [0-9a-f]{12} github-token/);
    expect(refused).not.toContain(ghToken());
    expect(await bare.git('cat-file', '--batch-all-objects', '--batch')).not.toContain(ghToken());

    // Removing the line on the tip is not enough: the old notes commit would still be pushed.
    await repo.git('notes', '--ref=agent-log', 'remove', 'HEAD');
    await expect(repo.git('push', 'origin', 'refs/notes/agent-log')).rejects.toThrow(/leak0002ab/);

    // Purge rewrites the history; the push then goes through and the remote never sees the secret.
    const purged = await ok(repo, ['purge', 'leak0002ab', '--yes']);
    expect(purged.stdout).toMatch(/git push --force <remote> refs\/notes\/agent-log/);
    await repo.git('push', '-q', '--force', 'origin', 'refs/notes/agent-log');
    expect(await bare.git('cat-file', '--batch-all-objects', '--batch')).not.toContain(ghToken());
    void id;
  });

  test('purge removes a record from every notes commit and keeps every other note byte-identical', async () => {
    const repo = await repoWith();
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      ids.push((await ok(repo, ['start', '--task', `run ${n}`])).stdout.trim());
      repo.write(`f${n}.ts`, `v${n}\n`);
      await repo.commit(`c${n}`);
      repo.write(`g${n}.ts`, `v${n}\n`);
      await repo.commit(`d${n}`);
      await ok(repo, ['finish']);
    }
    await repo.git('notes', '--ref=agent-log', 'append', '-m', 'a person wrote this', 'HEAD~3');
    const victim = ids[1]!;
    const notesBefore = await noteBlobs(repo);
    const historyBefore = (await repo.git('rev-list', 'refs/notes/agent-log')).trim().split('\n');

    const refused = await cli(repo, ['purge', victim]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error: purge rewrites .* refusing without --yes/);

    await ok(repo, ['purge', victim.slice(0, 6), '--yes']);
    const notesAfter = await noteBlobs(repo);
    // The victim's commits lost its lines, and only those (a person's line stays, byte for byte);
    // a note that held nothing else is gone; every other note is identical.
    const victimCommits = [...notesBefore].filter(([, body]) => body.includes(victim)).map(([c]) => c);
    expect(victimCommits).toHaveLength(2);
    for (const [commit, body] of notesBefore) {
      if (!victimCommits.includes(commit)) {
        expect(notesAfter.get(commit)).toBe(body);
        continue;
      }
      const rest = body
        .split('\n')
        .filter((l) => !l.includes(victim))
        .join('\n');
      if (rest.trim() === '') expect(notesAfter.has(commit)).toBe(false);
      else expect(notesAfter.get(commit)).toBe(rest);
    }
    expect([...notesAfter.values()].join('\n')).toContain('a person wrote this');
    // No version of the notes ref history holds it any more.
    const history = (await repo.git('rev-list', 'refs/notes/agent-log')).trim().split('\n');
    expect(history).toHaveLength(historyBefore.length);
    for (const c of history) expect(await repo.git('ls-tree', '-r', c)).toBeDefined();
    const allNotesEver = await Promise.all(
      history.map(async (c) => {
        const ls = await repo.git('ls-tree', '-r', c);
        const blobs = ls
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split(/\s+/)[2]!);
        return (await Promise.all(blobs.map((b) => repo.git('cat-file', '-p', b)))).join('\n');
      }),
    );
    expect(allNotesEver.join('\n')).not.toContain(victim);
    // The first run's notes commit predates the victim: it keeps its id.
    expect(history.at(-1)).toBe(historyBefore.at(-1));
    // git itself still reads the notes ref.
    expect(await repo.git('log', '--notes=agent-log', '-1')).toContain('Notes (agent-log)');
    expect((await cli(repo, ['show', victim])).code).toBe(1);
    expect((await cli(repo, ['show', ids[2]!])).code).toBe(0);
  });

  test('purge of an unknown record is a clear not-found', async () => {
    const { repo } = await sealedRepo();
    const r = await cli(repo, ['purge', 'nosuchrec1', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

/** commit → note body on the notes tip. */
async function noteBlobs(repo: TempRepo): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const list = (await repo.git('notes', '--ref=agent-log', 'list')).trim();
  for (const line of list.split('\n').filter(Boolean)) {
    const [blob, commit] = line.split(' ');
    out.set(commit!, await repo.git('cat-file', '-p', blob!));
  }
  return out;
}
