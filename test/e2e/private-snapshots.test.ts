// Nothing secret under .git (#11 point 6), through the built CLI: a working-tree snapshot keeps
// untracked files in a private store that the seal removes, never in the repository's objects; and
// every file we write (journal, import, error log, control files, pause state) uses the repository's
// own redaction patterns.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { parseNote } from '../../src/record/note-lines.js';
import type { RunRecord } from '../../src/record/schema.js';
import { cli, type TempRepo, tempRepo } from '../helpers/repo.js';

const repos: TempRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

async function repoWith(files: Record<string, string>): Promise<TempRepo> {
  const r = await tempRepo({ files });
  repos.push(r);
  return r;
}

async function ok(repo: TempRepo, args: string[], opts: Parameters<typeof cli>[2] = {}) {
  const r = await cli(repo, args, opts);
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** Every object of the repository (loose and packed) plus the raw bytes of every file under .git. */
async function everythingUnderGit(repo: TempRepo): Promise<string> {
  const objects = await repo.git('cat-file', '--batch-all-objects', '--batch');
  const files = filesUnder(join(repo.dir, '.git')).map((f) => readFileSync(f).toString('latin1'));
  return [objects, ...files].join('\n');
}

async function recordOn(repo: TempRepo, id: string): Promise<RunRecord> {
  const body = await repo.git('notes', '--ref=agent-log', 'show', 'HEAD');
  const records = parseNote(body).flatMap((l) => (l.type === 'record' ? [l.record] : []));
  return records.find((r) => r.id === id)!;
}

describe('working-tree snapshots', () => {
  test('an untracked secret file never reaches .git/objects; the record still lists it; the seal removes the store', async () => {
    const repo = await repoWith({ 'README.md': '# demo\n', 'src/app.ts': 'export {};\n' });
    const marker = ['untracked', 'secret', 'Qm7vT2x9'].join('-');
    const envFile = `DATABASE_URL=postgres://app:${marker}@db.internal:5432/app\nAPI_TOKEN=${marker}\n`;
    const id = (await ok(repo, ['start', '--task', 'wire the database'])).stdout.trim();
    repo.write('.env.production', envFile);
    // A larger untracked file: its content must not land in the repository either.
    repo.write('data/dump.sql', `-- ${marker}\n${'INSERT INTO t VALUES (1);\n'.repeat(20_000)}`);
    await ok(repo, ['exec', '--', process.execPath, '-e', 'console.log("first")']);
    await ok(repo, ['exec', '--', process.execPath, '-e', 'console.log("second")']);
    const store = join(repo.dir, '.git', 'agent-log', 'snapshots');
    expect(statSync(store).mode & 0o777).toBe(0o700);
    // While the run is open: the repository's own objects hold nothing of the untracked files.
    const objects = await repo.git('cat-file', '--batch-all-objects', '--batch');
    expect(objects).not.toContain(marker);
    expect(filesUnder(join(repo.dir, '.git', 'objects')).length).toBeGreaterThan(0);
    for (const f of filesUnder(join(repo.dir, '.git', 'objects')))
      expect(readFileSync(f).toString('latin1')).not.toContain(marker);

    repo.write('src/app.ts', 'export const db = process.env.DATABASE_URL;\n');
    await repo.git('add', 'src/app.ts'); // the untracked files stay untracked
    await repo.commit('read the database url', { all: false });
    await ok(repo, ['finish']);
    expect(existsSync(store)).toBe(false);
    expect(await everythingUnderGit(repo)).not.toContain(marker);

    const record = await recordOn(repo, id);
    const changed = Object.fromEntries(record.files.changed.map((c) => [c.path, [c.status, c.additions]]));
    // Expected from the files as written above: .env.production 2 lines, dump 1 + 20,000 lines.
    expect(changed).toEqual({
      '.env.production': ['added', 2],
      'data/dump.sql': ['added', 20_001],
      'src/app.ts': ['modified', 1],
    });
    // Each exec keeps the tree id it saw (ids only: nothing to resolve later).
    expect(record.commands.map((c) => typeof c.tree)).toEqual(['string', 'string']);
    expect(record.commands[0]!.tree).toBe(record.commands[1]!.tree);
  });

  test('a session start snapshot survives until its seal; another open run keeps the store', async () => {
    const repo = await repoWith({ 'README.md': '# demo\n' });
    await ok(repo, ['start', '--task', 'first']);
    repo.write('notes.txt', 'untracked at start\n');
    const session = 'a3f1c2d4-5b6e-4f70-8a91-b2c3d4e5f601';
    await ok(repo, ['hook', 'claude-code'], {
      env: { AGENT_LOG_NO_BACKGROUND: '1' },
      input: JSON.stringify({ session_id: session, hook_event_name: 'SessionStart', cwd: repo.dir }),
    });
    await ok(repo, ['session-snapshot', '--session', session]);
    repo.write('README.md', 'v2\n');
    await repo.git('add', 'README.md');
    await repo.commit('v2', { all: false });
    await ok(repo, ['finish']);
    // The session is not sealed yet: its start tree is still readable from the store.
    const store = join(repo.dir, '.git', 'agent-log', 'snapshots');
    expect(existsSync(store)).toBe(true);
    // The session's own last commit is made while it runs (a commit after SessionEnd would take it
    // only on evidence: pending-attach.test.ts).
    repo.write('notes.txt', 'untracked at start\nand edited in the session\n');
    repo.write('README.md', 'v3\n');
    await repo.commit('v3');
    await ok(repo, ['hook', 'claude-code'], {
      env: { AGENT_LOG_NO_BACKGROUND: '1' },
      input: JSON.stringify({ session_id: session, hook_event_name: 'SessionEnd', cwd: repo.dir }),
    });
    await ok(repo, ['seal-pending', '--agent', 'claude-code', '--session', session]);
    expect(existsSync(store)).toBe(false);
    const body = await repo.git('notes', '--ref=agent-log', 'show', 'HEAD');
    const records = parseNote(body).flatMap((l) => (l.type === 'record' ? [l.record] : []));
    const sealed = records.find((r) => r.agent.name === 'claude-code')!;
    // Diffed from the start snapshot (notes.txt existed then), not from the start commit.
    expect(sealed.files.changed.map((c) => [c.path, c.status])).toEqual([
      ['README.md', 'modified'],
      ['notes.txt', 'modified'],
    ]);
  });
});

describe("the repository's own patterns everywhere we write", () => {
  const config = JSON.stringify({ redact: { patterns: [{ id: 'acme-key', regex: 'acme_[0-9a-f]{24}' }] } });
  const secret = ['acme', '_', '0123456789abcdef01234567'].join('');

  test('import, the hook error log, stop, allow and pause', async () => {
    const repo = await repoWith({ 'README.md': '# demo\n', '.agent-log/config.json': config });
    // import: a Claude transcript whose prompt holds the secret
    const session = 'c0ffee00-1234-4abc-8def-0123456789ab';
    const at = (s: number) => new Date(Date.UTC(2026, 10, 29, 10, 0, s)).toISOString();
    const base = {
      sessionId: session,
      cwd: repo.dir,
      version: '2.1.38',
      isSidechain: false,
      userType: 'external',
    };
    const transcript = [
      {
        ...base,
        type: 'user',
        uuid: 'u1',
        parentUuid: null,
        timestamp: at(1),
        message: { role: 'user', content: `deploy with ${secret}` },
      },
      {
        ...base,
        type: 'assistant',
        uuid: 'a1',
        parentUuid: 'u1',
        timestamp: at(2),
        message: {
          id: 'msg_01',
          role: 'assistant',
          model: 'claude-opus-4-1',
          content: [{ type: 'text', text: `using ${secret} now` }],
          usage: { input_tokens: 10, output_tokens: 5 },
        },
      },
    ];
    const file = join(repo.dir, '..', `${session}.jsonl`);
    writeFileSync(file, transcript.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const imported = await ok(repo, ['import', 'claude-code', file, '--json']);
    expect(imported.stdout).not.toContain(secret);
    expect(imported.stdout).toContain('[REDACTED:acme-key]');

    // the hook error log: an event name that holds the secret, with a payload that is not JSON
    const hook = await cli(repo, ['hook', 'claude-code', secret], {
      input: '{"oops',
      env: { AGENT_LOG_NO_BACKGROUND: '1' },
    });
    expect(hook.code).toBe(0);
    const log = readFileSync(join(repo.dir, '.git', 'agent-log', 'errors.log'), 'utf8');
    expect(log).toContain('[REDACTED:acme-key]');

    // control files and the pause state
    const id = (await ok(repo, ['start', '--task', 'ship'])).stdout.trim();
    await ok(repo, ['allow', id, '--rule', 'retries.same_check', '--by', 'Dana', '--note', `ok ${secret}`]);
    await ok(repo, ['stop', id, '--reason', `leaked ${secret}`]);
    await ok(repo, ['pause', '--reason', `rotating ${secret}`]);
    await ok(repo, ['resume']);

    expect(await everythingUnderGit(repo)).not.toContain(secret);
  });
});
