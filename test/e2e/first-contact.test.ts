// A new user's first hour, through the built CLI on real repositories: help and the man page git
// opens for `git agent-log --help`, plain `git log` left alone, a packet rendered for a terminal,
// empty states that say what to do, approvals in PR bodies, what `stats` calls success, --no-pager
// everywhere, and `exec` judging `bash -c "… || true"` like an agent's command. Then what still
// surprised a new user of the installed package: the man page's negatable options, help that left
// out what a flag does, doctor in the team's bare remote, stop with no ID.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { claudeSession as claudeHookSession } from '../helpers/agent-hooks.js';
import { cli, gitEnv, ROOT, type TempRepo, tempRepo } from '../helpers/repo.js';
import { onTerminal } from '../helpers/terminal.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function repoWith(files: Record<string, string> = { 'README.md': '# demo\n' }) {
  const repo = await tempRepo({ files });
  cleanups.push(() => repo.cleanup());
  return repo;
}

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function ok(repo: TempRepo | string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = await cli(repo, args, { env });
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r;
}

/** A finished run with one commit: task, a check, an approval. Returns its ID. */
async function recordedRun(repo: TempRepo, task: string, opts: { approve?: boolean } = {}) {
  const id = (await ok(repo, ['start', '--task', task])).stdout.trim();
  repo.write('src/app.ts', `export const task = ${JSON.stringify(task)};\n`);
  await ok(repo, ['exec', '--check', 'unit', '--', 'node', '-e', 'console.log("12 passed")']);
  if (opts.approve) await ok(repo, ['approve', '--by', 'Ann Reviewer', '--for', 'PR creation']);
  await repo.commit(task);
  await ok(repo, ['finish']);
  return id;
}

