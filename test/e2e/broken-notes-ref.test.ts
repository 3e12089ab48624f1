// A notes ref that cannot be read is an error, never "no records": refs/notes/agent-log naming a
// missing object, a blob, or a commit whose tree is gone (a damaged object store, a hand edit), or a
// ref file emptied by a crash. Plain git refuses the first three (`git notes list` dies); every read
// command says which ref is broken and exits 1, the read fast paths and the index included, and
// `doctor` gives commands that really restore it.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { cli, type TempRepo, tempRepo } from '../helpers/repo.js';

vi.setConfig({ testTimeout: 240_000 });

const REF = 'refs/notes/agent-log';

interface Fixture {
  repo: TempRepo;
  /** The sound notes commit, and the id of the run recorded on it. */
  tip: string;
  id: string;
}

/** A repository with one run sealed, the index built and blame's facts kept (the fast paths' inputs). */
async function recorded(): Promise<Fixture> {
  const repo = await tempRepo({ files: { 'api/signup.ts': 'v1\n' } });
  const id = (await cli(repo, ['start', '--task', 'validate signup'])).stdout.trim();
  repo.write('api/signup.ts', 'v2\n');
  await repo.commit('validate signup');
  expect((await cli(repo, ['finish'])).code).toBe(0);
  for (const args of [['log'], ['blame', 'api/signup.ts'], ['show', '--json', 'HEAD']])
    expect((await cli(repo, args)).code, args.join(' ')).toBe(0);
  return { repo, tip: (await repo.git('rev-parse', REF)).trim(), id };
}

type Shape = 'missing object' | 'blob' | 'tree lost' | 'emptied file';

/** Break the ref as `shape` says, in its loose file or its packed-refs line. Returns an undo. */
async function breakRef(f: Fixture, shape: Shape, packed: boolean): Promise<() => Promise<void>> {
  const { repo, tip } = f;
  const gitDir = join(repo.dir, '.git');
  let value: string;
  const undo: (() => void)[] = [];
  if (shape === 'missing object') value = 'e3'.repeat(20);
  else if (shape === 'blob') value = (await repo.git('rev-parse', 'HEAD:api/signup.ts')).trim();
  else if (shape === 'emptied file') value = '';
  else {
    // The tip stays; its tree goes (a loose object deleted by hand, or lost with a disk).
    value = tip;
    const tree = (await repo.git('rev-parse', `${tip}^{tree}`)).trim();
    const file = join(gitDir, 'objects', tree.slice(0, 2), tree.slice(2));
    const bytes = readFileSync(file);
    rmSync(file);
    undo.push(() => writeFileSync(file, bytes));
  }
  const loose = join(gitDir, REF);
  const packedRefs = join(gitDir, 'packed-refs');
  if (packed && shape !== 'emptied file') {
    rmSync(loose);
    const before = existsSync(packedRefs) ? readFileSync(packedRefs, 'utf8') : '# pack-refs with: peeled\n';
    writeFileSync(packedRefs, `${before}${value} ${REF}\n`);
    undo.push(() => writeFileSync(packedRefs, before));
  } else writeFileSync(loose, value ? `${value}\n` : '');
  return async () => {
    for (const u of undo) u();
    rmSync(loose, { force: true });
    await repo.git('update-ref', REF, tip);
  };
}

/** What plain git says of the same notes: whether `git notes list` reads them. */
async function gitReadsNotes(repo: TempRepo): Promise<boolean> {
  return repo.git('notes', `--ref=${REF}`, 'list').then(
    () => true,
    () => false,
  );
}

const READS: string[][] = [
  ['log'],
  ['log', '--json'],
  ['query', '--file', 'api/signup.ts'],
  ['show', 'HEAD'],
  ['show', '--json', 'HEAD'],
  ['verify', 'HEAD'],
  ['stats'],
  ['blame', 'api/signup.ts'],
  ['blame', '--json', 'api/signup.ts'],
];

/** git answers every read itself (the direct readers stand aside for GIT_CONFIG_COUNT). */
const GIT_READS = { GIT_CONFIG_COUNT: '0' };
/** The engine without git: its own ref and object readers. */
const ISOMORPHIC = { AGENT_LOG_ENGINE: 'isomorphic' };

async function expectBroken(repo: TempRepo, args: string[], env?: NodeJS.ProcessEnv) {
  const r = await cli(repo, args, { env });
  const what = `${args.join(' ')} ${JSON.stringify(env ?? {})}: ${r.stderr}`;
  expect(r.code, what).toBe(1);
  expect(r.stdout, what).toBe('');
  const lines = r.stderr.split('\n').filter(Boolean);
  expect(lines[0], what).toMatch(/^error: refs\/notes\/agent-log is broken: /);
  expect(r.stderr, what).not.toMatch(/\n\s+at |no runs recorded|no agent-log record/);
}

