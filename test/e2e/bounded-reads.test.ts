// Notes come from any clone and are read by every command: a record nested 5,000 levels deep, a
// 50 MB note, a 10 MB string and a pathological regular expression must each cost one warning (or
// one finding, or one usage error), never the rest of the repository, and never memory in
// proportion to their size. The hostile notes are written with plain git, as a fetch delivers them.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, gitEnv, ROOT, type TempRepo, tempRepo } from '../helpers/repo.js';

const MB = 1024 * 1024;
const TOKEN = 'ghp_' + 'Zq7vT2mK9xR4bW8nL1cY5dH3jF6gS0aPeUoI'.slice(0, 36);

let repo: TempRepo;
let scratch: string;
let seedId = '';
let seedNote: Record<string, unknown> & { task: object };
const commits: Record<'deep' | 'huge' | 'long' | 'regex', string> = {
  deep: '',
  huge: '',
  long: '',
  regex: '',
};

/** Attach `body` as the note of a new empty commit, with plain git. */
async function noteOnNewCommit(name: string, body: string): Promise<string> {
  const commit = await repo.commit(name);
  const file = join(scratch, `${name}.note`);
  writeFileSync(file, body);
  await repo.git('notes', '--ref=agent-log', 'add', '-f', '-F', file, commit);
  return commit;
}

beforeAll(async () => {
  repo = await tempRepo({ files: { 'src/app.ts': 'export const a = 1;\n' } });
  scratch = mkdtempSync(join(tmpdir(), 'agent-log-bounded-'));
  seedId = (await cli(repo, ['start', '--task', 'seed run'])).stdout.trim();
  repo.write('src/app.ts', 'export const a = 2;\n');
  await cli(repo, ['exec', '--', 'true']);
  await repo.commit('seed');
  expect((await cli(repo, ['finish'])).code).toBe(0);
  const seed = JSON.parse((await repo.git('notes', '--ref=agent-log', 'show', 'HEAD')).split('\n')[0]!);
  seedNote = seed;
  const like = (id: string, intent: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ ...seed, id, task: { ...seed.task, intent }, ...extra });

  // 5,000 levels of arrays in an unknown field: 30 KB of text.
  commits.deep = await noteOnNewCommit(
    'deep',
    like('deeprun001', 'deep one', { extra: 'DEPTH' }).replace(
      '"DEPTH"',
      '['.repeat(5000) + '0' + ']'.repeat(5000),
    ),
  );
  commits.huge = await noteOnNewCommit('huge', like('hugerun001', `huge ${'x'.repeat(50 * MB)}`));
  commits.regex = await noteOnNewCommit(
    'regex',
    like('regexrun01', 'many a', { commands: [{ ...seed.commands[0], command: 'a'.repeat(64) }] }),
  );
}, 300_000);

afterAll(() => {
  repo?.cleanup();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Peak RSS (MB) of the CLI running `args` in-process, and its exit code. */
async function peakRss(args: string[]): Promise<{ code: number | null; mb: number; stdout: number }> {
  const out = join(scratch, `rss-${args.join('-').replace(/\W/g, '')}`);
  let stdout = 0;
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'test/fixtures/cli-rss.mjs'), ...args], {
      cwd: repo.dir,
      env: gitEnv({ CLI_BOOT: join(ROOT, 'dist/cli/boot.js'), RSS_OUT: out }),
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    child.stdout.on('data', (d: Buffer) => (stdout += d.length));
    child.on('close', resolve);
  });
  return { code, mb: Number(readFileSync(out, 'utf8')) / 1024, stdout };
}

const warningsIn = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('warning: '));

describe('a hostile note costs one warning naming its commit, never the rest', () => {
  test('log lists the other runs and warns once about the deep record and once about the huge note', async () => {
    const r = await cli(repo, ['log']);
    expect(r.code, r.stderr).toBe(0);
    const ids = r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(' ')[0]);
    expect(ids).toContain(seedId.slice(0, 7));
    expect(ids).toContain('regexru');
    expect(ids).not.toContain('deeprun');
    expect(ids).not.toContain('hugerun');
    const warnings = warningsIn(r.stderr);
    expect(warnings.filter((w) => w.includes(commits.deep))).toEqual([
      `warning: skipped an unreadable agent-log line on commit ${commits.deep}: nested deeper than 64 levels`,
    ]);
    expect(warnings.filter((w) => w.includes(commits.huge))).toEqual([
      `warning: skipped an unreadable agent-log line on commit ${commits.huge}: note of 50 MiB is over the 16 MiB limit`,
    ]);
  });

  test.each([
    ['log', '--json'],
    ['query', '--json', '--file', 'src/**'],
    ['show', '--json', 'SEED'],
  ])('%s %s: valid JSON with the readable records, exit 0', async (...args) => {
    const r = await cli(
      repo,
      args.map((a) => (a === 'SEED' ? seedId : a)),
    );
    expect(r.code, r.stderr).toBe(0);
    const parsed = JSON.parse(r.stdout) as { id: string } | { id: string }[];
    const ids = (Array.isArray(parsed) ? parsed : [parsed]).map((x) => x.id);
    expect(ids).toContain(seedId);
    expect(ids).not.toContain('deeprun001');
    expect(ids).not.toContain('hugerun001');
  });

  test('show on the commit of the huge note: not found, with the warning naming it', async () => {
    const r = await cli(repo, ['show', commits.huge]);
    expect(r.code).toBe(1);
    expect(warningsIn(r.stderr)).toEqual([
      `warning: skipped a malformed record in the note on ${commits.huge.slice(0, 12)}: note of 50 MiB is over the 16 MiB limit`,
    ]);
    expect(r.stderr).toMatch(/^error: no agent-log record on /m);
  });
});