describe('help', () => {
  test('`git agent-log --help` opens the man page git-agent-log, which the build ships', async () => {
    const repo = await repoWith();
    const probe = join(tempDir('agent-log-man-'), 'asked');
    // git turns `--help` into its man viewer with the page name; a probe viewer records the name.
    const r = spawnSync(
      'git',
      [
        '-c',
        'help.format=man',
        '-c',
        'man.viewer=probe',
        '-c',
        `man.probe.cmd=echo >'${probe}'`,
        'agent-log',
        '--help',
      ],
      {
        cwd: repo.dir,
        env: gitEnv({ PATH: `${join(ROOT, 'bin')}${delimiter}${process.env.PATH}` }),
        encoding: 'utf8',
      },
    );
    expect(r.status, r.stderr).toBe(0);
    const page = readFileSync(probe, 'utf8').trim();
    expect(page).toBe('git-agent-log');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.man).toEqual([`./man/man1/${page}.1`]);
    expect(pkg.files).toContain('man');
    expect(readdirSync(join(ROOT, 'man', 'man1'))).toContain(`${page}.1`);
  });

  test('the packed package carries the man page npm links into PREFIX/share/man/man1', () => {
    const packed = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, npm_config_loglevel: 'silent' },
    });
    const files = (JSON.parse(packed) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['bin/git-agent-log', 'man/man1/git-agent-log.1']));
  });

  // Where `man` is installed (CI installs it: .ci/run sets AGENT_LOG_REQUIRE_MAN=1), the page is
  // found as `npm install -g` lays it out: PREFIX/bin on PATH, PREFIX/share/man beside it.
  test('git agent-log --help shows the page from an npm-style prefix; a MANPATH without an empty entry hides it', async (ctx) => {
    // man-db's `man` looks beside each PATH entry (../man, ../share/man); other man programs (mandoc)
    // may not, so what this test checks is man-db's behaviour, the man of Debian, Ubuntu and Fedora.
    const version = spawnSync('man', ['--version'], { encoding: 'utf8' });
    if (version.status !== 0 || !/^man \d/.test(version.stdout)) {
      const why = "man-db's `man` not found (install man-db)";
      if (process.env.AGENT_LOG_REQUIRE_MAN === '1')
        throw new Error(`${why}; AGENT_LOG_REQUIRE_MAN=1 requires this test`);
      console.warn(`man page test skipped: ${why}; set AGENT_LOG_REQUIRE_MAN=1 to require it`);
      ctx.skip(why);
    }
    const prefix = tempDir('agent-log-prefix-');
    // npm's own layout: lib/node_modules/<name>, with links in bin/ and share/man/man1/
    mkdirSync(join(prefix, 'lib', 'node_modules'), { recursive: true });
    symlinkSync(ROOT, join(prefix, 'lib', 'node_modules', 'git-agent-log'));
    mkdirSync(join(prefix, 'bin'));
    symlinkSync('../lib/node_modules/git-agent-log/bin/git-agent-log', join(prefix, 'bin', 'git-agent-log'));
    mkdirSync(join(prefix, 'share', 'man', 'man1'), { recursive: true });
    symlinkSync(
      '../../../lib/node_modules/git-agent-log/man/man1/git-agent-log.1',
      join(prefix, 'share', 'man', 'man1', 'git-agent-log.1'),
    );
    const repo = await repoWith();
    const help = (MANPATH?: string) => {
      const env = gitEnv({ PATH: `${join(prefix, 'bin')}${delimiter}${process.env.PATH}`, MANWIDTH: '80' });
      delete env.MANPATH;
      if (MANPATH !== undefined) env.MANPATH = MANPATH;
      return spawnSync('git', ['-c', 'help.format=man', 'agent-log', '--help'], {
        cwd: repo.dir,
        env,
        encoding: 'utf8',
      });
    };
    const found = help();
    expect(found.status, found.stderr).toBe(0);
    expect(found.stdout).toMatch(/^GIT-AGENT-LOG\(1\)/);
    expect(found.stdout).toContain('git agent-log show [ref]');
    // The README's advice: a set MANPATH needs an empty entry (a trailing colon) for PATH's pages.
    expect(help('/usr/share/man').stdout).not.toContain('GIT-AGENT-LOG(1)');
    expect(help('/usr/share/man:').stdout).toMatch(/^GIT-AGENT-LOG\(1\)/);
    // the control: without npm's link in share/man the prefix has no page to find
    rmSync(join(prefix, 'share', 'man', 'man1', 'git-agent-log.1'));
    expect(help().stdout).not.toContain('GIT-AGENT-LOG(1)');
  });

  test('the man page documents every command and every option the command definitions declare', async () => {
    const page = readFileSync(join(ROOT, 'man', 'man1', 'git-agent-log.1'), 'utf8');
    const text = page.replace(/\\-/g, '-').replace(/\\e/g, '\\');
    expect(page).toMatch(/^\.TH GIT\\-AGENT\\-LOG 1 /m);
    // An independent reader of the definitions: the command files' own source text.
    const dir = join(ROOT, 'src', 'cli', 'commands');
    const optionsIn = (src: string) => [...src.matchAll(/\.option\('([\w-]+)'/g)].map((m) => m[1]!);
    const filters = optionsIn(readFileSync(join(ROOT, 'src', 'cli', 'query-options.ts'), 'utf8'));
    const top = (await ok(tempDir('agent-log-help-'), ['--help'])).stdout;
    let documented = 0;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'index.ts')) {
      const src = readFileSync(join(dir, file), 'utf8');
      if (/export const describe = false/.test(src)) continue; // internal, called by hooks
      const usage = /export const command = '([^']+)'/.exec(src)![1]!;
      const name = usage.split(' ')[0]!;
      expect(top, name).toContain(`git agent-log ${name}`);
      const start = text.indexOf(`.SS "git agent-log ${usage}"`);
      expect(start, `${name} in the man page`).toBeGreaterThan(0);
      const section = text.slice(start).split('\n.SS ')[0]!;
      const positional = new Set([...usage.matchAll(/[[<]([\w-]+)/g)].map((m) => m[1]!));
      const options = [...optionsIn(src), ...(src.includes('addFilterOptions(') ? filters : [])];
      for (const opt of options.filter((o) => !positional.has(o)))
        expect(section, `${name} --${opt}`).toMatch(
          new RegExp(`(^|[ ,])-(-|-no-|-\\[no-\\])?${opt}\\b`, 'm'),
        );
      documented++;
    }
    expect(documented).toBeGreaterThan(20);
  });

  test('`help COMMAND` prints that command’s help; an unknown one is a usage error', async () => {
    const dir = tempDir('agent-log-help-');
    const show = await ok(dir, ['help', 'show']);
    expect(show.stdout).toMatch(/^git agent-log show \[ref\]/);
    expect(show.stdout).toBe((await ok(dir, ['show', '--help'])).stdout);
    expect(show.stdout).toContain('--format');
    const top = (await ok(dir, ['help'])).stdout;
    expect(top).toMatch(/^git agent-log <command>/);
    // the words the command list cannot show: help itself, the manual, the hook entry point
    expect(top).toContain('git agent-log help COMMAND prints the options of one command');
    expect(top).toContain('git agent-log --help opens the manual');
    expect(top).toContain('see help hook');
    const bad = await cli(dir, ['help', 'shwo']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("error: unknown command 'shwo'\nhint: did you mean 'show'?\n");
    const hook = await ok(dir, ['help', 'hook']);
    expect(hook.stdout).toMatch(/^git agent-log hook <agent> \[event\]\n\n.*stdin/);
  });

  test('`version` and `--version` print the package version', async () => {
    const dir = tempDir('agent-log-help-');
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
    expect((await ok(dir, ['--version'])).stdout).toBe(`${version}\n`);
    expect((await ok(dir, ['version'])).stdout).toBe(`${version}\n`);
  });

  test('`--version` alone is answered without loading the CLI bundle; with more words the CLI answers', async () => {
    const dir = tempDir('agent-log-version-');
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
    const probe = join(ROOT, 'test', 'fixtures', 'load-probe.cjs');
    const bundlesRead = async (args: string[]) => {
      const out = join(dir, 'probe.json');
      rmSync(out, { force: true });
      const r = await cli(dir, args, { env: { NODE_OPTIONS: `--require=${probe}`, LOAD_PROBE_OUT: out } });
      const { bundles } = JSON.parse(readFileSync(out, 'utf8')) as { bundles: string[] };
      return { ...r, bundles: bundles.map((b) => b.split(/[\\/]/).pop()) };
    };
    for (const args of [['--version'], ['version']]) {
      const r = await bundlesRead(args);
      expect(r).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
      expect(r.bundles).toEqual(['boot.cjs']);
    }
    const more = await bundlesRead(['version', 'extra']);
    expect(more).toMatchObject({ code: 0, stdout: `${version}\n` });
    expect(more.bundles).toContain('cli.cjs');
  });

  // As git and gh do: the word as typed, the nearest command or option as a hint, exit 2.
  test.each([
    [[], 'error: no command given\nhint: see git agent-log help for the commands'],
    [['shwo'], "error: unknown command 'shwo'\nhint: did you mean 'show'?"],
    [['stauts'], "error: unknown command 'stauts'\nhint: did you mean 'stats'?"],
    [['hlep', 'show'], "error: unknown command 'hlep'\nhint: did you mean 'help'?"],
    [['st'], "error: unknown command 'st'\nhint: did you mean one of 'start', 'stats', 'stop'?"],
    [['frobnicate'], "error: unknown command 'frobnicate'\nhint: see git agent-log help for the commands"],
    [['seal-pendng'], "error: unknown command 'seal-pendng'\nhint: see git agent-log help for the commands"],
    [['-v'], "error: unknown option '-v'\nhint: see git agent-log help"],
    [['--', 'log'], "error: '--' before the command\nhint: see git agent-log help for the commands"],
    [['show', '--bogus'], "error: unknown option '--bogus' for show\nhint: see git agent-log show --help"],
    [['show', '--formt', 'md'], "error: unknown option '--formt' for show\nhint: did you mean '--format'?"],
    [['stats', '--no-pagr'], "error: unknown option '--no-pagr' for stats\nhint: did you mean '--no-pager'?"],
    [['log', '--nopager'], "error: unknown option '--nopager' for log\nhint: did you mean '--no-pager'?"],
    [['show', '--nocolor'], "error: unknown option '--nocolor' for show\nhint: did you mean '--no-color'?"],
    [['log', '-xv'], "error: unknown option '-x' for log\nhint: see git agent-log log --help"],
    [['log', 'HEAD'], "error: unexpected argument 'HEAD' for log\nhint: see git agent-log log --help"],
    [['blame'], 'error: blame needs <target>\nhint: usage: git agent-log blame <target>'],
    [
      ['import', 'claude-code'],
      'error: import needs <files..>\nhint: usage: git agent-log import <agent> <files..>',
    ],
    [['approve'], 'error: approve needs --for\nhint: see git agent-log approve --help'],
    [['show', '--format', 'xml'], "error: --format: 'xml' is not one of md, json, html"],
    [['doctor', '--depth', 'all'], "error: --depth: expected a whole number, got 'all'"],
    [['context', '--max-chars', 'lots'], "error: --max-chars: expected a whole number, got 'lots'"],
  ])('git agent-log %j', async (args, stderr) => {
    const repo = await repoWith();
    const r = await cli(repo, args);
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({
      code: 2,
      stdout: '',
      stderr: `${stderr}\n`,
    });
  });
});