describe('a broken notes ref', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await recorded();
  });
  afterAll(() => f.repo.cleanup());

  for (const shape of ['missing object', 'blob', 'tree lost', 'emptied file'] as const) {
    test(`${shape} (loose ref): every read command says the ref is broken and exits 1`, async () => {
      const undo = await breakRef(f, shape, false);
      try {
        // git: dies on the first three; reads past an emptied ref file with a warning (we do not).
        expect(await gitReadsNotes(f.repo)).toBe(shape === 'emptied file');
        for (const args of READS) await expectBroken(f.repo, args);
        for (const args of [['log'], ['show', '--json', 'HEAD'], ['stats']]) {
          await expectBroken(f.repo, args, GIT_READS);
          await expectBroken(f.repo, args, ISOMORPHIC);
        }
      } finally {
        await undo();
      }
      expect((await cli(f.repo, ['log'])).stdout).toContain(f.id.slice(0, 7));
    });
  }

  for (const shape of ['missing object', 'blob', 'tree lost'] as const) {
    test(`${shape} (packed-refs line): the reads say so too`, async () => {
      const undo = await breakRef(f, shape, true);
      try {
        expect(await gitReadsNotes(f.repo)).toBe(false);
        for (const args of [['log'], ['show', '--json', 'HEAD'], ['blame', 'api/signup.ts'], ['stats']])
          await expectBroken(f.repo, args);
        await expectBroken(f.repo, ['log'], GIT_READS);
      } finally {
        await undo();
      }
    });
  }
});

describe('doctor on a broken notes ref', () => {
  /** doctor's PROBLEM line about the ref, and the commands of its fix (after "then …: "). */
  async function doctorFix(repo: TempRepo): Promise<{ code: number; problem: string; commands: string }> {
    const r = await cli(repo, ['doctor']);
    const lines = r.stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith('PROBLEM refs/notes/agent-log is broken'));
    const fix = lines[at + 1] ?? '';
    expect(fix, r.stdout).toMatch(/^\s+fix: git fsck; /);
    return { code: r.code, problem: lines[at] ?? '', commands: fix.slice(fix.indexOf('): ') + 3) };
  }

  /** Run a fix as a user pastes it (`a && b`), with plain git. */
  async function runFix(repo: TempRepo, commands: string) {
    for (const command of commands.split(' && ')) {
      const [prog, ...args] = command.split(' ');
      if (prog === 'rm') rmSync(args[0]!.replace(/^'|'$/g, ''));
      else {
        expect(prog).toBe('git');
        await repo.git(...args);
      }
    }
  }

  for (const shape of ['missing object', 'blob', 'tree lost', 'emptied file'] as const) {
    test(`${shape}: a failed check whose commands restore the ref (the reflog's last sound tip)`, async () => {
      const f = await recorded();
      try {
        await breakRef(f, shape, false);
        const { code, problem, commands } = await doctorFix(f.repo);
        expect(code).toBe(1);
        expect(problem).not.toMatch(/\d+ records? on/);
        if (shape === 'tree lost') {
          // The reflog holds no other tip and there is no remote: only a fresh start is left.
          expect(commands).toBe(`git update-ref -d ${REF}`);
          return;
        }
        expect(commands).toContain(`git update-ref ${REF} ${f.tip}`);
        await runFix(f.repo, commands);
        expect(await gitReadsNotes(f.repo)).toBe(true);
        const log = await cli(f.repo, ['log']);
        expect(log.code, log.stderr).toBe(0);
        expect(log.stdout).toContain(f.id.slice(0, 7));
      } finally {
        f.repo.cleanup();
      }
    });
  }

  test('with no reflog to go back to: the commands fetch the remote records again', async () => {
    const remote = await tempRepo({ bare: true });
    const f = await recorded();
    const clone = await tempRepo();
    try {
      await f.repo.git('remote', 'add', 'origin', remote.dir);
      await f.repo.git('push', '-q', 'origin', 'HEAD:refs/heads/main');
      expect((await cli(f.repo, ['sync', 'origin'])).code).toBe(0);
      // A second clone whose ref broke and whose reflog is gone (reflogs expired, or a copied .git)
      await clone.git('remote', 'add', 'origin', remote.dir);
      await clone.git('fetch', '-q', 'origin', `${REF}:${REF}`, 'main:refs/remotes/origin/main');
      await clone.git('reset', '-q', '--hard', 'origin/main');
      rmSync(join(clone.dir, '.git', 'logs', REF), { force: true });
      writeFileSync(join(clone.dir, '.git', REF), `${'e3'.repeat(20)}\n`);
      const { commands } = await doctorFix(clone);
      expect(commands).toBe(`git update-ref -d ${REF} && git fetch origin ${REF}:${REF}`);
      await runFix(clone, commands);
      const log = await cli(clone, ['log']);
      expect(log.code, log.stderr).toBe(0);
      expect(log.stdout).toContain(f.id.slice(0, 7));
    } finally {
      for (const r of [remote, f.repo, clone]) r.cleanup();
    }
  });
});
