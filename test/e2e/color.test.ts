// Colour as git users expect it: `--color[=WHEN]` / `--no-color` on show, log and query, NO_COLOR,
// CLICOLOR_FORCE / CLICOLOR, git's own `color.ui` / `color.agent-log`, and git's pager when git runs
// us as `git agent-log` with `pager.agent-log` set. Through the built CLI, on a pseudo-terminal
// where it matters, on a real repository.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BIN, cli, type TempRepo, tempRepo } from '../helpers/repo.js';
import { commandOnTerminal, onTerminal } from '../helpers/terminal.js';

const ESC = '\u001b[';
const strip = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');

let repo: TempRepo;
let id: string;

beforeAll(async () => {
  repo = await tempRepo({ files: { 'README.md': '# demo\n' } });
  const run = async (args: string[]) => {
    const r = await cli(repo, args);
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r.stdout;
  };
  id = (await run(['start', '--task', 'colour the payment retry path'])).trim();
  repo.write('src/pay.ts', 'export const retries = 3;\n');
  await run(['exec', '--check', 'unit', '--', 'node', '-e', 'console.log("3 passed")']);
  await repo.commit('pay: retries');
  await run(['finish']);
});
afterAll(() => repo.cleanup());

describe('on a terminal', () => {
  test('colour by default; git config color.ui never or color.agent-log never turns it off, --color back on', async () => {
    const coloured = onTerminal(repo, ['log', '--no-pager']);
    expect(coloured).toContain(ESC);
    const plain = strip(coloured);
    expect(plain).toContain(id.slice(0, 7));

    await repo.git('config', 'color.ui', 'never');
    try {
      expect(onTerminal(repo, ['log', '--no-pager'])).toBe(plain);
      expect(onTerminal(repo, ['log', '--no-pager', '--color'])).toBe(coloured);
      expect(onTerminal(repo, ['log', '--no-pager', '--color=always'])).toBe(coloured);
      // color.agent-log is read before color.ui, as git reads color.diff before color.ui
      await repo.git('config', 'color.agent-log', 'auto');
      expect(onTerminal(repo, ['log', '--no-pager'])).toBe(coloured);
      await repo.git('config', 'color.agent-log', 'false');
      await repo.git('config', 'color.ui', 'auto');
      expect(onTerminal(repo, ['log', '--no-pager'])).toBe(plain);
    } finally {
      await repo.git('config', '--unset', 'color.ui');
      await repo.git('config', '--unset', 'color.agent-log');
    }
  });

  test('--no-color, --color=never, NO_COLOR and CLICOLOR=0 turn it off; the flag wins over NO_COLOR', () => {
    const coloured = onTerminal(repo, ['show', id, '--no-pager']);
    expect(coloured).toContain(`${ESC}1m`);
    const plain = strip(coloured);
    expect(onTerminal(repo, ['show', id, '--no-pager', '--no-color'])).toBe(plain);
    expect(onTerminal(repo, ['show', id, '--no-pager', '--color=never'])).toBe(plain);
    expect(onTerminal(repo, ['show', id, '--no-pager'], { NO_COLOR: '1' })).toBe(plain);
    expect(onTerminal(repo, ['show', id, '--no-pager'], { CLICOLOR: '0' })).toBe(plain);
    expect(onTerminal(repo, ['show', id, '--no-pager', '--color'], { NO_COLOR: '1' })).toBe(coloured);
  });
});

describe('into a pipe', () => {
  test('no colour unless asked: --color=always or CLICOLOR_FORCE; the fast and the full path agree', async () => {
    const plain = await cli(repo, ['query', '--file', 'src/pay.ts']);
    expect(plain.code).toBe(0);
    expect(plain.stdout).not.toContain(ESC);
    for (const slow of [undefined, '1']) {
      const env = { AGENT_LOG_SLOW_PATH: slow };
      const forced = await cli(repo, ['query', '--file', 'src/pay.ts', '--color=always'], { env });
      expect(forced.stdout).toContain(ESC);
      expect(strip(forced.stdout)).toBe(plain.stdout);
      const bare = await cli(repo, ['query', '--color', '--file', 'src/pay.ts'], { env });
      expect(bare.stdout).toBe(forced.stdout);
      const byEnv = await cli(repo, ['query', '--file', 'src/pay.ts'], {
        env: { ...env, CLICOLOR_FORCE: '1' },
      });
      expect(byEnv.stdout).toBe(forced.stdout);
      // piped, show stays Markdown: --color picks colour, not the form
      const md = await cli(repo, ['show', id, '--color=always'], { env });
      expect(md.stdout).toMatch(/^# /m);
      expect(md.stdout).not.toContain(ESC);
    }
  });

  test('a colour word other than always, never or auto is a usage error: one line, exit 2', async () => {
    const r = await cli(repo, ['log', '--color=blue']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('blue');
  });
});

describe("under git's pager (pager.agent-log)", () => {
  let bin: string;
  beforeAll(() => {
    // `git agent-log` finds git-agent-log on PATH, as after `npm install -g`
    bin = mkdtempSync(join(tmpdir(), 'agent-log-bin-'));
    const shim = join(bin, 'git-agent-log');
    writeFileSync(shim, `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`);
    chmodSync(shim, 0o755);
  });
  afterAll(() => rmSync(bin, { recursive: true, force: true }));

  test('show is rendered for the terminal, with colour, as on the terminal itself', () => {
    // git takes a pager of `cat` for none at all: sed passes the text through as a pager
    const env = { PATH: `${bin}${delimiter}${process.env.PATH}`, GIT_PAGER: 'sed -n p' };
    const command = ['git', '-c', 'pager.agent-log=true', 'agent-log', 'show', id];
    const paged = commandOnTerminal(repo.dir, command, env);
    const direct = onTerminal(repo, ['show', id, '--no-pager']);
    expect(paged).toContain(`${ESC}1m`);
    expect(paged).not.toMatch(/^#{1,6} /m);
    expect(paged).toBe(direct);
    // without git's pager the same invocation into a pipe is Markdown
    const viaGit = commandOnTerminal(repo.dir, ['sh', '-c', 'git agent-log show "$1" | cat', 'sh', id], env);
    expect(viaGit).toMatch(/^# /m);
  });
});
