// A new user's first hour again, from the installed tool (ninth session): what still surprised after
// the first-contact fixes. Each test is one surprise, through the built CLI on a real repository.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { cli, ROOT, type TempRepo, tempRepo } from '../helpers/repo.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function repoWith(files: Record<string, string> = { 'README.md': '# demo\n' }) {
  const repo = await tempRepo({ files });
  cleanups.push(() => repo.cleanup());
  return repo;
}

async function ok(repo: TempRepo | string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = await cli(repo, args, { env });
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r;
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
    const remote = await tempRepo({ bare: true });
    cleanups.push(() => remote.cleanup());
    const repo = await repoWith();
    await repo.git('remote', 'add', 'origin', remote.dir);
    await ok(repo, ['init', '--pre-push']);
    await ok(repo, ['start', '--task', 'share me']);
    repo.write('src/a.ts', 'export const a = 1;\n');
    await repo.commit('a');
    await ok(repo, ['finish']);
    await repo.git('push', '-q', 'origin', 'main');
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
    await ok(repo, ['start', '--task', 'format me']);
    repo.write('src/a.ts', 'export const a = 1;\n');
    await repo.commit('a');
    await ok(repo, ['finish']);
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
    const remote = await tempRepo({ bare: true });
    cleanups.push(() => remote.cleanup());
    const repo = await repoWith();
    await repo.git('remote', 'add', 'origin', remote.dir);
    await ok(repo, ['init', '--pre-push']);
    await ok(repo, ['start', '--task', 'pushed run']);
    repo.write('src/a.ts', 'export const a = 1;\n');
    await repo.commit('a');
    await ok(repo, ['finish']);
    await repo.git('push', '-q', 'origin', 'main');

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