describe('init and plain git log', () => {
  test('init leaves `git log` as it was; --display opts in; the documented alias gives one line per run', async () => {
    const repo = await repoWith();
    await ok(repo, ['init']);
    const id = await recordedRun(repo, 'tighten the signup validation');
    const plain = await repo.git('log');
    expect(plain).not.toContain('agent-log/v1');
    expect(plain).not.toContain(`"id":"${id}"`);
    // the README's alias, as written there
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const alias = /git config alias\.runs '([^']+)'/.exec(readme)?.[1];
    expect(alias).toBeDefined();
    const head = (await repo.git('rev-parse', '--short=7', 'HEAD')).trim();
    const env = gitEnv({ PATH: `${join(ROOT, 'bin')}${delimiter}${process.env.PATH}` });
    const out = execFileSync('git', ['-c', `alias.runs=${alias}`, 'runs'], {
      cwd: repo.dir,
      env,
      encoding: 'utf8',
    });
    expect(out).toBe(`${head} ${id.slice(0, 7)} completed ✓1 tighten the signup validation\n`);

    await ok(repo, ['init', '--display']);
    expect(await repo.git('log', '-1')).toContain(`"id":"${id}"`);
    await ok(repo, ['init']); // a plain init leaves the choice as it is
    expect(await repo.git('log', '-1')).toContain(`"id":"${id}"`);
    const off = await ok(repo, ['init', '--no-display']);
    expect(off.stdout).toContain('notes.displayRef: dropped refs/notes/agent-log');
    expect(await repo.git('log', '-1')).not.toContain('agent-log/v1');
    expect(await repo.git('config', '--get-all', 'notes.displayRef').catch(() => '')).toBe('');
  });
});