describe('memory stays far below the note size', () => {
  // The 50 MB note held once as a string would be 50 MB more than node's own ~50-60 MB; before the
  // cap, log peaked at 675 MB and printed a 52 MB line, show at 980 MB.
  test.each([['log'], ['log', '--json'], ['show', 'HUGE']].map((a) => [a.join(' '), a] as const))(
    '%s: peak RSS under 150 MB',
    async (_name, args) => {
      const r = await peakRss(args.map((a) => (a === 'HUGE' ? commits.huge : a)));
      expect([0, 1]).toContain(r.code);
      expect(r.stdout).toBeLessThan(64 * 1024);
      expect(r.mb).toBeLessThan(150);
    },
  );
});

describe('scan reads every note in bounded pieces', () => {
  test('a 10 MB string is scanned in windows (its token found); a note over the cap is a finding', async () => {
    // Under the 16 MiB cap, so read and scanned; one JSON string too long for the rules' regexes.
    const line = JSON.stringify({
      ...seedNote,
      id: 'longrun001',
      task: { ...seedNote.task, intent: `long ${'y'.repeat(10 * MB)} ${TOKEN}` },
    });
    commits.long = await noteOnNewCommit('long', line);
    const r = await cli(repo, ['scan', '--notes']);
    expect(r.code, r.stderr).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toContain(`longrun001 ${commits.long.slice(0, 12)} github-token`);
    expect(lines).toContain(`(unread note) ${commits.huge.slice(0, 12)} oversized-note`);
    expect(r.stderr).not.toMatch(/Maximum call stack|RangeError/);
  }, 120_000);

  test('a listing line shows at most 1,000 characters of the 10 MB intent', async () => {
    const r = await cli(repo, ['log']);
    const line = r.stdout.split('\n').find((l) => l.startsWith('longrun'))!;
    expect(line.length).toBeLessThan(1200);
    expect(line.endsWith('…')).toBe(true);
  });
});

describe('user regular expressions run in linear time', () => {
  // JavaScript's backtracking engine needs about 2^n steps for (a|a)*b on n a's: 64 would not end.
  test("query --command '(a|a)*b' over a command of 64 a's ends, with no match", async () => {
    const r = await cli(repo, ['query', '--command', '(a|a)*b']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
  }, 60_000);

  test("query --command '(a|a)*' matches it", async () => {
    const r = await cli(repo, ['query', '--command', '^(a|a)*$', '--format', '%id']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('regexrun01');
  });

  test('a backreference is refused as bad input: exit 2, one line', async () => {
    const r = await cli(repo, ['query', '--command', '(a)\\1']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      "error: --command: invalid regular expression '(a)\\1': invalid escape sequence: `\\1` (patterns run in linear time: no backreferences or lookaround)",
    ]);
  });
});

describe('hook payloads and transcripts nested past 512 levels', () => {
  const deep = (n: number) => '['.repeat(n) + '0' + ']'.repeat(n);

  test('the hook exits 0 silently and logs why, instead of overflowing the stack', async () => {
    const other = await tempRepo({ files: { 'a.txt': '1' } });
    try {
      const payload = `{"session_id":"3f1c2b7e-9a4d-4e8b-b6a1-0c2d4e6f8a10","cwd":${JSON.stringify(other.dir)},"hook_event_name":"PostToolUse","tool_name":"Bash","tool_use_id":"toolu_01Hq8XvT2mK9xR4bW8nL1cY5","tool_input":{"command":"ls","x":${deep(5000)}},"tool_response":{"stdout":"ok"}}`;
      const r = await cli(other, ['hook', 'claude-code'], {
        input: payload,
        env: { AGENT_LOG_NO_BACKGROUND: '1' },
      });
      expect(r.code).toBe(0);
      expect(r.stdout + r.stderr).toBe('');
      const log = readFileSync(join(other.dir, '.git', 'agent-log', 'errors.log'), 'utf8');
      expect(log).toContain('payload nested deeper than 512 levels');
      expect(log).not.toContain('Maximum call stack');
    } finally {
      other.cleanup();
    }
  });

  test('import skips a transcript line nested 5,000 levels and reads the rest', async () => {
    const source = join(
      ROOT,
      'test/fixtures/corpus/claude-code/codemie/4c2ddfdc-b619-4525-8d03-1950fb1b0257.jsonl',
    );
    const lines = readFileSync(source, 'utf8').split('\n').filter(Boolean);
    const hostile = join(scratch, 'deep-transcript.jsonl');
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    const deepLine = JSON.stringify({
      ...first,
      uuid: 'b8e1f0c2-5d3a-4f6e-9a7b-1c2d3e4f5a6b',
      x: 'DEEP',
    }).replace('"DEEP"', deep(5000));
    writeFileSync(hostile, [lines[0], deepLine, ...lines.slice(1)].join('\n') + '\n');
    type Rec = { commands: { command: string }[]; files: { read: string[]; changed: { path: string }[] } };
    const importIn = async (file: string) => {
      const other = await tempRepo({ files: { 'a.txt': '1' } });
      try {
        const r = await cli(other, ['import', 'claude-code', file, '--json']);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stderr).not.toMatch(/Maximum call stack/);
        const rec = JSON.parse(r.stdout) as Rec;
        return {
          commands: rec.commands.map((c) => c.command),
          read: rec.files.read,
          changed: rec.files.changed,
        };
      } finally {
        other.cleanup();
      }
    };
    // The same session without the hostile line is the expectation: nothing else may be lost.
    const plain = await importIn(source);
    expect(plain.commands.length + plain.read.length).toBeGreaterThan(0);
    expect(await importIn(hostile)).toEqual(plain);
  }, 120_000);
});