describe('show on a terminal', () => {
  const task = 'keep `ms <= 0` out | and never `npm test || true`';

  test('renders the packet: headings, aligned tables, no Markdown escapes, colour unless NO_COLOR', async () => {
    const repo = await repoWith();
    await ok(repo, ['init']);
    const id = await recordedRun(repo, task, { approve: true });
    const plain = onTerminal(repo, ['show', id, '--no-pager'], { NO_COLOR: '1' });
    expect(plain).not.toContain('\u001b');
    expect(plain).toContain(`Agent run ${id}\n`);
    // the task's own backticks, `<` and `|` as typed, without the packet's escapes
    expect(plain).toContain(`Task: ${task}\n`);
    expect(plain).not.toMatch(/\\[<|`*_]/);
    expect(plain).not.toMatch(/^#{1,6} \S|^\|/m);
    // the Approvals table: header and row start their columns at the same offsets
    const rows = plain.split('\n');
    const header = rows.findIndex((l) => /^By\s+Scope\s+Decision/.test(l));
    expect(header).toBeGreaterThan(0);
    const row = rows[header + 2]!;
    expect(row.startsWith('Ann Reviewer')).toBe(true);
    expect(row.indexOf('PR creation')).toBe(rows[header]!.indexOf('Scope'));
    expect(row.indexOf('approved')).toBe(rows[header]!.indexOf('Decision'));

    const coloured = onTerminal(repo, ['show', id, '--no-pager']);
    expect(coloured).toContain('\u001b[1m');
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).toBe(plain);
    // a dumb terminal gets no colour either, as from git; nor does log there
    expect(onTerminal(repo, ['show', id, '--no-pager'], { TERM: 'dumb' })).toBe(plain);
    expect(onTerminal(repo, ['log', '--no-pager'])).toContain('\u001b[');
    expect(onTerminal(repo, ['log', '--no-pager'], { TERM: 'dumb' })).not.toContain('\u001b');
  });

  test('fits the terminal: prose wraps at its width, a long command wraps inside its table column', async () => {
    const repo = await repoWith();
    await ok(repo, ['init']);
    const long =
      'an intent long enough to need three lines on a sixty-column terminal, as real prompts often are, ' +
      'with a path like /Users/alice/src/payments/api/charge.ts in it';
    const script =
      'node -e "process.exit(0)" && echo all forty-two suites of the payment service passed || true';
    await ok(repo, ['start', '--task', long]);
    repo.write('src/charge.ts', 'export const retries = 3;\n');
    await ok(repo, ['exec', '--check', 'test', '--', 'bash', '-c', script]);
    await repo.commit('retry charges');
    await ok(repo, ['finish']);

    const plain = onTerminal(repo, ['show', '--no-pager'], { NO_COLOR: '1' }, 60);
    const lines = plain.split('\n');
    // code blocks (indented four spaces: the rollback commands) are left for copying as they are
    const wide = lines.filter((l) => !l.startsWith('    ') && [...l].length > 60);
    expect(wide).toEqual([]);
    // the task, rejoined from its wrapped lines, is the task as given
    const task = lines.findIndex((l) => l.startsWith('Task: '));
    const taskLines = lines.slice(task, lines.indexOf('', task));
    expect(taskLines.length).toBeGreaterThan(2);
    expect(taskLines.join(' ')).toBe(`Task: ${long}`);
    // the command column, read back line by line between its header's column starts
    const header = lines.findIndex((l) => /^#\s+Command\s+Kind\s+Exit/.test(l));
    expect(header).toBeGreaterThan(0);
    const from = lines[header]!.indexOf('Command');
    const to = lines[header]!.indexOf('Kind');
    const rows = lines.slice(header + 2, lines.indexOf('', header));
    expect(rows.length).toBeGreaterThan(1);
    expect(rows[0]!.slice(to).split(/\s+/).slice(0, 2)).toEqual(['test', '0']);
    expect(rows.map((r) => r.slice(from, to).trim()).join(' ')).toBe(script);

    const coloured = onTerminal(repo, ['show', '--no-pager'], {}, 60);
    expect(coloured).toContain('\u001b[');
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).toBe(plain);
    // every line closes the styles it opened: none bleeds into the next line or the prompt
    for (const line of coloured.split('\n')) {
      const codes = [...line.matchAll(/\u001b\[([0-9;]*)m/g)].map((m) => m[1]);
      if (codes.length) expect(codes.at(-1), line).toBe('0');
    }
  });

  test('the Markdown itself with --format md on a terminal, and whenever stdout is a pipe', async () => {
    const repo = await repoWith();
    await ok(repo, ['init']);
    const id = await recordedRun(repo, task);
    const piped = (await ok(repo, ['show', id])).stdout;
    expect(piped).toMatch(new RegExp(`^# Agent run \`${id}\``));
    expect(piped).toContain('**Task:** keep \\`ms \\<= 0\\` out \\| and never \\`npm test \\|\\| true\\`');
    const md = onTerminal(repo, ['show', id, '--format', 'md', '--no-pager']);
    expect(md).toBe(piped);
  });

  test('pages through $GIT_PAGER on a terminal, not with --no-pager', async () => {
    const repo = await repoWith();
    await ok(repo, ['init']);
    const id = await recordedRun(repo, 'paged');
    const pager = `sed 's/^/paged: /'`;
    const env = { GIT_PAGER: pager, NO_COLOR: '1' };
    expect(onTerminal(repo, ['show', id], env)).toMatch(/^paged: Agent run/);
    expect(onTerminal(repo, ['show', id, '--no-pager'], env)).toMatch(/^Agent run/);
    // git's order: GIT_PAGER, then core.pager, then PAGER
    await repo.git('config', 'core.pager', `sed 's/^/core: /'`);
    const noEnvPager = { NO_COLOR: '1', GIT_PAGER: undefined, PAGER: `sed 's/^/env: /'` };
    expect(onTerminal(repo, ['show', id], noEnvPager)).toMatch(/^core: Agent run/);
    expect(onTerminal(repo, ['show', id], env)).toMatch(/^paged: Agent run/);
    await repo.git('config', '--unset', 'core.pager');
    expect(onTerminal(repo, ['show', id], noEnvPager)).toMatch(/^env: Agent run/);
    // as a git extension: `git --no-pager agent-log …` and `pager.agent-log=false` are git's own ways
    const viaGit = (gitArgs: string[]) => {
      const r = spawnSync(
        'script',
        ['-qec', ['git', ...gitArgs, 'agent-log', 'log'].join(' '), '/dev/null'],
        {
          cwd: repo.dir,
          env: gitEnv({ ...env, PATH: `${join(ROOT, 'bin')}${delimiter}${process.env.PATH}` }),
          encoding: 'utf8',
        },
      );
      expect(r.status, r.stderr).toBe(0);
      return r.stdout.replace(/\r\n/g, '\n');
    };
    const paged = viaGit([]);
    expect(paged).toMatch(new RegExp(`^paged: ${id.slice(0, 7)} `));
    expect(viaGit(['--no-pager'])).toBe(paged.replace(/^paged: /gm, ''));
    expect(viaGit(['-c', 'pager.agent-log=false'])).toBe(paged.replace(/^paged: /gm, ''));
  });
});

describe('empty states', () => {
  test('log with no runs says so on stderr; query with no match exits 1 like grep', async () => {
    const repo = await repoWith();
    await ok(repo, ['init']);
    const log = await ok(repo, ['log']);
    expect(log.stdout).toBe('');
    expect(log.stderr).toBe('no runs recorded in this repository\n');
    const none = await cli(repo, ['query', '--agent', 'nobody']);
    expect(none).toEqual({ code: 1, stdout: '', stderr: '' });
    const json = await cli(repo, ['query', '--agent', 'nobody', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual([]);
    const id = await recordedRun(repo, 'one run');
    expect((await ok(repo, ['query', '--agent', 'manual', '--format', '%id'])).stdout).toBe(`${id}\n`);
  });

  test('show on a commit made by hand points to log; verify with no remote and no records adds no fetch hint', async () => {
    const bare = await repoWith();
    const first = (await bare.git('rev-parse', 'HEAD')).slice(0, 12);
    const none = await cli(bare, ['verify']);
    expect(none).toEqual({
      code: 1,
      stdout: '',
      stderr: `error: no agent-log record on HEAD (${first})\nhint: git agent-log log lists the recorded runs\n`,
    });
    await ok(bare, ['init']);
    await recordedRun(bare, 'recorded');
    bare.write('notes.txt', 'by hand\n');
    const head = (await bare.commit('by hand')).slice(0, 12);
    const show = await cli(bare, ['show']);
    expect(show).toEqual({
      code: 1,
      stdout: '',
      stderr: `error: no agent-log record on HEAD (${head})\nhint: git agent-log log lists the recorded runs\n`,
    });
  });

  test('log tells how to get records the remote has that are not fetched, and merges fetched ones', async () => {
    const bare = tempDir('agent-log-bare-');
    execFileSync('git', ['init', '-q', '--bare', bare], { env: gitEnv() });
    const a = await repoWith();
    await a.git('remote', 'add', 'origin', bare);
    await ok(a, ['init']);
    const id = await recordedRun(a, 'shared run');
    await a.git('push', '-q', 'origin', 'main', 'refs/notes/agent-log');

    const b = tempDir('agent-log-clone-');
    execFileSync('git', ['clone', '-q', bare, b], { env: gitEnv() });
    const unfetched = await ok(b, ['log']);
    expect(unfetched.stdout).toBe('');
    expect(unfetched.stderr).toBe(
      'no runs recorded in this repository\n' +
        'hint: records on origin, if any, are not fetched: run `git agent-log sync origin` ' +
        '(or `git agent-log init` to fetch them with every `git fetch`)\n',
    );
    execFileSync(
      'git',
      ['fetch', '-q', 'origin', 'refs/notes/agent-log:refs/notes/remotes/origin/agent-log'],
      {
        cwd: b,
        env: gitEnv(),
      },
    );
    // Read commands merge fetched records themselves (locally, by compare-and-swap).
    const merged = await ok(b, ['log', '--format', '%id']);
    expect(merged.stderr).toBe('');
    expect((await ok(b, ['log', '--format', '%id'])).stdout).toBe(`${id}\n`);
  });
});

describe('empty states after init in a clone', () => {
  test('a clone whose init came before the remote had records says to fetch; after `git fetch` log lists the run', async () => {
    const bare = tempDir('agent-log-bare-');
    execFileSync('git', ['init', '-q', '--bare', bare], { env: gitEnv() });
    const a = await repoWith();
    await a.git('remote', 'add', 'origin', bare);
    await ok(a, ['init']);
    await a.git('push', '-q', 'origin', 'main');
    // b clones and runs init before a's records exist on the remote: its first fetch found none
    const b = tempDir('agent-log-clone-');
    execFileSync('git', ['clone', '-q', bare, b], { env: gitEnv() });
    await ok(b, ['init']);
    execFileSync('git', ['fetch', '-q'], { cwd: b, env: gitEnv() });
    const id = await recordedRun(a, 'shared later');
    await a.git('push', '-q', 'origin', 'main', 'refs/notes/agent-log');
    // b pulls the branch (a refspec on the command line fetches the branch alone, not the notes)
    execFileSync('git', ['pull', '-q', '--no-rebase', 'origin', 'main'], { cwd: b, env: gitEnv() });
    const before = await ok(b, ['log']);
    expect(before.stdout).toBe('');
    expect(before.stderr).toBe(
      'no runs recorded in this repository\n' +
        'hint: records on origin, if any, are not fetched yet: run `git fetch origin`\n',
    );
    execFileSync('git', ['fetch', '-q', 'origin'], { cwd: b, env: gitEnv() });
    const after = await ok(b, ['log', '--format', '%id']);
    expect({ stdout: after.stdout, stderr: after.stderr }).toEqual({ stdout: `${id}\n`, stderr: '' });
  });

  test('with no remote, commits whose Agent-Log: trailers name runs with no record are counted', async () => {
    const repo = await repoWith();
    await ok(repo, ['init']);
    repo.write('a.txt', '1\n');
    await repo.git('add', '-A');
    await repo.git('commit', '-q', '-m', 'one\n\nAgent-Log: k7f3q9x2mz');
    repo.write('a.txt', '2\n');
    await repo.git('add', '-A');
    await repo.git('commit', '-q', '-m', 'two\n\nAgent-Log: p2w8d4c6ha');
    repo.write('a.txt', '3\n');
    await repo.commit('three, by hand');
    const log = await ok(repo, ['log']);
    expect(log.stderr).toBe(
      'no runs recorded in this repository\n' +
        'hint: 2 commits here name runs (Agent-Log: trailers) with no record: ' +
        'sealed in another clone and not shared with this one?\n',
    );
  });
});

describe('pr, stats and the pager flag', () => {
  test('pr lists the approvals', async () => {
    const repo = await repoWith();
    await ok(repo, ['init']);
    await recordedRun(repo, 'approved run', { approve: true });
    const pr = (await ok(repo, ['pr'])).stdout;
    const section = pr.slice(pr.indexOf('## Approvals'), pr.indexOf('## Risks'));
    expect(section).toMatch(/^\| Ann Reviewer \| PR creation \| approved \| \d{4}-\d\d-\d\dT[\d:.]+Z \|/m);
  });

  test('stats: a completed run whose test failed or was weakened is not a success, and says why; tables fit the terminal', async () => {
    const repo = await repoWith();
    await ok(repo, ['init']);
    await recordedRun(repo, 'good run');
    await ok(repo, ['start', '--task', 'bad run']);
    repo.write('src/bad.ts', 'bad\n');
    const failed = await cli(repo, ['exec', '--check', 'unit', '--', 'node', '-e', 'process.exit(1)']);
    expect(failed.code).toBe(1);
    await repo.commit('bad run');
    await ok(repo, ['finish', '--status', 'completed']);
    // a test that cannot fail: it "passes", weakened
    await ok(repo, ['start', '--task', 'weakened run']);
    repo.write('src/weak.ts', 'weak\n');
    await ok(repo, ['exec', '--check', 'unit', '--', 'bash', '-c', `node -e 'process.exit(1)' || true`]);
    await repo.commit('weakened run');
    await ok(repo, ['finish']);
    const s = JSON.parse((await ok(repo, ['stats', '--json'])).stdout);
    expect(s.total.outcomes).toEqual({ completed: 3 });
    expect(s.total.succeeded).toBe(1);
    expect(s.total.success_rate).toBeCloseTo(1 / 3);
    expect(s.total.checks).toMatchObject({ total: 3, passed: 2, failed: 1, weakened: 1 });
    const text = (await ok(repo, ['stats', '--no-pager'])).stdout;
    expect(text).toMatch(/^all\s+3\s+33%/m);
    // check  runs  passed  failed  skipped  stale  weakened  retries
    expect(text).toMatch(/^check\s+runs\s+passed\s+failed\s+skipped\s+stale\s+weakened\s+retries$/m);
    expect(text).toMatch(/^unit\s+3\s+2\s+1\s+0\s+0\s+1\s+0$/m);
    expect(text).toContain(
      'success = completed, with every required check (test) passing, unweakened, after the last edit',
    );
    // on a 60-column terminal the 12-column agent table is dealt into stacked tables that fit
    const narrow = onTerminal(repo, ['stats', '--no-pager'], { NO_COLOR: '1' }, 60);
    const lines = narrow.split('\n');
    expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(60);
    expect(Math.max(...text.split('\n').map((l) => l.length))).toBeGreaterThan(60);
    const cells = (rows: string[]) =>
      rows.filter((l) => /^all\s/.test(l)).flatMap((l) => l.split(/\s+/).slice(1));
    const allRows = lines.filter((l) => /^all\s/.test(l));
    expect(allRows.length).toBeGreaterThan(1);
    expect(cells(lines)).toEqual(cells(text.split('\n')));
    // the check table too: its columns still line up (right-aligned numbers under their heading)
    const checkHead = lines.find((l) => /^check\s/.test(l))!;
    const unitRow = lines.find((l) => /^unit\s/.test(l))!;
    expect(unitRow).toMatch(/^unit\s+3\s+2\s/);
    expect(unitRow.indexOf(' 3 ') + 2).toBe(checkHead.indexOf('runs') + 4);
    for (const word of ['success', 'retries', 'p50/p90', 'breaches', 'tokens', 'cost'])
      expect(lines.filter((l) => /^agent\s/.test(l)).join(' ')).toContain(word);
    // log marks the weakened check apart from a real pass
    const log = (await ok(repo, ['log', '--format', '%checks %intent'])).stdout;
    expect(log).toBe('?1 weakened run\n✗1 bad run\n✓1 good run\n');
  });

  test('every command that pages accepts --no-pager', async () => {
    const repo = await repoWith();
    await ok(repo, ['init']);
    const id = await recordedRun(repo, 'paged run');
    for (const args of [
      ['log'],
      ['query', '--agent', 'manual'],
      ['stats'],
      ['show', id],
      ['pr', id],
      ['blame', 'src/app.ts'],
    ])
      await ok(repo, [...args, '--no-pager']);
  });
});

describe('exec judges shell commands as agent commands are judged', () => {
  test('`exec --check test -- bash -c "… || true"` is a weakened test; --check names the kind', async () => {
    const repo = await repoWith();
    await ok(repo, ['init']);
    await ok(repo, ['start', '--task', 'weakened']);
    repo.write('src/app.ts', 'x\n');
    await ok(repo, ['exec', '--check', 'test', '--', 'bash', '-c', `node -e 'process.exit(3)' || true`]);
    await ok(repo, ['exec', '--check', 'unit-tests', '--', 'sh', '-c', './no-such-runner.sh || true']);
    await repo.commit('weakened');
    await ok(repo, ['finish']);
    const note = await repo.git('notes', '--ref=agent-log', 'show', 'HEAD');
    const record = note
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .find((l) => l.kind === 'record');
    expect(record.commands.map((c: { command: string; kind: string }) => [c.command, c.kind])).toEqual([
      [`node -e 'process.exit(3)' || true`, 'test'],
      ['./no-such-runner.sh || true', 'test'],
    ]);
    expect(
      record.checks.map((c: { name: string; status: string; weakened: string | null }) => [
        c.name,
        c.status,
        c.weakened,
      ]),
    ).toEqual([
      ['test', 'passed', 'exit code ignored (|| true)'],
      ['unit-tests', 'passed', 'exit code ignored (|| true)'],
    ]);
    const verify = await cli(repo, ['verify']);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain('check test was weakened: exit code ignored (|| true)');
    // log and blame show them apart from real passes
    expect((await ok(repo, ['log', '--format', '%checks'])).stdout).toBe('?2\n');
    const blame = (await ok(repo, ['blame', 'src/app.ts'])).stdout;
    expect(blame).toMatch(/ manual {2}completed {2}\S+ \S+ {2}\?2\n/);
    expect(blame).toContain('  check: passed test, weakened: exit code ignored (|| true)\n');
    expect(blame).toContain('  check: passed unit-tests, weakened: exit code ignored (|| true)\n');
  });
});

/** A clone set up with `init --pre-push` whose recorded run was pushed to its bare remote. */
async function pushedRun() {
  const remote = await tempRepo({ bare: true });
  cleanups.push(() => remote.cleanup());
  const repo = await repoWith();
  await repo.git('remote', 'add', 'origin', remote.dir);
  await ok(repo, ['init', '--pre-push']);
  await recordedRun(repo, 'pushed run');
  await repo.git('push', '-q', 'origin', 'main');
  return { repo, remote };
}

/** One command's section of the man page source, roff escapes of `-` undone. */
function manSection(usage: string): string {
  const text = readFileSync(join(ROOT, 'man', 'man1', 'git-agent-log.1'), 'utf8').replace(/\\-/g, '-');
  const start = text.indexOf(`.SS "git agent-log ${usage}"`);
  expect(start, usage).toBeGreaterThan(0);
  return text.slice(start).split('\n.SS ')[0]!;
}

/** The option entries of a man page section: each `.B` line after `.TP`, with the text under it. */
function manEntries(section: string): { names: string; text: string }[] {
  return [...section.matchAll(/^\.TP\n\.B (.*)\n(.*)$/gm)].map((m) => ({ names: m[1]!, text: m[2]! }));
}

describe('the man page', () => {
  test('an option that is on by default reads --[no-]NAME with its own words, not --no-NAME with the opposite', () => {
    // `init --hooks` installs the hooks by default; `--no-hooks` does not install them.
    const hooks = manEntries(manSection('init')).find((e) => /hooks\b/.test(e.names));
    expect(hooks?.names).toBe('--[no-]hooks');
    expect(hooks?.text).toMatch(/^install .*\(default: on\)$/);
    const pager = manEntries(manSection('show [ref]')).find((e) => /pager/.test(e.names));
    expect(pager?.names).toBe('--[no-]pager');
  });

  test('lists each option of a command once: an alias is named beside its option, not again alone', () => {
    for (const usage of ['log', 'query']) {
      const names = manEntries(manSection(usage)).map((e) => e.names.split(' ')[0]!.replace(/,$/, ''));
      expect(
        names.filter((n) => n === '--max-count'),
        usage,
      ).toEqual([]);
      expect(
        names.filter((n) => n === '-n'),
        usage,
      ).toHaveLength(1);
      expect(new Set(names).size, `${usage}: ${names.join(' ')}`).toBe(names.length);
    }
  });
});

describe('help that tells the whole story', () => {
  test('`help init` says the pre-push hook shares the records of pushed commits, as `git push` then does', async () => {
    const { repo, remote } = await pushedRun();
    expect(await remote.git('for-each-ref', '--format=%(refname)', 'refs/notes/')).toBe(
      'refs/notes/agent-log\n',
    );
    const help = (await ok(repo, ['help', 'init'])).stdout;
    const entry = help
      .slice(help.indexOf('--pre-push'))
      .split(/\n\s+--/)[0]!
      .replace(/\s+/g, ' ');
    expect(entry).toMatch(/shares? the records of (the )?pushed commits/);
  });

  test('`help log` and `help query` list every --format placeholder, and each one is expanded', async () => {
    // the placeholders the README documents for `--format`
    const documented = 'id short date agent model status intent checks files branch commit hash risk cost';
    const repo = await repoWith();
    await recordedRun(repo, 'format me');
    for (const command of ['log', 'query']) {
      const help = (await ok(repo, ['help', command])).stdout.replace(/\s+/g, ' ');
      for (const name of documented.split(' ')) {
        expect(help, `${command}: %${name}`).toContain(`%${name}`);
        const line = (await ok(repo, [command, '--no-pager', '--format', `<%${name}>`])).stdout;
        expect(line, `${command} --format %${name}`).not.toContain(`%${name}`);
      }
      expect(help).toContain('%n');
      expect(help).toContain('%%');
    }
  });
});

describe('a bare repository (the team remote)', () => {
  test('doctor finds nothing to fix in the remote a clone pushes its records to, and names no fix that fails there', async () => {
    const { remote } = await pushedRun();
    const doctor = await cli(remote, ['doctor', '--json']);
    const report = JSON.parse(doctor.stdout) as { findings: { level: string; what: string; fix?: string }[] };
    expect(report.findings.filter((f) => f.level === 'problem')).toEqual([]);
    expect(doctor.code, doctor.stderr).toBe(0);
    // every `git agent-log …` a finding suggests runs there
    for (const f of report.findings.filter((x) => x.fix))
      for (const fix of f.fix!.split(/, or |; /).filter((x) => x.startsWith('git agent-log ')))
        expect((await cli(remote, fix.split(' ').slice(2))).code, fix).toBe(0);
    expect((await cli(remote, ['init'])).code).toBe(2); // which is why doctor must not ask for it
  });
});

/** Claude Code's hook calls for one session in `repo`, sent to `hook claude-code` directly. */
function claudeSession(repo: TempRepo) {
  return claudeHookSession(repo, (payload) =>
    cli(repo, ['hook', 'claude-code'], {
      input: JSON.stringify(payload),
      env: { AGENT_LOG_NO_BACKGROUND: '1' },
    }),
  );
}

describe('stop, the kill switch', () => {
  test('with no ID it stops only runs going on: not a session that ended, nor the run before a /clear', async () => {
    const repo = await repoWith();
    await ok(repo, ['install', 'claude-code']);
    const ended = claudeSession(repo);
    await ended.hook('SessionStart', { source: 'startup' });
    await ended.hook('UserPromptSubmit', { prompt: 'list the files' });
    await ended.bash('ls');
    await ended.hook('Stop');
    await ended.hook('SessionEnd', { reason: 'prompt_input_exit' });
    const none = await cli(repo, ['stop', '--reason', 'enough']);
    expect(none.stderr).toMatch(/^error: no live run in this worktree\n/);
    expect(none.code).toBe(1);

    const live = claudeSession(repo);
    await live.hook('SessionStart', { source: 'startup' });
    await live.hook('UserPromptSubmit', { prompt: 'first task' });
    await live.bash('git status');
    await live.hook('SessionStart', { source: 'clear' });
    await live.hook('UserPromptSubmit', { prompt: 'second task' });
    await live.bash('git diff');
    const stopped = await ok(repo, ['stop', '--reason', 'enough']);
    const ids = stopped.stdout.trim().split('\n');
    expect(ids).toHaveLength(1);
    // the one stopped is the run the next tool call belongs to: that call is refused
    const t = 'toolu_01' + 'A'.repeat(22);
    const refused = await live.hook('PreToolUse', {
      tool_name: 'Bash',
      tool_use_id: t,
      tool_input: { command: 'ls' },
    });
    expect(JSON.parse(refused.stdout).hookSpecificOutput.permissionDecision).toBe('deny');
    const runs = JSON.parse((await ok(repo, ['log', '--json'])).stdout) as {
      id: string;
      task: { intent: string };
    }[];
    expect(runs.find((r) => r.id === ids[0])?.task.intent).toBe('second task');
  });
});

describe('show on an 80-column terminal', () => {
  test('a table that must shrink wraps its prose at spaces and keeps a timestamp, an ID or a path whole', async () => {
    const repo = await repoWith();
    await ok(repo, ['init']);
    const note = 'deployment not approved until the load test has run';
    await ok(repo, ['start', '--task', 'validate signup']);
    repo.write('src/app.ts', 'export const v = 1;\n');
    await ok(repo, ['approve', '--by', 'Ann Reviewer', '--for', 'PR creation', '--note', note]);
    await repo.commit('validate');
    await ok(repo, ['finish']);
    const lines = onTerminal(repo, ['show', '--no-pager'], { NO_COLOR: '1' }, 80).split('\n');
    expect(lines.filter((l) => !l.startsWith('    ') && [...l].length > 80)).toEqual([]);
    const header = lines.findIndex((l) => /^By\s+Scope\s+Decision\s+When\s+Note/.test(l));
    expect(header).toBeGreaterThan(0);
    const rows = lines.slice(header + 2, lines.indexOf('', header));
    // the approval's time as git's own ISO form, whole on the row's first line
    expect(rows[0]).toMatch(/ \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /);
    // the note, read back from its column, is the note as given, broken only at spaces
    const at = lines[header]!.indexOf('Note');
    expect(rows.map((r) => r.slice(at).trim()).join(' ')).toBe(note);
  });
});

describe('log, newest first', () => {
  test('runs waiting for a commit are listed newest first too, whatever agent or journal they came from', async () => {
    const repo = await repoWith();
    const corpus = join(ROOT, 'test', 'fixtures', 'corpus');
    const sessions: [string, string][] = [
      ['claude-code', 'claude-code/spotter/short.jsonl'],
      ['codex', 'codex/codemie/rollout-2026-05-11T11-26-55-019e1625-789d-76c0-80ab-3724b5ddb799.jsonl'],
      ['gemini', 'gemini/codemie/session-2025-12-01T21-45-5b959dae.json'],
      ['claude-code', 'claude-code/codemie/4c2ddfdc-b619-4525-8d03-1950fb1b0257.jsonl'],
    ];
    for (const [agent, file] of sessions) await ok(repo, ['import', agent, join(corpus, file)]);
    await ok(repo, ['start', '--task', 'a manual run, open now']);
    const runs = JSON.parse((await ok(repo, ['log', '--json'])).stdout) as {
      id: string;
      started_at: string;
    }[];
    expect(runs).toHaveLength(5);
    const starts = runs.map((r) => Date.parse(r.started_at));
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
    // the one-line form lists them in the same order
    const lines = (await ok(repo, ['log', '--no-pager', '--format', '%id'])).stdout.trim().split('\n');
    expect(lines).toEqual(runs.map((r) => r.id));
  });
});
